"""Schedule expressions of scheduled scaling on plain data: at(), rate() and cron() parsed as Application Auto
Scaling accepts them, and when an action runs next, on the simulated clock (behaviour.scheduled_actions keeps one
ScheduleSim per moto scheduled action and runs it).

Supported: `at(yyyy-mm-ddThh:mm:ss)`, `rate(N minute|minutes|hour|hours|day|days)` and the six-field
`cron(Minutes Hours Day-of-month Month Day-of-week Year)` with numbers, names, `*`, `?`, ranges, lists and steps,
in the action's Timezone (UTC by default), within StartTime and EndTime. The `L`, `W` and `#` cron operators are
refused, never silently ignored.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecslab.behaviour.aws_errors import ScalingValidation

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


def _invalid(schedule: str, detail: str) -> ScalingValidation:
    return ScalingValidation(f"Invalid schedule expression {schedule!r}: {detail}")


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
            raise ScalingValidation(
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
        raise ScalingValidation(f"Invalid timezone: {name}") from None


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


def timestamp(value: Any) -> datetime | None:
    """StartTime/EndTime as boto3 sends them (epoch seconds) or as an ISO string; aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ScalingValidation(f"Invalid timestamp: {value}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def within(record: ScheduleSim, at: float | None) -> float | None:
    if at is None or (record.end is not None and at > record.end):
        return None
    return at


def run_after(record: ScheduleSim, at: float) -> float | None:
    """The next run strictly after the run at `at`."""
    schedule = record.schedule
    if schedule.kind == "rate":
        return within(record, at + schedule.every)
    if schedule.kind == "cron":
        found = next_cron(schedule.cron, record.local(at))
        while found is not None and record.from_local(found) <= at:  # microsecond rounding of the conversions
            found = next_cron(schedule.cron, found)
        return within(record, record.from_local(found) if found is not None else None)
    return None


def first_run(record: ScheduleSim) -> float | None:
    schedule, now = record.schedule, record.anchor_sim
    if schedule.kind == "at":
        at = record.from_local(schedule.at)
        return within(record, at) if at >= now else None  # a moment already past never comes
    if record.start is not None and record.start >= now:
        return within(record, record.start)  # "performs the action at this time, then on the recurrence"
    if schedule.kind == "rate" and record.start is not None:  # a start in the past: its recurrence goes on
        return within(record, skip_to(record, record.start, now))
    return run_after(record, now)


def skip_to(record: ScheduleSim, at: float, horizon: float) -> float | None:
    """The first run after `horizon` of a recurrence that ran at `at` (rate: keeping its phase)."""
    if record.schedule.kind == "rate":
        every = record.schedule.every
        return at + (int((horizon - at) // every) + 1) * every
    return run_after(record, horizon)
