"""ECS refuses a request whose enum member holds a value outside the API's enum, before it does anything else, with
InvalidParameterException "<member> should be one of [<values>]" (seen on AWS: "include should be one of
[ATTACHMENTS,SETTINGS,STATISTICS,TAGS]", DescribeClusters, hashicorp/terraform-provider-aws#23342; the same shape
as ECS's "stopType should be one of [...]").

A request's shape comes as plain data (made from the API model by behaviour.enum_validation): a dict with "enum"
(the allowed values), "members" (a structure's members by name), "member" (a list's item) or "value" (a map's value).
"""

from __future__ import annotations

from typing import Any

Shape = dict[str, Any]


def first_invalid(shape: Shape, value: Any, name: str = "") -> tuple[str, tuple[str, ...]] | None:
    """The member name and allowed values of the first enum member of `value` outside its enum, or None."""
    if "enum" in shape:
        return (name, shape["enum"]) if isinstance(value, str) and value not in shape["enum"] else None
    if "members" in shape and isinstance(value, dict):
        for key, item in value.items():
            member = shape["members"].get(key)
            if member is not None and (found := first_invalid(member, item, key)):
                return found
    elif "member" in shape and isinstance(value, list):
        for item in value:
            if found := first_invalid(shape["member"], item, name):
                return found
    elif "value" in shape and isinstance(value, dict):
        for item in value.values():
            if found := first_invalid(shape["value"], item, name):
                return found
    return None


def message(name: str, allowed: tuple[str, ...]) -> str:
    return f"{name} should be one of [{','.join(allowed)}]"
