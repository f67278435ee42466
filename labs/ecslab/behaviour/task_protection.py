"""Task scale-in protection (UpdateTaskProtection, GetTaskProtection), on the simulated clock.

A protected task keeps `protected_until` (simulated seconds) on its simulation record; None: unprotected. The
scheduler asks `is_protected(task, at)` before stopping a task to scale in or to finish a deployment, and
`next_expiry(world, after)` says when a protection lapses (a task it held back may then be stopped).

AWS: only tasks of a service can be protected (a standalone task is a TASK_NOT_VALID failure); at most 10 tasks a
call; 1 to 2,880 minutes (48 hours), 120 when not given; a new call always resets the expiration.
"""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import state, tasks, validation
from ecslab.behaviour.aws_errors import InvalidParameter
from ecslab.behaviour.clock import clock
from ecslab.behaviour.world import World

UPDATE_MAX_TASKS = 10
GET_MAX_TASKS = 100
DEFAULT_MINUTES = 120
MIN_MINUTES, MAX_MINUTES = 1, 2880


def is_protected(task: Any, at: float) -> bool:
    """Whether scale-in (and deployments) must leave the task running at simulated time `at`."""
    until = getattr(state.get(task), "protected_until", None)
    return until is not None and at < until


def next_expiry(world: World, after: float) -> float | None:
    """The earliest protection of a live task that lapses after `after` (None: none does)."""
    times = [
        until
        for cluster_tasks in world.ecs.tasks.values()
        for task in cluster_tasks.values()
        if tasks.is_alive(task) and (until := getattr(state.get(task), "protected_until", None)) is not None
        and until > after
    ]
    return min(times) if times else None


def _service_of(backend: Any, task: Any) -> Any:
    key = tasks.sim(task).service_key
    return backend.services.get(key) if key else None


def _protection(task: Any, at: float) -> dict[str, Any]:
    """A ProtectedTask."""
    if is_protected(task, at):
        return {"taskArn": task.task_arn, "protectionEnabled": True,
                "expirationDate": clock().to_datetime(state.get(task).protected_until)}
    return {"taskArn": task.task_arn, "protectionEnabled": False}


def _task_list(params: dict[str, Any], most: int, required: bool) -> list[str]:
    wanted = params.get("tasks")
    if wanted is None and not required:
        return []
    if not wanted:
        raise InvalidParameter("Tasks cannot be empty.")
    if len(wanted) > most:
        raise InvalidParameter(f"Tasks cannot be longer than {most}.")
    return list(wanted)


def _minutes(params: dict[str, Any]) -> int:
    value = params.get("expiresInMinutes")
    if value is None:
        return DEFAULT_MINUTES
    minutes = int(value)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidParameter(
            f"expiresInMinutes must be between {MIN_MINUTES} and {MAX_MINUTES} minutes."
        )
    return minutes


def update_task_protection(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    cluster = backend._get_cluster(params.get("cluster") or "default")
    validation.check_active_cluster(cluster)
    wanted = _task_list(params, UPDATE_MAX_TASKS, required=True)
    enabled = bool(params.get("protectionEnabled"))
    minutes = _minutes(params) if enabled else None
    now = clock().now()
    found, failures = tasks.by_reference(backend, cluster, list(dict.fromkeys(wanted)))
    protected = []
    for task in found:
        service = _service_of(backend, task)
        if service is None or not tasks.is_alive(task):  # a standalone task, or one that is stopping or stopped
            failures.append({"arn": task.task_arn, "reason": "TASK_NOT_VALID"})
            continue
        tasks.sim(task).protected_until = now + minutes * 60.0 if minutes is not None else None
        record = state.get(service)
        if record is not None:
            record.quiet = None  # what the scheduler may stop changed: its next converge must not be skipped
        protected.append(_protection(task, now))
    return {"protectedTasks": protected, "failures": failures}


def get_task_protection(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The tasks asked for; without `tasks`, every task of a service in the cluster that is still wanted."""
    cluster = backend._get_cluster(params.get("cluster") or "default")
    wanted = _task_list(params, GET_MAX_TASKS, required=False)
    now = clock().now()
    if wanted:
        found, failures = tasks.by_reference(backend, cluster, list(dict.fromkeys(wanted)))
    else:
        found = [task for task in backend.tasks.get(cluster.name, {}).values()
                 if tasks.is_alive(task) and _service_of(backend, task) is not None]
        failures = []
    protected = []
    for task in found:
        if _service_of(backend, task) is None:
            failures.append({"arn": task.task_arn, "reason": "TASK_NOT_VALID"})
        else:
            protected.append(_protection(task, now))
    return {"protectedTasks": protected, "failures": failures}
