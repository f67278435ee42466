"""The ECS agent on EC2 instances: an instance whose user data sets ECS_CLUSTER registers itself as a container
instance a few simulated seconds after launch; a stopped or terminated instance takes its tasks down with it."""

from __future__ import annotations

import base64
import re
from typing import Any

from ecslab.behaviour import failures, messages, placement, state, tasks
from ecslab.behaviour.state import InstanceSim
from ecslab.behaviour.world import World

BOOT_SECONDS = 40.0  # from launch to the agent's RegisterContainerInstance
AGENT_VERSION = {"agentVersion": "1.89.2", "agentHash": "9f0e7a3c", "dockerVersion": "DockerVersion: 25.0.8"}
_CLUSTER = re.compile(r"""ECS_CLUSTER\s*=\s*["']?([A-Za-z0-9_-]+)""")
ARM_FAMILIES = ("a1", "t4g", "m6g", "m7g", "c6g", "c7g", "r6g", "r7g")


def user_data_text(instance: Any) -> str:
    data = getattr(instance, "user_data", None)
    if data is None:
        return ""
    if isinstance(data, list):
        data = data[0] if data else ""
    if hasattr(data, "decode") and not isinstance(data, bytes | str):
        try:
            return data.decode()
        except Exception:
            return ""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    try:
        return base64.b64decode(data, validate=True).decode("utf-8", "replace")
    except Exception:
        return str(data)


def cluster_of(instance: Any) -> str | None:
    match = _CLUSTER.search(user_data_text(instance))
    return match.group(1) if match else None


def all_instances(world: World) -> list[Any]:
    return [instance for reservation in world.ec2.reservations.values() for instance in reservation.instances]


def next_registration(world: World, after: float) -> float | None:
    times = [
        record.seen_at + BOOT_SECONDS
        for record in world.sim.instances.values()
        if record.cluster and not record.registered and not record.gone and record.seen_at + BOOT_SECONDS > after
    ]
    return min(times) if times else None


def sync(world: World, at: float) -> None:
    """Notice new instances, register those whose boot is over, and take down those that went away."""
    container_instances: dict[str, dict[str, Any]] = {}  # cluster -> EC2 instance id -> container instance
    providers: dict[str, str] | None = None
    for instance in all_instances(world):
        record = world.sim.instances.get(instance.id)
        if record is None:
            record = world.sim.instances[instance.id] = InstanceSim(seen_at=at, cluster=cluster_of(instance))
        if record.gone or not record.cluster:
            continue
        if instance.state in ("terminated", "shutting-down"):
            _leave(world, instance, record, at, terminated=True)
        elif instance.state in ("stopped", "stopping"):
            _leave(world, instance, record, at, terminated=False)
        elif not record.registered and at >= record.seen_at + BOOT_SECONDS:
            _register(world, instance, record, at)
        elif record.registered:
            if record.cluster not in container_instances:
                container_instances[record.cluster] = {
                    ci.ec2_instance_id: ci for ci in reversed(world.ecs.container_instances.get(record.cluster, {})
                                                               .values())}  # the first one wins, as in find
            ci = container_instances[record.cluster].get(instance.id)
            if ci is not None:
                ci.agent_connected = True
                if not getattr(ci, "capacity_provider_name", None):
                    providers = providers_by_instance(world) if providers is None else providers
                    ci.capacity_provider_name = providers.get(instance.id)


def find(world: World, cluster_name: str, instance_id: str) -> Any:
    for ci in world.ecs.container_instances.get(cluster_name, {}).values():
        if ci.ec2_instance_id == instance_id:
            return ci
    return None


def _register(world: World, instance: Any, record: InstanceSim, at: float) -> None:
    cluster = world.ecs.clusters.get(record.cluster)
    if cluster is None or cluster.status != "ACTIVE":
        return  # the agent keeps retrying until the cluster exists
    if not failures.instance_reaches_ecs(world, instance):
        return  # no route to the ECS endpoints: the instance runs and never shows up (retried at every pass)
    ci = world.ecs.register_container_instance(cluster.name, instance.id)
    state.touch(cluster.name)
    describe(world, ci, instance, at)
    record.registered = True


def describe(world: World, ci: Any, instance: Any, at: float) -> None:
    """Resources, attributes and capacity provider as the agent reports them."""
    cpu, memory = placement.resources_for(instance.instance_type)
    ci.registered_resources = placement.resource_list(cpu, memory, list(placement.RESERVED_PORTS))
    ci.remaining_resources = placement.resource_list(cpu, memory, list(placement.RESERVED_PORTS))
    family = instance.instance_type.split(".")[0]
    ci.attributes.update(
        {
            "ecs.os-family": "WINDOWS_SERVER" if instance.platform == "windows" else "LINUX",
            "ecs.cpu-architecture": "arm64" if family in ARM_FAMILIES else "x86_64",
            "ecs.vpc-id": getattr(instance, "vpc_id", None),
            "ecs.subnet-id": getattr(instance, "subnet_id", None),
            "ecs.capability.execution-role-awslogs": None,
            "ecs.capability.task-eni": None,
            "com.amazonaws.ecs.capability.docker-remote-api.1.44": None,
        }
    )
    ci.attributes = {
        key: value for key, value in ci.attributes.items()
        if value is not None or key.startswith(("ecs.capability", "com.amazonaws"))
    }
    ci.version_info = dict(AGENT_VERSION)
    ci.registered_at = tasks.ts(at)
    ci.agent_connected = True
    provider = provider_for(world, instance.id)
    if provider:
        ci.capacity_provider_name = provider


def providers_by_instance(world: World) -> dict[str, str]:
    """provider_for of every instance an Auto Scaling group holds, in one walk."""
    found: dict[str, str] = {}
    for group in world.autoscaling.autoscaling_groups.values():
        name = next((provider.name for provider in world.ecs.capacity_providers.values()
                     if _provides(provider, group)), None)
        if name is not None:
            for instance_state in group.instance_states:
                found.setdefault(instance_state.instance.id, name)
    return found


def _provides(provider: Any, group: Any) -> bool:
    arn = (provider.auto_scaling_group_provider or {}).get("autoScalingGroupArn", "")
    return bool(arn) and (arn == group.arn or arn.endswith(f"autoScalingGroupName/{group.name}") or arn == group.name)


def provider_for(world: World, instance_id: str) -> str | None:
    """The capacity provider whose Auto Scaling group launched the instance."""
    for group in world.autoscaling.autoscaling_groups.values():
        if not any(state.instance.id == instance_id for state in group.instance_states):
            continue
        for provider in world.ecs.capacity_providers.values():
            arn = (provider.auto_scaling_group_provider or {}).get("autoScalingGroupArn", "")
            if arn and (arn == group.arn or arn.endswith(f"autoScalingGroupName/{group.name}") or arn == group.name):
                return provider.name
    return None


def _leave(world: World, instance: Any, record: InstanceSim, at: float, *, terminated: bool) -> None:
    ci = find(world, record.cluster, instance.id) if record.registered else None
    state.touch(record.cluster)
    if ci is not None:
        for task in world.cluster_tasks(record.cluster):
            if task.container_instance_arn == ci.container_instance_arn:
                tasks.stop_now(task, at, messages.host_terminated(instance.id), messages.STOP_TERMINATION)
        ci.agent_connected = False
        if terminated:
            world.ecs.container_instances[record.cluster].pop(ci.container_instance_arn.split("/")[-1], None)
    if terminated:
        record.gone = True
    else:
        record.registered = record.registered and ci is not None
