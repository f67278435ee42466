"""Service tasks behind a target group: registered when they start, drained and deregistered when they stop."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from moto.elbv2 import elbv2_backends

from ecslab import naming
from ecslab.behaviour import failures, messages, state, tasks, views
from ecslab.behaviour.clock import clock
from ecslab.behaviour.events import post_event
from ecslab.behaviour.rules import target_health
from ecslab.behaviour.world import World, world_of

DEFAULT_DEREGISTRATION_DELAY = 300
MAX_KEPT_VERDICTS = 20_000  # a class's live targets are a few hundred


def _elbv2(task: Any) -> Any:
    return elbv2_backends[task._account_id][task.region_name]


def _service(task: Any) -> Any:
    record = state.get(task)
    return task._backend.services.get(record.service_key) if record and record.service_key else None


def _target(task: Any, balancer: dict[str, Any]) -> dict[str, Any] | None:
    port = balancer.get("containerPort")
    for attachment in task.attachments:
        for detail in attachment["details"]:
            if detail["name"] == "privateIPv4Address":
                return {"Id": detail["value"], "Port": port}
    if not task.container_instance_arn:
        return None
    instances = task._backend.container_instances.get(task.cluster_name, {})
    ci = instances.get(task.container_instance_arn.split("/")[-1])
    if ci is None:
        return None
    for container in task.containers:
        if container.name != balancer.get("containerName"):
            continue
        for binding in container.network_bindings:
            if binding["containerPort"] == port:
                return {"Id": ci.ec2_instance_id, "Port": binding["hostPort"]}
    return None


def register(task: Any, at: float) -> None:
    """The task has reached RUNNING: put it in its service's target groups."""
    record = state.get(task)
    service = _service(task)
    if record is None or service is None:
        return
    for balancer in service.load_balancers or []:
        group_arn = balancer.get("targetGroupArn")
        target = _target(task, balancer)
        if not group_arn or target is None:
            continue
        try:
            _elbv2(task).register_targets(group_arn, [target])
        except Exception:  # the target group is gone; AWS would report it in an event as well
            continue
        record.targets.append((group_arn, target))
        post_event(service, messages.registered_targets(service.name, 1, group_arn), at)


def drain(task: Any, at: float) -> float:
    """Take the task out of its target groups; returns the deregistration delay (simulated seconds)."""
    record = state.get(task)
    if record is None or not record.targets:
        return 0.0
    service = _service(task)
    delay = 0
    elbv2 = _elbv2(task)
    if service is not None:
        post_event(service, messages.draining_connections(service.name, 1), at)
    for group_arn, target in record.targets:
        group = elbv2.target_groups.get(group_arn)
        if group is None:
            continue
        delay = max(delay, int(group.attributes.get("deregistration_delay.timeout_seconds",
                                                    DEFAULT_DEREGISTRATION_DELAY)))
        try:
            elbv2.deregister_targets(group_arn, [target])
        except Exception:
            continue
        if service is not None:
            post_event(service, messages.deregistered_targets(service.name, 1, group_arn), at)
    record.targets = []
    return float(delay)


# --- health --------------------------------------------------------------------------------------------------------


def _owner(world: World, group_arn: str, target_id: str) -> Any:
    """The task whose target this is (registered by the simulation), or None."""
    for cluster_tasks in world.ecs.tasks.values():
        for task in cluster_tasks.values():
            record = state.get(task)
            if record and any(arn == group_arn and t["Id"] == target_id for arn, t in record.targets):
                return task
    return None


def _verdict(world: World, elbv2: Any, group: Any, task: Any, target: dict[str, Any]) -> tuple:
    """(health check, outcome) of one target. Its inputs (the task's ports and security groups, the group's check,
    the network's rules) change only through a call outside ECS, so a verdict is kept until the next such call that
    may concern the task's owner (state.outside_writes_seen_by: on a class emulator, one student's calls leave the
    other students' verdicts alone)."""
    record = world.sim
    if record.network_writes_seen != state.outside_writes or len(record.verdicts) > MAX_KEPT_VERDICTS:
        record.verdicts.clear()  # everyone's may have changed; this also forgets the verdicts of tasks long gone
        record.network_writes_seen = state.outside_writes
    owned = naming.owner(task.cluster_name)
    seen = state.outside_writes_seen_by(owned[0] if owned else None)
    key = (task.task_arn, group.arn, str(target.get("Id")), target.get("Port"))
    kept = record.verdicts.get(key)
    if kept is None or kept[0] != seen:
        port = int(target.get("Port") or group.port or 80)
        check = views.health_check(group, port)
        kept = record.verdicts[key] = (seen, (check, target_health.outcome(
            check, failures.target_view(world, elbv2, group, task, target))))
    return kept[1]


def health_for(original: Any, group: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
    """moto's FakeTargetGroup.health_for, with the simulated checks for the simulation's own targets."""
    answer = original(group, target, ec2_backend)
    if answer.status != "healthy" or not group.load_balancer_arns:  # no load balancer: nothing checks it
        return answer
    world = world_of(ec2_backend.account_id, ec2_backend.region_name)
    task = _owner(world, group.arn, target["Id"])
    record = state.get(task) if task is not None else None
    if record is None or record.running_at is None:
        return answer
    elbv2 = elbv2_backends[ec2_backend.account_id][ec2_backend.region_name]
    registered = group.targets.get(target["Id"], target)
    check, result = _verdict(world, elbv2, group, task, registered)
    since = clock().now() - record.running_at
    answer.status, answer.reason, answer.description = (
        result if since >= target_health.decided_after(check, result) else target_health.INITIAL)
    return answer


def check_targets(world: World, at: float, clusters: Iterable[str] | None = None) -> None:
    """ECS stops a service task whose target is unhealthy once the health check grace period is over.

    `clusters`: only those clusters' tasks (None: every cluster's)."""
    elbv2 = elbv2_backends[world.ecs.account_id][world.ecs.region_name]
    names = world.ecs.tasks.keys() if clusters is None else clusters
    for cluster_tasks in [world.ecs.tasks.get(name) or {} for name in names]:
        for task in list(cluster_tasks.values()):
            record = state.get(task)
            if record is None or not record.targets or record.running_at is None or task.desired_status != "RUNNING":
                continue
            record.health_due = None
            service = _service(task)
            healthy_at = record.running_at
            for group_arn, target in record.targets:
                group = elbv2.target_groups.get(group_arn)
                if group is None or service is None or not group.load_balancer_arns:
                    continue
                check, result = _verdict(world, elbv2, group, task, target)
                if result[0] == "healthy":
                    record.unhealthy_since.pop(group_arn, None)
                    if healthy_at is not None:
                        healthy_at = max(healthy_at, record.running_at + target_health.decided_after(check, result))
                    continue
                healthy_at = None
                since = record.unhealthy_since.setdefault(
                    group_arn, max(at, record.running_at + target_health.decided_after(check, result)))
                grace = float(getattr(service, "health_check_grace_period_seconds", None) or 0)
                due = max(since, record.running_at + grace)
                if at < due:
                    record.health_due = due if record.health_due is None else min(record.health_due, due)
                    continue
                port = int(target.get("Port") or 0)
                post_event(service, messages.unhealthy_target(service.name, task.id, port, group_arn, result[2]), at)
                if tasks.request_stop(task, at, messages.elb_health_failed(group_arn), messages.STOP_SCHEDULER):
                    record.failed = True
                record.health_due = None
                break
            record.healthy_at = healthy_at


def in_service(task: Any, at: float) -> bool:
    """ECS counts a task behind a load balancer only once its targets pass their health checks."""
    record = state.get(task)
    return record is None or not record.targets or (record.healthy_at is not None and record.healthy_at <= at)
