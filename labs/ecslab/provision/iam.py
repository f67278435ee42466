"""IAM roles a lab needs: the task execution role, the container-instance role and its instance profile."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from ecslab import naming
from ecslab.course import EXECUTION_POLICY, EXECUTION_ROLE, INSTANCE_POLICY, INSTANCE_ROLE
from ecslab.provision.one_at_a_time import one_at_a_time
from ecslab.session import Sessao, client_error_code, resolve


def _trust(service: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    })


@dataclass
class PerfisIam:
    execucao_arn: str
    instancia_arn: str
    perfil_instancia_nome: str
    perfil_instancia_arn: str


def get_or_create_role(s: Sessao, lab: str, suffix: str, service: str, description: str) -> tuple[str, bool]:
    """The student's role `<aluno>-<lab>-<suffix>` that `service` assumes: (ARN, whether it was created now)."""
    iam = s.client("iam")
    role_name = naming.name(s.aluno, lab, suffix)
    try:
        return iam.get_role(RoleName=role_name)["Role"]["Arn"], False
    except Exception as exc:
        if client_error_code(exc) != "NoSuchEntity":
            raise
    arn = iam.create_role(
        RoleName=role_name, Path=naming.iam_path(s.aluno), AssumeRolePolicyDocument=_trust(service),
        Description=description, Tags=naming.tags_kv(s.aluno, lab, role_name),
    )["Role"]["Arn"]
    return arn, True


def ensure_role(s: Sessao, lab: str, suffix: str, service: str, policy_arn: str, description: str) -> str:
    iam = s.client("iam")
    role_name = naming.name(s.aluno, lab, suffix)
    arn, _ = get_or_create_role(s, lab, suffix, service, description)
    attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    if not any(p["PolicyArn"] == policy_arn for p in attached):
        iam.attach_role_policy(RoleName=role_name, PolicyArn=policy_arn)
    return arn


def ensure_instance_profile(s: Sessao, lab: str, suffix: str, role_name: str) -> tuple[str, str]:
    iam = s.client("iam")
    profile_name = naming.name(s.aluno, lab, suffix)
    created = False
    try:
        profile = iam.get_instance_profile(InstanceProfileName=profile_name)["InstanceProfile"]
    except Exception as exc:
        if client_error_code(exc) != "NoSuchEntity":
            raise
        profile = iam.create_instance_profile(
            InstanceProfileName=profile_name, Path=naming.iam_path(s.aluno),
            Tags=naming.tags_kv(s.aluno, lab, profile_name),
        )["InstanceProfile"]
        created = True
    if not any(r["RoleName"] == role_name for r in profile.get("Roles", [])):
        iam.add_role_to_instance_profile(InstanceProfileName=profile_name, RoleName=role_name)
        created = True
    if created:
        time.sleep(s.backend.timings.iam_settle)  # IAM is eventually consistent: a new profile is not usable at once
    return profile_name, profile["Arn"]


@one_at_a_time
def criar_perfis_iam(lab: str, *, sessao: Sessao | None = None) -> PerfisIam:
    """Task execution role + container-instance role and instance profile for this lab (idempotent)."""
    lab = naming.lab_id(lab)
    s = resolve(sessao)
    s.ensure_may_create()
    execution = ensure_role(s, lab, EXECUTION_ROLE, "ecs-tasks.amazonaws.com", EXECUTION_POLICY,
                            "Perfil de execução de tarefa do ECS (ecslab)")
    instance = ensure_role(s, lab, INSTANCE_ROLE, "ec2.amazonaws.com", INSTANCE_POLICY,
                           "Perfil das instâncias de contêiner do ECS (ecslab)")
    profile_name, profile_arn = ensure_instance_profile(
        s, lab, INSTANCE_ROLE, naming.name(s.aluno, lab, INSTANCE_ROLE)
    )
    return PerfisIam(execution, instance, profile_name, profile_arn)
