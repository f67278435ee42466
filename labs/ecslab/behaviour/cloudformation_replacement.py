"""CloudFormation's replacement of an AWS::ECS::Cluster or AWS::ECS::Service during UpdateStack: the new resource
first, then the old one deleted. moto deleted the old cluster first, so an update that renamed a cluster with a
service in it failed with ClusterContainsServicesException, and a renamed service kept its old name.

AWS ("Update behaviors of stack resources", AWS CloudFormation User Guide,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html):
on replacement CloudFormation "creates the new resource, changes references from other dependent resources to point
to the replacement resource, and then deletes the old resource". ClusterName and ServiceName, and a service's
Cluster, require replacement (the AWS::ECS::Cluster and AWS::ECS::Service pages of the template reference), so a
renamed cluster's services are replaced into the new cluster before the old cluster goes.

Simplified: the stack's update is one call, so the old resources go within it, not in a later cleanup phase; the
replaced service's tasks stop at once (on AWS they drain while the stack is UPDATE_COMPLETE_CLEANUP_IN_PROGRESS).
The hooks are the ECS models' own update_from_cloudformation_json (importing moto's CloudFormation parser would cost
every emulator start seconds).
"""

from __future__ import annotations

from typing import Any

from moto.ecs.models import ecs_backends

from ecslab.behaviour import messages, tasks
from ecslab.behaviour.clock import clock


def _name(value: Any) -> str:
    return getattr(value, "name", None) or str(value).split("/")[-1]


def _retire_service(backend: Any, service: Any) -> None:
    """Delete the replaced service: DRAINING, its tasks stopped now, INACTIVE."""
    if service.status == "ACTIVE":
        service = backend.delete_service(service.cluster_name, service.name, True)
    reason = messages.scaling_activity(service.deployments[0]["id"] if service.deployments else service.name)
    now = clock().now()
    for task in list((backend.tasks.get(service.cluster_name) or {}).values()):
        if task.group == f"service:{service.name}" and task.last_status != "STOPPED":
            tasks.stop_now(task, now, reason, messages.STOP_SCHEDULER)
    service.status = "INACTIVE"


def _replace_service(backend: Any, old: Any, cluster_name: str, name: str, desired_count: Any,
                     task_definition: str) -> Any:
    """The new service (or the one an earlier replacement of its cluster made), then the old one retired."""
    existing = backend.services.get(f"{cluster_name}:{name}")
    if existing is not None and existing.status == "ACTIVE" and existing is not old:
        replacement = existing
    else:
        replacement = backend.create_service(cluster_name, name, desired_count, task_definition_str=task_definition)
        for attribute in ("cf_resource_type", "logical_resource_id"):
            if hasattr(old, attribute):
                setattr(replacement, attribute, getattr(old, attribute))
    _retire_service(backend, old)
    return replacement


def update_cluster(original: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
                   account_id: str, region_name: str) -> Any:
    if original_resource.name == new_resource_name:
        return original(original_resource=original_resource, new_resource_name=new_resource_name,
                        cloudformation_json=cloudformation_json, account_id=account_id, region_name=region_name)
    backend = ecs_backends[account_id][region_name]
    replacement = backend.create_cluster(cluster_name=new_resource_name)
    for service in [s for s in backend.services.values()
                    if s.cluster_name == original_resource.name and s.status == "ACTIVE"
                    and getattr(s, "logical_resource_id", None)]:  # the stacks' services follow their cluster
        _replace_service(backend, service, new_resource_name, service.name, service.desired_count,
                         service.task_definition)
    backend.delete_cluster(original_resource.arn)
    return replacement


def update_service(original: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
                   account_id: str, region_name: str) -> Any:
    properties = cloudformation_json["Properties"]
    cluster_name = _name(properties["Cluster"])
    if cluster_name == original_resource.cluster_name and new_resource_name == original_resource.name:
        return original(original_resource=original_resource, new_resource_name=new_resource_name,
                        cloudformation_json=cloudformation_json, account_id=account_id, region_name=region_name)
    task_definition = properties["TaskDefinition"]
    return _replace_service(ecs_backends[account_id][region_name], original_resource, cluster_name,
                            new_resource_name, properties.get("DesiredCount"),
                            getattr(task_definition, "arn", None) or task_definition)
