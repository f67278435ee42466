"""ASG capacity provider with managed scaling: tasks wait in PROVISIONING, the group grows, then shrinks."""

from __future__ import annotations

import base64


def asg_capacity_provider(sim, net, *, target=100, max_size=4):
    user_data = base64.b64encode(b"#!/bin/bash\necho ECS_CLUSTER=lab >> /etc/ecs/ecs.config\n").decode()
    sim.ec2.create_launch_template(
        LaunchTemplateName="ecs", LaunchTemplateData={"ImageId": sim.image_id(), "InstanceType": "t3.small",
                                                       "UserData": user_data},
    )
    sim.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="asg", MinSize=0, MaxSize=max_size, DesiredCapacity=0,
        LaunchTemplate={"LaunchTemplateName": "ecs", "Version": "$Latest"},
        VPCZoneIdentifier=",".join(s["SubnetId"] for s in net["subnets"]), NewInstancesProtectedFromScaleIn=True,
    )
    group = sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["asg"])["AutoScalingGroups"][0]
    sim.ecs.create_capacity_provider(
        name="cp", autoScalingGroupProvider={
            "autoScalingGroupArn": group["AutoScalingGroupARN"],
            "managedScaling": {"status": "ENABLED", "targetCapacity": target, "instanceWarmupPeriod": 60},
            "managedTerminationProtection": "ENABLED",
        },
    )
    sim.ecs.create_cluster(clusterName="lab", capacityProviders=["cp"],
                           defaultCapacityProviderStrategy=[{"capacityProvider": "cp", "weight": 1}])


def desired(sim):
    return sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["asg"])["AutoScalingGroups"][0][
        "DesiredCapacity"]


def test_tasks_wait_for_capacity_then_run_and_the_group_scales_in_afterwards(sim):
    net = sim.network()
    asg_capacity_provider(sim, net)
    sim.ec2_task_definition(family="api", memory=1500, cpu=512)
    with sim.paused():  # fifteen simulated minutes are 4.5 s of a busy machine at this scale
        sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition="api", desiredCount=2)

        waiting = sim.wait(lambda: (found := sim.tasks("lab", serviceName="api")) and len(found) == 2 and found)
        assert {t["lastStatus"] for t in waiting} == {"PROVISIONING"}
        assert {t["capacityProviderName"] for t in waiting} == {"cp"}
        assert all("containerInstanceArn" not in t for t in waiting)
        assert desired(sim) == 0

        sim.advance(70)
        assert desired(sim) == 2  # t3.small registers 1904 MiB: one 1500 MiB task per instance
        sim.advance(60)
        service = sim.stable("lab", "api", advance=5)
        assert service["runningCount"] == 2
        instances = sim.container_instances("lab")
        assert len(instances) == 2 and {i["capacityProviderName"] for i in instances} == {"cp"}
        protected = sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["asg"])
        assert all(i["ProtectedFromScaleIn"] for i in protected["AutoScalingGroups"][0]["Instances"])

        sim.ecs.update_service(cluster="lab", service="api", desiredCount=0)
        sim.stable("lab", "api", advance=5)
        sim.advance(120)
        assert desired(sim) == 2  # scale-in waits fifteen minutes
        sim.advance(900)
        assert desired(sim) == 0
        sim.wait(lambda: sim.container_instances("lab") == [], advance=10)


def test_target_capacity_below_100_keeps_headroom(sim):
    net = sim.network()
    asg_capacity_provider(sim, net, target=50)
    sim.ec2_task_definition(family="api", memory=1500, cpu=512)
    sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition="api", desiredCount=1)
    sim.wait(lambda: sim.ecs.list_tasks(cluster="lab")["taskArns"])
    sim.advance(70)
    assert desired(sim) == 2  # one instance needed, kept at 50% reservation
