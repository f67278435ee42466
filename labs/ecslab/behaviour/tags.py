"""Tags on ECS resources: which tags a new task carries (its own and the propagated ones), and tagging a task by its
ARN (TagResource, UntagResource, ListTagsForResource).

AWS (RunTask and CreateService, propagateTags): TASK_DEFINITION copies the task definition's tags to the task,
SERVICE (services only) the service's; none given, nothing is propagated.
"""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import aws_errors

TaskTags = list[dict[str, str]]


def task_tags(own: TaskTags | None, propagate: str | None, task_definition_tags: TaskTags | None,
              service_tags: TaskTags | None = None) -> TaskTags:
    """The tags a new task carries: the propagated ones, then its own (which win on a shared key)."""
    propagated = {"TASK_DEFINITION": task_definition_tags, "SERVICE": service_tags}.get(propagate or "NONE") or []
    merged = {tag["key"]: tag["value"] for tag in propagated}
    merged.update({tag["key"]: tag["value"] for tag in own or []})
    return [{"key": key, "value": value} for key, value in merged.items()]


def resource(original: Any, backend: Any, resource_arn: str, parsed_arn: dict[str, str]) -> Any:
    """moto looks a task ARN up among the default cluster's tasks only (ClusterNotFoundException without one); a
    task is found in its own cluster, named in its ARN (task/<cluster>/<id>)."""
    if parsed_arn.get("service") != "task":
        return original(backend, resource_arn, parsed_arn)
    cluster_tasks = backend.tasks.get(parsed_arn.get("cluster_id") or "default") or {}
    task = cluster_tasks.get(resource_arn)
    if task is None:
        raise aws_errors.ResourceNotFound()
    return task
