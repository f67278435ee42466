"""AWS-shaped error responses, for the rare crash the patches do not prevent (never an HTTP 500 page)."""

from __future__ import annotations

import json
import uuid
from typing import Any
from xml.sax.saxutils import escape


def error_response(environ: dict[str, Any], exc: BaseException) -> tuple[str, list[tuple[str, str]], bytes]:
    """A 400 in the request's protocol: JSON for X-Amz-Target APIs (ECS...), XML for query APIs (EC2, ...)."""
    code, message = _code_and_message(exc)
    request_id = str(uuid.uuid4())
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    content_type = environ.get("CONTENT_TYPE", "")
    if target or "json" in content_type:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", request_id)]
    elif _is_ec2(environ):
        body = (
            f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    else:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    headers.append(("Content-Length", str(len(body))))
    return "400 Bad Request", headers, body


def _code_and_message(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, NotImplementedError):
        return "InvalidAction", f"This operation or parameter is not supported by the emulator: {exc}"
    return "InvalidParameterException", f"{type(exc).__name__}: {exc}"


def _is_ec2(environ: dict[str, Any]) -> bool:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    return "/ec2/aws4_request" in auth
