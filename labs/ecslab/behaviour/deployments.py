"""What the service scheduler does with tasks that fail: the retry throttle, the deployment circuit breaker and the
rollback, and deployments stopped through StopServiceDeployment.

- Every failed task of a deployment counts in its `failedTasks`.
- A service whose tasks keep failing to start is throttled: after each failure in a row the scheduler waits longer
  before it launches again (RETRY_BASE doubled each time, at most RETRY_MAX), and says so in an event.
- With the circuit breaker on, a deployment whose failures reach the threshold (rules.circuit_breaker) is FAILED and
  launches no more tasks; with `rollback` the service returns to the last deployment that completed. A rollback that
  fails in turn stays FAILED.
"""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import messages, service_deployments, state, tasks
from ecslab.behaviour.events import post_event
from ecslab.behaviour.rules import circuit_breaker

RETRY_BASE = 10.0  # simulated seconds after the first failure in a row
RETRY_MAX = 15 * 60.0
UNABLE_AFTER = 3  # failures in a row before the "unable to consistently start tasks" event


def proven_healthy(task: Any) -> bool:
    """RUNNING and passing every health check it has (container and load balancer)."""
    record = tasks.sim(task)
    return (state.status(task) == "RUNNING" and tasks.is_alive(task) and not record.unhealthy_since
            and record.health_due is None and task.health_status != "UNHEALTHY"
            and all(f.name in record.judged for f in record.fate if f.health is not None and f.essential))


def account(service: Any, all_tasks: list[Any], at: float, roll_back: Any) -> None:
    """Count the service's failures, throttle its retries, and trip its circuit breaker.

    `roll_back(service, deployment_id, at)` opens the rollback deployment (the scheduler's)."""
    record = state.get(service)
    primary = service.deployments[0]
    breaker = record.circuit_breaker
    for task in all_tasks:
        sim = tasks.sim(task)
        if proven_healthy(task) and task.started_by == primary["id"]:
            record.failures_in_a_row = 0
            if breaker.get("resetOnHealthyTask", True):
                record.breaker_reset_at[primary["id"]] = max(record.breaker_reset_at.get(primary["id"], -1e18),
                                                             sim.running_at or at)
        if sim.failed and not sim.counted:
            sim.counted = True
            if sim.running_at is None:  # failed to start
                record.failures_in_a_row += 1
                record.retry_at = at + min(RETRY_MAX, RETRY_BASE * 2 ** (record.failures_in_a_row - 1))
                if record.failures_in_a_row == UNABLE_AFTER:
                    post_event(service, messages.unable_to_start(service.name), at)
    for deployment in service.deployments:
        mine = [t for t in all_tasks if t.started_by == deployment["id"] and tasks.sim(t).failed]
        deployment["failedTasks"] = len(mine)
    _stop_requested(service, primary, at, roll_back)
    if not breaker.get("enable") or primary["rolloutState"] != "IN_PROGRESS":
        return
    reset_at = record.breaker_reset_at.get(primary["id"], -1e18)
    failures = sum(1 for t in all_tasks if t.started_by == primary["id"] and tasks.sim(t).failed
                   and (tasks.sim(t).stop_requested_at or 0) > reset_at)
    configuration = breaker.get("thresholdConfiguration")
    threshold = circuit_breaker.threshold(primary["desiredCount"], configuration)
    tripped = failures >= threshold
    service_deployments.counted(service, primary["id"], failures, threshold, triggered=tripped)
    if tripped:
        fail(service, primary, messages.CIRCUIT_BREAKER_FAILED, at, roll_back if breaker.get("rollback") else None)


def fail(service: Any, deployment: dict[str, Any], reason: str, at: float, roll_back: Any) -> None:
    deployment["rolloutState"] = "FAILED"
    deployment["rolloutStateReason"] = reason
    deployment["updatedAt"] = tasks.ts(at)
    post_event(service, messages.deployment_failed(service.name, deployment["id"]), at)
    item = service_deployments.entry(service, deployment["id"])
    was_rollback = item is not None and item["rollbackOf"] is not None
    target = last_completed(service, deployment["id"])
    if roll_back is None or was_rollback or target is None:
        service_deployments.closed(service, deployment["id"], "ROLLBACK_FAILED" if was_rollback else "STOPPED",
                                   reason, at)
        return
    service_deployments.closed(service, deployment["id"], "STOPPED", reason, at)
    roll_back(service, deployment["id"], target, at)


def last_completed(service: Any, failed_id: str) -> dict[str, Any] | None:
    """The history entry of the last deployment that completed, other than the failed one."""
    for item in reversed(state.get(service).history):
        if item["id"] != failed_id and item["status"] in ("SUCCESSFUL", "ROLLBACK_SUCCESSFUL"):
            return item
    return None


def _stop_requested(service: Any, primary: dict[str, Any], at: float, roll_back: Any) -> None:
    """StopServiceDeployment on the running deployment: roll back (ROLLBACK) or just stop launching (ABORT)."""
    item = service_deployments.entry(service, primary["id"])
    if item is None or not item.get("stopRequested") or item.get("stopHandled"):
        return
    item["stopHandled"] = True
    reason = "Service deployment stopped by a request."
    if item["stopRequested"] == "ROLLBACK":
        fail(service, primary, reason, at, roll_back)
    else:
        primary["rolloutState"], primary["rolloutStateReason"] = "FAILED", reason
        service_deployments.closed(service, primary["id"], "STOPPED", reason, at)


def may_launch(service: Any, at: float) -> bool:
    """Not while the retry throttle waits, nor for a deployment the circuit breaker failed."""
    record = state.get(service)
    return at >= record.retry_at and service.deployments[0]["rolloutState"] != "FAILED"
