"""ASG capacity providers: tasks waiting for capacity, managed scaling and managed termination protection.

ECS computes CapacityProviderReservation = M / N * 100 (M: instances needed, N: instances in the group) and
drives the group towards it: M instances at targetCapacity 100, more headroom below. Scale-out acts after a
minute (the alarm's evaluation), scale-in after fifteen, each move bounded by the step sizes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ecslab.behaviour import asg, placement, state, tasks
from ecslab.behaviour.state import ProviderSim
from ecslab.behaviour.world import World

SCALE_OUT_AFTER = 60.0
SCALE_IN_AFTER = 900.0


def waiting_tasks(world: World, clusters: Iterable[str] | None = None) -> list[Any]:
    """Tasks waiting for capacity (in `clusters`, the only ones that may hold any; None: every cluster)."""
    names = world.ecs.tasks.keys() if clusters is None else clusters
    found = [
        task for cluster_tasks in [world.ecs.tasks.get(name) or {} for name in names]
        for task in cluster_tasks.values()
        if tasks.is_alive(task) and tasks.sim(task).awaiting_capacity
    ]
    return sorted(found, key=lambda task: tasks.sim(task).created_at)


def place_waiting(world: World, at: float, clusters: Iterable[str] | None = None) -> None:
    """Tasks waiting in PROVISIONING take the first instance of their provider that fits them."""
    for task in waiting_tasks(world, clusters):
        task_definition = world.ecs.describe_task_definition(task.task_definition_arn)
        placed, _ = placement.place(
            world.ecs, task.cluster_name, task_definition, 1, group=task.group, strategy=None, constraints=None,
            capacity_provider=task.capacity_provider_name, rng=world.sim.rng,
        )
        if placed:
            tasks.assign_instance(task, task_definition, placed[0].container_instance, placed[0].host_ports, at)


def _group_for(world: World, arn: str, index: dict[str, Any] | None = None) -> Any:
    if index is not None and arn in index:
        return index[arn]
    for group in world.autoscaling.autoscaling_groups.values():
        if arn and (arn == group.arn or arn == group.name or arn.endswith(f"autoScalingGroupName/{group.name}")):
            return group
    return None


def _group_index(world: World) -> dict[str, Any]:
    """Groups by ARN and by name, the first one winning as in _group_for's scan (moto builds the ARN each time)."""
    index: dict[str, Any] = {}
    for group in world.autoscaling.autoscaling_groups.values():
        index.setdefault(group.arn, group)
        index.setdefault(group.name, group)
    return index


def _hosting(world: World, clusters: Iterable[str] | None = None) -> set[str]:
    """EC2 instance ids of the container instances that hold a task not yet STOPPED (of `clusters`; None: all)."""
    found: set[str] = set()
    names = world.ecs.tasks.keys() if clusters is None else clusters
    for cluster_tasks in [world.ecs.tasks.get(name) or {} for name in names]:
        for task in cluster_tasks.values():
            if not task.container_instance_arn or state.status(task) == "STOPPED":
                continue
            instances = world.ecs.container_instances.get(task.cluster_name, {})
            ci = instances.get(task.container_instance_arn.split("/")[-1])
            if ci is not None:
                found.add(ci.ec2_instance_id)
    return found


def _instance_type(group: Any) -> str:
    try:
        return group.instance_type or "m5.large"
    except Exception:  # a group without launch template nor configuration
        return "m5.large"


def _needed(world: World, group: Any, provider_name: str, hosting: set[str] | None = None,
            waiting_all: list[Any] | None = None) -> int:
    """M: instances running this provider's tasks, plus those the waiting tasks need.

    `hosting` (see _hosting) and `waiting_all` (see waiting_tasks) may be passed in when computed once for every
    provider: setting one group's desired capacity changes neither."""
    members = {s.instance.id for s in group.instance_states if s.instance.state not in ("terminated", "shutting-down")}
    busy = members & (_hosting(world) if hosting is None else hosting)
    waiting = [t for t in (waiting_tasks(world) if waiting_all is None else waiting_all)
               if t.capacity_provider_name == provider_name]
    if not waiting:
        return len(busy)
    cpu, memory = placement.resources_for(_instance_type(group))
    need_cpu = sum(tasks.sim(t).cpu for t in waiting)
    need_memory = sum(tasks.sim(t).memory for t in waiting)
    extra = max(1, math.ceil(need_cpu / max(cpu, 1)), math.ceil(need_memory / max(memory, 1)))
    return len(busy) + extra


def running_on(world: World, clusters: Iterable[str] | None = None) -> set[str]:
    """EC2 instance ids of the container instances with a task running or about to run on them (of `clusters`;
    None: every cluster)."""
    found: set[str] = set()
    names = world.ecs.container_instances.keys() if clusters is None else clusters
    for cluster_name, instances in [(name, world.ecs.container_instances.get(name)) for name in names]:
        if not instances:
            continue
        usage = placement.usage_by_instance_id(world.ecs, cluster_name)
        for ci in instances.values():
            use = usage.get(ci.id)
            if use is not None and (use.running or use.pending):
                found.add(ci.ec2_instance_id)
    return found


def protect(group: Any, busy: set[str]) -> None:
    """Managed termination protection: instances running tasks (`busy`: see running_on) are protected from
    scale-in."""
    for instance_state in group.instance_states:
        instance_state.protected_from_scale_in = instance_state.instance.id in busy


def scale(world: World, at: float, waiting_in: Iterable[str] | None = None,
          clusters: Iterable[str] | None = None) -> None:
    """`waiting_in`: the clusters that may hold tasks waiting for capacity (None: every cluster). `clusters`: only
    the providers of these clusters decide (None: every provider); a provider belongs to one cluster, and what
    else its decision reads (its group, the clock's wait) changes through a world-level event or a call that
    makes every cluster count."""
    providers = list(world.ecs.capacity_providers.values())
    if clusters is not None:
        names = {name for cluster_name in clusters if (cluster := world.ecs.clusters.get(cluster_name)) is not None
                 for name in (cluster.capacity_providers or [])}
        providers = [provider for provider in providers if provider.name in names]
    if not providers:
        return
    index = _group_index(world)
    hosting: set[str] | None = None
    waiting_all: list[Any] | None = None
    busy: set[str] | None = None  # computed once: protecting one group changes no task
    for provider in providers:
        settings = provider.auto_scaling_group_provider or {}
        group = _group_for(world, settings.get("autoScalingGroupArn", ""), index)
        if group is None:
            continue
        if settings.get("managedTerminationProtection") == "ENABLED":
            busy = running_on(world, clusters) if busy is None else busy
            protect(group, busy)
        scaling = settings.get("managedScaling") or {}
        if scaling.get("status") != "ENABLED":
            continue
        record = state.get(provider) or state.put(provider, ProviderSim())
        target = min(max(int(scaling.get("targetCapacity") or 100), 1), 100)
        if hosting is None or waiting_all is None:
            hosting, waiting_all = _hosting(world, clusters), waiting_tasks(world, waiting_in)
        wanted = math.ceil(_needed(world, group, provider.name, hosting, waiting_all) * 100 / target)
        current = group.desired_capacity or 0
        step = wanted - current
        if step > 0:
            step = min(max(step, int(scaling.get("minimumScalingStepSize") or 1)),
                       int(scaling.get("maximumScalingStepSize") or 10000))
        elif step < 0:
            step = -min(-step, int(scaling.get("maximumScalingStepSize") or 10000))
        wanted = min(max(current + step, group.min_size or 0), group.max_size or 0)
        if wanted == current:
            record.wanted = None
            continue
        if record.wanted is None or (record.wanted > current) != (wanted > current):
            record.wanted_since = at  # a new wish (or a change of direction) starts its wait again
        record.wanted = wanted
        wait = SCALE_OUT_AFTER if wanted > current else SCALE_IN_AFTER
        warmup = float(scaling.get("instanceWarmupPeriod") or 300)
        if at - record.wanted_since >= wait and (wanted < current or at - record.last_change_at >= warmup):
            asg.set_capacity(world, group, wanted)
            record.wanted, record.last_change_at = None, at


def next_decision(world: World, after: float) -> float | None:
    times = []
    for provider in world.ecs.capacity_providers.values():
        record = state.get(provider)
        if record is not None and record.wanted is not None:
            times.append(record.wanted_since + SCALE_OUT_AFTER)
            times.append(record.wanted_since + SCALE_IN_AFTER)
            times.append(record.last_change_at + float(
                ((provider.auto_scaling_group_provider or {}).get("managedScaling") or {}).get("instanceWarmupPeriod")
                or 300))
    later = [t for t in times if t > after]
    return min(later) if later else None
