"""The service scheduler: keeps `desiredCount` tasks of the PRIMARY deployment running, replaces stopped tasks,
rolls deployments within minimumHealthyPercent/maximumPercent, moves tasks off DRAINING instances, and writes
the service events AWS writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ecslab.behaviour import (
    deployments,
    loadbalancing,
    messages,
    moto_terms,
    pass_budget,
    placement,
    service_deployments,
    state,
    tags,
    task_protection,
    tasks,
    validation,
)
from ecslab.behaviour.clock import clock
from ecslab.behaviour.events import post_event
from ecslab.behaviour.launch import LaunchRequest, launch
from ecslab.behaviour.rules import service_quotas
from ecslab.behaviour.state import ServiceSim
from ecslab.behaviour.world import World

PROBLEM_REPEAT = 300.0  # simulated seconds before the same placement problem is reported again


def service_key(service: Any) -> str:
    return f"{service.cluster_name}:{service.name}"


def sim(service: Any) -> ServiceSim:
    record = state.get(service)
    if record is None:
        record = state.put(service, ServiceSim(created_at=clock().now()))
    return record


def new_deployment(service: Any, at: float, rollback_of: str | None = None) -> dict[str, Any]:
    """A PRIMARY deployment for the service's current task definition; older ones become ACTIVE."""
    deployment_id = f"ecs-svc/{moto_terms.deployment_number()}"
    record = sim(service)
    for old in service.deployments:
        old["status"] = "ACTIVE"
        old["updatedAt"] = tasks.ts(at)
    deployment = {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": tasks.ts(at),
        "updatedAt": tasks.ts(at),
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": messages.rollout_in_progress(deployment_id),
    }
    if record.capacity_provider_strategy:
        deployment["capacityProviderStrategy"] = record.capacity_provider_strategy
    else:
        deployment["launchType"] = service.launch_type
    if service.launch_type == "FARGATE" or any(
        item["capacityProvider"] in ("FARGATE", "FARGATE_SPOT") for item in record.capacity_provider_strategy
    ):
        deployment["platformVersion"] = tasks.resolved_platform_version(service.platform_version)
        deployment["platformFamily"] = "Linux"
    if service.network_configuration:
        deployment["networkConfiguration"] = service.network_configuration
    if rollback_of is not None:
        deployment["rolloutStateReason"] = messages.circuit_breaker_rolling_back(rollback_of)
    service.deployments.insert(0, deployment)
    record.steady = False
    service_deployments.opened(service, deployment, at, rollback_of=rollback_of)
    return deployment


def roll_back(service: Any, failed_id: str, target: dict[str, Any], at: float) -> None:
    """Back to the configuration of the deployment `target` (a history entry): a new PRIMARY deployment."""
    service.task_definition = target["revision"]["taskDefinition"]
    post_event(service, messages.rolling_back(service.name, target["id"]), at)
    new_deployment(service, at, rollback_of=failed_id)


def next_retry(world: World, after: float, services: Iterable[Any] | None = None) -> float | None:
    """When a throttled service (failures in a row, or more tasks to launch than a batch) launches again
    (`services`: only those; None: every service)."""
    times = [record.retry_at for service in (world.ecs.services.values() if services is None else services)
             if (record := state.get(service)) is not None and record.retry_at > after]
    return min(times) if times else None


def service_tasks(world: World, service: Any) -> list[Any]:
    key = service_key(service)
    return [task for task in world.cluster_tasks(service.cluster_name) if tasks.sim(task).service_key == key]


def tasks_by_service(world: World, clusters: Iterable[str] | None = None) -> dict[tuple[str, str], list[Any]]:
    """service_tasks for every service at once (of `clusters`; None: every cluster), keyed by (cluster name,
    service key): one pass over the tasks."""
    found: dict[tuple[str, str], list[Any]] = {}
    for cluster_name in (world.ecs.tasks.keys() if clusters is None else clusters):
        for task in (world.ecs.tasks.get(cluster_name) or {}).values():
            key = tasks.sim(task).service_key
            if key is not None:
                found.setdefault((cluster_name, key), []).append(task)
    return found


def _not_running_first(task: Any) -> tuple[int, float]:
    return (1 if state.status(task) == "RUNNING" else 0, -tasks.sim(task).created_at)


def converge(world: World, service: Any, at: float, known_tasks: list[Any] | None = None) -> None:
    """`known_tasks`: the service's tasks (service_tasks) when the caller grouped them for every service."""
    if service.status == "INACTIVE" or not service.deployments:
        return
    if service.scheduling_strategy == "DAEMON":
        converge_daemon(world, service, at)
        return
    record = sim(service)
    draining = {
        ci.container_instance_arn
        for ci in world.ecs.container_instances.get(service.cluster_name, {}).values()
        if ci.status != "ACTIVE"
    }
    all_tasks = service_tasks(world, service) if known_tasks is None else known_tasks
    if record.quiet is not None and record.quiet == _inputs(world, service, record, all_tasks, draining, at):
        return  # nothing it reads changed since a converge that only refreshed: this one would do nothing either
    cluster = world.ecs.clusters.get(service.cluster_name)
    deployments.account(service, all_tasks, at, roll_back)
    primary = service.deployments[0]
    desired = 0 if service.status == "DRAINING" else service.desired_count
    primary["desiredCount"] = desired
    alive = [task for task in all_tasks if tasks.is_alive(task)]
    keepers, leavers = [], []  # one walk: membership tests on lists were quadratic for a service of thousands
    for task in alive:
        kept = task.started_by == primary["id"] and task.container_instance_arn not in draining
        (keepers if kept else leavers).append(task)
    floor = validation.healthy_floor(desired, record.minimum_healthy_percent)
    ceiling = validation.total_ceiling(desired, record.maximum_percent)
    stopped: list[Any] = []
    excess: list[Any] = []

    if len(keepers) > desired:
        candidates = [t for t in keepers if not task_protection.is_protected(t, at)]
        excess = sorted(candidates, key=_not_running_first)[: len(keepers) - desired]
        stopped += [t for t in excess if tasks.request_stop(t, at, messages.scaling_activity(primary["id"]),
                                                           messages.STOP_SCHEDULER)]
        leaving = {id(t) for t in excess}
        keepers = [t for t in keepers if id(t) not in leaving]

    room = min(desired - len(keepers), ceiling - len(keepers) - len(leavers))
    started: list[Any] = []
    if room > 0 and cluster is not None and deployments.may_launch(service, at):
        batch = min(service_quotas.launch_batch(room), pass_budget.launches_left())
        if batch > 0:
            started = _start(world, service, cluster, primary, batch, alive, at)
        if batch < room:  # the rest at AWS's launch rate: the next batch after LAUNCH_INTERVAL (retry_at wakes it)
            record.retry_at = max(record.retry_at, at + service_quotas.LAUNCH_INTERVAL)

    healthy = sum(1 for t in keepers + leavers if state.status(t) == "RUNNING")
    stoppable = healthy - floor
    for task in sorted(leavers, key=_not_running_first):
        if task_protection.is_protected(task, at):
            continue
        if state.status(task) != "RUNNING" or stoppable > 0:
            reason = messages.scaling_activity(task.started_by if task.started_by else primary["id"])
            if tasks.request_stop(task, at, reason, messages.STOP_SCHEDULER):
                stopped.append(task)
            if state.status(task) == "RUNNING":
                stoppable -= 1
    if stopped:
        post_event(service, messages.stopped_tasks(service.name, stopped), at)
    refresh(world, service, at, all_tasks + started)
    # Nothing to start, stop or move off an instance: what is left (refresh) gives the same result until an input
    # changes. A converge that tried to start tasks is never skipped (placement and its events depend on time).
    quiet = not excess and not leavers and room <= 0
    record.quiet = _inputs(world, service, record, all_tasks, draining, at) if quiet else None


_DEPLOYMENT_KEYS = ("id", "status", "taskDefinition", "desiredCount", "runningCount", "pendingCount", "rolloutState")


def _inputs(world: World, service: Any, record: ServiceSim, all_tasks: list[Any], draining: set[str],
            at: float) -> tuple:
    """Everything converge reads and refresh writes, for a service with nothing to start or stop."""
    return (
        service.status, service.desired_count, service.running_count, service.pending_count,
        service.cluster_name in world.ecs.clusters, frozenset(draining),
        record.minimum_healthy_percent, record.maximum_percent, record.steady,
        tuple(tuple(d.get(k) for k in _DEPLOYMENT_KEYS) for d in service.deployments),
        tuple((t.id, t.desired_status, state.status(t), t.started_by, t.container_instance_arn,
               loadbalancing.in_service(t, at)) for t in all_tasks),
    )


def converge_daemon(world: World, service: Any, at: float) -> None:
    """One task of the PRIMARY deployment on every ACTIVE container instance that meets the constraints."""
    record = sim(service)
    cluster = world.ecs.clusters.get(service.cluster_name)
    primary = service.deployments[0]
    instances = [
        ci for ci in world.ecs.container_instances.get(service.cluster_name, {}).values()
        if ci.status == "ACTIVE" and ci.agent_connected and (service.status == "ACTIVE")
    ]
    constraints = record.placement_constraints
    eligible = [ci for ci in instances if not placement.constraint_failure(
        [c for c in constraints if c.get("type") == "memberOf"], ci, placement.Usage(), "")]
    service.desired_count = len(eligible)
    primary["desiredCount"] = len(eligible)
    alive = [task for task in service_tasks(world, service) if tasks.is_alive(task)]
    wanted = {ci.container_instance_arn for ci in eligible}
    stopped = []
    for task in alive:
        if task.container_instance_arn not in wanted or task.started_by != primary["id"]:
            if tasks.request_stop(task, at, messages.scaling_activity(primary["id"]), messages.STOP_SCHEDULER):
                stopped.append(task)
    covered = {t.container_instance_arn for t in alive if t not in stopped}
    for ci in eligible:
        if ci.container_instance_arn not in covered and cluster is not None:
            only_here = [{"type": "memberOf", "expression": f"ec2InstanceId == {ci.ec2_instance_id}"}]
            _start(world, service, cluster, primary, 1, alive, at, extra_constraints=only_here)
    if stopped:
        post_event(service, messages.stopped_tasks(service.name, stopped), at)
    refresh(world, service, at)


def _start(world: World, service: Any, cluster: Any, deployment: dict[str, Any], count: int, alive: list,
           at: float, extra_constraints: list[dict[str, Any]] | None = None) -> list[Any]:
    """Launch up to `count` tasks of the deployment; returns the tasks created."""
    record = sim(service)
    task_definition = world.ecs.describe_task_definition(deployment["taskDefinition"])
    request = LaunchRequest(
        cluster=cluster,
        task_definition=task_definition,
        count=count,
        group=f"service:{service.name}",
        launch_type=None if record.capacity_provider_strategy else service.launch_type,
        strategy=record.capacity_provider_strategy,
        network_configuration=service.network_configuration or None,
        placement_strategy=record.placement_strategy,
        placement_constraints=list(record.placement_constraints) + list(extra_constraints or []),
        started_by=deployment["id"],
        service_key=service_key(service),
        platform_version=service.platform_version,
        tags=tags.task_tags(None, service.propagate_tags, task_definition.tags, service.tags),
        enable_execute_command=bool(getattr(service, "enable_execute_command", False)),
        existing=alive,
    )
    result = launch(world, request, at)
    if result.tasks:
        post_event(service, messages.started_tasks(service.name, result.tasks), at)
    if result.problem:
        if record.last_problem != result.problem or at - record.last_problem_at >= PROBLEM_REPEAT:
            post_event(service, messages.unable_to_place(service.name, result.problem), at)
            record.last_problem, record.last_problem_at = result.problem, at
    else:
        record.last_problem = None
    return result.tasks


def next_problem_report(world: World, after: float, services: Iterable[Any] | None = None) -> float | None:
    """When a placement problem still unsolved is reported again (PROBLEM_REPEAT after the last report;
    `services`: only those, None: every service)."""
    times = [
        record.last_problem_at + PROBLEM_REPEAT
        for service in (world.ecs.services.values() if services is None else services)
        if (record := state.get(service)) is not None and record.last_problem
        and record.last_problem_at + PROBLEM_REPEAT > after
    ]
    return min(times) if times else None


def refresh(world: World, service: Any, at: float, all_tasks: list[Any] | None = None) -> None:
    """Counts, finished deployments, rollout state, and the steady-state event.

    `all_tasks`: the service's tasks when the caller has them already (service_tasks plus those it started)."""
    record = sim(service)
    if all_tasks is None:
        all_tasks = service_tasks(world, service)
    by_deployment: dict[str, list[Any]] = {}
    for task in all_tasks:
        by_deployment.setdefault(task.started_by, []).append(task)
    primary = service.deployments[0]
    for deployment in list(service.deployments[1:]):
        if not any(tasks.is_alive(t) for t in by_deployment.get(deployment["id"], [])):
            service.deployments.remove(deployment)
    for deployment in service.deployments:
        mine = [t for t in by_deployment.get(deployment["id"], []) if tasks.is_alive(t)]
        running = sum(1 for t in mine if state.status(t) == "RUNNING")
        pending = len(mine) - running
        if (deployment["runningCount"], deployment["pendingCount"]) != (running, pending):
            deployment["runningCount"], deployment["pendingCount"] = running, pending
            deployment["updatedAt"] = tasks.ts(at)
        if deployment is not primary:
            deployment["desiredCount"] = len(mine)
    service.running_count = sum(1 for t in all_tasks if state.status(t) == "RUNNING")
    service.pending_count = sum(1 for t in all_tasks if tasks.is_alive(t) and state.status(t) != "RUNNING")
    if service.status == "DRAINING" and not any(state.status(t) != "STOPPED" for t in all_tasks):
        service.status = "INACTIVE"
        return
    done = len(service.deployments) == 1 and primary["runningCount"] == primary["desiredCount"] \
        and primary["pendingCount"] == 0 and all(loadbalancing.in_service(t, at) for t in all_tasks
                                                 if tasks.is_alive(t) and t.started_by == primary["id"])
    if done and primary["rolloutState"] == "IN_PROGRESS":
        primary["rolloutState"] = "COMPLETED"
        primary["rolloutStateReason"] = messages.rollout_completed(primary["id"])
        primary["updatedAt"] = tasks.ts(at)
        post_event(service, messages.deployment_completed(service.name, primary["id"]), at)
        item = service_deployments.entry(service, primary["id"])
        rollback = item is not None and item["rollbackOf"] is not None
        service_deployments.closed(service, primary["id"], "ROLLBACK_SUCCESSFUL" if rollback else "SUCCESSFUL",
                                   None, at)
    steady = done and service.running_count == service.desired_count and service.status == "ACTIVE"
    if steady and not record.steady:
        post_event(service, messages.steady_state(service.name), at)
    record.steady = steady
