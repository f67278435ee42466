"""The query-protocol XML writer (behaviour.xml_body) writes what xmltodict.unparse writes, byte for byte."""

from __future__ import annotations

import inspect
import random
from typing import Any

import pytest
import xmltodict

from ecslab.behaviour.xml_body import FAST_ARGUMENTS, make_unparse

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


def test_random_answers_are_written_as_xmltodict_writes_them():
    rng = random.Random(20261127)
    for _ in range(3000):
        body = {rng.choice(NAMES): tree(rng, 5)}
        assert FAST(body, **FAST_ARGUMENTS) == ORIGINAL(body, **FAST_ARGUMENTS), body


def test_a_real_shape_of_answer():
    body = {"DescribeVpcsResponse": {
        "@xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE",
        "vpcSet": {"item": [{"vpcId": "vpc-1", "isDefault": False, "tagSet": {"item": [
            {"key": "ecslab:aluno", "value": "ana"}, {"key": "Name", "value": "ana-01 <rede> & cia"}]}},
            {"vpcId": "vpc-2", "isDefault": True, "tagSet": None, "cidrBlockAssociationSet": []}]}}}
    written = FAST(body, **FAST_ARGUMENTS)
    assert written == ORIGINAL(body, **FAST_ARGUMENTS)
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


def test_random_answers_take_the_fast_writer():
    handed_over = []
    fast = make_unparse(lambda *args, **kwargs: handed_over.append(args) or ORIGINAL(*args, **kwargs))
    rng = random.Random(7)
    for _ in range(200):
        fast({rng.choice(NAMES): tree(rng, 4)}, **FAST_ARGUMENTS)
    assert not handed_over


@pytest.mark.parametrize("name", ["bad name", "a/b", "<x>", 3])
def test_invalid_names_fail_as_in_xmltodict(name):
    with pytest.raises(ValueError) as fast:
        FAST({"root": {name: "1"}}, **FAST_ARGUMENTS)
    with pytest.raises(ValueError) as original:
        ORIGINAL({"root": {name: "1"}}, **FAST_ARGUMENTS)
    assert str(fast.value) == str(original.value)


def test_other_arguments_are_left_to_xmltodict():
    body = {"a": {"b": "1"}}
    assert FAST(body, pretty=True, full_document=False) == ORIGINAL(body, pretty=True, full_document=False)
    assert FAST(body).startswith('<?xml version="1.0" encoding="utf-8"?>')
