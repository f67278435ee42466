"""Bring every simulated world up to the clock's "now": a small discrete-event loop.

Events (task state steps, agent registrations, the minute ticks of metrics and alarms) are taken in time order;
after each, the services converge at that instant, so a clock that jumps far ahead still sees deployments roll
and services scale in the right order.

The pass touches only what changed. A world is left alone when no call has written anything since its last pass
and no event is due yet. Otherwise only some clusters are looked at: those a call wrote to (an ECS call names its
cluster; any other write, or one that names none, makes every cluster count), those with a due event (each
cluster's earliest event is kept), and those something else changed (state.touched: a task timer set, a desired
count scaled, an instance registered). An event of the whole world (a metrics minute, an agent registration, a Spot
termination, a managed scaling decision, a scheduled action, a NAT gateway becoming available) runs the world-level
parts, and what they change in a cluster touches it (a scaled desired count, a registered or departed instance, a
stopped task); managed scaling then decides for every provider. So in a class, a student's call costs about the
same whatever the size of the class.

A call that may change the world (anything but a read or a write the simulation never looks at: see
request_kinds.leaves_world_alone) makes the next call run the pass. A read whose answer no pass can change (a
network's layout, a role, a task definition: request_kinds.needs_no_pass) runs no pass at all, so a pending change
is simulated at the next call that can see it, from the time of the last pass.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

from ecslab.behaviour import (
    agent,
    alarms,
    asg,
    loadbalancing,
    managed_scaling,
    metrics,
    nat,
    pass_budget,
    placement,
    scheduled_actions,
    scheduler,
    spot,
    state,
    tasks,
)
from ecslab.behaviour.clock import clock
from ecslab.behaviour.world import World, worlds

MAX_STEPS = 20000

_writes = 0
_unscoped_at = 0  # _writes at the last write that may concern any cluster
_cluster_written: dict[str, int] = {}  # cluster name -> _writes at the last write that named it


def note_write(cluster: str | None = None, outside_ecs: bool = True, writer: str | None = None) -> None:
    """A call may have changed some world: the next pass is not skipped. `cluster`: the one ECS cluster the call
    named (None: it may concern any); `outside_ecs`: it may have changed a network or a load balancer; `writer`: the
    student who made it on a class emulator (None: anyone else), see state.note_outside_write."""
    global _writes, _unscoped_at
    _writes += 1
    if cluster is None:
        _unscoped_at = _writes
    else:
        _cluster_written[cluster] = _writes
    if outside_ecs:
        state.note_outside_write(writer)


def reconcile() -> None:
    now = clock().now()
    pass_budget.start()
    for world in worlds():
        if unchanged(world, now):
            world.sim.last_time = now  # what a full pass would have concluded
            continue
        reconcile_world(world, now)
    state.touched.clear()


def unchanged(world: World, now: float) -> bool:
    record = world.sim
    return (record.writes_seen == _writes and not state.touched
            and (record.next_due is None or record.next_due > now))


def all_clusters(world: World) -> set[str]:
    ecs = world.ecs
    return set(ecs.clusters) | set(ecs.tasks) | set(ecs.container_instances) | {
        s.cluster_name for s in ecs.services.values()}


def written(world: World) -> set[str]:
    """The clusters calls wrote to since the world's last pass (every cluster after a write naming none)."""
    seen = world.sim.writes_seen
    if _unscoped_at > seen:
        return all_clusters(world)
    return {name for name, at in _cluster_written.items() if at > seen}


def services_by_cluster(world: World) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for service in world.ecs.services.values():
        found.setdefault(service.cluster_name, []).append(service)
    return found


def cluster_next_event(world: World, name: str, services: list[Any], after: float,
                       purge: bool = False) -> float | None:
    """The cluster's earliest pending event: a task step that is due (steps always make progress), or later than
    `after` a target health decision, a protection lapsing, a placement problem reported again or a throttled
    service launching again; with `purge`, also a stopped task forgotten (done at the end of a pass).

    Also notes whether the cluster has a service task running (metrics are measured) and tasks waiting for
    capacity (managed scaling places them)."""
    times = []
    measured = waiting = False
    for task in (world.ecs.tasks.get(name) or {}).values():
        record = tasks.sim(task)
        if record.next_at is not None:
            times.append(record.next_at)
        for due in (record.health_due, record.healthy_at):
            if due is not None and due > after:
                times.append(due)
        alive = tasks.is_alive(task)
        if record.protected_until is not None and record.protected_until > after and alive:
            times.append(record.protected_until)
        if purge and (forget := tasks.forget_at(task)) is not None:
            times.append(forget)
        measured = measured or (record.service_key is not None and state.status(task) == "RUNNING")
        waiting = waiting or (record.awaiting_capacity and alive)
    for kept, holds in ((world.sim.measured, measured), (world.sim.waiting, waiting)):
        if holds:
            kept.add(name)
        else:
            kept.discard(name)
    for upcoming in (scheduler.next_problem_report(world, after, services),
                     scheduler.next_retry(world, after, services)):
        if upcoming is not None:
            times.append(upcoming)
    return min(times) if times else None


def world_next_event(world: World, after: float) -> float | None:
    """The earliest event of the whole world later than `after` (earlier registrations are retried by every
    converge)."""
    times = [upcoming for upcoming in (
        agent.next_registration(world, after), spot.next_termination(world, after),
        managed_scaling.next_decision(world, after), metrics.next_tick(world, after),
        scheduled_actions.next_run(world, after), nat.next_available(world, after), asg.next_retry(world, after),
    ) if upcoming is not None]
    return min(times) if times else None


def reconcile_world(world: World, now: float) -> None:
    record = world.sim
    at = min(record.last_time, now)
    every = all_clusters(world)
    looked = (written(world) | state.touched | {name for name, due in record.cluster_due.items() if due <= now})
    looked &= every
    state.touched.clear()
    by_cluster = services_by_cluster(world)

    def refresh_due(names: set[str], after: float, purge: bool = False) -> None:
        for name in names:
            due = cluster_next_event(world, name, by_cluster.get(name, []), after, purge)
            if due is None:
                record.cluster_due.pop(name, None)
            else:
                record.cluster_due[name] = due

    def step(names: set[str], when: float, every_provider: bool = False) -> None:
        pass_budget.charge(sum(len(world.ecs.tasks.get(name) or {}) for name in names))
        converge(world, when, names, every_provider, world_parts=world_parts_due(world, every_provider))
        names |= state.touched & every  # what the world-level parts changed in other clusters
        looked.update(names)
        refresh_due(names | (state.touched & every), when)
        state.touched.clear()

    step(set(looked), at)  # what changed during the previous request happened at about that time
    metrics.skip_idle(world, now)
    stepped = behind = False
    for _ in range(MAX_STEPS):
        world_due = world_next_event(world, at)
        cluster_due = min(record.cluster_due.values(), default=None)
        due = min((t for t in (world_due, cluster_due) if t is not None), default=None)
        if due is None or due > now:
            break
        at, stepped = max(due, at), True
        world_step = world_due is not None and world_due <= at
        names = {name for name, t in record.cluster_due.items() if t <= at}
        for name in names:
            for task in list((world.ecs.tasks.get(name) or {}).values()):
                task_record = tasks.sim(task)
                if task_record.next_at is not None and task_record.next_at <= at:
                    tasks.advance(task, at, world)
        if metrics.due(world, at):
            metrics.publish(world, at)
            alarms.evaluate(world, at)
        by_cluster = services_by_cluster(world)
        every = all_clusters(world)
        step(set(names), at, every_provider=world_step)
        if pass_budget.spent():  # the world stays at `at` (one event further at least): the next pass goes on
            behind = True
            break
    end = at if behind else now
    if stepped and not behind:  # otherwise nothing was due since the converge above: it would find the same world
        step(set(looked), now)
    for name in looked:
        tasks.purge_old(world.ecs, end, name)
    derive(world, looked)
    refresh_due(looked, end, purge=True)
    for name in list(record.cluster_due):
        if name not in every:
            del record.cluster_due[name]
    record.measured &= every
    record.waiting &= every
    record.last_time = end
    record.writes_seen = _writes
    upcoming = [t for t in (world_next_event(world, end), min(record.cluster_due.values(), default=None))
                if t is not None]
    record.next_due = end if behind else (min(upcoming) if upcoming else None)


def world_parts_due(world: World, world_event: bool) -> bool:
    """The world-level parts (scheduled actions, Spot, the agents, the Auto Scaling groups' replacements) have
    something to do only at a world-level event, after a call wrote anything, or after the simulation changed a
    group's capacity (asg.set_capacity): otherwise the instances are as they last left them. In a class this keeps
    a step of one student's cluster from walking every student's instances."""
    return world_event or world.sim.fleet_changed or world.sim.world_parts_writes != _writes


def converge(world: World, at: float, clusters: set[str] | None = None, every_provider: bool = False,
             world_parts: bool = True) -> None:
    """World-level parts (when `world_parts`), then the services of `clusters` (None: every cluster) and of the
    clusters the world-level parts changed; managed scaling decides for the providers of those clusters
    (`every_provider`: for all, as when a world-level event is due: a decision's wait may have ended)."""
    if world_parts:
        world.sim.world_parts_writes, world.sim.fleet_changed = _writes, False
        scheduled_actions.run_due(world, at)
        spot.terminate_due(world, at)
        agent.sync(world, at)
        asg.replace_terminated(world, at)
    if clusters is None:
        clusters = all_clusters(world)
    clusters |= state.touched & all_clusters(world)  # instances registered, tasks placed just now
    managed_scaling.place_waiting(world, at, world.sim.waiting | clusters)
    nat.make_available(world, at)
    loadbalancing.check_targets(world, at, clusters)
    by_service = scheduler.tasks_by_service(world, clusters)  # a service's converge only adds tasks of its own
    for service in [s for s in list(world.ecs.services.values()) if s.cluster_name in clusters]:
        try:
            own = by_service.get((service.cluster_name, scheduler.service_key(service)), [])
            scheduler.converge(world, service, at, own)
        except Exception as exc:  # one broken service (say, its task definition was deleted) must not stop others
            _report_once(service.arn, exc)
    managed_scaling.scale(world, at, world.sim.waiting | clusters,
                          None if every_provider or clusters >= all_clusters(world) else clusters)


_reported: set[str] = set()


def _report_once(where: str, exc: Exception) -> None:
    key = f"{where}: {exc!r}"
    if key not in _reported:
        _reported.add(key)
        print(f"ecslab: simulation skipped {where}:", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr)


def derive(world: World, clusters: set[str] | None = None) -> None:
    """The counters moto keeps by hand, recomputed from the tasks and instances themselves (of `clusters`; None:
    every cluster)."""
    active_services: dict[str, int] = {}
    for service in world.ecs.services.values():
        if service.status == "ACTIVE":
            active_services[service.cluster_name] = active_services.get(service.cluster_name, 0) + 1
    for name, cluster in world.ecs.clusters.items():
        if clusters is not None and name not in clusters:
            continue
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
