"""What makes a task fail, applied to moto's tasks: the rules of behaviour.rules, read through behaviour.views.

- At the end of PENDING (`start_failure`): the route out to the services the task needs (Logs for awslogs, Secrets
  Manager or SSM for secrets, ECR and S3 or the internet for its images), the image's existence in ECR, the
  execution role's ECR permissions, and an essential container whose process ends at once. A Fargate task uses its
  own ENI; a task on EC2 (any network mode) is set up by the agent and Docker on its instance, through the
  instance's network.
- While RUNNING (`running_events`): essential containers that exit, and container health checks.
- For service tasks behind a load balancer (`check_targets`): targets that fail the load balancer's health checks
  are stopped by ECS once the service's health check grace period is over.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from typing import Any

from ecslab.behaviour import messages, state, views
from ecslab.behaviour.rules import health_check, images, process, route_out, security_groups, target_health
from ecslab.behaviour.world import World

LOGS, S3, ECR_API, ECR_DKR = "logs", "s3", "ecr.api", "ecr.dkr"


@dataclass(frozen=True)
class Failure:
    reason: str
    code: str
    container_reason: str | None = None  # also shown on the containers (image pull errors)
    exit_codes: dict[str, int] | None = None  # container name -> exit code (an essential container exited)


@dataclass(frozen=True)
class Path:
    """Where a task's set-up traffic leaves from: a subnet, with or without a public IP, and security groups."""

    vpc_id: str
    subnet_id: str
    public_ip: bool
    group_ids: tuple[str, ...]


def definitions(world: World, task: Any) -> list[dict[str, Any]]:
    """The task's container definitions, with the run's container overrides (command, entryPoint) applied."""
    try:
        definition = world.ecs.describe_task_definition(task.task_definition_arn)
    except Exception:  # deregistered and forgotten: nothing to judge
        return []
    overrides = {item.get("name"): item for item in (task.overrides or {}).get("containerOverrides", []) or []}
    found = []
    for container in definition.container_definitions:
        merged = dict(container)
        for key in ("command", "entryPoint"):
            if overrides.get(container.get("name"), {}).get(key) is not None:
                merged[key] = overrides[container["name"]][key]
        found.append(merged)
    return found


def _path(world: World, task: Any) -> Path | None:
    if task.launch_type == "FARGATE" or not task.container_instance_arn:
        record = state.get(task)
        eni = world.ec2.enis.get(record.eni_id) if record and record.eni_id else None
        if eni is None:
            return None
        return Path(eni.subnet.vpc_id, eni.subnet.id, bool(eni.public_ip),
                    tuple(group.id for group in eni.group_set))
    instance_id = _instance_id(world, task)
    if instance_id is None:
        return None
    instance = world.ec2.get_instance(instance_id)
    if instance is None or not getattr(instance, "subnet_id", None):
        return None
    return Path(instance.vpc_id, instance.subnet_id, bool(instance.public_ip),
                tuple(group.id for group in instance.security_groups))


def _instance_id(world: World, task: Any) -> str | None:
    instances = world.ecs.container_instances.get(task.cluster_name, {})
    ci = instances.get((task.container_instance_arn or "").split("/")[-1])
    return ci.ec2_instance_id if ci is not None else None


def instance_reaches_ecs(world: World, instance: Any) -> bool:
    """The agent registers only when the instance reaches the ECS endpoints (internet or ecs/ecs-agent/ecs-telemetry
    interface endpoints) over HTTPS."""
    if not getattr(instance, "subnet_id", None):
        return True  # EC2-Classic style instance without a VPC: nothing to judge
    path = Path(instance.vpc_id, instance.subnet_id, bool(instance.public_ip),
                tuple(group.id for group in instance.security_groups))
    return not _unreachable(world, path, ["ecs", "ecs-agent", "ecs-telemetry"])


def _unreachable(world: World, path: Path, services: list[str]) -> list[str]:
    if not security_groups.https_out(views.egress(world.ec2, path.vpc_id, list(path.group_ids))):
        return list(services)
    return route_out.unreachable(views.network(world.ec2, path.vpc_id), path.subnet_id, path.public_ip, services)


def _needs(containers: list[dict[str, Any]]) -> tuple[bool, list[str], list[images.ImageRef]]:
    logs = any((c.get("logConfiguration") or {}).get("logDriver") == "awslogs" for c in containers)
    secrets: list[str] = []
    for container in containers:
        for secret in container.get("secrets") or []:
            name = "secretsmanager" if ":secretsmanager:" in str(secret.get("valueFrom", "")) else "ssm"
            if name not in secrets:
                secrets.append(name)
    return logs, secrets, [images.parse(c.get("image", "")) for c in containers]


def start_failure(world: World, task: Any) -> Failure | None:
    """Why the task cannot leave PENDING, in AWS's words; None when it starts."""
    containers = definitions(world, task)
    if not containers:
        return None
    region, seed = world.ecs.region_name, sum(map(ord, task.id))
    path = _path(world, task)
    logs, secrets, refs = _needs(containers)
    if path is not None:
        if logs and _unreachable(world, path, [LOGS]):
            return Failure(messages.LOGS_UNREACHABLE, messages.STOP_FAILED_TO_START)
        for service in secrets:
            if _unreachable(world, path, [service]):
                return Failure(messages.secrets_unreachable(service), messages.STOP_FAILED_TO_START)
    execution_role = _execution_role(world, task)
    for ref in refs:
        if ref.private_ecr and path is not None and _unreachable(world, path, [ECR_API]):
            return Failure(messages.registry_auth_unreachable(region, seed), messages.STOP_FAILED_TO_START)
        if ref.private_ecr and task.launch_type == "FARGATE" and not _may_pull(world, execution_role):
            role = (execution_role or "ecsTaskExecutionRole").rsplit("/", 1)[-1]
            return Failure(messages.registry_auth_denied(world.ecs.account_id, role, task.id),
                           messages.STOP_FAILED_TO_START)
        pull_from = [ECR_DKR, S3] if ref.private_ecr else ["internet"]
        if path is not None and _unreachable(world, path, pull_from):
            reason = messages.image_unreachable(ref.reference, ref.registry, seed)
            return Failure(reason, messages.STOP_FAILED_TO_START, container_reason=reason)
        if ref.private_ecr and not images.holds(views.repository(ref.account, ref.region, ref.repository), ref):
            reason = messages.image_not_found(ref.reference)
            return Failure(reason, messages.STOP_FAILED_TO_START, container_reason=reason)
    exits = {c.get("name"): outcome.exit_code for c in containers
             if c.get("essential", True) and (outcome := process.container(c)).ends_after == 0}
    if exits:
        return Failure(messages.ESSENTIAL_CONTAINER_EXITED, messages.STOP_ESSENTIAL_EXITED, exit_codes=exits)
    return None


def _execution_role(world: World, task: Any) -> str | None:
    try:
        return world.ecs.describe_task_definition(task.task_definition_arn).execution_role_arn
    except Exception:
        return None


def _may_pull(world: World, role_arn: str | None) -> bool:
    statements = views.role_statements(world.ecs.account_id, role_arn)
    if statements is None:
        return False
    return all(images.action_allowed(statements, action) for action in images.ECR_READ_ACTIONS)


# --- while RUNNING -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContainerFate:
    name: str
    essential: bool
    ends_after: float | None
    exit_code: int
    health: health_check.Verdict | None


def fates(containers: list[dict[str, Any]]) -> list[ContainerFate]:
    found = []
    for container in containers:
        outcome = process.container(container)
        ports = [int(m["containerPort"]) for m in container.get("portMappings") or [] if m.get("containerPort")]
        check = container.get("healthCheck")
        found.append(ContainerFate(
            name=container.get("name", ""), essential=bool(container.get("essential", True)),
            ends_after=outcome.ends_after, exit_code=outcome.exit_code,
            health=health_check.verdict(check, ports) if check else None,
        ))
    return found


def next_running_event(record: Any) -> float | None:
    """The earliest moment one of the task's containers exits or changes health."""
    if record.running_at is None or not record.fate:
        return None
    times = []
    for fate in record.fate:
        if fate.ends_after is not None and fate.name not in record.exited:
            times.append(record.running_at + fate.ends_after)
        if fate.health is not None and fate.name not in record.judged:
            times.append(record.running_at + fate.health.after)
    return min(times) if times else None


def unhealthy_essential(fate_list: list[ContainerFate], judged: set[str]) -> bool:
    return any(f.essential and f.health is not None and not f.health.healthy and f.name in judged
               for f in fate_list)


def task_health(fate_list: list[ContainerFate], judged: set[str]) -> str:
    """HEALTHY when every essential container with a health check is healthy; UNHEALTHY when one is not."""
    checked = [f for f in fate_list if f.essential and f.health is not None]
    if not checked or any(f.name not in judged for f in checked):
        return "UNHEALTHY" if unhealthy_essential(fate_list, judged) else "UNKNOWN"
    return "HEALTHY" if all(f.health.healthy for f in checked) else "UNHEALTHY"


# --- load balancer health ----------------------------------------------------------------------------------------


def target_view(world: World, elbv2: Any, group: Any, task: Any, target: dict[str, Any]) -> target_health.Target:
    """Does the application listen where the load balancer checks, and may the load balancer reach it?"""
    port = int(target.get("Port") or group.port or 80)
    check_port = views.health_check(group, port).port
    balancer_groups = views.balancer_groups(elbv2, group)
    if task.launch_type == "FARGATE" or not task.container_instance_arn:
        record = state.get(task)
        eni = world.ec2.enis.get(record.eni_id) if record and record.eni_id else None
        group_ids = [g.id for g in eni.group_set] if eni is not None else []
        listening = tuple(int(m["containerPort"]) for c in definitions(world, task)
                          for m in c.get("portMappings") or [] if m.get("containerPort"))
    else:
        instance = world.instance(target["Id"]) if str(target["Id"]).startswith("i-") else None
        group_ids = [g.id for g in instance.security_groups] if instance is not None else []
        listening = tuple(int(b["hostPort"]) for c in task.containers for b in c.network_bindings)
    vpc = world.ec2.vpcs.get(group.vpc_id)
    inside = _balancer_node(vpc.cidr_block) if vpc is not None else "10.0.0.10"
    reachable = security_groups.ingress_allows(
        views.ingress(world.ec2, group.vpc_id, group_ids), check_port, from_groups=balancer_groups,
        from_address=inside)
    return target_health.Target(listening=listening, reachable=reachable)


@functools.lru_cache(maxsize=1024)
def _balancer_node(cidr: str) -> str:
    """An address inside the VPC a load balancer node checks from."""
    return str(ipaddress.ip_network(cidr)[10])
