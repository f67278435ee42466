"""Every ECS request's enum members checked against botocore's model of the API, before moto sees the request
(rules.enum_values): moto stored and echoed any value (networkMode "awsvp"), where AWS refuses it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ecslab.behaviour.rules import enum_values

_shapes: dict[str, enum_values.Shape | None] = {}  # operation -> its input's plain shape (None: no enum in it)


def _plain(shape: Any, seen: frozenset[str] = frozenset()) -> enum_values.Shape | None:
    """The parts of a botocore shape that lead to an enum, as plain data; None when none does."""
    if shape.name in seen:  # a recursive shape: its enums were met on the way in
        return None
    seen = seen | {shape.name}
    kind = shape.type_name
    if kind == "string":
        return {"enum": tuple(shape.enum)} if shape.enum else None
    if kind == "structure":
        members = {name: plain for name, member in shape.members.items() if (plain := _plain(member, seen))}
        return {"members": members} if members else None
    if kind == "list":
        item = _plain(shape.member, seen)
        return {"member": item} if item else None
    if kind == "map":
        value = _plain(shape.value, seen)
        return {"value": value} if value else None
    return None


def _shape_of(operation: str) -> enum_values.Shape | None:
    if operation not in _shapes:
        from moto.core.utils import get_service_model

        model = get_service_model("ecs")
        found = operation in model.operation_names
        input_shape = model.operation_model(operation).input_shape if found else None
        _shapes[operation] = _plain(input_shape) if input_shape is not None else None
    return _shapes[operation]


def problem(operation: str, body: Any) -> str | None:
    """The InvalidParameterException message for the request's first invalid enum value, or None."""
    shape = _shape_of(operation or "")
    if shape is None:
        return None
    try:
        params = json.loads(body or "{}")
    except (TypeError, ValueError):
        return None  # not this check's to refuse
    found = enum_values.first_invalid(shape, params)
    return enum_values.message(*found) if found else None


def call_action(original: Callable[..., Any], response: Any) -> Any:
    """EC2ContainerServiceResponse.call_action: an invalid enum value is answered with ECS's error, as moto answers
    the errors its actions raise."""
    message = problem(response._get_action(), response.body)
    if message is None:
        return original(response)
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException

    status, headers, body = response.serialized(ActionResult(InvalidParameterException(message)))
    headers["status"] = status
    status, headers, body = response._transform_response(response.response_headers, (body, headers))
    return status, *response._enrich_response(headers, body)
