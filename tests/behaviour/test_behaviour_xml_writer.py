"""The query-protocol XML writer (emulator.speedups.xml_writer) writes what xmltodict.unparse writes, byte for byte."""

from __future__ import annotations

import inspect
import random
from typing import Any

import pytest
import xmltodict

from ecslab.emulator.speedups.xml_writer import FAST_ARGUMENTS, make_unparse

ORIGINAL = inspect.unwrap(xmltodict.unparse)
FAST = make_unparse(ORIGINAL)
NAMES = ["DescribeVpcsResponse", "vpcSet", "item", "vpcId", "tagSet", "key", "value", "Member", "a", "b_c"]
TEXTS = ["", "vpc-1234", "a & b", "<tag>", "x > y", 'say "hi"', "it's", "both \" and '", "line\nbreak\ttab\r",
         "ação çé 漢字", "  spaced  ", "&amp; already"]


def scalar(rng: random.Random) -> Any:
    return rng.choice([rng.choice(TEXTS), rng.randint(-5, 10**6), rng.random(), True, False, None])


def tree(rng: random.Random, depth: int) -> Any:
    kind = rng.random()
    if depth <= 0 or kind < 0.3:
        return scalar(rng)
    if kind < 0.45:
        return [tree(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    node: dict[str, Any] = {}
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        if roll < 0.15:
            node["@" + rng.choice(["xmlns", "id", "type"])] = scalar(rng)
        elif roll < 0.25:
            node["#text"] = scalar(rng)
        else:
            node[rng.choice(NAMES)] = tree(rng, depth - 1)
    return node


# The ways moto's serializers call xmltodict.unparse (query, EC2 and the other XML protocols, REST-XML).
MOTO_CALLS = [FAST_ARGUMENTS, {"full_document": True, "pretty": False, "short_empty_elements": True},
              {"full_document": True, "pretty": False, "short_empty_elements": False}]


def outcome(unparse: Any, body: Any, arguments: dict[str, Any]) -> tuple[str, str]:
    try:
        return "text", unparse(body, **arguments)
    except ValueError as exc:  # a list at the root of a document: several roots
        return "error", str(exc)


@pytest.mark.parametrize("arguments", MOTO_CALLS, ids=str)
def test_random_answers_are_written_as_xmltodict_writes_them(arguments):
    rng = random.Random(20261127)
    for _ in range(2000):
        body = {rng.choice(NAMES): tree(rng, 5)}
        assert outcome(FAST, body, arguments) == outcome(ORIGINAL, body, arguments), body


def test_a_real_shape_of_answer():
    body = {"DescribeVpcsResponse": {
        "@xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE",
        "vpcSet": {"item": [{"vpcId": "vpc-1", "isDefault": False, "tagSet": {"item": [
            {"key": "ecslab:aluno", "value": "ana"}, {"key": "Name", "value": "ana-01 <rede> & cia"}]}},
            {"vpcId": "vpc-2", "isDefault": True, "tagSet": None, "cidrBlockAssociationSet": []}]}}}
    for arguments in MOTO_CALLS:
        assert FAST(body, **arguments) == ORIGINAL(body, **arguments)
    written = FAST(body, **MOTO_CALLS[1])
    assert written.startswith('<?xml version="1.0" encoding="utf-8"?>\n<DescribeVpcsResponse xmlns=')
    assert "<tagSet/>" in written and "ana-01 &lt;rede&gt; &amp; cia" in written


@pytest.mark.parametrize("body", [
    {"a": {"#comment": "note", "b": "1"}},  # comments
    {"a": {"@xmlns": {"x": "urn:x"}, "b": "1"}},  # a namespace map
    {"a": b"bytes"},
    {"a": {"b": ()}},  # an empty tuple: no element, decided after the parent's ">"
    {"a": {"b": {"1", "2"} - {"2"}}},  # a set
    {"ns:a": "1"},
])
def test_what_the_writer_does_not_copy_goes_to_xmltodict(body):
    handed_over = []

    def original(*args: Any, **kwargs: Any) -> str:
        handed_over.append(args)
        return ORIGINAL(*args, **kwargs)

    assert make_unparse(original)(body, **FAST_ARGUMENTS) == ORIGINAL(body, **FAST_ARGUMENTS)
    assert handed_over, "written by the fast writer, which does not know this case"


@pytest.mark.parametrize("arguments", MOTO_CALLS, ids=str)
def test_random_answers_take_the_fast_writer(arguments):
    handed_over = []
    fast = make_unparse(lambda *args, **kwargs: handed_over.append(args) or ORIGINAL(*args, **kwargs))
    rng = random.Random(7)
    for _ in range(200):
        root = tree(rng, 4)
        fast({rng.choice(NAMES): root if not isinstance(root, list) else {"item": root}}, **arguments)
    assert not handed_over


@pytest.mark.parametrize("body", [{}, {"a": "1", "b": "2"}, {"a": ["1", "2"]}])
def test_a_document_that_is_not_one_root_fails_as_in_xmltodict(body):
    arguments = MOTO_CALLS[1]
    with pytest.raises(ValueError) as fast:
        FAST(body, **arguments)
    with pytest.raises(ValueError) as original:
        ORIGINAL(body, **arguments)
    assert str(fast.value) == str(original.value)


@pytest.mark.parametrize("name", ["bad name", "a/b", "<x>", 3])
def test_invalid_names_fail_as_in_xmltodict(name):
    with pytest.raises(ValueError) as fast:
        FAST({"root": {name: "1"}}, **FAST_ARGUMENTS)
    with pytest.raises(ValueError) as original:
        ORIGINAL({"root": {name: "1"}}, **FAST_ARGUMENTS)
    assert str(fast.value) == str(original.value)


def test_other_arguments_are_left_to_xmltodict():
    body = {"a": {"b": "1", "c": None}}
    assert FAST(body, pretty=True, full_document=False) == ORIGINAL(body, pretty=True, full_document=False)
    assert FAST(body, encoding="latin-1") == ORIGINAL(body, encoding="latin-1")
    assert FAST(body) == ORIGINAL(body) == '<?xml version="1.0" encoding="utf-8"?>\n<a><b>1</b><c></c></a>'
