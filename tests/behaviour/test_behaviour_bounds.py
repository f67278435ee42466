"""ECS's bounds, as AWS holds them, over HTTP: the tasks-per-service quota, the free addresses of a subnet for awsvpc
tasks, and a service at the quota that converges batch by batch while every other call keeps answering."""

from __future__ import annotations

import boto3
import botocore.exceptions
import pytest
from behaviour_testutil import Sim
from botocore.config import Config

QUOTA = 5000  # "Tasks per service" (Amazon ECS service quotas)
BATCH = 50  # AWS's Fargate launch rate, 500 tasks per service per minute, in batches of 50 every 6 s


def refused(call, **params) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(**params)
    assert info.value.response["Error"]["Code"] == "InvalidParameterException"
    return info.value.response["Error"]["Message"]


def awsvpc(subnet: str) -> dict:
    return {"awsvpcConfiguration": {"subnets": [subnet], "assignPublicIp": "ENABLED"}}


def test_a_desired_count_above_the_quota_or_negative_is_refused_and_nothing_changes(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    service = dict(cluster="lab", serviceName="web", taskDefinition="web", launchType="FARGATE",
                   networkConfiguration=net["awsvpc"])
    assert refused(sim.ecs.create_service, desiredCount=QUOTA + 1, **service) == "Desired count exceeds limit."
    assert refused(sim.ecs.create_service, desiredCount=-1, **service) == "Desired count can not be less than 0."
    assert sim.ecs.list_services(cluster="lab")["serviceArns"] == []
    sim.ecs.create_service(desiredCount=2, **service)
    assert refused(sim.ecs.update_service, cluster="lab", service="web", desiredCount=QUOTA + 1,
                   taskDefinition="web") == "Desired count exceeds limit."
    assert refused(sim.ecs.update_service, cluster="lab", service="web", desiredCount=-3) \
        == "Desired count can not be less than 0."
    described = sim.service("lab", "web")
    assert described["desiredCount"] == 2
    assert len(described["deployments"]) == 1  # the refused update opened no deployment


def small_subnet(sim: Sim, net: dict) -> str:
    """A /28 (11 usable addresses) in the test VPC, public like the others."""
    subnet = sim.ec2.create_subnet(VpcId=net["vpc"], CidrBlock="10.0.9.0/28", AvailabilityZone="us-east-1a")
    return subnet["Subnet"]["SubnetId"]


def available(sim: Sim, subnet: str) -> int:
    return sim.ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]


def test_a_full_subnet_stops_the_extra_tasks_and_addresses_come_back_after_scaling_down(sim):
    net = sim.network()
    subnet = small_subnet(sim, net)
    assert available(sim, subnet) == 11  # 16 addresses, 5 reserved by AWS
    allocation = sim.ec2.allocate_address(Domain="vpc")["AllocationId"]
    sim.ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)  # its network interface takes one
    assert available(sim, subnet) == 10
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    with sim.paused():
        sim.ecs.create_service(cluster="lab", serviceName="web", taskDefinition="web", desiredCount=20,
                               launchType="FARGATE", networkConfiguration=awsvpc(subnet))
        sim.advance(60)
        running = sim.tasks("lab", desiredStatus="RUNNING")
        stopped = sim.tasks("lab", desiredStatus="STOPPED")
        assert len([t for t in running if t["lastStatus"] == "RUNNING"]) == 10
        assert len(stopped) == 10
        for task in stopped:
            assert task["stopCode"] == "TaskFailedToStart"
            assert task["stoppedReason"].startswith("InsufficientFreeAddressesInSubnet")
            assert "startedAt" not in task
        assert available(sim, subnet) == 0
        addresses = {d["value"] for t in running for a in t["attachments"] for d in a["details"]
                     if d["name"] == "privateIPv4Address"}
        assert len(addresses) == 10 and all(a.startswith("10.0.9.") for a in addresses)
        sim.advance(120)
        service = sim.service("lab", "web")
        assert service["runningCount"] == 10
        assert any("is unable to consistently start tasks successfully" in e["message"] for e in service["events"])
        sim.ecs.update_service(cluster="lab", service="web", desiredCount=4)
        sim.advance(60)
        assert sim.service("lab", "web")["runningCount"] == 4
        assert available(sim, subnet) == 6


def test_a_service_at_the_quota_launches_in_batches_while_other_calls_keep_answering(sim):
    net = sim.network()
    big = sim.ec2.create_subnet(VpcId=net["vpc"], CidrBlock="10.0.64.0/18", AvailabilityZone="us-east-1a")
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    # a read that waits no longer than a class's students would: a frozen emulator fails it
    quick = boto3.client("ecs", endpoint_url=sim.url, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing",
                         config=Config(read_timeout=20, connect_timeout=5, retries={"max_attempts": 1}))
    with sim.paused():
        sim.ecs.create_service(cluster="lab", serviceName="big", taskDefinition="web", desiredCount=QUOTA,
                               launchType="FARGATE", networkConfiguration=awsvpc(big["Subnet"]["SubnetId"]))
        first = sim.service("lab", "big")
        assert first["pendingCount"] + first["runningCount"] == BATCH
        sim.advance(6)
        second = sim.service("lab", "big")
        assert second["pendingCount"] + second["runningCount"] == 2 * BATCH
        launched = []
        for _ in range(20):  # ten simulated minutes in 20 moves; after each, another cluster's call answers
            sim.advance(30)
            quick.describe_clusters(clusters=["lab"])
            service = quick.describe_services(cluster="lab", services=["big"])["services"][0]
            launched.append(service["pendingCount"] + service["runningCount"])
        assert launched == sorted(launched) and 2 * BATCH < launched[-1] <= QUOTA


def test_application_auto_scaling_cannot_take_a_service_past_the_quota(sim):
    from datetime import UTC, datetime, timedelta

    from test_behaviour_autoscaling import DIMENSION, RESOURCE, activities, desired, schedule, web_service

    scaling = web_service(sim, desired=1, minimum=1, maximum=2 * QUOTA)  # a MaxCapacity above the quota is accepted
    in_an_hour = datetime.now(UTC) + timedelta(hours=1)
    schedule(scaling, "pico", f"at({in_an_hour:%Y-%m-%dT%H:%M:%S})",
             ScalableTargetAction={"MinCapacity": QUOTA + 1000, "MaxCapacity": 2 * QUOTA})
    with sim.paused():
        sim.advance(3660)
        (target,) = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE],
                                                      ScalableDimension=DIMENSION)["ScalableTargets"]
        assert target["MinCapacity"] == QUOTA + 1000  # the limits change; ECS refuses the count
        refused, limits = activities(scaling)
        assert limits["StatusCode"] == "Successful"
        assert refused["Description"] == f"Setting desired count to {QUOTA + 1000}."
        assert refused["StatusCode"] == "Failed"
        assert refused["StatusMessage"] == (f"Failed to set desired count to {QUOTA + 1000}. "
                                            "Desired count exceeds limit.")
        assert desired(sim) == 1
        assert sim.service("lab", "web")["deployments"][0]["desiredCount"] == 1


def test_run_instances_and_auto_scaling_need_a_free_address_in_the_subnet(sim):
    net = sim.network()
    subnet = small_subnet(sim, net)  # 11 usable addresses
    image = sim.image_id()
    with pytest.raises(botocore.exceptions.ClientError) as info:
        sim.ec2.run_instances(ImageId=image, MinCount=12, MaxCount=12, InstanceType="t3.micro", SubnetId=subnet)
    assert info.value.response["Error"]["Code"] == "InsufficientFreeAddressesInSubnet"
    assert info.value.response["Error"]["Message"] == (
        "The specified subnet does not have enough free addresses to satisfy the request.")
    assert sim.ec2.describe_instances(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["Reservations"] == []
    sim.ec2.run_instances(ImageId=image, MinCount=11, MaxCount=11, InstanceType="t3.micro", SubnetId=subnet)
    assert available(sim, subnet) == 0

    with sim.paused():  # the clock stands still: the group tries again a simulated minute apart
        sim.ec2.create_launch_template(LaunchTemplateName="cheio", LaunchTemplateData={
            "ImageId": image, "InstanceType": "t3.micro"})
        sim.autoscaling.create_auto_scaling_group(
            AutoScalingGroupName="cheio", LaunchTemplate={"LaunchTemplateName": "cheio"}, MinSize=0, MaxSize=2,
            DesiredCapacity=1, VPCZoneIdentifier=subnet)
        (group,) = sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["cheio"])["AutoScalingGroups"]
        assert group["Instances"] == []
        (activity,) = sim.autoscaling.describe_scaling_activities(AutoScalingGroupName="cheio")["Activities"]
        assert activity["StatusCode"] == "Failed"
        assert activity["StatusMessage"] == (
            "The specified subnet does not have enough free addresses to satisfy the request.")
        assert activity["Description"].startswith("Launching a new EC2 instance.  Status Reason: The specified subnet")
        assert "increasing the capacity from 0 to 1" in activity["Cause"]
        instances = sim.ec2.describe_instances(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["Reservations"]
        assert sum(len(r["Instances"]) for r in instances) == 11

        # a minute later it tries again (and fails); once an address is free, its instance launches
        sim.advance(61)
        assert len(sim.autoscaling.describe_scaling_activities(AutoScalingGroupName="cheio")["Activities"]) == 2
        sim.ec2.terminate_instances(InstanceIds=[instances[0]["Instances"][0]["InstanceId"]])
        sim.advance(30)  # a terminated instance keeps its interface, and its address, for a minute
        (group,) = sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["cheio"])["AutoScalingGroups"]
        assert group["Instances"] == []
        sim.advance(100)
        (group,) = sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["cheio"])["AutoScalingGroups"]
        assert len(group["Instances"]) == 1
        assert available(sim, subnet) == 0


def test_tasks_instances_and_other_interfaces_never_share_an_address(sim):
    net = sim.network()
    subnet = small_subnet(sim, net)  # 10.0.9.4 - 10.0.9.14 usable
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    with sim.paused():
        sim.ecs.run_task(cluster="lab", taskDefinition="web", count=2, launchType="FARGATE",
                         networkConfiguration=awsvpc(subnet))
        sim.advance(60)
        tasks = [{d["name"]: d["value"] for d in t["attachments"][0]["details"]} for t in sim.tasks("lab")]
    sim.ec2.run_instances(ImageId=sim.image_id(), MinCount=2, MaxCount=2, InstanceType="t3.micro", SubnetId=subnet)
    allocation = sim.ec2.allocate_address(Domain="vpc")["AllocationId"]
    sim.ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)
    interface = sim.ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]

    addresses = [task["privateIPv4Address"] for task in tasks]
    addresses += [instance["PrivateIpAddress"] for reservation in sim.ec2.describe_instances(
        Filters=[{"Name": "subnet-id", "Values": [subnet]}])["Reservations"] for instance in reservation["Instances"]]
    in_subnet = [{"Name": "subnet-id", "Values": [subnet]}]
    addresses += [address["PrivateIp"] for gateway in sim.ec2.describe_nat_gateways(Filters=in_subnet)["NatGateways"]
                  for address in gateway["NatGatewayAddresses"]]
    addresses.append(interface["PrivateIpAddress"])
    assert len(addresses) == 6
    assert sorted(addresses, key=lambda a: int(a.split(".")[3])) == [f"10.0.9.{n}" for n in range(4, 10)]
    assert available(sim, subnet) == 5
