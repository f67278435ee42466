"""The students' IAM policy (labs/iam/politica-aluno.json) allows every AWS call the labs make, and nothing broad.

Every boto3 call of the package students run (labs/ecslab, without the emulator's own code) and of the notebooks
is found in the source (AST): `client.operation(...)` on a receiver we can tell the service of, and operation names
passed as strings (paginators, `_pages(client, "describe_...")`, waiters). botocore's service models say which
names are operations; each becomes an IAM action (service prefix + operation name) that some Allow statement must
match.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import re
from functools import cache
from pathlib import Path

import botocore.session
import nbformat
import pytest
from botocore import xform_name

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "labs" / "iam" / "politica-aluno.json"
PACKAGE = ROOT / "labs" / "ecslab"
# The emulator's own code (it implements the API, it does not call it) and the instructor's tools (run with the
# instructor's credentials, not a student's).
NOT_STUDENT_CODE = ("behaviour", "emulator", "turma")

IAM_PREFIX = {
    "ec2": "ec2", "ecs": "ecs", "iam": "iam", "elbv2": "elasticloadbalancing", "autoscaling": "autoscaling",
    "ssm": "ssm", "logs": "logs", "ecr": "ecr", "sts": "sts", "application-autoscaling": "application-autoscaling",
    "cloudwatch": "cloudwatch", "resourcegroupstaggingapi": "tag", "fis": "fis",
}
# Names a client is kept under in the labs' code, when the assignment is not in the same scope.
RECEIVER_NAMES = {
    "ec2": "ec2", "ecs": "ecs", "iam": "iam", "elb": "elbv2", "elbv2": "elbv2", "autoscaling": "autoscaling",
    "aas": "application-autoscaling", "scaling": "application-autoscaling", "cloudwatch": "cloudwatch",
    "logs": "logs", "ecr": "ecr", "ssm": "ssm", "sts": "sts", "fis": "fis",
}
TAG = "${aws:PrincipalTag/ecslab:aluno}"
READ_ONLY = re.compile(r"^(Describe|List|Get)")  # every other action changes something
MAX_POLICY_CHARS = 6144  # a managed policy's size limit, whitespace not counted
GUIDE = ROOT / "docs" / "instrutores" / "conta-aws.md"
# Statements that change things without a tie to the student, each for a reason the guide explains (by Sid).
UNSCOPED = {
    "Ec2AmiDaAmazon": "RunInstances também autoriza a AMI, que é pública e da Amazon (ec2:Owner=amazon)",
    "EscalabilidadeServicos": "destinos escaláveis não têm nome no ARN e o laboratório 05 não os marca",
}
# Actions AWS checks besides the API call itself (tag on create, passing roles, the instances an ASG launches,
# the alarms of a target-tracking policy).
IMPLIED = ("iam:PassRole", "ec2:CreateTags", "ec2:RunInstances", "ecs:TagResource", "elasticloadbalancing:AddTags",
           "iam:TagRole", "iam:TagInstanceProfile", "logs:TagResource", "ecr:TagResource", "fis:TagResource",
           "autoscaling:CreateOrUpdateTags", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms")


@cache
def operations() -> dict[str, dict[str, str]]:
    """{boto3 service: {snake_case method: OperationName}}."""
    session = botocore.session.get_session()
    out = {}
    for service in IAM_PREFIX:
        model = session.get_service_model(service)
        out[service] = {xform_name(op): op for op in model.operation_names}
    return out


@cache
def waiters() -> dict[str, dict[str, str]]:
    """{boto3 service: {waiter name in snake_case: OperationName it polls}}."""
    session = botocore.session.get_session()
    out: dict[str, dict[str, str]] = {}
    for service in IAM_PREFIX:
        try:
            model = session.get_waiter_model(service)
        except Exception:
            continue
        out[service] = {xform_name(name): model.get_waiter(name).operation for name in model.waiter_names}
    return out


def _client_service(node: ast.AST, scope: dict[str, str]) -> str | None:
    """The boto3 service a receiver expression stands for, if we can tell."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "client" \
            and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in IAM_PREFIX:
        return node.args[0].value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in IAM_PREFIX:
        return node.slice.value
    if isinstance(node, ast.Name):
        return scope.get(node.id) or RECEIVER_NAMES.get(node.id)
    if isinstance(node, ast.Attribute) and node.attr in RECEIVER_NAMES:  # self.ecs, ctx.ec2 ...
        return RECEIVER_NAMES[node.attr]
    return None


def _assignments(tree: ast.AST) -> dict[str, str]:
    """Names bound to a client anywhere in the module: `ec2 = s.client("ec2")`, `ecs, elb = c["ecs"], c["elbv2"]`."""
    scope: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = []
            if isinstance(target, ast.Name):
                pairs = [(target, node.value)]
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts, strict=False))
            for name, value in pairs:
                if isinstance(name, ast.Name):
                    service = _client_service(value, {})
                    if service:
                        scope[name.id] = service
    return scope


def calls_in(source: str, where: str) -> set[tuple[str, str]]:
    """{(service, OperationName)} for every boto3 operation the source calls."""
    tree = ast.parse(source, filename=where)
    scope = _assignments(tree)
    ops, wait = operations(), waiters()
    found: set[tuple[str, str]] = set()
    unknown: list[str] = []

    def by_name(method: str, service: str | None, line: int) -> None:
        if service:
            if method in ops[service]:
                found.add((service, ops[service][method]))
            return
        owners = [s for s in ops if method in ops[s]]
        if len(owners) == 1:
            found.add((owners[0], ops[owners[0]][method]))
        elif owners:
            unknown.append(f"{where}:{line}: {method} ({', '.join(owners)})")

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        receiver = func.value if isinstance(func, ast.Attribute) else None
        service = _client_service(receiver, scope) if receiver is not None else None
        if isinstance(func, ast.Attribute):
            if func.attr in ("get_waiter",) and node.args and isinstance(node.args[0], ast.Constant) and service:
                found.add((service, wait[service][node.args[0].value]))
                continue
            if service or func.attr not in ("get", "get_paginator", "can_paginate"):
                if any(func.attr in ops[s] for s in ops) and (service or _looks_like_client(receiver)):
                    by_name(func.attr, service, node.lineno)
        # Operation names passed as strings: client.get_paginator("x"), _pages(client, "x", ...).
        arg_service = service or next((_client_service(a, scope) for a in node.args if _client_service(a, scope)),
                                      None)
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg_service \
                    and arg.value in ops[arg_service]:
                found.add((arg_service, ops[arg_service][arg.value]))
    assert not unknown, "chamadas boto3 de serviço ambíguo (dê ao cliente um nome conhecido):\n" + "\n".join(unknown)
    return found


def _looks_like_client(receiver: ast.AST | None) -> bool:
    """A receiver that is a client although we cannot tell which (a parameter named `client`, say)."""
    return isinstance(receiver, ast.Name) and receiver.id in ("client", "cliente")


def student_sources() -> list[tuple[str, str]]:
    """(where, source) of every student-facing module and of every notebook's code cells."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if not set(path.relative_to(PACKAGE).parts[:-1]) & set(NOT_STUDENT_CODE):
            out.append((str(path.relative_to(ROOT)), path.read_text()))
    for path in sorted((ROOT / "labs").glob("[0-9][0-9]-*.ipynb")):
        chunks = []
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
                chunks += [code, *commented_code(code)]
        out.append((str(path.relative_to(ROOT)), "\n".join(chunks)))
    return out


def commented_code(code: str) -> list[str]:
    """Calls left commented out for the student to try (`# ecs.put_cluster_capacity_providers(...)`): each run of
    comment lines, uncommented, when it is valid Python that calls something."""
    blocks, current = [], []
    for line in [*code.splitlines(), ""]:
        if line.startswith("# "):
            current.append(line[2:])
            continue
        if current:
            text = "\n".join(current)
            try:
                tree = ast.parse(text)
            except SyntaxError:
                tree = None
            if tree is not None and any(isinstance(node, ast.Call) for node in ast.walk(tree)):
                blocks.append(text)
            current = []
    return blocks


@cache
def used_actions() -> dict[str, set[str]]:
    """{IAM action: {files calling it}}."""
    out: dict[str, set[str]] = {}
    for where, source in student_sources():
        for service, op in calls_in(source, where):
            out.setdefault(f"{IAM_PREFIX[service]}:{op}", set()).add(where)
    return out


def policy() -> dict:
    return json.loads(POLICY.read_text())


def statements() -> list[dict]:
    return policy()["Statement"]


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def allowed_by(action: str) -> list[dict]:
    return [st for st in statements() if st["Effect"] == "Allow"
            and any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in _as_list(st["Action"]))]


def _name(action: str) -> str:
    return action.split(":", 1)[1]


def test_the_extractor_finds_the_calls_the_labs_are_known_for():
    actions = used_actions()
    for expected in ("ec2:CreateVpc", "ec2:DescribeNatGateways", "ecs:CreateService", "ecs:DescribeServices",
                     "iam:CreateRole", "iam:AttachRolePolicy", "elasticloadbalancing:CreateLoadBalancer",
                     "autoscaling:CreateAutoScalingGroup", "application-autoscaling:PutScalingPolicy",
                     "cloudwatch:GetMetricStatistics", "logs:CreateLogGroup", "ssm:GetParameter",
                     "sts:GetCallerIdentity", "ecr:CreateRepository", "ec2:DescribeLaunchTemplates",
                     "ec2:DeleteRoute", "fis:CreateExperimentTemplate"):
        assert expected in actions, expected
    assert len(actions) > 80


def test_the_extractor_reads_receivers_strings_and_waiters():
    source = """
ec2 = s.client("ec2")
ec2.create_vpc(CidrBlock="10.0.0.0/16")
c["ecs"].list_tasks(cluster="x")
_pages(s.client("iam"), "list_roles", "Roles")
ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=["nat-1"])
nome.get("x")
"""
    assert calls_in(source, "exemplo.py") == {("ec2", "CreateVpc"), ("ecs", "ListTasks"), ("iam", "ListRoles"),
                                              ("ec2", "DescribeNatGateways")}


def test_every_call_of_the_labs_is_allowed():
    missing = {action: sorted(files) for action, files in used_actions().items() if not allowed_by(action)}
    assert not missing, "ações sem permissão na política: " + json.dumps(missing, indent=1, ensure_ascii=False)


def test_what_aws_checks_besides_the_calls_is_allowed():
    assert [action for action in IMPLIED if not allowed_by(action)] == []


def test_policy_grammar():
    doc = policy()
    assert set(doc) <= {"Version", "Statement", "Id"}
    assert doc["Version"] == "2012-10-17"
    sids = [st.get("Sid") for st in statements()]
    assert all(sids) and len(set(sids)) == len(sids), "cada declaração precisa de um Sid único"
    for st in statements():
        assert set(st) <= {"Sid", "Effect", "Action", "Resource", "Condition"}, st["Sid"]
        assert re.fullmatch(r"[A-Za-z0-9]+", st["Sid"]), st["Sid"]
        assert st["Effect"] in ("Allow", "Deny"), st["Sid"]
        assert st["Action"] and st["Resource"], st["Sid"]
        for action in _as_list(st["Action"]):
            assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9*]+", action), f"{st['Sid']}: {action}"
        for resource in _as_list(st["Resource"]):
            assert resource == "*" or re.fullmatch(r"arn:aws:[a-z0-9-]+:[a-z0-9*-]*:[0-9*]*:.+", resource), \
                f"{st['Sid']}: {resource}"
        for operator, keys in st.get("Condition", {}).items():
            assert re.fullmatch(r"(ForAllValues:|ForAnyValue:)?(String|Arn|Bool|Null)[A-Za-z]*(IfExists)?", operator)
            assert isinstance(keys, dict) and keys, st["Sid"]
            for key in keys:
                assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9/:_-]+", key), f"{st['Sid']}: {key}"
    compact = re.sub(r"\s", "", POLICY.read_text())
    assert len(compact) <= MAX_POLICY_CHARS, f"{len(compact)} caracteres: acima do limite de uma política gerenciada"


def _scoped(st: dict) -> bool:
    """Tied to the student: a tag condition compared with the student's own tag, or only resources whose ARN
    carries the student's name prefix or, for IAM, the student's path."""
    on_tag = any(key.endswith("Tag/ecslab:aluno") and values == TAG
                 for keys in st.get("Condition", {}).values() for key, values in keys.items())
    on_name = all(f"/{TAG}-" in r or f":{TAG}-" in r or f":iam::*:role/{TAG}/" in r
                  or f":iam::*:instance-profile/{TAG}/" in r for r in _as_list(st["Resource"]))
    return on_tag or on_name


def test_every_statement_that_changes_something_is_scoped_to_the_student():
    loose = []
    for st in statements():
        changing = [a for a in _as_list(st["Action"]) if not READ_ONLY.match(_name(a))]
        if st["Effect"] == "Allow" and changing and not _scoped(st) and st["Sid"] not in UNSCOPED:
            loose.append(f"{st['Sid']}: {', '.join(changing)}")
    assert not loose, "declarações que mudam recursos sem condição do aluno:\n" + "\n".join(loose)


def test_the_exceptions_are_narrow_and_explained_in_the_guide():
    guide = GUIDE.read_text()
    by_sid = {st["Sid"]: st for st in statements()}
    for sid in UNSCOPED:
        assert sid in by_sid, sid
        assert f"`{sid}`" in guide, f"o guia não explica a declaração {sid}"
    assert _as_list(by_sid["Ec2AmiDaAmazon"]["Action"]) == ["ec2:RunInstances"]
    assert by_sid["Ec2AmiDaAmazon"]["Resource"] == "arn:aws:ec2:*::image/*"
    assert by_sid["Ec2AmiDaAmazon"]["Condition"] == {"StringEquals": {"ec2:Owner": "amazon"}}
    assert all(a.startswith("application-autoscaling:") for a in _as_list(by_sid["EscalabilidadeServicos"]["Action"]))


def test_read_only_statements_only_read():
    for st in statements():
        if st["Effect"] == "Allow" and not st.get("Condition") and _as_list(st["Resource"]) == ["*"] \
                and st["Sid"] not in UNSCOPED:
            for action in _as_list(st["Action"]):
                assert READ_ONLY.match(_name(action)), f"{st['Sid']}: {action} sem escopo"


def test_nothing_broad():
    for st in statements():
        if st["Effect"] != "Allow":
            continue
        for action in _as_list(st["Action"]):
            service, name = action.split(":", 1)
            assert action != "*" and name != "*", f"{st['Sid']}: {action}"
            if service == "iam" and "*" in name and not READ_ONLY.match(name):
                assert _scoped(st) and "*" not in _as_list(st["Resource"]), f"{st['Sid']}: {action}"
                assert not fnmatch.fnmatchcase("PassRole", name), f"{st['Sid']}: {action} inclui PassRole"
            assert not (service == "sts" and name.startswith("AssumeRole")), f"{st['Sid']}: {action}"


def test_pass_role_only_for_own_roles_and_known_services():
    passing = allowed_by("iam:PassRole")
    assert passing
    for st in passing:
        assert all(f":role/{TAG}/" in r for r in _as_list(st["Resource"])), st["Sid"]  # the student's IAM path
        services = st["Condition"]["StringEquals"]["iam:PassedToService"]
        assert set(_as_list(services)) <= {"ecs-tasks.amazonaws.com", "ec2.amazonaws.com", "fis.amazonaws.com"}


def test_attach_role_policy_only_for_the_managed_policies_of_the_labs():
    from ecslab.provision.iam import EXECUTION_POLICY, INSTANCE_POLICY

    for st in allowed_by("iam:AttachRolePolicy"):
        assert set(st["Condition"]["ArnEquals"]["iam:PolicyARN"]) == {EXECUTION_POLICY, INSTANCE_POLICY}


def test_inline_policies_only_on_the_fis_role_and_that_role_only_for_fis():
    from ecslab.backends.aws_events import FIS_ROLE_SUFFIX, LAB

    fis_role = f"arn:aws:iam::*:role/{TAG}/*-{LAB}-{FIS_ROLE_SUFFIX}"
    assert [st["Resource"] for st in allowed_by("iam:PutRolePolicy")] == [fis_role]
    deny = [st for st in statements() if st["Effect"] == "Deny" and "iam:PassRole" in _as_list(st["Action"])]
    assert deny and deny[0]["Resource"].endswith(f"-{LAB}-{FIS_ROLE_SUFFIX}")
    assert deny[0]["Condition"] == {"StringNotEquals": {"iam:PassedToService": "fis.amazonaws.com"}}


def test_students_cannot_assume_roles_or_change_their_own_tag():
    denied = {a for st in statements() if st["Effect"] == "Deny" and st["Resource"] == "*" and not st.get("Condition")
              for a in _as_list(st["Action"])}
    assert {"sts:AssumeRole", "iam:TagUser", "iam:UntagUser"} <= denied


def test_tags_are_added_only_when_a_resource_is_created():
    for st in allowed_by("ec2:CreateTags"):
        assert "ec2:CreateAction" in json.dumps(st.get("Condition", {})), st["Sid"]


@pytest.mark.parametrize("action,tag_key", [
    ("ec2:CreateVpc", "aws:RequestTag/ecslab:aluno"),
    ("ec2:DeleteVpc", "aws:ResourceTag/ecslab:aluno"),
    ("ec2:TerminateInstances", "aws:ResourceTag/ecslab:aluno"),
    ("ecs:RegisterTaskDefinition", "aws:RequestTag/ecslab:aluno"),
    ("autoscaling:CreateAutoScalingGroup", "aws:RequestTag/ecslab:aluno"),
    ("autoscaling:DeleteAutoScalingGroup", "autoscaling:ResourceTag/ecslab:aluno"),
    ("fis:StopExperiment", "aws:ResourceTag/ecslab:aluno"),
])
def test_tag_conditions_compare_with_the_principal_tag(action, tag_key):
    scoped = [st for st in allowed_by(action) if tag_key in json.dumps(st.get("Condition", {}))]
    assert scoped, f"{action}: nenhuma declaração com {tag_key}"
    assert all(keys[tag_key] == TAG for st in scoped for keys in st["Condition"].values() if tag_key in keys)


@pytest.mark.parametrize("action", ["ecs:UpdateService", "ecs:DeleteCluster", "iam:DeleteRole",
                                    "elasticloadbalancing:DeleteLoadBalancer", "logs:DeleteLogGroup",
                                    "ecr:DeleteRepository", "cloudwatch:DeleteAlarms"])
def test_named_resources_are_limited_to_the_student_prefix(action):
    statements_for = allowed_by(action)
    assert statements_for
    assert all(all(TAG in r for r in _as_list(st["Resource"])) for st in statements_for), action
