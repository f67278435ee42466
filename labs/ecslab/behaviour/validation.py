"""Checks AWS makes and moto does not, raising AWS's own error codes and messages (aws_errors)."""

from __future__ import annotations

import math
from typing import Any

from ecslab.behaviour.aws_errors import ClientError, ClusterNotFound, InvalidParameter
from ecslab.validation import FARGATE_SIZES, LAUNCH_TYPES  # AWS's table, shared with the lab engine

INVALID_CPU = (
    "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS "
    "Developer Guide."
)
NO_FARGATE_CONFIGURATION = (
    "No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. See the Amazon ECS documentation "
    "for the valid values."
)
FARGATE_NEEDS_AWSVPC = "Fargate only supports network mode \u2018awsvpc\u2019."
FARGATE_NEEDS_CPU = "Fargate requires that 'cpu' be defined at the task level."
FARGATE_NEEDS_MEMORY = "Fargate requires that 'memory' be defined at the task level."


def cpu_units(value: Any) -> int | None:
    """'256', 256, '1 vCPU', '0.25 vcpu' -> CPU units; None when absent; -1 when unreadable."""
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    try:
        if text.endswith("vcpu"):
            return int(round(float(text[:-4].strip()) * 1024))
        return int(float(text))
    except ValueError:
        return -1


def memory_mib(value: Any) -> int | None:
    """'512', 512, '1 GB', '0.5gb' -> MiB; None when absent; -1 when unreadable."""
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    try:
        if text.endswith("gb"):
            return int(round(float(text[:-2].strip()) * 1024))
        if text.endswith("mb"):
            return int(float(text[:-2].strip()))
        return int(float(text))
    except ValueError:
        return -1


def check_task_definition(
    requires_compatibilities: list[str] | None, network_mode: str | None, cpu: Any, memory: Any
) -> tuple[str | None, str | None]:
    """Raise as AWS does for an invalid Fargate task definition; return cpu and memory as AWS stores them."""
    cpu_value, memory_value = cpu_units(cpu), memory_mib(memory)
    normalized_cpu = str(cpu_value) if cpu_value is not None and cpu_value >= 0 else cpu
    normalized_memory = str(memory_value) if memory_value is not None and memory_value >= 0 else memory
    if not requires_compatibilities or "FARGATE" not in requires_compatibilities:
        return normalized_cpu, normalized_memory
    if network_mode != "awsvpc":
        raise ClientError(FARGATE_NEEDS_AWSVPC)
    if cpu_value is None:
        raise ClientError(FARGATE_NEEDS_CPU)
    if memory_value is None:
        raise ClientError(FARGATE_NEEDS_MEMORY)
    if cpu_value not in FARGATE_SIZES:
        raise ClientError(INVALID_CPU)
    if memory_value not in FARGATE_SIZES[cpu_value]:
        raise ClientError(NO_FARGATE_CONFIGURATION.format(cpu=cpu_value, memory=memory_value))
    return normalized_cpu, normalized_memory


def check_launch_type(launch_type: str | None, task_definition: Any) -> None:
    """An EC2-only task definition cannot run on Fargate (and vice versa for EXTERNAL)."""
    if launch_type is None:
        return
    if launch_type not in LAUNCH_TYPES:
        raise InvalidParameter("launch type should be one of [EC2,FARGATE,EXTERNAL]")
    if launch_type == "FARGATE" and "FARGATE" not in (task_definition.requires_compatibilities or []):
        raise InvalidParameter("Task definition does not support launch_type FARGATE.")


def check_network_configuration(task_definition: Any, network_configuration: dict[str, Any] | None) -> None:
    if task_definition.network_mode == "awsvpc" and not (network_configuration or {}).get("awsvpcConfiguration"):
        raise InvalidParameter(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified."
        )


def check_active_cluster(cluster: Any) -> None:
    if cluster.status != "ACTIVE":
        raise ClusterNotFound("The referenced cluster was inactive.")


def check_deployment_configuration(configuration: dict[str, Any] | None) -> tuple[int, int]:
    configuration = configuration or {}
    minimum = configuration.get("minimumHealthyPercent", 100)
    maximum = configuration.get("maximumPercent", 200)
    if maximum < 100 and maximum != 0:
        raise InvalidParameter("maximumPercent must be >= 100.")
    if minimum < 0 or minimum > 100:
        raise InvalidParameter("minimumHealthyPercent must be between 0 and 100.")
    return int(minimum), int(maximum)


def healthy_floor(desired: int, minimum_percent: int) -> int:
    return math.ceil(desired * minimum_percent / 100)


def total_ceiling(desired: int, maximum_percent: int) -> int:
    return max(desired, math.floor(desired * maximum_percent / 100))
