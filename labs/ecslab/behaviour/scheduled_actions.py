"""Scheduled scaling (`PutScheduledAction`): at(), rate() and cron() schedules fire on the simulated clock.

Each action keeps its own anchor: the wall-clock moment and the simulated instant it was created (or last
updated). From there its schedule runs on simulated time, so `at(<now + 10 minutes>)` fires after ten simulated
minutes and `rate(5 minutes)` every five simulated minutes, as a lab that moves the clock expects. At the scheduled
time the scalable target takes the action's minimum and maximum; a desired count outside them is brought inside.
Both steps are written as scaling activities, worded as Application Auto Scaling writes them.

Supported: `at(yyyy-mm-ddThh:mm:ss)`, `rate(N minute|minutes|hour|hours|day|days)` and the six-field
`cron(Minutes Hours Day-of-month Month Day-of-week Year)` with numbers, names, `*`, `?`, ranges, lists and steps,
in the action's Timezone (UTC by default), within StartTime and EndTime. The `L`, `W` and `#` cron operators are
refused when the action is put, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ecslab.behaviour import autoscaling, state
from ecslab.behaviour.aws_errors import ScalingObjectNotFound, ScalingValidation
from ecslab.behaviour.clock import clock
from ecslab.behaviour.rules import schedules
from ecslab.behaviour.rules.schedules import ScheduleSim, first_run, parse, zone_of
from ecslab.behaviour.world import World

CATCH_UP = 3 * 3600.0  # after a long jump of the clock, a recurring action replays at most three simulated hours


def sim(action: Any) -> ScheduleSim | None:
    return state.get(action)


def next_run(world: World, after: float) -> float | None:
    """The earliest pending run of a scheduled action in this world (a recurring action far behind the clock
    skips ahead, replaying at most CATCH_UP seconds)."""
    actions = world.application_autoscaling.scheduled_actions
    if not actions:
        return None
    horizon = clock().now() - CATCH_UP
    times = []
    for action in actions:
        record = sim(action)
        if record is None or record.next_at is None:
            continue
        if record.next_at < horizon and record.schedule.kind != "at":
            record.next_at = schedules.within(record, schedules.skip_to(record, record.next_at, horizon))
            if record.next_at is None:
                continue
        times.append(record.next_at)
    return min(times) if times else None


def run_due(world: World, at: float) -> None:
    actions = world.application_autoscaling.scheduled_actions
    if not actions:
        return
    due = [(record.next_at, index, action, record) for index, action in enumerate(actions)
           if (record := sim(action)) is not None and record.next_at is not None and record.next_at <= at]
    for ran_at, _, action, record in sorted(due, key=lambda item: item[:2]):
        following = schedules.run_after(record, ran_at)
        record.next_at = following if following is None or following > ran_at else None  # always progress
        run(world, action, ran_at)


def run(world: World, action: Any, at: float) -> None:
    """At the scheduled time: the target's new minimum and maximum, then the desired count brought inside them."""
    backend = world.application_autoscaling
    target = backend.targets.get(action.scalable_dimension, {}).get(action.resource_id)
    if target is None or (target.suspended_state or {}).get("ScheduledScalingSuspended"):
        return
    wanted = action.scalable_target_action or {}
    low = wanted.get("MinCapacity", target.min_capacity)
    high = wanted.get("MaxCapacity", target.max_capacity)
    said = " and ".join(f"{word} capacity to {value}" for word, value, key in
                        (("min", low, "MinCapacity"), ("max", high, "MaxCapacity")) if key in wanted)
    if not said:
        return
    cause = f"scheduled action name {action.scheduled_action_name} was triggered"
    if low is not None and high is not None and int(low) > int(high):
        autoscaling.record_activity(world, action, at, f"Setting {said}", cause, "Failed",
                                    f"Failed to set {said}: the minimum capacity ({low}) cannot be greater than "
                                    f"the maximum capacity ({high}).")
        return
    target.min_capacity, target.max_capacity = low, high
    autoscaling.record_activity(world, action, at, f"Setting {said}", cause, "Successful", f"Successfully set {said}")
    service = autoscaling.service_of(world, action.resource_id)
    if service is None or action.scalable_dimension != autoscaling.DIMENSION:
        return
    moved = autoscaling.into_range(int(service.desired_count or 0), low, high)
    if moved is not None:
        autoscaling.set_desired(world, action, *moved, at=at)


# --- moto entry points (wired in by moto_patches.py) -------------------------------------------------------------


def put_scheduled_action(original: Callable[..., Any], backend: Any, service_namespace: str, schedule: str,
                         timezone: str, scheduled_action_name: str, resource_id: str, scalable_dimension: str,
                         start_time: Any, end_time: Any, scalable_target_action: Any) -> None:
    """Validate the schedule (an expression the emulator could not run is refused, not ignored) and anchor it."""
    if not backend._scalable_target_exists(resource_id, scalable_dimension):
        raise ScalingObjectNotFound(
            f"No scalable target registered for service namespace: {service_namespace}, resource ID: {resource_id}, "
            f"scalable dimension: {scalable_dimension}"
        )
    existing = next((a for a in backend.scheduled_actions
                     if (a.service_namespace, a.scheduled_action_name, a.resource_id, a.scalable_dimension)
                     == (service_namespace, scheduled_action_name, resource_id, scalable_dimension)), None)
    effective = schedule or (existing.schedule if existing is not None else None)
    parsed = parse(effective or "")
    zone = zone_of(timezone or (existing.timezone if existing is not None else None))
    start, end = schedules.timestamp(start_time), schedules.timestamp(end_time)
    if start is not None and end is not None and end < start:
        raise ScalingValidation("EndTime cannot be earlier than StartTime")
    original(backend, service_namespace, schedule, timezone, scheduled_action_name, resource_id, scalable_dimension,
             start_time, end_time, scalable_target_action)
    action = next(a for a in backend.scheduled_actions
                  if (a.service_namespace, a.scheduled_action_name, a.resource_id, a.scalable_dimension)
                  == (service_namespace, scheduled_action_name, resource_id, scalable_dimension))
    now = clock().now()
    record = ScheduleSim(schedule=parsed, zone=zone, anchor_wall=datetime.now(UTC), anchor_sim=now, start=None,
                         end=None, next_at=None)
    record.start = record.sim_of(start) if start is not None else None
    record.end = record.sim_of(end) if end is not None else None
    record.next_at = first_run(record)
    state.put(action, record)
