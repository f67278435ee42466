"""Who is in the class: every student with something on the backend, found by the ``ecslab:aluno`` tag (and, for
the services that do not filter by tag, by the ``<aluno>-<lab>-`` name every course resource has). Read-only.

moto's tagging API (resourcegroupstaggingapi) answers only for EC2 and ECS types and keeps listing deleted clusters
and terminated instances, so each service is asked directly, as ecslab.inventory does for one student, but once
for the whole class: about twenty list/describe calls whatever the class size (per process of a class emulator
that runs several).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ecslab import naming
from ecslab.config import normalize_student
from ecslab.inventory import _pages, capacity_providers
from ecslab.provision.cluster import LOG_PREFIX
from ecslab.session import Sessao, client_error_code

Found = Iterator[tuple[str, str]]  # (student, lab) pairs
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
_TAGGED = [{"Name": "tag-key", "Values": [naming.TAG_ALUNO]}]


def _valid(aluno: str) -> bool:
    return bool(aluno) and normalize_student(aluno) == aluno


def _from_tags(objs: Iterable[dict[str, Any]], key: str = "Tags") -> Found:
    for obj in objs:
        tags = naming.tags_from_kv(obj.get(key))
        aluno, lab = tags.get(naming.TAG_ALUNO, ""), tags.get(naming.TAG_LAB, "")
        if _valid(aluno):
            yield aluno, lab
        else:  # tagged by hand with something odd: the name may still say whose it is
            yield from _from_names([tags.get("Name", "")])


def _from_names(names: Iterable[str]) -> Found:
    for text in names:
        found = naming.owner(text or "")
        if found and _valid(found[0]):
            yield found


def _ec2(s: Sessao) -> Found:
    ec2 = s.client("ec2")
    yield from _from_tags(_pages(ec2, "describe_vpcs", "Vpcs", Filters=_TAGGED))
    yield from _from_tags(_pages(ec2, "describe_subnets", "Subnets", Filters=_TAGGED))
    yield from _from_tags(_pages(ec2, "describe_security_groups", "SecurityGroups", Filters=_TAGGED))
    yield from _from_tags(_pages(ec2, "describe_route_tables", "RouteTables", Filters=_TAGGED))
    yield from _from_tags(_pages(ec2, "describe_internet_gateways", "InternetGateways", Filters=_TAGGED))
    yield from _from_tags(ec2.describe_addresses(Filters=_TAGGED)["Addresses"])
    yield from _from_tags(nat for nat in _pages(ec2, "describe_nat_gateways", "NatGateways", Filter=_TAGGED)
                          if nat["State"] not in ("deleted", "deleting", "failed"))
    for res in _pages(ec2, "describe_instances", "Reservations", Filters=_TAGGED):
        yield from _from_tags(i for i in res["Instances"] if i["State"]["Name"] not in ("terminated", "shutting-down"))
    yield from _from_tags(_pages(ec2, "describe_launch_templates", "LaunchTemplates", Filters=_TAGGED))


def _ecs(s: Sessao) -> Found:
    ecs = s.client("ecs")
    arns = list(_pages(ecs, "list_clusters", "clusterArns"))
    for start in range(0, len(arns), 100):
        for cluster in ecs.describe_clusters(clusters=arns[start:start + 100], include=["TAGS"])["clusters"]:
            if cluster.get("status") == "ACTIVE":
                yield from _from_names([cluster["clusterName"]])
                yield from _from_tags([cluster], key="tags")
    yield from _from_names(cp["name"] for cp in capacity_providers(s) if cp.get("status") == "ACTIVE")
    # (moto's list_task_definition_families ignores status=ACTIVE: the definitions themselves are listed)
    yield from _from_names(arn.rsplit("/", 1)[-1].split(":")[0] for arn in _pages(
        ecs, "list_task_definitions", "taskDefinitionArns", status="ACTIVE"))


def _autoscaling(s: Sessao) -> Found:
    yield from _from_names(asg["AutoScalingGroupName"] for asg in
                           _pages(s.client("autoscaling"), "describe_auto_scaling_groups", "AutoScalingGroups"))


def _elbv2(s: Sessao) -> Found:
    elb = s.client("elbv2")
    yield from _from_names(lb["LoadBalancerName"] for lb in _pages(elb, "describe_load_balancers", "LoadBalancers"))
    yield from _from_names(tg["TargetGroupName"] for tg in _pages(elb, "describe_target_groups", "TargetGroups"))


def _iam(s: Sessao) -> Found:
    iam = s.client("iam")
    yield from _from_names(role["RoleName"] for role in _pages(iam, "list_roles", "Roles"))
    yield from _from_names(p["InstanceProfileName"] for p in _pages(iam, "list_instance_profiles", "InstanceProfiles"))


def _logs(s: Sessao) -> Found:
    yield from _from_names(g["logGroupName"][len(LOG_PREFIX):] for g in _pages(
        s.client("logs"), "describe_log_groups", "logGroups", logGroupNamePrefix=LOG_PREFIX))


def _ecr(s: Sessao) -> Found:
    yield from _from_names(r["repositoryName"] for r in _pages(s.client("ecr"), "describe_repositories",
                                                               "repositories"))


def _app_autoscaling(s: Sessao) -> Found:
    for target in _pages(s.client("application-autoscaling"), "describe_scalable_targets", "ScalableTargets",
                         ServiceNamespace="ecs"):
        parts = target["ResourceId"].split("/")  # service/<cluster>/<service>
        if len(parts) == 3:
            yield from _from_names([parts[1]])


def _cloudwatch(s: Sessao) -> Found:
    yield from _from_names(a["AlarmName"] for a in _pages(s.client("cloudwatch"), "describe_alarms",
                                                          "MetricAlarms"))


def _fis(s: Sessao) -> Found:
    """AWS FIS experiment templates `ecslab simular` may leave on real AWS (FIS tags are a plain dict)."""
    if not s.backend.has_fis:
        return
    for template in _pages(s.client("fis"), "list_experiment_templates", "experimentTemplates"):
        tags = template.get("tags") or {}
        if _valid(tags.get(naming.TAG_ALUNO, "")):
            yield tags[naming.TAG_ALUNO], tags.get(naming.TAG_LAB, "")


SOURCES: tuple[Callable[[Sessao], Found], ...] = (
    _ec2, _ecs, _autoscaling, _elbv2, _iam, _logs, _ecr, _app_autoscaling, _cloudwatch, _fis)


def labs_by_student(sessao: Sessao) -> dict[str, set[str]]:
    """{student: {labs where they have something now}} for every student on the backend ('' when a tagged
    resource has no lab tag). A service this identity may not list is skipped."""
    found: dict[str, set[str]] = {}
    for part in sessao.per_process():  # every process of a class emulator (each holds whole students)
        for source in SOURCES:
            try:
                for aluno, lab in source(part):
                    found.setdefault(aluno, set()).add(lab if lab in naming.LABS else "")
            except Exception as exc:
                if client_error_code(exc) not in _DENIED:
                    raise
    return found


def alunos_vistos(sessao: Sessao) -> list[str]:
    """The students who have something on the backend now (by the ecslab:aluno tag or the course name), sorted."""
    return sorted(labs_by_student(sessao))
