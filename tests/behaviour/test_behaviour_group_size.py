"""Auto Scaling group sizes are validated as EC2 Auto Scaling validates them, before anything launches: a desired
capacity of 10,000 on a group whose maximum is 4 once froze the emulator for the whole class."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from ecslab.behaviour.rules import group_size


def _group(sim, name="asg", min_size=0, max_size=4, desired=1):
    net = sim.network()
    template = sim.ec2.create_launch_template(
        LaunchTemplateName=f"{name}-lt", LaunchTemplateData={"ImageId": sim.image_id(), "InstanceType": "t3.micro"})
    sim.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name, MinSize=min_size, MaxSize=max_size, DesiredCapacity=desired,
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplate"]["LaunchTemplateId"]},
        VPCZoneIdentifier=",".join(s["SubnetId"] for s in net["subnets"]))
    return name


def _refused(call) -> str:
    with pytest.raises(ClientError) as refused:
        call()
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    return refused.value.response["Error"]["Message"]


def test_set_desired_capacity_above_the_maximum_is_refused_at_once(sim):
    name = _group(sim)
    started = time.monotonic()
    message = _refused(lambda: sim.autoscaling.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=10000))
    assert time.monotonic() - started < 5
    assert message == "New SetDesiredCapacity value 10000 is above max value 4 for the AutoScalingGroup."
    group = sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    assert group["DesiredCapacity"] == 1 and len(group["Instances"]) <= 1
    sim.autoscaling.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=4)  # within bounds: accepted


def test_create_and_update_keep_min_desired_max_in_order(sim):
    message = _refused(lambda: _group(sim, "big", min_size=1, max_size=4, desired=10000))
    assert message == "Desired capacity:10000 must be between the specified min size:1 and max size:4"
    assert not sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["big"])["AutoScalingGroups"]
    name = _group(sim)
    message = _refused(lambda: sim.autoscaling.update_auto_scaling_group(AutoScalingGroupName=name, MinSize=5))
    assert message == "Max bound, 4, must be greater than or equal to min bound, 5"


def test_an_unknown_group_is_named_in_aws_words(sim):
    message = _refused(lambda: sim.autoscaling.set_desired_capacity(AutoScalingGroupName="nope", DesiredCapacity=1))
    assert message == "AutoScalingGroup name not found - AutoScalingGroup 'nope' not found"


def test_the_rule_on_plain_numbers():
    assert group_size.sizes_error(0, 4, 2) is None and group_size.set_desired_error(4, 0, 4) is None
    assert group_size.set_desired_error(0, 1, 4).endswith("is below min value 1 for the AutoScalingGroup.")
    assert group_size.bounds_error(3, 2) == "Max bound, 2, must be greater than or equal to min bound, 3"
