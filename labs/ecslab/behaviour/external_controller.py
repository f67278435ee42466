"""Services whose deployments another tool drives (deploymentController EXTERNAL): created without a task
definition, left alone by the service scheduler (no ECS deployment), run through their task sets.

AWS (CreateService, deploymentController): with EXTERNAL, the task definition, launch type, network configuration
and load balancers belong to the task sets (CreateTaskSet), not to the service.
"""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import api, tasks
from ecslab.behaviour.clock import clock

EXTERNAL = "EXTERNAL"


def controller_of(params: dict[str, Any]) -> str:
    return (params.get("deploymentController") or {}).get("type") or "ECS"


def create_service(backend: Any, params: dict[str, Any]) -> Any:
    """The service record alone: no deployment, so the scheduler never starts a task for it."""
    cluster = api.active_cluster(backend, params.get("cluster"))
    api.check_new_service_name(backend, cluster, params["serviceName"])
    task_definition = params.get("taskDefinition")
    service = backend.create_service(
        cluster.name,
        params["serviceName"],
        int(params.get("desiredCount") or 0),
        backend.describe_task_definition(task_definition).arn if task_definition else None,
        params.get("loadBalancers"),
        params.get("schedulingStrategy"),
        params.get("tags"),
        params.get("deploymentController"),
        params.get("launchType"),
        network_configuration=params.get("networkConfiguration"),
        service_registries=params.get("serviceRegistries"),
        platform_version=params.get("platformVersion"),
        propagate_tags=params.get("propagateTags") or "NONE",
        role_arn=params.get("role"),
    )
    service.deployments = []
    service.running_count = service.pending_count = 0
    service.created_at = tasks.ts(clock().now())
    service.health_check_grace_period_seconds = int(params.get("healthCheckGracePeriodSeconds") or 0)
    service.network_configuration = params.get("networkConfiguration") or None
    service.launch_type = params.get("launchType")
    service.created_by = f"arn:aws:iam::{service._account_id}:root"
    return service


def update_service(service: Any, params: dict[str, Any]) -> Any:
    """AWS: for an EXTERNAL service, UpdateService changes only the desired count, the deployment configuration,
    the health check grace period and the like; the rest goes through the task sets."""
    if params.get("desiredCount") is not None:
        service.desired_count = int(params["desiredCount"])
    if params.get("healthCheckGracePeriodSeconds") is not None:
        service.health_check_grace_period_seconds = int(params["healthCheckGracePeriodSeconds"])
    return service


def is_external(service: Any) -> bool:
    return (getattr(service, "deployment_controller", None) or {}).get("type") == EXTERNAL
