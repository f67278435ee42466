"""CloudFormation's replacement of an AWS::ECS::Cluster or AWS::ECS::Service during UpdateStack: the new resource
first, the old one deleted in the cleanup after every resource was updated. moto deleted the old cluster first, so
an update that renamed a cluster with a service in it failed with ClusterContainsServicesException, and a renamed
service kept its old name.

AWS ("Update behaviors of stack resources", AWS CloudFormation User Guide,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html):
on replacement CloudFormation "creates the new resource, changes references from other dependent resources to point
to the replacement resource, and then deletes the old resource"; the deletions happen in the stack's cleanup
(UPDATE_COMPLETE_CLEANUP_IN_PROGRESS). ClusterName and ServiceName (and a service's Cluster) require replacement
(the AWS::ECS::Cluster and AWS::ECS::Service pages of the template reference).

The emulator's stack update is one call, so its cleanup happens at its end: the replaced service is deleted, its
tasks stop at once (on AWS they drain while the stack is in cleanup), then the replaced cluster is deleted.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.models import Service, ecs_backends

from ecslab.behaviour import messages, tasks
from ecslab.behaviour.clock import clock


def _pending(backend: Any) -> dict[str, list[Any]]:
    if not hasattr(backend, "ecslab_cloudformation_cleanup"):
        backend.ecslab_cloudformation_cleanup = {"services": [], "clusters": []}
    return backend.ecslab_cloudformation_cleanup


def _name(value: Any) -> str:
    return getattr(value, "name", None) or str(value).split("/")[-1]


def update_cluster(original: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
                   account_id: str, region_name: str) -> Any:
    if original_resource.name == new_resource_name:
        return original(original_resource=original_resource, new_resource_name=new_resource_name,
                        cloudformation_json=cloudformation_json, account_id=account_id, region_name=region_name)
    backend = ecs_backends[account_id][region_name]
    replacement = backend.create_cluster(cluster_name=new_resource_name)
    _pending(backend)["clusters"].append((original_resource.name, new_resource_name))
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


def _replace_service(backend: Any, old: Any, cluster_name: str, name: str, desired_count: Any,
                     task_definition: str) -> Any:
    """The new service now; the old one in the cleanup."""
    replacement = backend.create_service(cluster_name, name, desired_count, task_definition_str=task_definition)
    _pending(backend)["services"].append((old.cluster_name, old.name))
    return replacement


def _follow_replaced_clusters(backend: Any, resource_map: Any, moved: dict[str, str]) -> None:
    """A stack's service in a replaced cluster is replaced too, in the new cluster (its Cluster changed), when the
    update reached it before its cluster."""
    for logical_id, resource in list(resource_map._parsed_resources.items()):
        if isinstance(resource, Service) and resource.cluster_name in moved and resource.status == "ACTIVE":
            replacement = _replace_service(backend, resource, moved[resource.cluster_name], resource.name,
                                           resource.desired_count, resource.task_definition)
            replacement.cf_resource_type, replacement.logical_resource_id = resource.cf_resource_type, logical_id
            resource_map._parsed_resources[logical_id] = replacement


def cleanup(original: Any, resource_map: Any, *args: Any, **kwargs: Any) -> Any:
    """The stack update, then its cleanup: the replaced services, then the replaced clusters."""
    backend = ecs_backends[resource_map._account_id][resource_map._region_name]
    pending = _pending(backend)
    try:
        result = original(resource_map, *args, **kwargs)
    except Exception:
        pending["services"].clear()  # a failed update leaves nothing to clean up in a later one
        pending["clusters"].clear()
        raise
    _follow_replaced_clusters(backend, resource_map, dict(pending["clusters"]))
    now = clock().now()
    while pending["services"]:
        cluster_name, name = pending["services"].pop(0)
        service = backend.delete_service(cluster_name, name, True)
        reason = messages.scaling_activity(service.deployments[0]["id"] if service.deployments else name)
        for task in list((backend.tasks.get(cluster_name) or {}).values()):
            if task.group == f"service:{name}" and task.last_status != "STOPPED":
                tasks.stop_now(task, now, reason, messages.STOP_SCHEDULER)
        service.status = "INACTIVE"
    while pending["clusters"]:
        backend.delete_cluster(pending["clusters"].pop(0)[0])
    return result
