"""Auto Scaling groups: they replace instances terminated behind their back (their health check), and
launch new ones across their subnets' AZs with the mix of On-Demand, Spot and instance types they ask for."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from moto.autoscaling.models import ASG_NAME_TAG, InstanceState

from ecslab.behaviour import moto_terms, network, state
from ecslab.behaviour.aws_errors import InsufficientFreeAddresses
from ecslab.behaviour.world import World


@dataclass
class GroupSim:
    activities: list[dict[str, Any]] = field(default_factory=list)  # its failed launches, oldest first
    retry_at: float | None = None  # when it tries again to launch what it lacks (after a failed launch)


# EC2 Auto Scaling keeps trying to launch what a group lacks (the User Guide's "Suspend and resume" page: groups
# "trying to launch instances for over 24 hours" get an administrative suspension); the interval is not documented,
# the emulator tries again every simulated minute. It keeps a group's newest 100 activities (DescribeScalingActivities'
# largest page), so a group that fails for hours holds no more.
LAUNCH_RETRY = 60.0
ACTIVITIES_KEPT = 100


def replace_terminated(world: World, at: float) -> None:
    """Groups replace instances terminated behind their back, and try again the launches that failed."""
    for group in list(world.autoscaling.autoscaling_groups.values()):
        gone = [s for s in group.instance_states if s.instance.state in ("terminated", "shutting-down")]
        group.instance_states = [s for s in group.instance_states if s not in gone]
        record = state.get(group)
        retry = record is not None and record.retry_at is not None and record.retry_at <= at
        if retry:
            record.retry_at = None
        if (gone or retry) and len(group.instance_states) < (group.desired_capacity or 0):
            set_capacity(world, group, group.desired_capacity)


def next_retry(world: World, after: float) -> float | None:
    times = [record.retry_at for group in world.autoscaling.autoscaling_groups.values()
             if (record := state.get(group)) is not None and record.retry_at is not None and record.retry_at > after]
    return min(times) if times else None


def set_capacity(world: World, group: Any, desired: int) -> None:
    """The simulation sets a group's desired capacity (its instances launch or terminate now); the world-level parts
    of the next step notice them (simulation_pass.world_parts_due)."""
    world.autoscaling.set_desired_capacity(group.name, desired)
    world.sim.fleet_changed = True


def launch_instances(original: Any, group: Any, count_needed: int, propagated_tags: dict[str, str]) -> None:
    """Launch an ASG's new instances one by one, as EC2 Auto Scaling does: each in the subnet of the
    least-used AZ, and, with a mixed instances policy, On-Demand or Spot by the instances distribution and
    of the overrides' types in turn. (moto puts all of them on demand in the first subnet, of one type.)
    An instance whose subnets have no free address is not launched: a failed scaling activity says why."""
    subnets = [s for s in (group.vpc_zone_identifier or "").split(",") if s]
    ec2 = group.autoscaling_backend.ec2_backend
    if not group.mixed_instances_policy and len(subnets) <= 1:
        room = network.free_addresses(ec2, subnets[0]) if subnets else count_needed
        if min(room, count_needed):
            original(group, min(room, count_needed), propagated_tags)
        for _ in range(count_needed - min(room, count_needed)):
            _failed_launch(group, subnets[0])
        return
    tags = {**propagated_tags, ASG_NAME_TAG: group.name, **group.instance_tags}
    for _ in range(count_needed):
        open_subnets = [s for s in subnets if network.free_addresses(ec2, s) > 0]
        if subnets and not open_subnets:
            _failed_launch(group, _least_used_subnet(ec2, group, subnets))
            continue
        subnet = _least_used_subnet(ec2, group, open_subnets) if subnets else None
        spot = _next_is_spot(group)
        zone = ec2.get_subnet(subnet).availability_zone if subnet else moto_terms.random_zone(group.availability_zones)
        reservation = ec2.run_instances(
            group.image_id, 1, group.user_data, group.security_groups,
            instance_type=_next_instance_type(group), tags={"instance": dict(tags)},
            placement=zone,
            launch_config=group.launch_config, launch_template=_template_ref(group),
            is_instance_type_default=False, subnet_id=subnet,
            # None: the subnet's MapPublicIpOnLaunch decides, as on AWS (moto's default is no public IP)
            associate_public_ip=group.launch_config.associate_public_ip_address if group.launch_config else None,
        )
        for instance in reservation.instances:
            instance.lifecycle = "spot" if spot else None
            instance.autoscaling_group = group
            group.instance_states.append(
                InstanceState(instance, protected_from_scale_in=group.new_instances_protected_from_scale_in))


# EC2 Auto Scaling's words for a launch that failed (the activity of a real group, quoted in kubernetes/autoscaler#1263:
# "Launching a new EC2 instance.  Status Reason: <EC2's message> Launching EC2 instance failed.", its Cause "At <time>
# an instance was started in response to a difference between desired and actual capacity, increasing the capacity
# from N to N+1."); the reason is EC2's InsufficientFreeAddressesInSubnet (aws_errors).
LAUNCH_FAILED = "Launching a new EC2 instance.  Status Reason: {reason} Launching EC2 instance failed."
LAUNCH_CAUSE = ("At {at} an instance was started in response to a difference between desired and actual capacity, "
                "increasing the capacity from {before} to {after}.")


def _failed_launch(group: Any, subnet_id: str) -> None:
    """A scaling activity of the group: the instance it wanted was not launched (no free address in `subnet_id`)."""
    from ecslab.behaviour.clock import clock

    at = clock().now()
    now = clock().to_datetime(at)
    reason = InsufficientFreeAddresses.message
    before = len(group.instance_states)
    zone = group.autoscaling_backend.ec2_backend.get_subnet(subnet_id).availability_zone
    record = state.get(group) or state.put(group, GroupSim())
    record.retry_at = at + LAUNCH_RETRY
    del record.activities[:-ACTIVITIES_KEPT + 1]
    record.activities.append({
        "ActivityId": moto_terms.uuid4(),
        "AutoScalingGroupName": group.name,
        "Description": LAUNCH_FAILED.format(reason=reason),
        "Cause": LAUNCH_CAUSE.format(at=now.strftime("%Y-%m-%dT%H:%M:%SZ"), before=before, after=before + 1),
        "StartTime": now,
        "EndTime": now,
        "StatusCode": "Failed",
        "StatusMessage": reason,
        "Progress": 100,
        "Details": json.dumps({"Subnet ID": subnet_id, "Availability Zone": zone}),
        "AutoScalingGroupARN": group.arn,
    })


def describe_scaling_activities(original: Any) -> Any:
    """DescribeScalingActivities: the groups' recorded activities, newest first (moto answered none)."""
    import functools

    from moto.core.responses import ActionResult

    @functools.wraps(original)
    def action(response: Any) -> ActionResult:
        name = response._get_param("AutoScalingGroupName")
        groups = response.autoscaling_backend.autoscaling_groups
        found = [a for group_name, group in groups.items() if not name or group_name == name
                 for a in getattr(state.get(group), "activities", [])]
        found.sort(key=lambda a: a["StartTime"], reverse=True)
        return ActionResult({"Activities": found})

    return action


def _template_ref(group: Any) -> dict[str, str] | None:
    template = group.ec2_launch_template
    if template is None:
        return None
    return {"LaunchTemplateId": template.id} if template.id else {"LaunchTemplateName": template.name}


def _least_used_subnet(ec2: Any, group: Any, subnets: list[str]) -> str:
    """Balance across AZs: the subnet whose AZ has the fewest running instances of the group."""
    per_zone: dict[str, int] = {}
    for state_ in group.instance_states:
        zone = state_.instance.placement.zone
        per_zone[zone] = per_zone.get(zone, 0) + 1
    return min(subnets, key=lambda s: (per_zone.get(ec2.get_subnet(s).availability_zone, 0), subnets.index(s)))


def _distribution(group: Any) -> dict[str, Any]:
    return (group.mixed_instances_policy or {}).get("InstancesDistribution") or {}


def _next_is_spot(group: Any) -> bool:
    """On-Demand up to OnDemandBaseCapacity, then OnDemandPercentageAboveBaseCapacity of the rest."""
    if not group.mixed_instances_policy:
        return False
    distribution = _distribution(group)
    base = int(distribution.get("OnDemandBaseCapacity", 0))
    percent = int(distribution.get("OnDemandPercentageAboveBaseCapacity", 100))
    on_demand = sum(1 for s in group.instance_states if getattr(s.instance, "lifecycle", None) != "spot")
    total = len(group.instance_states) + 1  # counting the one being launched
    wanted_on_demand = base + math.ceil(max(0, total - base) * percent / 100)
    return on_demand >= wanted_on_demand


def _next_instance_type(group: Any) -> str:
    """The overrides' instance types in turn (diversification), else the template's."""
    overrides = ((group.mixed_instances_policy or {}).get("LaunchTemplate") or {}).get("Overrides") or []
    types = [o["InstanceType"] for o in overrides if o.get("InstanceType")]
    if not types:
        return group.instance_type
    return types[len(group.instance_states) % len(types)]


def checked_sizes(original: Any, response: Any) -> Any:
    """Create/Update/SetDesiredCapacity as EC2 Auto Scaling validates the sizes (rules.group_size), before moto
    acts: moto launches whatever it is asked for (a desired capacity of 10,000 froze the emulator for everyone)."""
    from moto.autoscaling.exceptions import ValidationError

    from ecslab.behaviour.rules import group_size

    name = response._get_param("AutoScalingGroupName")
    sizes = {key: response._get_int_param(key) for key in ("MinSize", "MaxSize", "DesiredCapacity")}
    action = original.__name__
    group = response.autoscaling_backend.autoscaling_groups.get(name)
    if action != "create_auto_scaling_group" and group is None:
        raise ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup '{name}' not found")
    if action == "set_desired_capacity":
        error = group_size.set_desired_error(sizes["DesiredCapacity"], group.min_size, group.max_size)
    else:
        current = {"MinSize": group.min_size, "MaxSize": group.max_size} if group is not None else {}
        min_size = sizes["MinSize"] if sizes["MinSize"] is not None else current.get("MinSize", 0)
        max_size = sizes["MaxSize"] if sizes["MaxSize"] is not None else current.get("MaxSize", 0)
        error = group_size.sizes_error(min_size, max_size, sizes["DesiredCapacity"])
    if error:
        raise ValidationError(error)
    return original(response)
