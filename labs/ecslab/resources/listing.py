"""How each kind of resource is listed: describe/list calls only, narrowed on the server to the scope's student
where the service can (by tag where it filters by tag, by name prefix or IAM path otherwise).

The tagging API misses many types (EIPs, launch templates, capacity providers, ECR, IAM, ASGs) and, on moto, still
lists deleted objects, so every service is asked directly. Each lister yields the raw objects of one kind that are
still alive; whose they are is read by the catalogue (ecslab.resources.catalogue).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecslab import naming
from ecslab.course import FARGATE_PROVIDERS, LOG_PREFIX
from ecslab.resources.kind import Scope, chunks, pages
from ecslab.session import Sessao

Raw = dict[str, Any]


# --- EC2 (filtered by tag) ----------------------------------------------------------------------------------------

def instances(scope: Scope) -> Iterator[Raw]:
    for reservation in pages(scope.client("ec2"), "describe_instances", "Reservations",
                             Filters=scope.tag_filters()):
        yield from (i for i in reservation["Instances"] if i["State"]["Name"] not in ("terminated", "shutting-down"))


def nat_gateways(scope: Scope) -> Iterator[Raw]:
    for nat in pages(scope.client("ec2"), "describe_nat_gateways", "NatGateways", Filter=scope.tag_filters()):
        if nat["State"] not in ("deleted", "deleting", "failed"):
            yield nat


def elastic_ips(scope: Scope) -> list[Raw]:
    return scope.client("ec2").describe_addresses(Filters=scope.tag_filters())["Addresses"]


def launch_templates(scope: Scope) -> Iterator[Raw]:
    # By tag: moto answers at most 15 templates with no NextToken when unfiltered (a class holds more).
    return pages(scope.client("ec2"), "describe_launch_templates", "LaunchTemplates", Filters=scope.tag_filters())


def internet_gateways(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("ec2"), "describe_internet_gateways", "InternetGateways", Filters=scope.tag_filters())


def route_tables(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("ec2"), "describe_route_tables", "RouteTables", Filters=scope.tag_filters())


def security_groups(scope: Scope) -> Iterator[Raw]:
    groups = pages(scope.client("ec2"), "describe_security_groups", "SecurityGroups", Filters=scope.tag_filters())
    return (sg for sg in groups if sg.get("GroupName") != "default")


def subnets(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("ec2"), "describe_subnets", "Subnets", Filters=scope.tag_filters())


def vpcs(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("ec2"), "describe_vpcs", "Vpcs", Filters=scope.tag_filters())


# --- ECS ----------------------------------------------------------------------------------------------------------

def clusters(scope: Scope) -> list[Raw]:
    """The scope's ACTIVE clusters, read once per walk (services, tasks and container instances are theirs)."""
    def read() -> list[Raw]:
        ecs = scope.client("ecs")
        arns = list(pages(ecs, "list_clusters", "clusterArns"))
        if not scope.everyone:  # only this student's are described (a class's list holds every student's)
            arns = [arn for arn in arns if scope.wants(naming.owner(arn.rsplit("/", 1)[-1]))]
        found: list[Raw] = []
        for chunk in chunks(arns, 100):
            found += ecs.describe_clusters(clusters=chunk, include=["TAGS"])["clusters"]
        return [c for c in found if c.get("status") == "ACTIVE"]
    return scope.remembered("clusters", read)


def services(scope: Scope) -> Iterator[Raw]:
    ecs = scope.client("ecs")
    for cluster in clusters(scope):
        arns = list(pages(ecs, "list_services", "serviceArns", cluster=cluster["clusterArn"]))
        for chunk in chunks(arns, 10):
            for svc in ecs.describe_services(cluster=cluster["clusterArn"], services=chunk)["services"]:
                if svc.get("status") == "ACTIVE":
                    yield {"cluster": cluster, "service": svc}


def tasks(scope: Scope) -> Iterator[Raw]:
    ecs = scope.client("ecs")
    for cluster in clusters(scope):
        for arn in pages(ecs, "list_tasks", "taskArns", cluster=cluster["clusterArn"], desiredStatus="RUNNING"):
            yield {"cluster": cluster, "arn": arn}


def container_instances(scope: Scope) -> Iterator[Raw]:
    ecs = scope.client("ecs")
    for cluster in clusters(scope):
        for arn in pages(ecs, "list_container_instances", "containerInstanceArns", cluster=cluster["clusterArn"]):
            yield {"cluster": cluster, "arn": arn}


def capacity_providers(s: Sessao) -> list[Raw]:
    """Every capacity provider (paged on AWS; the emulator answers the no-argument call through our patch)."""
    ecs = s.client("ecs")
    out: list[Raw] = []
    token = None
    while True:
        page = ecs.describe_capacity_providers(**({"nextToken": token} if token else {}))
        out.extend(page.get("capacityProviders", []))
        token = page.get("nextToken")
        if not token:
            return out


def asg_capacity_providers(scope: Scope) -> Iterator[Raw]:
    return (cp for cp in capacity_providers(scope.s)
            if cp.get("status") == "ACTIVE" and cp["name"] not in FARGATE_PROVIDERS)


def task_definitions(scope: Scope) -> Iterator[str]:
    # (moto's list_task_definition_families ignores status=ACTIVE: the definitions themselves are listed)
    return pages(scope.client("ecs"), "list_task_definitions", "taskDefinitionArns", status="ACTIVE")


# --- EC2 Auto Scaling, load balancing ------------------------------------------------------------------------------

def auto_scaling_groups(scope: Scope) -> Iterator[Raw]:
    # A student's by tag; the class's by name too (a group's tags may be missing).
    narrow = {} if scope.everyone else {"Filters": scope.tag_filters()}
    return pages(scope.client("autoscaling"), "describe_auto_scaling_groups", "AutoScalingGroups", **narrow)


def load_balancers(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("elbv2"), "describe_load_balancers", "LoadBalancers")


def target_groups(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("elbv2"), "describe_target_groups", "TargetGroups")


# --- IAM (the labs create roles and profiles under the student's path), logs, ECR ----------------------------------

def _iam_path(scope: Scope) -> dict[str, str]:
    return {} if scope.everyone else {"PathPrefix": naming.iam_path(scope.aluno or "")}


def instance_profiles(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("iam"), "list_instance_profiles", "InstanceProfiles", **_iam_path(scope))


def roles(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("iam"), "list_roles", "Roles", **_iam_path(scope))


def log_groups(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("logs"), "describe_log_groups", "logGroups",
                 logGroupNamePrefix=LOG_PREFIX + scope.name_prefix())


def repositories(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("ecr"), "describe_repositories", "repositories")


# --- Service auto scaling and alarms (lab 05), AWS FIS ------------------------------------------------------------

def scalable_targets(scope: Scope) -> Iterator[Raw]:
    return pages(scope.client("application-autoscaling"), "describe_scalable_targets", "ScalableTargets",
                 ServiceNamespace="ecs")


def alarms(scope: Scope) -> Iterator[Raw]:
    narrow = {"AlarmNamePrefix": scope.name_prefix()} if not scope.everyone else {}
    return pages(scope.client("cloudwatch"), "describe_alarms", "MetricAlarms", **narrow)


def experiment_templates(scope: Scope) -> Iterator[Raw]:
    """AWS FIS experiment templates `ecslab simular` may leave on real AWS (it deletes its own unless killed)."""
    return pages(scope.client("fis"), "list_experiment_templates", "experimentTemplates")
