"""The emulator answers the labs' calls without Flask (emulator.speedups.direct), and the answers are moto's own.

A call with an Origin header still goes through moto's Flask app (a browser needs its CORS headers), so the same
call made twice, once with Origin, compares the direct answer with Flask's, over HTTP, byte for byte apart from
what differs from one call to the next anyway (request ids, the date) and the CORS headers.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

REQUEST_ID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Z0-9]{52}", re.I)
VARYING_HEADERS = {"date", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2", "server", "x-amz-crc32"}
CORS = "access-control-allow-origin"


def answered(client: Any, call: Callable[[Any], Any], origin: str | None) -> dict[str, Any]:
    """The raw HTTP answer to CALL made with CLIENT (status, headers, body), with an Origin header if given."""
    seen: dict[str, Any] = {}

    def add_origin(request: Any, **_: Any) -> None:
        if origin:
            request.headers["Origin"] = origin

    def keep(response_dict: Any, **_: Any) -> None:
        seen.update(status=response_dict["status_code"], body=response_dict["body"],
                    headers={k.lower(): v for k, v in response_dict["headers"].items()})

    events = client.meta.events
    events.register_first("before-sign", add_origin)
    events.register_first("before-parse", keep)
    try:
        call(client)
    except ClientError:
        pass  # the error answers are compared too
    finally:
        events.unregister("before-sign", add_origin)
        events.unregister("before-parse", keep)
    return seen


def comparable(seen: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    if "x-amz-crc32" in seen["headers"]:  # a checksum of the body, which holds a request id: checked, not compared
        assert int(seen["headers"]["x-amz-crc32"]) == zlib.crc32(seen["body"])
    headers = {k: v for k, v in seen["headers"].items()
               if k not in VARYING_HEADERS and not k.startswith("access-control-") and k != "vary"}
    body = REQUEST_ID.sub(b"<id>", seen["body"])
    if "content-length" in headers:  # the ids masked above have one length; the body's own length is compared
        headers["content-length"] = str(len(body))
    return seen["status"], headers, body


CALLS = {
    "sts GetCallerIdentity": ("sts", lambda c: c.get_caller_identity()),
    "ec2 DescribeVpcs": ("ec2", lambda c: c.describe_vpcs()),
    "ec2 DescribeVpcs, id that does not exist": ("ec2", lambda c: c.describe_vpcs(VpcIds=["vpc-00000000"])),
    "ecs ListClusters": ("ecs", lambda c: c.list_clusters()),
    "ecs DescribeServices, cluster that does not exist": (
        "ecs", lambda c: c.describe_services(cluster="nao-existe", services=["x"])),
    "iam ListRoles": ("iam", lambda c: c.list_roles()),
    "elbv2 DescribeLoadBalancers": ("elbv2", lambda c: c.describe_load_balancers()),
    "logs DescribeLogGroups": ("logs", lambda c: c.describe_log_groups()),
    "autoscaling DescribeAutoScalingGroups": ("autoscaling", lambda c: c.describe_auto_scaling_groups()),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_direct_answer_is_the_answer_of_motos_flask_app(sessao, name):
    service, call = CALLS[name]
    client = sessao.client(service)
    direct = answered(client, call, origin=None)
    through_flask = answered(client, call, origin="http://localhost:8000")
    assert CORS in through_flask["headers"], "a call with Origin must still go through Flask (CORS headers)"
    # moto's Flask app sends CORS headers to every call (flask-cors' always_send): their absence shows the
    # call without Origin did not go through Flask.
    assert CORS not in direct["headers"], "the call without Origin went through Flask"
    assert comparable(direct) == comparable(through_flask)
