"""Spot interruptions, which only the emulator can trigger (on AWS: AWS FIS or the market itself).

- A Fargate Spot task is stopped: "Your Spot Task was interrupted." (stopCode SpotInterruption).
- An EC2 instance gets the two-minute notice: with ECS_ENABLE_SPOT_INSTANCE_DRAINING=true in its user data the
  agent sets its container instance to DRAINING at once; two minutes later the instance is terminated.
"""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import agent, messages, state, tasks
from ecslab.behaviour.world import World

NOTICE_SECONDS = 120.0


def spot_draining_enabled(instance: Any) -> bool:
    text = agent.user_data_text(instance).replace(" ", "").replace('"', "").replace("'", "")
    return "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" in text


def interrupt(world: World, at: float, instance_ids: list[str], task_arns: list[str]) -> dict[str, list[str]]:
    """Start the interruptions; returns what was interrupted."""
    done: dict[str, list[str]] = {"instancias": [], "tarefas": []}
    for arn in task_arns:
        for cluster_tasks in world.ecs.tasks.values():
            task = cluster_tasks.get(arn) or next((t for t in cluster_tasks.values() if t.id == arn), None)
            if task is not None and tasks.request_stop(task, at, messages.SPOT_TASK_INTERRUPTED, messages.STOP_SPOT):
                done["tarefas"].append(task.task_arn)
    for instance_id in instance_ids:
        instance = world.instance(instance_id)
        if instance is None or instance.state in ("shutting-down", "terminated"):  # nothing to interrupt
            continue
        record = world.sim.instances.get(instance_id)
        if record is None:
            record = agent.InstanceSim(seen_at=at, cluster=agent.cluster_of(instance))
            world.sim.instances[instance_id] = record
        record.interrupt_at = at + NOTICE_SECONDS
        if record.registered and record.cluster and spot_draining_enabled(instance):
            ci = agent.find(world, record.cluster, instance_id)
            if ci is not None:
                ci.status = "DRAINING"
                state.touch(record.cluster)
        done["instancias"].append(instance_id)
    return done


def interrupt_now(region: str, account_id: str, instance_ids: list[str], task_arns: list[str]) -> dict:
    """Entry point for the emulator (under its lock): interrupt in one account and region, at the clock's now."""
    from moto.ecs import ecs_backends

    from ecslab.behaviour.clock import clock

    return interrupt(World(ecs_backends[account_id][region]), clock().now(), instance_ids, task_arns)


def next_termination(world: World, after: float) -> float | None:
    times = [r.interrupt_at for r in world.sim.instances.values()
             if r.interrupt_at is not None and not r.gone and r.interrupt_at > after]
    return min(times) if times else None


def terminate_due(world: World, at: float) -> None:
    due = [instance_id for instance_id, r in world.sim.instances.items()
           if r.interrupt_at is not None and r.interrupt_at <= at and not r.gone]
    if due:
        for instance_id in due:
            world.sim.instances[instance_id].interrupt_at = None
        world.ec2.terminate_instances(due)
