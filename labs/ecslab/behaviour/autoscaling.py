"""Application Auto Scaling of ECS services: target tracking and step scaling policies change `desiredCount`.

A policy runs when one of its alarms invokes it (see alarms.py). Target tracking computes the count that brings
the metric back to the target (ceil(current × metric / target)); a step policy applies the step adjustment
matching how far the metric is past the alarm's threshold. The result stays within the scalable target's
minimum and maximum, waits out the cooldown of its direction, and is written as a scaling activity.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecslab.behaviour import metrics, moto_terms, state
from ecslab.behaviour.aws_errors import ScalingObjectNotFound, ScalingValidation
from ecslab.behaviour.clock import clock
from ecslab.behaviour.rules import service_quotas
from ecslab.behaviour.world import World, world_of

DIMENSION = "ecs:service:DesiredCount"
DEFAULT_COOLDOWN = 300.0
HIGH_PERIODS = 3  # target tracking: scale out after 3 one-minute datapoints above the target
LOW_PERIODS = 15  # and in after 15 below 90% of it
LOW_FACTOR = 0.9
DEFAULT_MAX_RESULTS = 50


@dataclass(frozen=True)
class Trigger:
    """What invoked a policy: an alarm, its state and comparison, its threshold and the metric's latest value."""

    alarm_name: str
    state: str
    comparison: str
    threshold: float
    value: float | None


# --- the alarms a target tracking policy creates ------------------------------------------------------------


def tracking_alarms(policy: Any) -> list[Any]:
    """Replaces moto's alarms (threshold 6 whatever the target): high at the target, low at 90% of it."""
    cloudwatch = world_of(policy.account_id, policy.region_name).cloudwatch
    config = policy.target_tracking_scaling_policy_configuration or {}
    target = float(config.get("TargetValue") or 0)
    custom = config.get("CustomizedMetricSpecification")
    if custom:
        namespace, metric_name = custom.get("Namespace", ""), custom.get("MetricName", "")
        dimensions = list(custom.get("Dimensions") or [])
        statistic = custom.get("Statistic") or "Average"
    else:
        predefined = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType", "")
        namespace, statistic = metrics.NAMESPACE, "Average"
        metric_name = "MemoryUtilization" if "Memory" in predefined else "CPUUtilization"
        _, cluster_name, service_name = policy.resource_id.split("/")
        dimensions = [{"Name": "ClusterName", "Value": cluster_name}, {"Name": "ServiceName", "Value": service_name}]
    action = f"{policy.policy_arn}:createdBy/{moto_terms.uuid4()}"
    wanted = [("AlarmHigh", "GreaterThanThreshold", HIGH_PERIODS, target)]
    if not config.get("DisableScaleIn"):
        wanted.append(("AlarmLow", "LessThanThreshold", LOW_PERIODS, round(target * LOW_FACTOR, 6)))
    return [
        cloudwatch.put_metric_alarm(
            name=f"TargetTracking-{policy.resource_id}-{suffix}-{moto_terms.uuid4()}",
            namespace=namespace, metric_name=metric_name, comparison_operator=comparison,
            evaluation_periods=periods, datapoints_to_alarm=periods, period=60, threshold=threshold,
            statistic=statistic, description=f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {action}.",
            dimensions=dimensions, alarm_actions=[action],
        )
        for suffix, comparison, periods, threshold in wanted
    ]


def put_scaling_policy(original: Callable[..., Any], backend: Any, policy_name: str, service_namespace: str,
                       resource_id: str, scalable_dimension: str, policy_body: dict[str, Any],
                       policy_type: str | None) -> Any:
    """AWS needs the scalable target first, and replacing a policy replaces its alarms (moto kept the old ones)."""
    if not backend._scalable_target_exists(resource_id, scalable_dimension):
        raise ScalingObjectNotFound(
            f"No scalable target registered for service namespace: {service_namespace}, resource ID: {resource_id}, "
            f"scalable dimension: {scalable_dimension}"
        )
    key = moto_terms.policy_key(service_namespace, resource_id, scalable_dimension, policy_name)
    previous = backend.policies.get(key)
    policy = original(backend, policy_name, service_namespace, resource_id, scalable_dimension, policy_body,
                      policy_type)
    if previous is not None:
        previous.delete_alarms(backend.account_id, backend.region_name)
    return policy


def deregister_scalable_target(original: Callable[..., Any], backend: Any, namespace: str, r_id: str,
                               dimension: str) -> None:
    """AWS deletes the target's scaling policies (and so their alarms) and scheduled actions with it."""
    original(backend, namespace, r_id, dimension)
    for key, policy in list(backend.policies.items()):
        if (policy.service_namespace, policy.resource_id, policy.scalable_dimension) == (namespace, r_id, dimension):
            policy.delete_alarms(backend.account_id, backend.region_name)
            del backend.policies[key]
    backend.scheduled_actions = [  # and its scheduled actions
        action for action in backend.scheduled_actions
        if (action.service_namespace, action.resource_id, action.scalable_dimension) != (namespace, r_id, dimension)
    ]


# --- running a policy ---------------------------------------------------------------------------------------


def policy_for_action(world: World, arn: str) -> Any:
    """The scaling policy an alarm action names (target tracking alarms add ":createdBy/<uuid>")."""
    for policy in world.application_autoscaling.policies.values():
        if arn == policy.policy_arn or arn.startswith(f"{policy.policy_arn}:createdBy/"):
            return policy
    return None


def service_of(world: World, resource_id: str) -> Any:
    """The ACTIVE ECS service a resource id ("service/<cluster>/<service>") names, or None."""
    parts = resource_id.split("/")
    if len(parts) != 3 or parts[0] != "service":
        return None
    return next((s for s in world.ecs.services.values()
                 if s.cluster_name == parts[1] and s.name == parts[2] and s.status == "ACTIVE"), None)


def _target_tracking(policy: Any, trigger: Trigger, current: int) -> tuple[int, float] | None:
    config = policy.target_tracking_scaling_policy_configuration or {}
    target = float(config.get("TargetValue") or 0)
    if trigger.value is None or target <= 0:
        return None
    wanted = math.ceil(round(current * trigger.value / target, 6))
    if trigger.comparison.startswith("Greater"):
        wanted = max(wanted, current)
        cooldown = config.get("ScaleOutCooldown")
    else:
        if config.get("DisableScaleIn"):
            return None
        wanted = min(wanted, current)
        cooldown = config.get("ScaleInCooldown")
    return wanted, float(DEFAULT_COOLDOWN if cooldown is None else cooldown)


def percent_change(current: int, percent: float, minimum: int) -> int:
    """AWS rounding: above 1 down, between 0 and 1 up to 1, mirrored below 0; then MinAdjustmentMagnitude."""
    change = current * percent / 100
    if change > 1:
        change = math.floor(change)
    elif change > 0:
        change = 1
    elif change < -1:
        change = math.ceil(change)
    elif change < 0:
        change = -1
    if change and abs(change) < minimum:
        change = minimum if change > 0 else -minimum
    return int(change)


def _step(policy: Any, trigger: Trigger, current: int) -> tuple[int, float] | None:
    config = policy.step_scaling_policy_configuration or {}
    if trigger.value is None:
        return None
    breach = trigger.value - trigger.threshold
    adjustment = None
    for step in config.get("StepAdjustments") or []:
        lower, upper = step.get("MetricIntervalLowerBound"), step.get("MetricIntervalUpperBound")
        if (lower is None or breach >= float(lower)) and (upper is None or breach < float(upper)):
            adjustment = int(step.get("ScalingAdjustment") or 0)
            break
    if adjustment is None:
        return None
    kind = config.get("AdjustmentType") or "ChangeInCapacity"
    if kind == "ExactCapacity":
        wanted = adjustment
    elif kind == "PercentChangeInCapacity":
        wanted = current + percent_change(current, adjustment, int(config.get("MinAdjustmentMagnitude") or 0))
    else:
        wanted = current + adjustment
    cooldown = config.get("Cooldown")
    return wanted, float(DEFAULT_COOLDOWN if cooldown is None else cooldown)


def invoke(world: World, policy: Any, trigger: Trigger, at: float) -> None:
    """Run `policy` for `trigger` at `at`: maybe a new desired count and a scaling activity."""
    backend = world.application_autoscaling
    target = backend.targets.get(policy.scalable_dimension, {}).get(policy.resource_id)
    service = service_of(world, policy.resource_id)
    if target is None or service is None or policy.scalable_dimension != DIMENSION:
        return
    current = int(service.desired_count or 0)
    if policy.policy_type == "TargetTrackingScaling":
        decision = _target_tracking(policy, trigger, current)
    else:
        decision = _step(policy, trigger, current)
    if decision is None:
        return
    wanted, cooldown = decision
    low = int(target.min_capacity if target.min_capacity is not None else 0)
    high = int(target.max_capacity if target.max_capacity is not None else wanted)
    wanted = max(low, min(high, wanted))
    if wanted == current:
        return
    direction = "out" if wanted > current else "in"
    suspended = target.suspended_state or {}
    if suspended.get("DynamicScalingOutSuspended" if direction == "out" else "DynamicScalingInSuspended"):
        return
    last = world.sim.last_scaling.get((policy.resource_id, direction))
    if last is not None and at - last < cooldown:
        return
    world.sim.last_scaling[(policy.resource_id, direction)] = at
    set_desired(world, policy, wanted,
                f"monitor alarm {trigger.alarm_name} in state {trigger.state} triggered policy {policy.policy_name}",
                at=at)


def set_desired(world: World, owner: Any, wanted: int, cause: str, *, at: float) -> None:
    """Set the desired count of the service `owner` (a policy or scheduled action) scales, with its activity."""
    service = service_of(world, owner.resource_id)
    if service is None:
        return
    description = f"Setting desired count to {wanted}."
    refused = service_quotas.scaling_failure(wanted)
    if refused is not None:  # ECS refuses it as UpdateService would: the count stays
        record_activity(world, owner, at, description, cause, "Failed", refused)
        return
    service.desired_count = wanted
    state.touch(service.cluster_name)
    if service.deployments:
        service.deployments[0]["desiredCount"] = wanted
    record_activity(world, owner, at, description, cause, "Successful",
                    f"Successfully set desired count to {wanted}. Change successfully fulfilled by ecs.")


def record_activity(world: World, owner: Any, at: float, description: str, cause: str, status_code: str,
                    status_message: str) -> None:
    """One scaling activity of the target `owner` (a policy or scheduled action) belongs to."""
    moment = clock().to_datetime(at).timestamp()
    world.sim.activities.append({
        "ActivityId": moto_terms.uuid4(),
        "ServiceNamespace": owner.service_namespace,
        "ResourceId": owner.resource_id,
        "ScalableDimension": owner.scalable_dimension,
        "Description": description,
        "Cause": cause,
        "StartTime": moment,
        "EndTime": moment,
        "StatusCode": status_code,
        "StatusMessage": status_message,
    })


def describe_scaling_activities(world: World, params: dict[str, Any]) -> dict[str, Any]:
    namespace = params.get("ServiceNamespace")
    namespaces = list(moto_terms.SERVICE_NAMESPACES)
    if namespace not in namespaces:
        raise ScalingValidation(
            f"1 validation error detected: Value '{namespace}' at 'serviceNamespace' failed to satisfy constraint: "
            f"Member must satisfy enum value set: {namespaces}"
        )
    found = [a for a in reversed(world.sim.activities) if a["ServiceNamespace"] == namespace]
    if params.get("ResourceId"):
        found = [a for a in found if a["ResourceId"] == params["ResourceId"]]
    if params.get("ScalableDimension"):
        found = [a for a in found if a["ScalableDimension"] == params["ScalableDimension"]]
    token = str(params.get("NextToken") or "0")
    start = int(token) if token.isdigit() else 0
    size = int(params.get("MaxResults") or DEFAULT_MAX_RESULTS)
    result: dict[str, Any] = {"ScalingActivities": found[start:start + size]}
    if start + size < len(found):
        result["NextToken"] = str(start + size)
    return result



# AWS ("Service-linked roles for Application Auto Scaling", Service-linked role ARN reference:
# https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html):
# an ECS scalable target registered without RoleARN uses this service-linked role.
ECS_SERVICE_LINKED_ROLE = ("arn:aws:iam::{account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                           "AWSServiceRoleForApplicationAutoScaling_ECSService")


def register_scalable_target(original: Callable[..., Any], backend: Any, namespace: str, r_id: str, dimension: str,
                             min_capacity: int | None, max_capacity: int | None, role_arn: str | None,
                             suspended_state: Any) -> Any:
    """DescribeScalableTargets' RoleARN is required: an ECS target without one gets ECS's service-linked role.
    Registering (or updating) a target brings an active service's desired count inside its new range, as a
    scaling activity (API_RegisterScalableTarget: "it changes the resource's current capacity to a value that is
    inside of this range")."""
    ecs = namespace == moto_terms.ECS_NAMESPACE
    if not role_arn and ecs:
        role_arn = ECS_SERVICE_LINKED_ROLE.format(account=backend.account_id)
    target = original(backend, namespace, r_id, dimension, min_capacity, max_capacity, role_arn, suspended_state)
    if ecs and dimension == DIMENSION:
        world = world_of(backend.account_id, backend.region_name)
        service = service_of(world, r_id)
        if service is not None and service.status == "ACTIVE":
            moved = into_range(service.desired_count, target.min_capacity, target.max_capacity)
            if moved is not None:
                set_desired(world, target, *moved, at=clock().now())
    return target


def into_range(current: int, minimum: int | None, maximum: int | None) -> tuple[int, str] | None:
    """The capacity nearest to `current` within [minimum, maximum], with the activity's cause (a registration or a
    scheduled action that moved the range); None when `current` is already inside."""
    if minimum is not None and current < int(minimum):
        return int(minimum), f"minimum capacity was set to {int(minimum)}"
    if maximum is not None and current > int(maximum):
        return int(maximum), f"maximum capacity was set to {int(maximum)}"
    return None
