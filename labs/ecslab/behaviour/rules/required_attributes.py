"""The container instance attributes a task definition requires (requiresAttributes), from the features it uses.

AWS (TaskDefinition.requiresAttributes in the Amazon ECS API Reference, and the attributes of the Developer Guide's
task placement pages, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-constraints.html):
the agent advertises a capability attribute per feature, and a task definition that uses the feature requires it.
The emulator names the attributes of the features it models: awsvpc, the awslogs driver, task and execution roles,
ECR images, health checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecslab.behaviour.rules.images import parse


@dataclass(frozen=True)
class TaskDefinitionFeatures:
    network_mode: str | None
    task_role: bool
    execution_role: bool
    log_drivers: tuple[str, ...]
    images: tuple[str, ...]
    health_checks: bool


def required_attributes(features: TaskDefinitionFeatures) -> list[str]:
    names: list[str] = []
    if features.network_mode == "awsvpc":
        names += ["com.amazonaws.ecs.capability.docker-remote-api.1.18", "ecs.capability.task-eni"]
    if "awslogs" in features.log_drivers:
        names += ["com.amazonaws.ecs.capability.logging-driver.awslogs",
                  "com.amazonaws.ecs.capability.docker-remote-api.1.19"]
        if features.execution_role:
            names.append("ecs.capability.execution-role-awslogs")
    if features.task_role:
        names.append("com.amazonaws.ecs.capability.task-iam-role")
    if any(parse(image).private_ecr for image in features.images):
        names.append("com.amazonaws.ecs.capability.ecr-auth")
        if features.execution_role:
            names.append("ecs.capability.execution-role-ecr-pull")
    if features.health_checks:
        names.append("ecs.capability.container-health-check")
    return list(dict.fromkeys(names))
