"""Bring every simulated world up to the clock's "now": a small discrete-event loop.

Events (task state steps, agent registrations, the minute ticks of metrics and alarms) are taken in time order;
after each, the services converge at that instant, so a clock that jumps far ahead still sees deployments roll
and services scale in the right order.

Before any call, the pass is skipped when no call has written anything since the last pass and no event is due
yet: nothing could have changed, so the pass would find the world as it is. A call that may change the world
(anything but a read or a write the simulation never looks at: see request_kinds.leaves_world_alone) makes the next
call run the pass. In a class most calls are reads, and a full pass walks every student's services. A read whose
answer no pass can change (a network's layout, a role, a task definition: request_kinds.needs_no_pass) runs no pass at
all, so a pending change is simulated at the next call that can see it, from the time of the last pass.
"""

from __future__ import annotations

import sys
import traceback

from ecslab.behaviour import (
    agent,
    alarms,
    asg,
    loadbalancing,
    managed_scaling,
    metrics,
    nat,
    placement,
    scheduled_actions,
    scheduler,
    spot,
    state,
    task_protection,
    tasks,
)
from ecslab.behaviour.clock import clock
from ecslab.behaviour.world import World, worlds

MAX_STEPS = 20000

_writes = 0


def note_write() -> None:
    """A call may have changed some world: the next pass is not skipped."""
    global _writes
    _writes += 1


def reconcile() -> None:
    now = clock().now()
    for world in worlds():
        if unchanged(world, now):
            world.sim.last_time = now  # what a full pass would have concluded
            continue
        reconcile_world(world, now)


def unchanged(world: World, now: float) -> bool:
    record = world.sim
    return record.writes_seen == _writes and (record.next_due is None or record.next_due > now)


def next_event(world: World, after: float) -> float | None:
    """The earliest pending event: any task step that is due (steps always make progress), or an agent
    registration, Spot termination, managed scaling decision or metrics minute later than `after` (earlier
    registrations are retried by every converge)."""
    times = []
    for cluster_tasks in world.ecs.tasks.values():
        for task in cluster_tasks.values():
            record = tasks.sim(task)
            if record.next_at is not None:
                times.append(record.next_at)
            for due in (record.health_due, record.healthy_at):
                if due is not None and due > after:
                    times.append(due)
    for upcoming in (agent.next_registration(world, after), spot.next_termination(world, after),
                     managed_scaling.next_decision(world, after), metrics.next_tick(world, after),
                     scheduled_actions.next_run(world, after), scheduler.next_problem_report(world, after),
                     nat.next_available(world, after), scheduler.next_retry(world, after),
                     task_protection.next_expiry(world, after)):
        if upcoming is not None:
            times.append(upcoming)
    return min(times) if times else None


def reconcile_world(world: World, now: float) -> None:
    at = min(world.sim.last_time, now)
    converge(world, at)  # what changed during the previous request happened at about that time
    metrics.skip_idle(world, now)
    stepped = False
    for _ in range(MAX_STEPS):
        due = next_event(world, at)
        if due is None or due > now:
            break
        at, stepped = max(due, at), True
        for cluster_tasks in world.ecs.tasks.values():
            for task in list(cluster_tasks.values()):
                record = tasks.sim(task)
                if record.next_at is not None and record.next_at <= at:
                    tasks.advance(task, at, world)
        if metrics.due(world, at):
            metrics.publish(world, at)
            alarms.evaluate(world, at)
        converge(world, at)
    if stepped:  # otherwise nothing was due since the converge above: a second one would find the same world
        converge(world, now)
    tasks.purge_old(world.ecs, now)
    derive(world)
    world.sim.last_time = now
    world.sim.writes_seen = _writes
    upcoming = [t for t in (next_event(world, now), tasks.next_purge(world.ecs)) if t is not None]
    world.sim.next_due = min(upcoming) if upcoming else None


def converge(world: World, at: float) -> None:
    scheduled_actions.run_due(world, at)
    spot.terminate_due(world, at)
    agent.sync(world, at)
    asg.replace_terminated(world)
    managed_scaling.place_waiting(world, at)
    nat.make_available(world, at)
    loadbalancing.check_targets(world, at)
    by_service = scheduler.tasks_by_service(world)  # a service's converge only adds tasks of its own
    for service in list(world.ecs.services.values()):
        try:
            own = by_service.get((service.cluster_name, scheduler.service_key(service)), [])
            scheduler.converge(world, service, at, own)
        except Exception as exc:  # one broken service (say, its task definition was deleted) must not stop others
            _report_once(service.arn, exc)
    managed_scaling.scale(world, at)


_reported: set[str] = set()


def _report_once(where: str, exc: Exception) -> None:
    key = f"{where}: {exc!r}"
    if key not in _reported:
        _reported.add(key)
        print(f"ecslab: simulation skipped {where}:", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr)


def derive(world: World) -> None:
    """The counters moto keeps by hand, recomputed from the tasks and instances themselves."""
    active_services: dict[str, int] = {}
    for service in world.ecs.services.values():
        if service.status == "ACTIVE":
            active_services[service.cluster_name] = active_services.get(service.cluster_name, 0) + 1
    for name, cluster in world.ecs.clusters.items():
        running = pending = 0
        for task in world.ecs.tasks.get(name, {}).values():
            if state.status(task) == "RUNNING":
                running += 1
            elif tasks.is_alive(task):
                pending += 1
        cluster.running_tasks_count, cluster.pending_tasks_count = running, pending
        # moto indexes container_instances[cluster] in several calls (update_container_instances_state,
        # describe_container_instances, put_attributes): a KeyError for a cluster that never had an instance
        instances = world.ecs.container_instances.setdefault(name, {})
        cluster.registered_container_instances_count = len(instances)
        cluster.active_services_count = active_services.get(name, 0)
        usage = placement.usage_by_instance_id(world.ecs, name)
        for ci in instances.values():
            placement.refresh_instance(ci, usage.get(ci.id, placement.Usage()))
