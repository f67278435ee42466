"""CloudWatch metric alarms evaluated on the simulated clock, with the history `describe_alarm_history` answers.

Each simulated minute (after the metrics are published) every alarm on an `AWS/ECS` metric whose period ends then
is evaluated over its last `EvaluationPeriods` periods: ALARM when at least `DatapointsToAlarm` of them breach,
OK otherwise, INSUFFICIENT_DATA when every period is missing. As on AWS, an alarm whose actions are scaling
policies invokes them once per period for as long as it stays in the state (the policy's cooldown decides).
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ecslab.behaviour import autoscaling, metrics
from ecslab.behaviour.autoscaling import Trigger
from ecslab.behaviour.clock import clock
from ecslab.behaviour.world import World, world_of

OPERATORS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "GreaterThanThreshold": (operator.gt, "greater than"),
    "GreaterThanOrEqualToThreshold": (operator.ge, "greater than or equal to"),
    "LessThanThreshold": (operator.lt, "less than"),
    "LessThanOrEqualToThreshold": (operator.le, "less than or equal to"),
}
STATISTICS: dict[str, Callable[[list[float]], float]] = {
    "Average": lambda values: sum(values) / len(values),
    "Sum": sum,
    "Minimum": min,
    "Maximum": max,
    "SampleCount": lambda values: float(len(values)),
}
DEFAULT_MAX_RECORDS = 100


def _sim_datetime(at: float) -> datetime:
    return clock().to_datetime(at).replace(tzinfo=None)  # moto keeps naive UTC datetimes on its alarms


def _aws_time(at: float) -> str:
    return clock().to_datetime(at).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def evaluated(alarm: Any) -> bool:
    """Alarms this simulation evaluates: a single `AWS/ECS` metric with a plain comparison."""
    return (alarm.namespace == metrics.NAMESPACE and not alarm.metric_data_queries
            and alarm.comparison_operator in OPERATORS and bool(alarm.metric_name))


def period_of(alarm: Any) -> float:
    return max(1, math.ceil(int(alarm.period or 60) / metrics.MINUTE)) * metrics.MINUTE


def evaluate(world: World, at: float) -> None:
    for alarm in list(world.cloudwatch.alarms.values()):
        if not evaluated(alarm):
            continue
        period = period_of(alarm)
        if at % period:
            continue
        tally = Tally.of(alarm, _buckets(world, alarm, at, period))
        state = tally.state()
        changed = state is not None and state != alarm.state_value
        if changed:  # the reason and its data are written only for a change (every alarm is judged every minute)
            change_state(world, alarm, state, *tally.explained(alarm, at, period), at)
        executed = run_actions(world, alarm, at, tally.latest())
        if changed:
            for arn in executed:
                record(world, alarm.name, "Action", f"Successfully executed action {arn}",
                       {"actionState": "Succeeded", "notificationResource": arn}, at)


def _buckets(world: World, alarm: Any, at: float, period: float) -> list[tuple[float, float | None]]:
    """(period start, statistic or None), newest first, over the evaluation window ending at `at`."""
    metric = metrics.key(alarm.namespace, alarm.metric_name, {d.name: d.value for d in alarm.dimensions})
    statistic = STATISTICS.get(alarm.statistic or "Average", STATISTICS["Average"])
    found = []
    for index in range(max(int(alarm.evaluation_periods or 1), 1)):
        end = at - index * period
        values = metrics.values(world, metric, end - period, end)
        found.append((end - period, round(statistic(values), 4) if values else None))
    return found


@dataclass
class Tally:
    """An alarm's evaluation window counted against its threshold."""

    buckets: list[tuple[float, float | None]]
    present: list[tuple[float, float]]
    breaching: list[tuple[float, float]]
    wanted: int
    counted: int
    breaches: int
    treat: str

    @classmethod
    def of(cls, alarm: Any, buckets: list[tuple[float, float | None]]) -> Tally:
        compare = OPERATORS[alarm.comparison_operator][0]
        threshold = float(alarm.threshold)
        present = [(start, value) for start, value in buckets if value is not None]
        missing = len(buckets) - len(present)
        breaching = [(start, value) for start, value in present if compare(value, threshold)]
        treat = alarm.treat_missing_data or "missing"
        counted = len(buckets) if treat in ("breaching", "notBreaching") else len(present)
        breaches = len(breaching) + (missing if treat == "breaching" else 0)
        return cls(buckets, present, breaching, max(int(alarm.datapoints_to_alarm or len(buckets)), 1), counted,
                   breaches, treat)

    def latest(self) -> float | None:
        return self.present[0][1] if self.present else None

    def state(self) -> str | None:
        """The state the alarm's data calls for; None keeps the state."""
        if self.counted == 0:
            return "INSUFFICIENT_DATA" if self.treat == "missing" else None
        return "ALARM" if self.breaches >= self.wanted else "OK"

    def explained(self, alarm: Any, at: float, period: float) -> tuple[str, str]:
        """AWS's reason and reason data for the state."""
        words = OPERATORS[alarm.comparison_operator][1]
        threshold = float(alarm.threshold)
        data = json.dumps({
            "version": "1.0", "queryDate": _aws_time(at), "startDate": _aws_time(self.buckets[-1][0]),
            "statistic": alarm.statistic or "Average", "period": int(period),
            "recentDatapoints": [value for _, value in reversed(self.present)], "threshold": threshold,
            "evaluatedDatapoints": [{"timestamp": _aws_time(start), "sampleCount": 1.0, "value": value}
                                    for start, value in self.present],
        })
        if self.counted == 0:
            return f"Insufficient Data: {len(self.buckets)} datapoints were unknown.", data
        alarming = self.breaches >= self.wanted
        shown = self.breaching if alarming else [p for p in self.present if p not in self.breaching]
        listed = ", ".join(f"{value} ({clock().to_datetime(start):%d/%m/%y %H:%M:%S})" for start, value in shown)
        verb = "was" if len(shown) == 1 else "were"
        if alarming:
            return (f"Threshold Crossed: {len(shown)} out of the last {len(self.buckets)} datapoints [{listed}] "
                    f"{verb} {words} the threshold ({threshold}) (minimum {self.wanted} datapoint"
                    f"{'' if self.wanted == 1 else 's'} for OK -> ALARM transition)."), data
        return (f"Threshold Crossed: {len(shown)} out of the last {len(self.buckets)} datapoints [{listed}] {verb} "
                f"not {words} the threshold ({threshold}) (minimum 1 datapoint for ALARM -> OK transition)."), data


def change_state(world: World, alarm: Any, state: str, reason: str, reason_data: str, at: float) -> None:
    old_state, old_reason = alarm.state_value, alarm.state_reason
    alarm.update_state(reason, reason_data, state)
    after_change(world, alarm, old_state, old_reason, at)


def after_change(world: World, alarm: Any, old_state: str, old_reason: str, at: float) -> None:
    """Timestamp the new state on the simulated clock and write the StateUpdate history item."""
    alarm.state_updated_timestamp = _sim_datetime(at)
    new_state = {"stateValue": alarm.state_value, "stateReason": alarm.state_reason}
    try:
        new_state["stateReasonData"] = json.loads(alarm.state_reason_data or "{}")
    except ValueError:
        pass
    record(world, alarm.name, "StateUpdate", f"Alarm updated from {old_state} to {alarm.state_value}",
           {"version": "1.0", "oldState": {"stateValue": old_state, "stateReason": old_reason},
            "newState": new_state}, at)


def run_actions(world: World, alarm: Any, at: float, value: float | None) -> list[str]:
    """Invoke the scaling policies among the current state's actions; returns the ARNs invoked."""
    if not alarm.actions_enabled:
        return []
    actions = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions,
               "INSUFFICIENT_DATA": alarm.insufficient_data_actions}.get(alarm.state_value) or []
    done = []
    for arn in actions:
        policy = autoscaling.policy_for_action(world, arn)
        if policy is not None:
            trigger = Trigger(alarm.name, alarm.state_value, alarm.comparison_operator, float(alarm.threshold), value)
            autoscaling.invoke(world, policy, trigger, at)
            done.append(arn)
    return done


def record(world: World, alarm_name: str, item_type: str, summary: str, data: dict[str, Any], at: float) -> None:
    world.sim.alarm_history.append({
        "AlarmName": alarm_name, "AlarmType": "MetricAlarm", "Timestamp": clock().to_datetime(at),
        "HistoryItemType": item_type, "HistorySummary": summary, "HistoryData": json.dumps(data),
    })


def _configuration(alarm: Any) -> dict[str, Any]:
    return {
        "alarmName": alarm.name, "namespace": alarm.namespace, "metricName": alarm.metric_name,
        "dimensions": [{"name": d.name, "value": d.value} for d in alarm.dimensions],
        "comparisonOperator": alarm.comparison_operator, "threshold": alarm.threshold,
        "evaluationPeriods": alarm.evaluation_periods, "period": alarm.period, "statistic": alarm.statistic,
        "actionsEnabled": alarm.actions_enabled, "alarmActions": list(alarm.alarm_actions or []),
    }


# --- moto entry points (wired in by moto_patches.py) -------------------------------------------------------------


def put_metric_alarm(original: Callable[..., Any], backend: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """AWS starts a new alarm in INSUFFICIENT_DATA and keeps an updated alarm's state; both are in the history."""
    previous = backend.alarms.get(name)
    alarm = original(backend, name, *args, **kwargs)
    if previous is not None:
        alarm.state_value, alarm.state_reason = previous.state_value, previous.state_reason
        alarm.state_reason_data, alarm.state_updated_timestamp = previous.state_reason_data, \
            previous.state_updated_timestamp
    else:
        alarm.state_value = "INSUFFICIENT_DATA"
    kind = "Update" if previous is not None else "Create"
    record(world_of(backend.account_id, backend.region_name), name, "ConfigurationUpdate",
           f'Alarm "{name}" {"updated" if previous is not None else "created"}',
           {"version": "1.0", "type": kind, f"{kind.lower()}dAlarm": _configuration(alarm)}, clock().now())
    return alarm


def set_alarm_state(original: Callable[..., Any], backend: Any, alarm_name: str, reason: str, reason_data: str,
                    state_value: str) -> None:
    """A state set by hand is recorded and, as on AWS, runs the new state's actions (until the next evaluation)."""
    alarm = backend.alarms.get(alarm_name)
    old_state, old_reason = (alarm.state_value, alarm.state_reason) if alarm is not None else (None, None)
    original(backend, alarm_name, reason, reason_data, state_value)
    alarm = backend.alarms[alarm_name]
    if old_state != state_value:
        world, now = world_of(backend.account_id, backend.region_name), clock().now()
        after_change(world, alarm, old_state, old_reason, now)
        latest = (Tally.of(alarm, _buckets(world, alarm, world.sim.last_tick, period_of(alarm))).latest()
                  if evaluated(alarm) else None)
        run_actions(world, alarm, now, latest)


def describe_alarm_history(world: World, params: dict[str, Any]) -> dict[str, Any]:
    items = list(world.sim.alarm_history)
    if params.get("AlarmName"):
        items = [item for item in items if item["AlarmName"] == params["AlarmName"]]
    if params.get("AlarmTypes"):
        items = [item for item in items if item["AlarmType"] in params["AlarmTypes"]]
    if params.get("HistoryItemType"):
        items = [item for item in items if item["HistoryItemType"] == params["HistoryItemType"]]
    if params.get("StartDate") is not None:
        items = [item for item in items if item["Timestamp"] >= _aware(params["StartDate"])]
    if params.get("EndDate") is not None:
        items = [item for item in items if item["Timestamp"] <= _aware(params["EndDate"])]
    if (params.get("ScanBy") or "TimestampDescending") == "TimestampDescending":
        items.reverse()
    start = int(params.get("NextToken") or 0) if str(params.get("NextToken") or "0").isdigit() else 0
    size = int(params.get("MaxRecords") or DEFAULT_MAX_RECORDS)
    result: dict[str, Any] = {"AlarmHistoryItems": items[start:start + size]}
    if start + size < len(items):
        result["NextToken"] = str(start + size)
    return result


def _aware(moment: Any) -> datetime:
    if isinstance(moment, int | float):
        return datetime.fromtimestamp(moment, UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
