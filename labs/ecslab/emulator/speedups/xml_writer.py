"""The XML of moto's XML answers (EC2, IAM, ELBv2, Auto Scaling, STS, CloudWatch), written without a SAX writer.

moto's serializer turns an answer into nested dicts and lists and hands them to `xmltodict.unparse`, which builds
each element through xml.sax's XMLGenerator: a good share of the emulator's CPU in a class, for a tree of strings.
`unparse` writes the same text directly for the ways moto calls it (with or without the XML declaration and one
root, with short or long empty elements, never pretty), and hands anything else to xmltodict: other arguments,
comments, namespaces, bytes, iterables other than lists and tuples, a document that is not one root. Element and
attribute names are checked once each, by xmltodict's own rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import xmltodict

from ecslab.behaviour.patching import Patch

FAST_ARGUMENTS = {"full_document": False, "short_empty_elements": True, "pretty": False}  # moto's query protocol
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'  # what XMLGenerator.startDocument writes
TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;",
                                   "\t": "&#9;"})

_checked_names: dict[str, set[str]] = {"element": set(), "attribute": set()}


class _Unusual(Exception):
    """Something xmltodict handles that this writer does not: the whole answer goes to xmltodict."""


def make_unparse(original: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(original)
    def unparse(input_dict: Any, output: Any = None, encoding: str = "utf-8", **kwargs: Any) -> str:
        full = kwargs.get("full_document", True)
        short = kwargs.get("short_empty_elements", False)
        if (output is None and encoding == "utf-8" and isinstance(input_dict, dict) and not kwargs.get("pretty")
                and set(kwargs) <= set(FAST_ARGUMENTS) and full in (True, False) and short in (True, False)):
            parts: list[str] = [DECLARATION] if full else []
            try:
                if full and (len(input_dict) != 1 or isinstance(next(iter(input_dict.values())), list | tuple)):
                    raise _Unusual  # not one root: xmltodict's errors
                for key, value in input_dict.items():
                    _element(key, value, parts, short)
            except _Unusual:
                pass
            else:
                return "".join(parts)
        return original(input_dict, output, encoding, **kwargs)

    return unparse


def _name(name: Any, kind: str) -> str:
    if not isinstance(name, str) or ":" in name:
        raise _Unusual  # namespaces, and xmltodict's own error for a name that is not text
    checked = _checked_names[kind]
    if name not in checked:
        xmltodict._validate_name(name, kind)  # raises ValueError as unparse would
        checked.add(name)
    return name


def _escaped(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.translate(TEXT_ESCAPES)
    return text


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray | memoryview):
        raise _Unusual
    return str(value)


def _quote(value: str) -> str:
    """xml.sax.saxutils.quoteattr."""
    if not value.isalnum():
        value = value.translate(ATTRIBUTE_ESCAPES)
    if '"' in value:
        if "'" in value:
            return '"' + value.replace('"', "&quot;") + '"'
        return "'" + value + "'"
    return '"' + value + '"'


def _element(key: Any, value: Any, parts: list[str], short: bool) -> None:
    if key == "#comment":
        raise _Unusual
    name = _name(key, "element")
    items = value if isinstance(value, list | tuple) else [value]
    if not isinstance(value, list | tuple) and hasattr(value, "__iter__") and not isinstance(value, str | dict):
        raise _Unusual  # bytes, sets, generators: xmltodict's rules for them are not copied here
    for item in items:
        if item is None:
            item = {}
        elif not isinstance(item, dict):
            item = {"#text": _text(item)}
        text = None
        attributes = []
        children = []
        for child_key, child_value in item.items():
            if child_key == "#text":
                text = None if child_value is None else _text(child_value)
            elif isinstance(child_key, str) and child_key.startswith("@"):
                if isinstance(child_value, dict) or ":" in child_key:
                    raise _Unusual  # @xmlns maps, namespaced attributes
                attribute = "" if child_value is None else _text(child_value)
                attributes.append(f" {_name(child_key[1:], 'attribute')}={_quote(attribute)}")
            elif isinstance(child_value, tuple) and not child_value:
                raise _Unusual  # written as nothing, after the parent's ">" is decided: not copied here
            elif not (isinstance(child_value, list) and not child_value):  # xmltodict skips empty lists
                children.append((child_key, child_value))
        parts.append(f"<{name}{''.join(attributes)}")
        if short and not children and not text:
            parts.append("/>")
            continue
        parts.append(">")
        for child_key, child_value in children:
            _element(child_key, child_value, parts, short)
        if text:
            parts.append(_escaped(text))
        parts.append(f"</{name}>")


PATCHES: tuple[Patch, ...] = (
    Patch(xmltodict, "unparse", "(input_dict, output=None, encoding='utf-8', full_document=True, "
          "short_empty_elements=False, comment_key='#comment', **kwargs)",
          make_unparse, "moto.core.serialize writes every query-protocol answer through xml.sax"),
)
