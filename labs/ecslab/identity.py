"""Who makes a call on the class emulator: the convention shared by the `ecslab` session (which signs with it) and
the emulator (which reads it back).

On AWS each student is an IAM user tagged ``ecslab:aluno=<nome>`` and the students' ABAC policy
(labs/iam/politica-aluno.json) compares resources with that tag. The emulator has no IAM users: the identity
travels in the access key id of the call's credentials instead, which SigV4 puts in every request's Authorization
header (``Credential=<access key id>/<date>/<region>/<service>/aws4_request``):

- ``ecslab-aluno-<nome>``: the student <nome> (their ECSLAB_ALUNO, normalized);
- ``ecslab-instrutor``: the instructor (`ecslab turma ...`, whose session is the class view), who may do everything;
- anything else (the dummy ``testing`` of a student's own emulator, a bare boto3 client): unknown.

The emulator's own endpoints (/ecslab/...) are plain HTTP: the `ecslab` client sends the same header there,
``Authorization: ECSLAB Credential=<access key id>/``. There is no secret: this keeps a student's mistake from
touching a classmate's work, as the ABAC policy does on AWS; it does not stop someone who forges a key on purpose.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

STUDENT_PREFIX = "ecslab-aluno-"
INSTRUCTOR_KEY = "ecslab-instrutor"
SECRET = "testing"  # the emulator checks no signature: any secret will do
ENDPOINT_SCHEME = "ECSLAB"
ACCOUNT = "123456789012"

STUDENT, INSTRUCTOR, UNKNOWN = "aluno", "instrutor", "desconhecido"
# How the audit log and the class report name who is not a student (a student's name never has parentheses).
LABELS = {INSTRUCTOR: "(instrutor)", UNKNOWN: "(desconhecido)"}


@dataclass(frozen=True)
class Identity:
    kind: str  # STUDENT | INSTRUCTOR | UNKNOWN
    name: str = ""  # the student's name (STUDENT only)

    @property
    def label(self) -> str:
        """How the audit log and the class report name who made a call."""
        return self.name if self.kind == STUDENT else LABELS[self.kind]

    def principal_arn(self, account: str = ACCOUNT) -> str:
        """The IAM principal AWS would name in an access-denied message and in GetCallerIdentity's Arn (the students
        are IAM users there)."""
        user = self.name if self.kind == STUDENT else self.kind
        return f"arn:aws:iam::{account}:user/{user}"

    @property
    def user_id(self) -> str:
        """GetCallerIdentity's UserId for an IAM user: the user's unique ID, "AIDA" and 17 more characters
        (IAM User Guide, "IAM identifiers", unique ID prefixes); here derived from the name, so always the same."""
        digest = hashlib.sha256(f"{self.kind}:{self.name}".encode()).digest()
        return "AIDA" + base64.b32encode(digest).decode()[:17]


def student_key(aluno: str) -> str:
    return f"{STUDENT_PREFIX}{aluno}"


def identity_of_key(access_key: str | None) -> Identity:
    key = access_key or ""
    if key == INSTRUCTOR_KEY:
        return Identity(INSTRUCTOR)
    if key.startswith(STUDENT_PREFIX) and len(key) > len(STUDENT_PREFIX):
        return Identity(STUDENT, key[len(STUDENT_PREFIX):])
    return Identity(UNKNOWN)


def access_key_in(authorization: str | None) -> str | None:
    """The access key id of an Authorization header (SigV4, or the emulator endpoints' ECSLAB scheme)."""
    _, found, rest = (authorization or "").partition("Credential=")
    return rest.split("/", 1)[0].split(",", 1)[0].strip() if found else None


def identity_in(authorization: str | None) -> Identity:
    return identity_of_key(access_key_in(authorization))


def endpoint_header(access_key: str) -> dict[str, str]:
    """The header the `ecslab` client sends to the emulator's own endpoints."""
    return {"Authorization": f"{ENDPOINT_SCHEME} Credential={access_key}/"}
