"""Shape conformance: every answer a botocore client parses is checked against the operation's output shape.

A botocore 'after-call' handler walks the parsed answer with the API model's output shape: required members present,
enum values valid, types right (string, integer, boolean, float, list, map, structure, timestamp, blob). What it
finds is appended, one JSON line per violation, to the file named by SHAPE_CHECK_LOG; the tests fail on any line
their calls wrote (tests/conftest.py). Test-only: the ecslab package never imports it. Other processes (the ecslab
command, the lab kernels, the AWS CLI) load it through sitecustomize.py beside it, on PYTHONPATH.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Iterator
from typing import Any

LOG_VARIABLE = "SHAPE_CHECK_LOG"
_raw_timestamps = False  # the AWS CLI (v1) keeps timestamps as the wire's text: its answers carry strings there

# Answers that the other half of issue 19 fixes (defects 4 to 7): tolerated here until then, each entry naming its
# defect. Keys: (service, operation, path with list positions as [*]); empty this as those defects are fixed.
TOLERATED: dict[tuple[str, str, str], str] = {}

# Where AWS itself answers outside the model's enum: the check follows AWS, not the model. Each names the AWS page.
AWS_OUTSIDE_THE_MODEL: dict[tuple[str, str, str], str] = {
    ("ec2", "DescribeInternetGateways", "InternetGateways[*].Attachments[*].State"):
        "'available' (describe-internet-gateways, AWS CLI Command Reference)",
    ("ec2", "CreateInternetGateway", "InternetGateway.Attachments[*].State"): "the same gateway attachment state",
    ("ec2", "CreateVpcEndpoint", "VpcEndpoint.State"):
        "'available' (describe-vpc-endpoints, AWS CLI Command Reference)",
    ("ec2", "DescribeVpcEndpoints", "VpcEndpoints[*].State"): "the same, 'available'",
}

# botocore itself decodes these strings into dicts before any handler sees them (botocore.handlers
# json_decode_policies): not the emulator's answer.
DECODED_BY_BOTOCORE = {"policyDocumentType"}


def violations(shape: Any, value: Any, path: str = "") -> Iterator[str]:
    """What in VALUE does not fit SHAPE (a botocore Shape), each as 'path: problem'."""
    kind = shape.type_name
    where = path or "(answer)"
    if kind == "structure":
        if not isinstance(value, dict):
            yield f"{where}: expected a structure, got {type(value).__name__}"
            return
        for name in shape.required_members:
            if name not in value:
                yield f"{_join(path, name)}: required member missing"
        for name, member in value.items():
            if name in shape.members:
                yield from violations(shape.members[name], member, _join(path, name))
    elif kind == "list":
        if not isinstance(value, list):
            yield f"{where}: expected a list, got {type(value).__name__}"
            return
        for item in value:
            yield from violations(shape.member, item, f"{path}[*]")
    elif kind == "map":
        if not isinstance(value, dict):
            yield f"{where}: expected a map, got {type(value).__name__}"
            return
        for key, item in value.items():
            yield from violations(shape.key, key, f"{path}{{key}}")
            yield from violations(shape.value, item, f"{path}{{{key}}}")
    elif kind == "string":
        if shape.name in DECODED_BY_BOTOCORE and isinstance(value, dict):
            return
        if not isinstance(value, str):
            yield f"{where}: expected a string, got {type(value).__name__} {value!r}"
        elif shape.enum and value not in shape.enum:
            yield f"{where}: {value!r} is not one of {shape.name}'s values {sorted(shape.enum)}"
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            yield f"{where}: expected an integer, got {type(value).__name__} {value!r}"
    elif kind == "boolean":
        if not isinstance(value, bool):
            yield f"{where}: expected a boolean, got {type(value).__name__} {value!r}"
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield f"{where}: expected a number, got {type(value).__name__} {value!r}"
    elif kind == "timestamp":
        raw = _raw_timestamps and isinstance(value, (str, int, float))
        if not isinstance(value, datetime.datetime) and not raw:
            yield f"{where}: expected a timestamp, got {type(value).__name__} {value!r}"
    elif kind == "blob":
        if not isinstance(value, (bytes, bytearray)) and not hasattr(value, "read"):
            yield f"{where}: expected a blob, got {type(value).__name__}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check_answer(service: str, operation: str, output_shape: Any, parsed: dict[str, Any]) -> list[str]:
    """The violations of one parsed answer, less the tolerated ones."""
    if output_shape is None:
        return []
    answer = {key: value for key, value in parsed.items() if key != "ResponseMetadata"}
    found = []
    for problem in violations(output_shape, answer):
        where = problem.split(":", 1)[0]
        key = (service, operation, re.sub(r"\{[^}]*\}", "{*}", where))
        if key not in TOLERATED and key not in AWS_OUTSIDE_THE_MODEL:
            found.append(problem)
    return found


def _after_call(http_response: Any = None, parsed: Any = None, model: Any = None, **_: Any) -> None:
    if model is None or not isinstance(parsed, dict) or http_response is None or http_response.status_code >= 300:
        return
    service = model.service_model.service_name
    found = check_answer(service, model.name, model.output_shape, parsed)
    log = os.environ.get(LOG_VARIABLE)
    if found and log:
        with open(log, "a", encoding="utf-8") as out:
            for problem in found:
                out.write(json.dumps({"operation": f"{service}.{model.name}", "problem": problem}) + "\n")


def install(session_class: Any, raw_timestamps: bool = False) -> None:
    """Every client a botocore Session (this class) creates runs the check after each call (once per class)."""
    global _raw_timestamps
    _raw_timestamps = _raw_timestamps or raw_timestamps
    original = session_class.create_client
    if getattr(original, "_shape_checked", False):
        return

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("after-call", _after_call, unique_id="shape-conformance")
        return client

    create_client._shape_checked = True
    session_class.create_client = create_client


def read_log(path: str, offset: int) -> tuple[list[dict[str, str]], int]:
    """The violations appended to PATH after OFFSET, and the new offset."""
    try:
        with open(path, encoding="utf-8") as log:
            log.seek(offset)
            text = log.read()
            return [json.loads(line) for line in text.splitlines() if line.strip()], log.tell()
    except FileNotFoundError:
        return [], offset
