"""AWS-shaped error responses, for the rare crash the patches do not prevent: never an HTTP 500 page and never
Python's text (the traceback goes to the emulator's log). The answer is the validation error of the request's
service, with the wording of AWS's common errors."""

from __future__ import annotations

import json
import uuid
from typing import Any
from xml.sax.saxutils import escape


def error_response(environ: dict[str, Any], exc: BaseException) -> tuple[str, list[tuple[str, str]], bytes]:
    """A 400 in the request's protocol: JSON for X-Amz-Target APIs (ECS...), XML for query APIs (EC2, ...)."""
    code, message = _code_and_message(exc, environ, is_json_protocol(environ))
    return shaped_error(environ, code, message, "400 Bad Request")


def is_json_protocol(environ: dict[str, Any]) -> bool:
    return bool(environ.get("HTTP_X_AMZ_TARGET")) or "json" in environ.get("CONTENT_TYPE", "")


def shaped_error(environ: dict[str, Any], code: str, message: str,
                 status: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """An AWS error in the request's protocol: JSON (__type, message), EC2's XML or the query protocol's XML."""
    json_protocol = is_json_protocol(environ)
    request_id = str(uuid.uuid4())
    if json_protocol:
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
    return status, headers, body


# AWS's wording (the "Common Errors" of the AWS API references; ECS's own for InvalidParameterException)
ECS_INVALID = ("InvalidParameterException",
               "The specified parameter isn't valid. Review the available parameters for the API request.")
EC2_INVALID = ("InvalidParameterValue", "An invalid or out-of-range value was supplied for the input parameter.")
QUERY_INVALID = ("ValidationError", "The input fails to satisfy the constraints specified by an AWS service.")
JSON_INVALID = ("ValidationException", "The input fails to satisfy the constraints specified by an AWS service.")
UNSUPPORTED = ("InvalidAction", "This operation or parameter is not supported by the emulator.")


def _code_and_message(exc: BaseException, environ: dict[str, Any], json_protocol: bool) -> tuple[str, str]:
    if isinstance(exc, NotImplementedError):
        return UNSUPPORTED
    if json_protocol:
        return ECS_INVALID if "AmazonEC2ContainerService" in environ.get("HTTP_X_AMZ_TARGET", "") else JSON_INVALID
    return EC2_INVALID if _is_ec2(environ) else QUERY_INVALID


def _is_ec2(environ: dict[str, Any]) -> bool:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    return "/ec2/aws4_request" in auth
