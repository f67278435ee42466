"""Service tasks behind a target group: registered when they start, drained and deregistered when they stop."""

from __future__ import annotations

from typing import Any

from moto.elbv2 import elbv2_backends

from ecslab.behaviour import messages, state
from ecslab.behaviour.events import post_event

DEFAULT_DEREGISTRATION_DELAY = 300


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
