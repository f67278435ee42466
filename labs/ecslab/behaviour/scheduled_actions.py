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

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from moto.applicationautoscaling.exceptions import AWSValidationException

from ecslab.behaviour import autoscaling, state
from ecslab.behaviour.clock import clock
from ecslab.behaviour.world import World

CATCH_UP = 3 * 3600.0  # after a long jump of the clock, a recurring action replays at most three simulated hours
RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
MONTHS = {name: index for index, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
WEEKDAYS = {name: index for index, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
# (name, lowest, highest, names) of the six cron fields, in order
CRON_FIELDS = (
    ("Minutes", 0, 59, {}), ("Hours", 0, 23, {}), ("Day-of-month", 1, 31, {}), ("Month", 1, 12, MONTHS),
    ("Day-of-week", 1, 7, WEEKDAYS), ("Year", 1970, 2199, {}),
)
_AT = re.compile(r"^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$")
_RATE = re.compile(r"^rate\((\d+)\s+([a-z]+)\)$")
_CRON = re.compile(r"^cron\((.*)\)$")


@dataclass(frozen=True)
class Cron:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...] | None  # None: "?" (the day of the week decides)
    months: tuple[int, ...]
    weekdays: tuple[int, ...] | None  # 1 = Sunday ... 7 = Saturday; None: "?"
    years: tuple[int, ...]


@dataclass(frozen=True)
class Schedule:
    kind: str  # "at" | "rate" | "cron"
    at: datetime | None = None  # at(): the naive local moment
    every: float = 0.0  # rate(): seconds
    cron: Cron | None = None


@dataclass
class ScheduleSim:
    """What the simulation keeps on a moto FakeScheduledAction."""

    schedule: Schedule
    zone: ZoneInfo
    anchor_wall: datetime  # aware UTC: the wall-clock moment the action was put
    anchor_sim: float  # the simulated instant it was put
    start: float | None
    end: float | None
    next_at: float | None

    def sim_of(self, moment: datetime) -> float:
        return self.anchor_sim + (moment - self.anchor_wall).total_seconds()

    def moment_of(self, at: float) -> datetime:
        return self.anchor_wall + timedelta(seconds=at - self.anchor_sim)

    def local(self, at: float) -> datetime:
        """The action's moment for a simulated instant, naive, in its Timezone."""
        return self.moment_of(at).astimezone(self.zone).replace(tzinfo=None)

    def from_local(self, moment: datetime) -> float:
        return self.sim_of(moment.replace(tzinfo=self.zone).astimezone(UTC))


# --- parsing ------------------------------------------------------------------------------------------------


def _invalid(schedule: str, detail: str) -> AWSValidationException:
    return AWSValidationException(f"Invalid schedule expression {schedule!r}: {detail}")


def _value(token: str, field: tuple[str, int, int, dict[str, int]], schedule: str) -> int:
    name, low, high, names = field
    number = names.get(token.upper()) if not token.isdigit() else int(token)
    if number is None or not low <= number <= high:
        raise _invalid(schedule, f"{token!r} is not a valid {name} value ({low}-{high})")
    return number


def _cron_field(text: str, field: tuple[str, int, int, dict[str, int]], schedule: str) -> tuple[int, ...] | None:
    name, low, high, _ = field
    if text == "?":
        if name not in ("Day-of-month", "Day-of-week"):
            raise _invalid(schedule, f"'?' is only valid in Day-of-month or Day-of-week, not in {name}")
        return None
    found: set[int] = set()
    for part in text.split(","):
        tokens = re.split(r"[-/]", part.upper())
        if any(t not in field[3] and not t.isdigit() and re.search(r"[LW#]", t) for t in tokens):
            raise AWSValidationException(
                f"The emulator does not run cron expressions with the L, W or # operators ({schedule!r}); "
                "use numbers, names, ranges (a-b), lists (a,b), steps (*/n), * and ?")
        base, _, step_text = part.partition("/")
        if step_text and (not step_text.isdigit() or int(step_text) == 0):
            raise _invalid(schedule, f"{part!r}: the step after '/' must be a positive number")
        step = int(step_text) if step_text else 1
        if base == "*":
            first, last = low, high
        elif "-" in base:
            left, _, right = base.partition("-")
            first, last = _value(left, field, schedule), _value(right, field, schedule)
            if first > last:
                raise _invalid(schedule, f"{part!r}: the range must go from the lower to the higher value")
        else:
            first = _value(base, field, schedule)
            last = high if step_text else first
        found.update(range(first, last + 1, step))
    return tuple(sorted(found))


def parse(schedule: str) -> Schedule:
    """The schedule expression as AWS accepts it; ValidationException otherwise (and for what is unsupported)."""
    text = (schedule or "").strip()
    if found := _AT.match(text):
        try:
            return Schedule("at", at=datetime(*(int(group) for group in found.groups())))
        except ValueError as exc:
            raise _invalid(schedule, str(exc)) from None
    if found := _RATE.match(text):
        value, unit = int(found.group(1)), found.group(2)
        if value <= 0 or unit not in RATE_UNITS:
            raise _invalid(schedule, "use rate(value unit) with a positive value and minute(s), hour(s) or day(s)")
        return Schedule("rate", every=float(value * RATE_UNITS[unit]))
    if found := _CRON.match(text):
        parts = found.group(1).split()
        if len(parts) != 6:
            raise _invalid(schedule, "a cron expression has six fields: Minutes Hours Day-of-month Month "
                                     "Day-of-week Year")
        if "?" not in (parts[2], parts[4]) and "*" in (parts[2], parts[4]):
            parts[4 if parts[4] == "*" else 2] = "?"  # a wildcard in both day fields means every day
        fields = [_cron_field(part, field, schedule) for part, field in zip(parts, CRON_FIELDS, strict=True)]
        if (fields[2] is None) == (fields[4] is None):
            raise _invalid(schedule, "use '?' in exactly one of Day-of-month and Day-of-week")
        minutes, hours, days, months, weekdays, years = fields
        return Schedule("cron", cron=Cron(minutes, hours, days, months, weekdays, years))
    raise _invalid(schedule, "use at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)")


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise AWSValidationException(f"Invalid timezone: {name}") from None


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Python: Monday 0 ... Sunday 6; AWS cron: Sunday 1 ... Saturday 7


def next_cron(cron: Cron, after: datetime) -> datetime | None:
    """The first naive moment strictly after `after` (naive) that the expression matches, to the minute."""
    start = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for year in cron.years:
        if year < start.year:
            continue
        for month in cron.months:
            if (year, month) < (start.year, start.month):
                continue
            for day in cron.days or range(1, 32):
                if day > calendar.monthrange(year, month)[1]:
                    break
                current = date(year, month, day)
                if current < start.date() or (cron.weekdays is not None and
                                               _aws_weekday(current) not in cron.weekdays):
                    continue
                for hour in cron.hours:
                    for minute in cron.minutes:
                        moment = datetime(year, month, day, hour, minute)
                        if moment >= start:
                            return moment
    return None


# --- when an action runs ------------------------------------------------------------------------------------


def _timestamp(value: Any) -> datetime | None:
    """StartTime/EndTime as boto3 sends them (epoch seconds) or as an ISO string; aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise AWSValidationException(f"Invalid timestamp: {value}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _within(record: ScheduleSim, at: float | None) -> float | None:
    if at is None or (record.end is not None and at > record.end):
        return None
    return at


def _after(record: ScheduleSim, at: float) -> float | None:
    """The next run strictly after the run at `at`."""
    schedule = record.schedule
    if schedule.kind == "rate":
        return _within(record, at + schedule.every)
    if schedule.kind == "cron":
        found = next_cron(schedule.cron, record.local(at))
        while found is not None and record.from_local(found) <= at:  # microsecond rounding of the conversions
            found = next_cron(schedule.cron, found)
        return _within(record, record.from_local(found) if found is not None else None)
    return None


def first_run(record: ScheduleSim) -> float | None:
    schedule, now = record.schedule, record.anchor_sim
    if schedule.kind == "at":
        at = record.from_local(schedule.at)
        return _within(record, at) if at >= now else None  # a moment already past never comes
    if record.start is not None and record.start >= now:
        return _within(record, record.start)  # "performs the action at this time, then on the recurrence"
    if schedule.kind == "rate" and record.start is not None:  # a start in the past: its recurrence goes on
        return _within(record, _skip_to(record, record.start, now))
    return _after(record, now)


def _skip_to(record: ScheduleSim, at: float, horizon: float) -> float | None:
    """The first run after `horizon` of a recurrence that ran at `at` (rate: keeping its phase)."""
    if record.schedule.kind == "rate":
        every = record.schedule.every
        return at + (int((horizon - at) // every) + 1) * every
    return _after(record, horizon)


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
            record.next_at = _within(record, _skip_to(record, record.next_at, horizon))
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
        following = _after(record, ran_at)
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
    current = int(service.desired_count or 0)
    if low is not None and current < int(low):
        autoscaling.set_desired(world, action, int(low), at, f"minimum capacity was set to {low}")
    elif high is not None and current > int(high):
        autoscaling.set_desired(world, action, int(high), at, f"maximum capacity was set to {high}")


# --- moto entry points (wired in by moto_patches.py) -------------------------------------------------------------


def put_scheduled_action(original: Callable[..., Any], backend: Any, service_namespace: str, schedule: str,
                         timezone: str, scheduled_action_name: str, resource_id: str, scalable_dimension: str,
                         start_time: Any, end_time: Any, scalable_target_action: Any) -> None:
    """Validate the schedule (an expression the emulator could not run is refused, not ignored) and anchor it."""
    if not backend._scalable_target_exists(resource_id, scalable_dimension):
        raise autoscaling.ObjectNotFoundException(
            f"No scalable target registered for service namespace: {service_namespace}, resource ID: {resource_id}, "
            f"scalable dimension: {scalable_dimension}"
        )
    existing = next((a for a in backend.scheduled_actions
                     if (a.service_namespace, a.scheduled_action_name, a.resource_id, a.scalable_dimension)
                     == (service_namespace, scheduled_action_name, resource_id, scalable_dimension)), None)
    effective = schedule or (existing.schedule if existing is not None else None)
    parsed = parse(effective or "")
    zone = zone_of(timezone or (existing.timezone if existing is not None else None))
    start, end = _timestamp(start_time), _timestamp(end_time)
    if start is not None and end is not None and end < start:
        raise AWSValidationException("EndTime cannot be earlier than StartTime")
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
