"""Ownership on the class emulator, as on AWS: a write that names another student's resource is refused with
AccessDenied in the service's own shape, and every write goes to the audit log (behaviour.audit).

Who calls comes from the call's credentials (ecslab.identity); what a call names, from its parameters: names and
ARNs by the course's ``<aluno>-<lab>-`` convention (naming.owner, on every ``/`` or ``:`` part of a value), EC2 ids
(vpc-, subnet-, sg-, i-, ...) by their ``ecslab:aluno`` tag, and the ``ecslab:aluno`` tag a create asks for (the
ABAC policy's aws:RequestTag). The decision is rules.ownership's. Reads (Describe*, List*, Get*) are never looked at.

The emulator's own endpoints follow the same rule: a Spot interruption or a load names instances, tasks or a
service; lab 06's decision names its student; the simulated clock is the instructor's.

Only a class emulator (`ecslab turma iniciar`) has a Guard: a student's own emulator is left as it always was.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

from ecslab import naming
from ecslab.behaviour import request_kinds
from ecslab.behaviour.audit import AuditLog
from ecslab.behaviour.errors import shaped_error
from ecslab.behaviour.rules.ownership import CLOCK_OWNER, verdict
from ecslab.endpoints import AUDIT_PATH, CLOCK_PATH, DECISION_PATH, LOAD_PATH, SPOT_PATH
from ecslab.identity import ACCOUNT, INSTRUCTOR, identity_in

EC2_ID_RE = re.compile(r"^(vpc|subnet|sg|igw|rtb|nat|eipalloc|lt|i|eni)-[0-9a-f]{8,17}$")
PARTS_RE = re.compile(r"[/:]")
MAX_BODY = 1 << 20
# The IAM service prefix of each signing name that differs from it.
IAM_PREFIX = {"monitoring": "cloudwatch"}
EC2_ARN_TYPES = {"vpc": "vpc", "subnet": "subnet", "sg": "security-group", "igw": "internet-gateway",
                 "rtb": "route-table", "nat": "natgateway", "eipalloc": "elastic-ip", "lt": "launch-template",
                 "i": "instance", "eni": "network-interface"}
# How AWS names a resource that a call gives by name alone: parameter -> ARN resource part.
NAME_ARNS = {
    "cluster": "cluster/{}", "taskDefinition": "task-definition/{}", "family": "task-definition/{}",
    "capacityProvider": "capacity-provider/{}", "AutoScalingGroupName": "autoScalingGroup:*:autoScalingGroupName/{}",
    "RoleName": "role/{}", "InstanceProfileName": "instance-profile/{}", "logGroupName": "log-group:{}",
    "repositoryName": "repository/{}", "AlarmNames": "alarm:{}",
}
GLOBAL_SERVICES = ("iam",)

EC2_DENIED = ("UnauthorizedOperation", "You are not authorized to perform this operation.", "403 Forbidden")
CLOCK_REFUSAL = ("No emulador da turma, o relógio simulado é do instrutor: só ele o adianta. Use "
                 "ecslab.aguardar(segundos), que espera o tempo passar.")


class Guard:
    """The class emulator's ownership check and audit, called by the middleware under its lock."""

    def __init__(self, audit: AuditLog):
        self.audit = audit

    def intercept(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """None to let the call through; else the answer: the refusal of a write (every write is audited either
        way), or the audit log's notable entries (GET AUDIT_PATH, the instructor's)."""
        path = environ.get("PATH_INFO") or ""
        if path == AUDIT_PATH:
            return self._audit_answer(environ)
        if environ.get("REQUEST_METHOD") != "POST":
            return None
        if path.startswith("/ecslab/"):
            return self._endpoint_refusal(environ, path)
        if request_kinds.is_read(environ) or request_kinds.signing_service(environ) == "sts":
            return None
        return self._api_refusal(environ)

    # --- the AWS API -------------------------------------------------------------------------------------------

    def _api_refusal(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        who = identity_in(environ.get("HTTP_AUTHORIZATION"))
        service = request_kinds.signing_service(environ) or ""
        action = request_kinds.action(environ) or environ.get("PATH_INFO") or ""
        region = _region(environ)
        named = list(_named(environ))
        owned = [(key, value, owner) for key, value in named for owner in [owner_of(value, region)] if owner]
        owned += [("tag", f"{naming.TAG_ALUNO}={owner}", owner) for owner in _requested_tag_owners(environ)]
        found = verdict(who, (owner for _, _, owner in owned))
        self.audit.record(who.label, service, action, [value for _, value, _ in owned], found.owners, found.allowed)
        if found.allowed:
            return None
        # the last one AWS would name: the service rather than its cluster, the task definition a RunTask launches
        key, value, _ = [item for item in owned if item[2] in found.foreign][-1]
        if service == "ec2":
            code, message, status = EC2_DENIED
            return shaped_error(environ, code, message, status)
        prefix = IAM_PREFIX.get(service, service)
        arn = resource_arn(prefix, key, value, region, dict(named))
        message = (f"User: {who.principal_arn()} is not authorized to perform: {prefix}:{action} on resource: {arn} "
                   f"because no identity-based policy allows the {prefix}:{action} action")
        if _json_payload(environ) is not None:
            return shaped_error(environ, "AccessDeniedException", message, "400 Bad Request")
        return shaped_error(environ, "AccessDenied", message, "403 Forbidden")

    def _audit_answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        if identity_in(environ.get("HTTP_AUTHORIZATION")).kind != INSTRUCTOR:
            return _json(403, {"erro": "só o instrutor lê o registro de auditoria do emulador da turma"})
        return _json(200, {"ocorrencias": self.audit.notable()})

    # --- the emulator's own endpoints --------------------------------------------------------------------------

    def _endpoint_refusal(self, environ: dict[str, Any],
                          path: str) -> tuple[str, list[tuple[str, str]], bytes] | None:
        who = identity_in(environ.get("HTTP_AUTHORIZATION"))
        payload = _json_payload(environ) or {}
        owned = list(_endpoint_owners(path, payload))
        if not owned:
            return None
        found = verdict(who, (owner for _, owner in owned))
        self.audit.record(who.label, "ecslab", path.rsplit("/", 1)[-1], [what for what, _ in owned], found.owners,
                          found.allowed)
        if found.allowed:
            return None
        what, owner = next(item for item in owned if item[1] in found.foreign)
        text = CLOCK_REFUSAL if owner == CLOCK_OWNER else (
            f"{what} é de {owner}: no emulador da turma, cada aluno só age sobre os próprios recursos (e só registra "
            "a própria decisão). Confira o nome ou o id, que deve ser um dos seus.")
        return _json(403, {"erro": text})


def _json(status: int, payload: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    reason = {200: "OK", 403: "Forbidden"}[status]
    return f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], body


def _endpoint_owners(path: str, payload: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(what, owner) for everything an endpoint call would act on."""
    region = str(payload.get("regiao") or "us-east-1")
    if path == CLOCK_PATH:
        yield "o relógio simulado", CLOCK_OWNER
    elif path == DECISION_PATH and isinstance(payload.get("aluno"), str):
        yield f"a decisão de {payload['aluno']}", payload["aluno"]
    elif path == LOAD_PATH:
        for key in ("cluster", "servico"):
            owner = owner_of(str(payload.get(key) or ""), region)
            if owner:
                yield f"{payload[key]}", owner
    elif path == SPOT_PATH:
        for key in ("instancias", "tarefas"):
            for value in payload.get(key) or ():
                owner = owner_of(str(value), region)
                if owner:
                    yield str(value), owner


# --- what a call names ---------------------------------------------------------------------------------------


def owner_of(value: str, region: str) -> str | None:
    """The student who owns the resource VALUE names (an EC2 id, or a name or ARN of the course), else None."""
    if EC2_ID_RE.match(value):
        return _ec2_tag_owner(value, region)
    for part in PARTS_RE.split(value):
        found = naming.owner(part)
        if found:
            return found[0]
    return None


def _ec2_tag_owner(resource_id: str, region: str) -> str | None:
    from moto.ec2.models import ec2_backends

    try:
        tags = ec2_backends[ACCOUNT][region].tags.get(resource_id)  # .get: the tag table is a defaultdict
    except KeyError:
        return None
    found = naming.owner_from_tags(tags) if tags else None
    return found[0] if found else None


def _body(environ: dict[str, Any]) -> bytes:
    if "ecslab.body" not in environ:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if 0 < length <= MAX_BODY else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["ecslab.body"] = body
    return environ["ecslab.body"]


def _json_payload(environ: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON object of a JSON-protocol call or of an emulator endpoint (None for other calls)."""
    if not (environ.get("HTTP_X_AMZ_TARGET") or "json" in (environ.get("CONTENT_TYPE") or "")):
        return None
    try:
        payload = json.loads(_body(environ) or b"{}")
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _form(environ: dict[str, Any]) -> dict[str, list[str]]:
    """The parameters of a query-protocol call (query string and form body)."""
    params = parse_qs(environ.get("QUERY_STRING") or "")
    if (environ.get("CONTENT_TYPE") or "").startswith(request_kinds.FORM):
        for key, values in parse_qs(_body(environ).decode("utf-8", "replace")).items():
            params.setdefault(key, []).extend(values)
    return params


def _named(environ: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(parameter, value) for every string a call carries."""
    payload = _json_payload(environ)
    if payload is not None:
        yield from _walk(payload, "")
        return
    for key, values in _form(environ).items():
        name = key.split(".", 1)[0]
        for value in values:
            yield name, value


def _walk(value: Any, key: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for child_key, child in value.items():
            yield from _walk(child, child_key)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child, key)


def _requested_tag_owners(environ: dict[str, Any]) -> set[str]:
    """The students named by the ecslab:aluno tags a call asks for (a create's aws:RequestTag)."""
    payload = _json_payload(environ)
    if payload is not None:
        return {found[0] for tags in _tag_sets(payload) for found in [naming.owner_from_tags(tags)] if found}
    form = _form(environ)
    owners = set()
    for key, values in form.items():
        if key.endswith(".Key") and naming.TAG_ALUNO in values:
            for value in form.get(key[:-3] + "Value", ()):
                if naming.is_student(value):
                    owners.add(value)
    return owners


def _tag_sets(value: Any) -> Iterator[dict[str, str]]:
    """Every tag set in a JSON payload: a key/value pair as a one-tag dict, or a plain tag dict (CloudWatch Logs)."""
    if isinstance(value, dict):
        key = value.get("key", value.get("Key"))
        if key == naming.TAG_ALUNO:
            yield {naming.TAG_ALUNO: str(value.get("value", value.get("Value", "")))}
        elif isinstance(value.get(naming.TAG_ALUNO), str):
            yield {naming.TAG_ALUNO: value[naming.TAG_ALUNO]}
        for child in value.values():
            yield from _tag_sets(child)
    elif isinstance(value, list):
        for child in value:
            yield from _tag_sets(child)


def _region(environ: dict[str, Any]) -> str:
    scope = (environ.get("HTTP_AUTHORIZATION") or "").partition("Credential=")[2].split(",", 1)[0].split("/")
    return scope[2] if len(scope) >= 5 and scope[2] else "us-east-1"


def resource_arn(prefix: str, key: str, value: str, region: str, params: dict[str, str]) -> str:
    """The ARN AWS names in an access-denied message for the resource VALUE (given as PARAMETER KEY)."""
    if value.startswith("arn:"):
        return value
    where = "" if prefix in GLOBAL_SERVICES else region
    if EC2_ID_RE.match(value):
        return f"arn:aws:ec2:{where}:{ACCOUNT}:{EC2_ARN_TYPES[value.split('-', 1)[0]]}/{value}"
    if key == "service":
        cluster = str(params.get("cluster") or "default").rsplit("/", 1)[-1]
        return f"arn:aws:{prefix}:{where}:{ACCOUNT}:service/{cluster}/{value}"
    return f"arn:aws:{prefix}:{where}:{ACCOUNT}:{NAME_ARNS.get(key, key + '/{}').format(value)}"

