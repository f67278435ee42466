"""Names and tags: every resource is named ``<aluno>-<lab>-<nome>`` and tagged ecslab:aluno / ecslab:lab.

This module writes the convention and is the one place that reads it back (whose a resource is).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ecslab.config import normalize_student
from ecslab.course import LABS
from ecslab.errors import ErroLab

TAG_ALUNO = "ecslab:aluno"
TAG_LAB = "ecslab:lab"
_NAME_RE = re.compile(r"^([a-z0-9]+)-(\d\d)-")
_STUDENT_RE = re.compile(r"[a-z0-9]+")


def lab_id(lab: str | int) -> str:
    """'1', 1, '01' or 'rede' -> '01' (a title matches with or without accents: 'diagnostico')."""
    text = str(lab).strip().lower()
    for key, title in LABS.items():
        if _plain(text) == _plain(title):
            return key
    if text.isdigit() and f"{int(text):02d}" in LABS:
        return f"{int(text):02d}"
    valid = ", ".join(f"{k} ({v})" for k, v in LABS.items())
    raise ErroLab(f"Laboratório desconhecido: {lab!r}.", dica=f"Use um destes: {valid}.")


def _plain(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def name(aluno: str, lab: str, suffix: str) -> str:
    return f"{aluno}-{lab}-{suffix}"


def iam_path(aluno: str) -> str:
    """The IAM path of the student's roles and instance profiles, `/<aluno>/`: ListRoles and ListInstanceProfiles
    answer them alone (PathPrefix), whatever the size of a shared account, and the students' IAM policy allows
    `role/<aluno>/*`."""
    return f"/{aluno}/"


def prefix(aluno: str, lab: str | None = None) -> str:
    return f"{aluno}-{lab}-" if lab else f"{aluno}-"


def is_student(text: str) -> bool:
    """Whether TEXT could be a student's name in the course (what ecslab.config makes of any name)."""
    return bool(_STUDENT_RE.fullmatch(text or "")) and normalize_student(text) == text


def owner(resource_name: str) -> tuple[str, str] | None:
    """('ana', '01') for 'ana-01-vpc'; None for a name that is not ours."""
    found = _NAME_RE.match(resource_name or "")
    return (found.group(1), found.group(2)) if found and is_student(found.group(1)) else None


def owner_from_tags(tags: list[dict[str, str]] | dict[str, str] | None) -> tuple[str, str] | None:
    """('ana', '01') for the tags ecslab:aluno=ana, ecslab:lab=01 (lab '' without its tag), as Key/Value or
    key/value pairs or a plain dict; None without a student's name in ecslab:aluno."""
    values = tags if isinstance(tags, dict) else tags_from_kv(tags)
    aluno = values.get(TAG_ALUNO, "")
    return (aluno, values.get(TAG_LAB, "")) if is_student(aluno) else None


def has_tags(obj: dict[str, Any], aluno: str, lab: str | None, resource_name: str | None = None) -> bool:
    """Whether an EC2-style object (its "Tags") is ALUNO's, of LAB if given, named RESOURCE_NAME if given."""
    tags = tags_from_kv(obj.get("Tags"))
    return (
        tags.get(TAG_ALUNO) == aluno
        and (lab is None or tags.get(TAG_LAB) == lab)
        and (resource_name is None or tags.get("Name") == resource_name)
    )


def owns(aluno: str, resource_name: str, lab: str | None = None) -> bool:
    found = owner(resource_name)
    return bool(found) and found[0] == aluno and (lab is None or found[1] == lab)


def tag_dict(aluno: str, lab: str, resource_name: str | None = None) -> dict[str, str]:
    tags = {TAG_ALUNO: aluno, TAG_LAB: lab}
    if resource_name:
        tags["Name"] = resource_name
    return tags


def tags_kv(aluno: str, lab: str, resource_name: str | None = None) -> list[dict[str, str]]:
    """[{'Key': ..., 'Value': ...}] (EC2, IAM, ELBv2, ECR, SSM)."""
    return [{"Key": k, "Value": v} for k, v in tag_dict(aluno, lab, resource_name).items()]


def tags_ecs(aluno: str, lab: str, resource_name: str | None = None) -> list[dict[str, str]]:
    """[{'key': ..., 'value': ...}] (ECS)."""
    return [{"key": k, "value": v} for k, v in tag_dict(aluno, lab, resource_name).items()]


def tag_filters(aluno: str, lab: str | None = None) -> list[dict[str, object]]:
    """EC2 describe filters selecting one student's (and optionally one lab's) resources."""
    filters: list[dict[str, object]] = [{"Name": f"tag:{TAG_ALUNO}", "Values": [aluno]}]
    if lab:
        filters.append({"Name": f"tag:{TAG_LAB}", "Values": [lab]})
    return filters


def tags_from_kv(tags: list[dict[str, str]] | None) -> dict[str, str]:
    out = {}
    for tag in tags or []:
        key = tag.get("Key", tag.get("key"))
        value = tag.get("Value", tag.get("value", ""))
        if key is not None:
            out[key] = value
    return out
