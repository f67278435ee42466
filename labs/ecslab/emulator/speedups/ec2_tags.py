"""EC2 tags read by resource id: moto matches a regular expression against every tag of every resource to find one
object's tags, and builds one per value per object for a plain `tag:K` filter, so a class's describe calls grew with
the square of its resources. Exact ids and plain values are looked up instead (the same answer); patterns still go
to moto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import moto.ec2.models.security_groups as ec2_security_groups
import moto.ec2.utils as ec2_utils
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.models.tags import TagBackend

from ecslab.behaviour.patching import Patch, wrap


def _patterns(values: list[str]) -> bool:
    """Whether an EC2 filter's values use moto's wildcards (or escapes): then moto's own matching answers."""
    return any(c in value for value in values for c in "*?[\\")


def describe_tags(original: Callable[..., Any], self: Any,
                   filters: dict[str, list[str]] | None = None) -> list[dict[str, str]]:
    """Every EC2 object's tags are read through describe_tags(filters={"resource-id": [its id]}), which matches
    a regular expression against every tag of every resource: a class's describe_instances grew with the square
    of its resources. Exact ids are looked up instead (same answer, same order for one id)."""
    ids = (filters or {}).get("resource-id")
    if not ids or set(filters or {}) != {"resource-id"} or _patterns(ids):
        return original(self, filters)
    found = []
    for rid in dict.fromkeys(ids):
        tags = self.tags.get(rid)
        if tags:
            kind = ec2_utils.EC2_PREFIX_TO_RESOURCE.get(ec2_utils.get_prefix(rid), "")
            found += [{"resource_id": rid, "key": key, "value": value, "resource_type": kind}
                      for key, value in tags.items()]
    return found


def tag_filter(original: Callable[..., Any], obj: Any, filter_name: str, filter_values: list[str]) -> bool:
    """A `tag:K` filter with plain values (no wildcards) is the object's tag K being one of them: read from the
    tag table instead of turning each value into a regular expression for every object of every student."""
    if (not filter_name.startswith("tag:") or type(obj).get_tags is not TaggedEC2Resource.get_tags
            or not getattr(obj, "id", None) or _patterns(filter_values)):
        return original(obj, filter_name, filter_values)
    value = obj.ec2_backend.tags.get(obj.id, {}).get(filter_name[4:])
    return value is not None and value in filter_values


PATCHES: tuple[Patch, ...] = (
    Patch(TagBackend, "describe_tags", "(self, filters: dict[str, list[str]] | None = None) -> list[dict[str, str]]",
          wrap(describe_tags), "one EC2 object's tags scanned every tag of every resource (a class's hot spot)"),
    Patch(ec2_utils, "tag_filter_matches", "(obj: Any, filter_name: str, filter_values: list[str]) -> bool",
          wrap(tag_filter), "a regular expression built per value per object for a plain tag filter"),
    Patch(ec2_security_groups, "tag_filter_matches", "(obj: Any, filter_name: str, filter_values: list[str]) -> bool",
          wrap(tag_filter), "the same, as security groups import it"),
)
