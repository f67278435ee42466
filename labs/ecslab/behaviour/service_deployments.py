"""Service deployments and service revisions as AWS keeps them (ListServiceDeployments and friends).

The scheduler writes one history entry per deployment it opens (`opened`), counts its failures (`counted`) and
closes it (`closed`). Entries are plain dicts on the service's simulation record, oldest first:

    id                  the deployment id (ecs-svc/...), also the last part of both ARNs
    createdAt           simulated time it was opened
    finishedAt          simulated time it ended (None while it runs)
    status              a ServiceDeploymentStatus: IN_PROGRESS, SUCCESSFUL, STOPPED, STOP_REQUESTED,
                        ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED
    statusReason        AWS's wording, or None
    sourceIds           the deployments it replaces (their revisions are the source revisions)
    rollbackOf          the failed deployment's id when this deployment is a rollback, else None
    circuitBreaker      {"status": "MONITORING" | "TRIGGERED" | "DISABLED", "failureCount": n, "threshold": n}
    revision            the service revision it deploys: taskDefinition, launchType or capacityProviderStrategy,
                        platformVersion, networkConfiguration, loadBalancers, createdAt
    stopRequested       StopServiceDeployment's stopType (ROLLBACK or ABORT) once a stop was asked for (request_stop:
                        the status is then ROLLBACK_REQUESTED or STOP_REQUESTED); absent otherwise. The scheduler
                        reads it on its open entries and rolls back (or stops).
    stopRequestedAt     simulated time of that request

The second half answers the API: ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions
and StopServiceDeployment (wired in by patches.ADDITIONS). Both ARNs end in <cluster>/<service>/<id without
"ecs-svc/">: arn:aws:ecs:<region>:<account>:service-deployment/... and ...:service-revision/... (one revision per
deployment, so the same last part).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ecslab.behaviour import state
from ecslab.behaviour.aws_errors import Conflict, InvalidParameter, ServiceDeploymentNotFound
from ecslab.behaviour.clock import clock


def _history(service: Any) -> list[dict[str, Any]]:
    return state.get(service).history


def entry(service: Any, deployment_id: str) -> dict[str, Any] | None:
    for item in reversed(_history(service)):
        if item["id"] == deployment_id:
            return item
    return None


def opened(service: Any, deployment: dict[str, Any], at: float, *, rollback_of: str | None = None) -> None:
    """A new deployment of the service: its revision is the service's configuration now."""
    history = _history(service)
    sources = [item["id"] for item in history if item["finishedAt"] is None]
    for item in history:
        if item["finishedAt"] is None:  # replaced before it ended
            close(item, "STOPPED", "Service deployment stopped by a new deployment.", at)
    record = state.get(service)
    breaker = record.circuit_breaker
    history.append({
        "id": deployment["id"],
        "createdAt": at,
        "finishedAt": None,
        "status": "ROLLBACK_IN_PROGRESS" if rollback_of else "IN_PROGRESS",
        "statusReason": None,
        "sourceIds": sources,
        "rollbackOf": rollback_of,
        "circuitBreaker": {"status": "MONITORING" if breaker.get("enable") else "DISABLED", "failureCount": 0,
                           "threshold": 0},
        "revision": {
            "taskDefinition": deployment["taskDefinition"],
            "launchType": deployment.get("launchType"),
            "capacityProviderStrategy": deployment.get("capacityProviderStrategy"),
            "platformVersion": deployment.get("platformVersion"),
            "platformFamily": deployment.get("platformFamily"),
            "networkConfiguration": deployment.get("networkConfiguration"),
            "loadBalancers": list(service.load_balancers or []),
            "createdAt": at,
        },
    })


def close(item: dict[str, Any], status: str, reason: str | None, at: float) -> None:
    item["status"], item["statusReason"], item["finishedAt"] = status, reason, at


def closed(service: Any, deployment_id: str, status: str, reason: str | None, at: float) -> None:
    item = entry(service, deployment_id)
    if item is not None and item["finishedAt"] is None:
        close(item, status, reason, at)


def counted(service: Any, deployment_id: str, failures: int, threshold: int, triggered: bool = False) -> None:
    item = entry(service, deployment_id)
    if item is None:
        return
    breaker = item["circuitBreaker"]
    breaker["failureCount"], breaker["threshold"] = failures, threshold
    if triggered:
        breaker["status"] = "TRIGGERED"


# --- the API --------------------------------------------------------------------------------------------------

ID_PREFIX = "ecs-svc/"
PAGE_DEFAULT, PAGE_MAX = 20, 100  # ListServiceDeployments maxResults: 1-100, 20 when not given
DESCRIBE_MAX = 20  # DescribeServiceDeployments / DescribeServiceRevisions: at most 20 ARNs
STOP_TYPES = ("ROLLBACK", "ABORT")
REQUESTED = {"ROLLBACK": "ROLLBACK_REQUESTED", "ABORT": "STOP_REQUESTED"}
STOPPABLE = ("PENDING", "IN_PROGRESS")
# Already stopping or rolling back: a second stop lets it go on (AWS's guide, "Stopping Amazon ECS service deployments")
STOPPING = ("STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")
ENDED_WELL = ("SUCCESSFUL", "ROLLBACK_SUCCESSFUL")


def _prefix(service: Any) -> str:
    """arn:<partition>:ecs:<region>:<account>, as the service's own ARN has it."""
    return service.arn.split(":service/")[0]


def _last_part(deployment_id: str) -> str:
    return deployment_id.removeprefix(ID_PREFIX)


def deployment_arn(service: Any, deployment_id: str) -> str:
    return f"{_prefix(service)}:service-deployment/{service.cluster_name}/{service.name}/{_last_part(deployment_id)}"


def revision_arn(service: Any, deployment_id: str) -> str:
    return f"{_prefix(service)}:service-revision/{service.cluster_name}/{service.name}/{_last_part(deployment_id)}"


def cluster_arn(service: Any) -> str:
    return f"{_prefix(service)}:cluster/{service.cluster_name}"


def _when(at: float | None) -> datetime | None:
    return None if at is None else clock().to_datetime(at)


def history_of(service: Any) -> list[dict[str, Any]]:
    """The service's entries, oldest first (none for a service the simulation never saw)."""
    return getattr(state.get(service), "history", None) or []


def _entry(service: Any, deployment_id: str) -> dict[str, Any] | None:
    return next((item for item in reversed(history_of(service)) if item["id"] == deployment_id), None)


def _find(backend: Any, arn: str, kind: str) -> tuple[Any, dict[str, Any]] | None:
    """The service and entry an ARN of `kind` (service-deployment or service-revision) names in this backend."""
    head, _, path = (arn or "").partition(f":{kind}/")
    parts = path.split("/")
    if len(parts) != 3:
        return None
    cluster_name, service_name, last = parts
    service = backend.services.get(f"{cluster_name}:{service_name}")
    if service is None or service.cluster_name != cluster_name or head != _prefix(service):
        return None
    item = _entry(service, ID_PREFIX + last)
    return (service, item) if item is not None else None


def _sources(service: Any, item: dict[str, Any]) -> list[str]:
    """The deployments it replaced: those still open when it opened or, when none was, the last one that had
    ended well before it (a service runs the revision of its last successful deployment)."""
    if item["sourceIds"]:
        return list(item["sourceIds"])
    earlier = []
    for other in history_of(service):
        if other is item:
            break
        earlier.append(other)
    for other in reversed(earlier):
        if other["status"] in ENDED_WELL:
            return [other["id"]]
    return []


def _summary(service: Any, deployment_id: str) -> dict[str, Any]:
    """A ServiceRevisionSummary: the task counts of the deployment while the service still has it."""
    live = next((d for d in service.deployments if d["id"] == deployment_id), None)
    return {
        "arn": revision_arn(service, deployment_id),
        "requestedTaskCount": int(live.get("desiredCount") or 0) if live else 0,
        "runningTaskCount": int(live.get("runningCount") or 0) if live else 0,
        "pendingTaskCount": int(live.get("pendingCount") or 0) if live else 0,
    }


def brief(service: Any, item: dict[str, Any]) -> dict[str, Any]:
    """A ServiceDeploymentBrief."""
    return {
        "serviceDeploymentArn": deployment_arn(service, item["id"]),
        "serviceArn": service.arn,
        "clusterArn": cluster_arn(service),
        "startedAt": _when(item["createdAt"]),
        "createdAt": _when(item["createdAt"]),
        "finishedAt": _when(item["finishedAt"]),
        "targetServiceRevisionArn": revision_arn(service, item["id"]),
        "status": item["status"],
        "statusReason": item["statusReason"],
    }


def _circuit_breaker(item: dict[str, Any]) -> dict[str, Any]:
    breaker = dict(item["circuitBreaker"])
    if breaker.get("status") == "MONITORING" and item["finishedAt"] is not None:
        breaker["status"] = "MONITORING_COMPLETE"
    return breaker


def _alarms(configuration: dict[str, Any]) -> dict[str, Any]:
    alarms = configuration.get("alarms") or {}
    if not alarms.get("enable"):
        return {"status": "DISABLED"}
    return {"status": "MONITORING", "alarmNames": list(alarms.get("alarmNames") or [])}


def describe(service: Any, item: dict[str, Any]) -> dict[str, Any]:
    """A ServiceDeployment."""
    configuration = dict(getattr(service, "deployment_configuration", None) or {})
    times = [t for t in (item["createdAt"], item["finishedAt"], item.get("stopRequestedAt")) if t is not None]
    found = {
        "serviceDeploymentArn": deployment_arn(service, item["id"]),
        "serviceArn": service.arn,
        "clusterArn": cluster_arn(service),
        "createdAt": _when(item["createdAt"]),
        "startedAt": _when(item["createdAt"]),
        "finishedAt": _when(item["finishedAt"]),
        "stoppedAt": _when(item["finishedAt"]) if item["status"] == "STOPPED" else None,
        "updatedAt": _when(max(times)),
        "sourceServiceRevisions": [_summary(service, source) for source in _sources(service, item)],
        "targetServiceRevision": _summary(service, item["id"]),
        "status": item["status"],
        "statusReason": item["statusReason"],
        "deploymentConfiguration": configuration or None,
        "deploymentCircuitBreaker": _circuit_breaker(item),
        "alarms": _alarms(configuration),
    }
    if item["rollbackOf"]:
        failed = _entry(service, item["rollbackOf"])
        found["rollback"] = {
            "reason": failed["statusReason"] if failed is not None else None,
            "startedAt": _when(item["createdAt"]),
            "serviceRevisionArn": revision_arn(service, item["id"]),
        }
    return found


def _container_images(backend: Any, task_definition_arn: str) -> list[dict[str, str]] | None:
    try:
        task_definition = backend.describe_task_definition(task_definition_arn)
    except Exception:  # deregistered and gone: the revision still names it
        return None
    return [{"containerName": c.get("name"), "image": c.get("image")}
            for c in task_definition.container_definitions]


def revision(backend: Any, service: Any, item: dict[str, Any]) -> dict[str, Any]:
    """A ServiceRevision: the service's configuration as the deployment deployed it."""
    deployed = item["revision"]
    return {
        "serviceRevisionArn": revision_arn(service, item["id"]),
        "serviceArn": service.arn,
        "clusterArn": cluster_arn(service),
        "taskDefinition": deployed["taskDefinition"],
        "capacityProviderStrategy": deployed.get("capacityProviderStrategy") or None,
        "launchType": None if deployed.get("capacityProviderStrategy") else deployed.get("launchType"),
        "platformVersion": deployed.get("platformVersion"),
        "platformFamily": deployed.get("platformFamily"),
        "loadBalancers": list(deployed.get("loadBalancers") or []),
        "networkConfiguration": deployed.get("networkConfiguration"),
        "containerImages": _container_images(backend, deployed["taskDefinition"]),
        "guardDutyEnabled": False,
        "createdAt": _when(deployed["createdAt"]),
    }


def _aware(value: Any) -> datetime | None:
    """A createdAt filter bound as moto parses it (a naive UTC datetime) or as given."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _page_size(value: Any) -> int:
    if value is None:
        return PAGE_DEFAULT
    size = int(value)
    if not 1 <= size <= PAGE_MAX:
        raise InvalidParameter(f"maxResults must be between 1 and {PAGE_MAX}.")
    return size


def _service(backend: Any, params: dict[str, Any]) -> Any:
    """The service named by `service` (name or ARN) in `cluster` (default: the ARN's cluster, else "default")."""
    name = params.get("service") or ""
    if not name:
        raise InvalidParameter("Service cannot be empty.")
    cluster = params.get("cluster")
    if not cluster and name.startswith("arn:") and name.count("/") == 2:
        cluster = name.split("/")[1]
    # moto: ClusterNotFoundException ("Cluster not found."), then ServiceNotFoundException ("Service not found.")
    return backend._get_service(cluster or "default", name.split("/")[-1])


def list_service_deployments(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    service = _service(backend, params)
    size = _page_size(params.get("maxResults"))
    statuses = set(params.get("status") or [])
    window = params.get("createdAt") or {}
    before, after = _aware(window.get("before")), _aware(window.get("after"))
    found = []
    for item in reversed(history_of(service)):  # newest first
        created = clock().to_datetime(item["createdAt"])
        if statuses and item["status"] not in statuses:
            continue
        if (before is not None and created > before) or (after is not None and created < after):
            continue
        found.append(item)
    found.sort(key=lambda item: -item["createdAt"])  # stable: among equal times, the later opened first
    token = params.get("nextToken")
    start = int(token) if token and str(token).isdigit() else 0
    result: dict[str, Any] = {"serviceDeployments": [brief(service, item) for item in found[start:start + size]]}
    if start + size < len(found):
        result["nextToken"] = str(start + size)
    return result


def _arns(params: dict[str, Any], name: str) -> list[str]:
    arns = params.get(name) or []
    if not arns:
        raise InvalidParameter(f"{name} cannot be empty.")
    if len(arns) > DESCRIBE_MAX:
        raise InvalidParameter(f"{name} cannot contain more than {DESCRIBE_MAX} ARNs.")
    return list(dict.fromkeys(arns))


def describe_service_deployments(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    found, failures = [], []
    for arn in _arns(params, "serviceDeploymentArns"):
        hit = _find(backend, arn, "service-deployment")
        if hit is None:
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(describe(*hit))
    return {"serviceDeployments": found, "failures": failures}


def describe_service_revisions(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    found, failures = [], []
    for arn in _arns(params, "serviceRevisionArns"):
        hit = _find(backend, arn, "service-revision")
        if hit is None:
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(revision(backend, *hit))
    return {"serviceRevisions": found, "failures": failures}


def request_stop(service: Any, deployment_id: str, stop_type: str, at: float) -> dict[str, Any]:
    """StopServiceDeployment's request: the entry says what was asked (`stopRequested`) and shows it in its status;
    the scheduler does the rollback (or the stop) at its next converge. Raises as AWS for a deployment that ended
    (ConflictException) or one with no earlier revision to roll back to."""
    item = _entry(service, deployment_id)
    if item is None:
        raise ServiceDeploymentNotFound()
    if stop_type not in STOP_TYPES:
        raise InvalidParameter(f"stopType should be one of [{','.join(STOP_TYPES)}]")
    if item["status"] in STOPPING:
        return item  # already stopping or rolling back: it goes on
    if item["status"] not in STOPPABLE or item["finishedAt"] is not None:
        raise Conflict(
            f"The service deployment {deployment_arn(service, deployment_id)} is {item['status']} and can't be "
            "stopped. Only a service deployment that is in progress can be stopped."
        )
    if stop_type == "ROLLBACK" and not _sources(service, item):
        raise Conflict(
            f"The service deployment {deployment_arn(service, deployment_id)} has no previous service revision "
            "to roll back to."
        )
    item["stopRequested"], item["stopRequestedAt"] = stop_type, at
    item["status"] = REQUESTED[stop_type]
    record = state.get(service)
    if record is not None:
        record.quiet = None  # the scheduler's next converge must not be skipped
    return item


def stop_service_deployment(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    arn = params.get("serviceDeploymentArn") or ""
    hit = _find(backend, arn, "service-deployment")
    if hit is None:
        raise ServiceDeploymentNotFound()
    service, item = hit
    request_stop(service, item["id"], params.get("stopType") or "ROLLBACK", clock().now())
    return {"serviceDeploymentArn": deployment_arn(service, item["id"])}
