"""moto's response serializer, the same bytes for less work: alias lists, transformers, methods and timestamps kept
instead of worked out again for every member of every object answered, and the request id written without a
regular expression. tests/behaviour/test_behaviour_serializer.py compares the answers with moto's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import moto.core.responses as moto_responses
import moto.core.utils as moto_utils
from moto.core.serialize import AttributePicker, ResponseSerializer, TimestampSerializer, XFormedAttributePicker

from ecslab.behaviour.patching import Patch

# The alias lists of get_possible_keys (by the method's qualified name: XFormedAttributePicker's calls
# AttributePicker's), per picker class and alias rules, object class, member, shape and parent structure:
# (shape, parent, keys), the references keeping the ids from being reused.
_alias_keys: dict[str, dict[tuple[Any, ...], tuple[Any, Any, tuple[str, ...]]]] = {}


def _alias_ident(picker: Any, obj: Any, key: str, shape: Any) -> tuple[tuple[Any, ...], Any]:
    parent = getattr(shape, "parent", None)
    return (type(picker), tuple(picker.alias_providers), type(obj), key, id(shape), id(parent)), parent


def _kept_keys(method: str, picker: Any, obj: Any, key: str, shape: Any) -> tuple[str, ...] | None:
    ident, parent = _alias_ident(picker, obj, key, shape)
    hit = _alias_keys.get(method, {}).get(ident)
    return hit[2] if hit is not None and hit[0] is shape and hit[1] is parent else None


def possible_keys(original: Callable[..., Any]) -> Any:
    """The serializer asks, for every member of every object it answers, which attribute names may hold the value:
    six alias rules evaluated anew each time. They depend only on the object's class, the member's name and
    shape (and the shape's parent structure), so the list is kept per combination."""

    method = original.__qualname__

    @functools.wraps(original)
    def cached(self: Any, context: Any) -> tuple[str, ...]:
        found = _kept_keys(method, self, context.obj, context.key, context.shape)
        if found is None:
            found = tuple(original(self, context))
            ident, parent = _alias_ident(self, context.obj, context.key, context.shape)
            _alias_keys.setdefault(method, {})[ident] = (context.shape, parent, found)
        return found

    return cached


def _first_value(obj: Any, keys: tuple[str, ...]) -> Any:
    """The value under the first key moto_utils.get_value finds, None if none; its reads of a model's attributes and
    of a plain dict's keys are done here (most members of most objects are missing: every key is tried)."""
    missing = moto_utils.MISSING
    plain = type(obj) is dict
    attributes = not plain and not hasattr(obj, "__getitem__")
    for possible_key in keys:
        if "." in possible_key or not (plain or attributes):
            found = moto_utils.get_value(obj, possible_key, missing)
        elif plain:
            found = obj.get(possible_key, missing)
        else:
            found = getattr(obj, possible_key, missing)
        if found is not missing:
            return found
    return None


_chosen_paths: dict[tuple[int, int, str], tuple[Any, str | None]] = {}


def _transformed(transformers: dict[str, Any], key_path: str, value: Any) -> Any:
    """moto's picker tries each of a response's key-path transformers (a dozen for IAM) with `endswith` for every
    member of every object answered; which path applies depends only on the path and the paths registered, so it
    is kept. The transformer itself is read at each call: moto's ECS responses swap a path's transformer per request
    (`include=TAGS` shows the tags, its absence hides them) in the class's one dict."""
    ident = (id(transformers), len(transformers), key_path)
    hit = _chosen_paths.get(ident)
    if hit is None or hit[0] is not transformers:  # the reference keeps the id from being reused
        path = next((path for path in transformers if key_path.endswith(path)), None)
        hit = _chosen_paths[ident] = (transformers, path)
    return value if hit[1] is None else transformers[hit[1]](value)


def pick_value(original: Callable[..., Any]) -> Any:
    """moto's value picker, with the alias list and the transformer of the path kept (see _transformed)."""

    @functools.wraps(original)
    def pick(self: Any, context: Any) -> Any:
        value = _first_value(context.obj, tuple(self.get_possible_keys(context)))
        if self.response_transformers:
            value = _transformed(self.response_transformers, f"{context.key_path}.{context.key}", value)
        return value

    return pick


def member_value(original: Callable[..., Any]) -> Any:
    """For every member of every object it answers, moto's serializer builds a context object with the joined path
    of the answer so far and calls the picker, which asks for the alias list. With moto's own pickers (every
    response uses one) the value is read here from the kept alias list, and the path is joined only for a response
    with transformers: what the picker answers, a third of the cost."""

    @functools.wraps(original)
    def get_value(self: Any, value: Any, key: str, shape: Any) -> Any:
        picker = self._value_picker
        if type(picker) not in (AttributePicker, XFormedAttributePicker):
            return original(self, value, key, shape)
        keys = _kept_keys(type(picker).get_possible_keys.__qualname__, picker, value, key, shape)
        if keys is None:
            return original(self, value, key, shape)  # the picker computes and keeps the list
        found = _first_value(value, keys)
        if picker.response_transformers:
            found = _transformed(picker.response_transformers, ".".join(self.path) + "." + key, found)
        return found

    return get_value


def serialize_method(original: Callable[..., Any]) -> Any:
    """moto finds the method for each value it serializes by formatting its name and looking it up on the
    serializer; the method depends only on the serializer's class and the shape's type."""
    methods: dict[tuple[type, str], Any] = {}

    @functools.wraps(original)
    def serialize(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        function = methods.get((type(self), shape.type_name))
        if function is None:
            method = getattr(self, f"_serialize_type_{shape.type_name}", self._default_serialize)
            if getattr(method, "__self__", None) is not self:  # not a plain method (a static one): moto's way
                return original(self, serialized, value, shape, key)
            function = methods[(type(self), shape.type_name)] = method.__func__
        path = self.path
        path.append(key or shape.name)
        function(self, serialized, value, shape, key)
        path.pop()

    return serialize


REQUEST_ID_OPEN, REQUEST_ID_CLOSE = "<RequestId>", "</RequestId>"


def request_id_in_xml(original: Callable[..., Any]) -> Any:
    """moto writes the request id into an XML answer with re.sub and a look-behind, two passes over the whole body
    for every answer (most of them one line, some of them large listings). For a one-line text body, the same
    replacement without the regular expression: from the first <RequestId> to the last </RequestId>, as the greedy
    pattern matches. Anything else goes to moto."""

    @functools.wraps(original)
    def enrich(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
        if not isinstance(body, str) or "\n" in body:
            return original(headers, body)
        if "status" in headers:
            headers["status"] = str(headers["status"])
        request_id = moto_responses.gen_amzn_requestid_long(headers)
        start = body.find(REQUEST_ID_OPEN)
        if start >= 0:
            start += len(REQUEST_ID_OPEN)
            end = body.rfind(REQUEST_ID_CLOSE)
            if end >= start:
                body = body[:start] + request_id + body[end:]
        return headers, body

    return enrich


TIMESTAMPS_KEPT = 50_000


def timestamp_text(original: Callable[..., Any]) -> Any:
    """moto parses every timestamp it answers with dateutil (ELBv2 keeps them as text): a third of a
    DescribeLoadBalancers. The text depends only on the value, the format and the serializer's class, so it is
    kept; values that cannot be kept (unhashable) are converted as before."""
    known: dict[tuple[Any, ...], Any] = {}

    @functools.wraps(original)
    def convert(self: Any, value: Any, timestamp_format: str) -> Any:
        try:
            key = (type(self), type(value), value, getattr(value, "tzinfo", None), timestamp_format)
            hit = known.get(key)
        except TypeError:
            return original(self, value, timestamp_format)
        if hit is None:
            if len(known) >= TIMESTAMPS_KEPT:
                known.clear()
            hit = known[key] = original(self, value, timestamp_format)
        return hit

    return convert


PATCHES: tuple[Patch, ...] = (
    Patch(AttributePicker, "get_possible_keys", "(self, context: 'AttributePickerContext') -> 'Generator[str]'",
          possible_keys, "alias rules evaluated for every member of every object answered"),
    Patch(XFormedAttributePicker, "get_possible_keys",
          "(self, context: 'AttributePickerContext') -> 'Generator[str]'",
          possible_keys, "the same, with snake_case names too"),
    Patch(AttributePicker, "__call__", "(self, context: 'AttributePickerContext') -> 'Any'",
          pick_value, "every transformer of the response tried on every member's path"),
    Patch(ResponseSerializer, "get_value", "(self, value: 'Any', key: 'str', shape: 'Shape') -> 'Any'",
          member_value, "a context object and the joined path of the answer built for every member answered"),
    Patch(ResponseSerializer, "_serialize", "(self, serialized: 'Serialized', value: 'Any', shape: 'Shape', "
          "key: 'str') -> 'None'", serialize_method, "the method of every value answered looked up by its name"),
    Patch(moto_responses.BaseResponse, "_enrich_response", "(headers: 'dict[str, str]', body: 'Any') -> 'tuple["
          "dict[str, str], Any]'", request_id_in_xml, "two regular-expression passes over every answer's body"),
    Patch(TimestampSerializer, "_convert_timestamp_to_str",
          "(self, value: 'int | str | datetime', timestamp_format: 'str') -> 'str'", timestamp_text,
          "every timestamp of every answer parsed again (dateutil for those moto keeps as text)"),
)
