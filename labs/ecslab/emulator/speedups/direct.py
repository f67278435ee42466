"""Answer AWS calls straight from moto's response classes, without Flask's per-request machinery.

moto's server builds one Flask app per service and, for each call, Flask pushes a request and an app context,
matches the URL, wraps the request form for debugging, runs CORS and builds a response: about a tenth of the
emulator's CPU in a class, for nothing a lab uses. `DirectDispatcher` keeps moto's own choice of service (its
DomainDispatcherApplication) and its own URL rules and view functions, and calls the view's callback as moto's
`convert_to_flask_response` does, with the same request class and response class, so the answer is the same.

A call from a browser (an Origin header, or a CORS preflight) still goes through Flask: there CORS matters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError
from flask import Response
from moto.core.request import Request
from moto.core.utils import convert_to_flask_response
from moto.moto_api import recorder
from werkzeug.exceptions import HTTPException

# The services whose calls take the direct path: those a lab uses. Any other goes through Flask unchanged.
DIRECT_SERVICES = frozenset({
    "applicationautoscaling", "autoscaling", "cloudwatch", "ec2", "ecr", "ecs", "elb", "elbv2", "events", "iam", "logs",
    "resourcegroupstaggingapi", "ssm", "sts",
})


class DirectRequest(Request):
    """The request moto's Flask app would hand its views (werkzeug_app.BackendRequest), minus Flask's mixin."""

    from_wsgi_server = True


class DirectDispatcher:
    """WSGI app: moto's DomainDispatcherApplication, with calls to DIRECT_SERVICES answered without Flask."""

    def __init__(self, dispatcher: Any):
        self.dispatcher = dispatcher
        self.routes: dict[tuple[int, str], tuple[str, dict[str, Any]]] = {}  # (app, method) → rule, for path "/"
        hosts: dict[str | None, Any] = {}
        find_backend = dispatcher.get_backend_for_host

        def backend_for_host(host: str | None) -> Any:
            """moto tries its few hundred URL patterns in turn for every call; the answer depends only on the host."""
            if host not in hosts:
                hosts[host] = find_backend(host)
            return hosts[host]

        dispatcher.get_backend_for_host = backend_for_host

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        app = self.dispatcher.get_application(environ)
        view = None
        if (getattr(app, "service", None) in DIRECT_SERVICES and "HTTP_ORIGIN" not in environ
                and environ.get("REQUEST_METHOD") != "OPTIONS"):
            view = self._view(app, environ)
        if view is None:
            return app(environ, start_response)
        return answer(view.callback, environ)(environ, start_response)

    def _view(self, app: Any, environ: dict[str, Any]) -> convert_to_flask_response | None:
        """The view moto's URL rules give this call, or None to let Flask answer (no rule: Flask's 404)."""
        method = environ.get("REQUEST_METHOD", "GET")
        key = (id(app), method)
        rule = self.routes.get(key) if environ.get("PATH_INFO") == "/" else None
        if rule is None:
            try:
                rule = app.url_map.bind_to_environ(environ).match(method=method)
            except HTTPException:
                return None
            if environ.get("PATH_INFO") == "/":
                self.routes[key] = rule
        endpoint, arguments = rule
        view = app.view_functions.get(endpoint)
        if arguments or not isinstance(view, convert_to_flask_response):
            return None  # moto's views take no URL arguments; anything else is not ours to second-guess
        return view


def answer(callback: Callable[..., Any], environ: dict[str, Any]) -> Response:
    """What moto's convert_to_flask_response returns for this call, built without a Flask request context."""
    request = DirectRequest(environ)
    try:
        recorder._record_request(request)  # moto's request recorder, when someone turned it on
        result = callback(request, request.raw_url, dict(request.headers))
    except ClientError as exc:
        result = 400, {}, exc.response["Error"]["Message"]
    if len(result) == 3:
        status, headers, content = result
    else:
        status, headers, content = 200, {}, result
    response = Response(response=content, status=status, headers=headers)
    if request.method == "HEAD" and "content-length" in headers:
        response.headers["Content-Length"] = headers["content-length"]
    return response
