"""Cluster, log group, ECR repository and task definitions."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from ecslab import naming
from ecslab.course import LOG_PREFIX
from ecslab.errors import ErroLab
from ecslab.provision.one_at_a_time import one_at_a_time
from ecslab.session import Sessao, client_error_code, resolve
from ecslab.validation import check_task_definition

HASH_TAG = "ecslab:hash"


@one_at_a_time
def criar_cluster(lab: str, *, sessao: Sessao | None = None) -> str:
    """The lab's ECS cluster (``<aluno>-<lab>-cluster``); returns its ARN."""
    lab = naming.lab_id(lab)
    s = resolve(sessao)
    s.ensure_may_create()
    ecs = s.client("ecs")
    cluster_name = naming.name(s.aluno, lab, "cluster")
    found = ecs.describe_clusters(clusters=[cluster_name])["clusters"]
    active = [c for c in found if c.get("status") == "ACTIVE"]
    if active:
        return active[0]["clusterArn"]
    return ecs.create_cluster(
        clusterName=cluster_name, tags=naming.tags_ecs(s.aluno, lab, cluster_name),
        settings=[{"name": "containerInsights", "value": "disabled"}],
    )["cluster"]["clusterArn"]


def log_group_name(aluno: str, lab: str, suffix: str) -> str:
    return LOG_PREFIX + naming.name(aluno, lab, suffix)


@one_at_a_time
def criar_grupo_logs(lab: str, suffix: str = "web", *, sessao: Sessao | None = None) -> str:
    lab = naming.lab_id(lab)
    s = resolve(sessao)
    s.ensure_may_create()
    logs = s.client("logs")
    group = log_group_name(s.aluno, lab, suffix)
    existing = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    if not any(g["logGroupName"] == group for g in existing):
        try:
            logs.create_log_group(logGroupName=group, tags=naming.tag_dict(s.aluno, lab))
        except Exception as exc:
            if client_error_code(exc) != "ResourceAlreadyExistsException":
                raise
        logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    return group


@one_at_a_time
def criar_repositorio_ecr(lab: str, suffix: str = "web", *, sessao: Sessao | None = None) -> str:
    """An ECR repository for the lab's image; returns its URI."""
    lab = naming.lab_id(lab)
    s = resolve(sessao)
    s.ensure_may_create()
    ecr = s.client("ecr")
    repo = naming.name(s.aluno, lab, suffix)
    try:
        return ecr.describe_repositories(repositoryNames=[repo])["repositories"][0]["repositoryUri"]
    except Exception as exc:
        if client_error_code(exc) != "RepositoryNotFoundException":
            raise
    return ecr.create_repository(repositoryName=repo, tags=naming.tags_kv(s.aluno, lab, repo))["repository"][
        "repositoryUri"
    ]


def _spec_hash(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


@one_at_a_time
def registrar_definicao_tarefa(lab: str, spec: dict[str, Any], *, sessao: Sessao | None = None) -> str:
    """Register a task definition unless the latest revision already has this exact spec; returns its ARN.

    The spec is validated first (Fargate sizes, launch type spelling, awsvpc); the family is prefixed with the
    student and lab names when it is not already.
    """
    lab = naming.lab_id(lab)
    s = resolve(sessao)
    spec = copy.deepcopy(spec)
    check_task_definition(spec)
    family = spec.get("family") or "web"
    if not naming.owns(s.aluno, family, lab):
        family = naming.name(s.aluno, lab, family)
    spec["family"] = family
    if not spec.get("containerDefinitions"):
        raise ErroLab("A definição de tarefa não tem containerDefinitions.", dica="Inclua ao menos um contêiner.")
    s.ensure_may_create()
    ecs = s.client("ecs")
    digest = _spec_hash(spec)
    try:
        latest = ecs.describe_task_definition(taskDefinition=family, include=["TAGS"])
        tags = naming.tags_from_kv(latest.get("tags"))
        if latest["taskDefinition"].get("status") == "ACTIVE" and tags.get(HASH_TAG) == digest:
            return latest["taskDefinition"]["taskDefinitionArn"]
    except Exception as exc:
        if client_error_code(exc) not in ("ClientException", "InvalidParameterException"):
            raise
    tags = naming.tags_ecs(s.aluno, lab) + [{"key": HASH_TAG, "value": digest}]
    return ecs.register_task_definition(**spec, tags=tags)["taskDefinition"]["taskDefinitionArn"]
