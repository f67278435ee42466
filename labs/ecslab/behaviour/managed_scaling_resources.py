"""What ECS creates when a cluster gets an Auto Scaling group capacity provider with managed scaling.

For each such provider ECS creates a target tracking scaling policy on the group, named
`ECSManagedAutoScalingPolicy-<uuid>`, on the CapacityProviderReservation metric (namespace AWS/ECS/ManagedScaling,
target: the provider's targetCapacity), a high and a low CloudWatch alarm on that metric, and shows the policy as a
cluster attachment of type `as_policy` (details capacityProviderName, scalingPolicyName), with the cluster's
attachmentsStatus UPDATE_COMPLETE once done; DescribeClusters shows them with `include=ATTACHMENTS`. Disassociating
the provider removes them. Sources: "Automatically manage Amazon ECS capacity with cluster auto scaling"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html) and the describe-clusters and
put-cluster-capacity-providers examples of the AWS CLI Command Reference
(https://docs.aws.amazon.com/cli/latest/reference/ecs/describe-clusters.html).

The scaling itself is managed_scaling.py's: these alarms' actions name the group's policy, which the simulation never
invokes (it acts on the reservation directly), so nothing scales twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecslab.behaviour import moto_terms, state
from ecslab.behaviour.world import world_of

NAMESPACE = "AWS/ECS/ManagedScaling"
METRIC = "CapacityProviderReservation"
POLICY_PREFIX = "ECSManagedAutoScalingPolicy-"
ATTACHMENT_TYPE = "as_policy"
SCALE_OUT_PERIODS, SCALE_IN_PERIODS = 1, 15  # a minute to scale out, fifteen to scale in (managed_scaling.py)
ATTACHMENTS_PATHS = ("DescribeClustersResponse.clusters.Cluster.attachments",
                     "DescribeClustersResponse.clusters.Cluster.attachmentsStatus")


@dataclass
class ProviderResources:
    attachment_id: str
    policy_name: str
    group_name: str
    alarm_names: list[str] = field(default_factory=list)


@dataclass
class ClusterAttachments:
    by_provider: dict[str, ProviderResources] = field(default_factory=dict)


def _managed_group(backend: Any, provider_name: str) -> tuple[Any, dict[str, Any]] | None:
    """The Auto Scaling group and managed scaling settings of a provider with managed scaling ENABLED, else None."""
    provider = backend.capacity_providers.get(provider_name)
    settings = (provider.auto_scaling_group_provider or {}) if provider is not None else {}
    scaling = settings.get("managedScaling") or {}
    if scaling.get("status") != "ENABLED":
        return None
    arn = settings.get("autoScalingGroupArn") or ""
    world = world_of(backend.account_id, backend.region_name)
    for group in world.autoscaling.autoscaling_groups.values():
        if arn in (group.arn, group.name) or arn.endswith(f"autoScalingGroupName/{group.name}"):
            return group, scaling
    return None


def _create(backend: Any, cluster: Any, provider_name: str, group: Any, scaling: dict[str, Any]) -> ProviderResources:
    world = world_of(backend.account_id, backend.region_name)
    target = float(scaling.get("targetCapacity") or 100)
    policy_name = f"{POLICY_PREFIX}{moto_terms.uuid4()}"
    metric = {"MetricName": METRIC, "Namespace": NAMESPACE, "Statistic": "Average",
              "Dimensions": [{"Name": "CapacityProviderName", "Value": provider_name},
                             {"Name": "ClusterName", "Value": cluster.name}]}
    policy = world.autoscaling.put_scaling_policy(
        name=policy_name, policy_type="TargetTrackingScaling", metric_aggregation_type=None, adjustment_type=None,
        as_name=group.name, min_adjustment_magnitude=None, scaling_adjustment=None, cooldown=None,
        target_tracking_config={"CustomizedMetricSpecification": metric, "TargetValue": target,
                                "DisableScaleIn": False},
        step_adjustments=None, estimated_instance_warmup=None, predictive_scaling_configuration=None,
    )
    resources = ProviderResources(moto_terms.uuid4(), policy_name, group.name)
    for suffix, comparison, periods in (("AlarmHigh", "GreaterThanThreshold", SCALE_OUT_PERIODS),
                                        ("AlarmLow", "LessThanThreshold", SCALE_IN_PERIODS)):
        name = f"TargetTracking-{group.name}-{suffix}-{moto_terms.uuid4()}"
        world.cloudwatch.put_metric_alarm(
            name=name, namespace=NAMESPACE, metric_name=METRIC, comparison_operator=comparison,
            evaluation_periods=periods, datapoints_to_alarm=periods, period=60, threshold=target, statistic="Average",
            description=f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {policy.arn}.",
            dimensions=[{"Name": d["Name"], "Value": d["Value"]} for d in metric["Dimensions"]],
            alarm_actions=[policy.arn],
        )
        resources.alarm_names.append(name)
    return resources


def _remove(backend: Any, resources: ProviderResources) -> None:
    world = world_of(backend.account_id, backend.region_name)
    world.autoscaling.policies.pop(resources.policy_name, None)
    for name in resources.alarm_names:
        world.cloudwatch.alarms.pop(name, None)


def sync(backend: Any, cluster: Any) -> None:
    """Bring the cluster's managed scaling resources and attachments in line with its capacity providers."""
    record = state.get(cluster) or state.put(cluster, ClusterAttachments())
    wanted = {}
    for name in cluster.capacity_providers or []:
        found = _managed_group(backend, name)
        if found is not None:
            wanted[name] = found
    for name in [name for name in record.by_provider if name not in wanted]:
        _remove(backend, record.by_provider.pop(name))
    for name, (group, scaling) in wanted.items():
        if name not in record.by_provider:
            record.by_provider[name] = _create(backend, cluster, name, group, scaling)
    cluster.attachments = [
        {"id": resources.attachment_id, "type": ATTACHMENT_TYPE, "status": "CREATED",
         "details": [{"name": "capacityProviderName", "value": name},
                     {"name": "scalingPolicyName", "value": resources.policy_name}]}
        for name, resources in record.by_provider.items()
    ]
    cluster.attachments_status = "UPDATE_COMPLETE" if cluster.attachments else None


# --- moto entry points (wired in by moto_patches.py) -------------------------------------------------------------


def cluster_created(original: Any, backend: Any, *args: Any, **kwargs: Any) -> Any:
    """moto's create_cluster, then the managed scaling resources of its capacity providers."""
    cluster = original(backend, *args, **kwargs)
    sync(backend, cluster)
    return cluster


def providers_put(original: Any, backend: Any, *args: Any, **kwargs: Any) -> Any:
    """moto's put_cluster_capacity_providers, then the managed scaling resources follow the new list."""
    cluster = original(backend, *args, **kwargs)
    sync(backend, cluster)
    return cluster


def describe_clusters(original: Any, response: Any) -> Any:
    """DescribeClusters shows the attachments only when asked with include=ATTACHMENTS, as on AWS."""
    shown = "ATTACHMENTS" in (response._get_param("include") or [])
    for path in ATTACHMENTS_PATHS:
        if shown:
            response._include_in_response(path)
        else:
            response._exclude_from_response(path)
    return original(response)
