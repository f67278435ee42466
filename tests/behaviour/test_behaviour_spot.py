"""Spot interruptions triggered through the emulator: Fargate Spot tasks and EC2 Spot instances."""

from __future__ import annotations

import base64


def test_an_interrupted_fargate_spot_task_stops_and_is_replaced(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.put_cluster_capacity_providers(cluster="lab", capacityProviders=["FARGATE", "FARGATE_SPOT"],
                                           defaultCapacityProviderStrategy=[])
    sim.fargate_task_definition()
    sim.ecs.create_service(cluster="lab", serviceName="web", taskDefinition="web", desiredCount=2,
                           capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
                           networkConfiguration=net["awsvpc"])
    sim.stable("lab", "web")
    victim = sim.tasks("lab", serviceName="web")[0]["taskArn"]
    assert sim.interrupt_spot(tasks=[victim])["tarefas"] == [victim]
    sim.ecs.get_waiter("tasks_stopped").wait(cluster="lab", tasks=[victim], WaiterConfig={"Delay": 0.1})
    (task,) = sim.ecs.describe_tasks(cluster="lab", tasks=[victim])["tasks"]
    assert task["stopCode"] == "SpotInterruption"
    assert task["stoppedReason"] == "Your Spot Task was interrupted."
    sim.stable("lab", "web")
    assert victim not in {t["taskArn"] for t in sim.tasks("lab", serviceName="web")}


def test_an_interrupted_spot_instance_drains_then_is_replaced_by_its_asg(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    user_data = base64.b64encode(
        b"#!/bin/bash\ncat >> /etc/ecs/ecs.config <<EOF\nECS_CLUSTER=lab\nECS_ENABLE_SPOT_INSTANCE_DRAINING=true\nEOF\n"
    ).decode()
    sim.ec2.create_launch_template(
        LaunchTemplateName="spot", LaunchTemplateData={"ImageId": sim.image_id(), "InstanceType": "m5.large",
                                                        "UserData": user_data},
    )
    sim.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="spot", MinSize=0, MaxSize=4, DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateName": "spot", "Version": "$Latest"},
        VPCZoneIdentifier=",".join(s["SubnetId"] for s in net["subnets"]),
    )
    instances = sim.registered("lab", 2)
    sim.ec2_task_definition(family="api", memory=128)
    sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition="api", desiredCount=2, launchType="EC2")
    sim.stable("lab", "api")
    victim = instances[0]

    sim.interrupt_spot(instances=[victim["ec2InstanceId"]])
    (drained,) = [i for i in sim.container_instances("lab") if i["containerInstanceArn"] ==
                  victim["containerInstanceArn"]]
    assert drained["status"] == "DRAINING"
    sim.wait(lambda: not sim.ecs.list_tasks(cluster="lab", containerInstance=victim["containerInstanceArn"])[
        "taskArns"])
    # runningCount counts tasks whose lastStatus is RUNNING: a leaving task still counts until it stops, so the
    # count is 3 for a moment while the replacement runs (AWS shows the same)
    sim.wait(lambda: sim.service("lab", "api")["runningCount"] == 2)

    sim.advance(130)
    state = sim.ec2.describe_instances(InstanceIds=[victim["ec2InstanceId"]])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] == "terminated"
    sim.advance(60)
    current = sim.wait(lambda: (found := sim.container_instances("lab")) and len(found) == 2 and found)
    assert victim["ec2InstanceId"] not in {i["ec2InstanceId"] for i in current}
    sim.stable("lab", "api")


def test_a_mixed_instances_asg_launches_spot_of_several_types_across_azs(sim):
    net = sim.network()
    sim.ec2.create_launch_template(
        LaunchTemplateName="misto", LaunchTemplateData={"ImageId": sim.image_id(), "InstanceType": "m5.large"})
    sim.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="misto", MinSize=0, MaxSize=6, DesiredCapacity=4,
        VPCZoneIdentifier=",".join(s["SubnetId"] for s in net["subnets"]),
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateName": "misto", "Version": "$Latest"},
                "Overrides": [{"InstanceType": "t3.small"}, {"InstanceType": "t3a.small"}],
            },
            "InstancesDistribution": {"OnDemandBaseCapacity": 1, "OnDemandPercentageAboveBaseCapacity": 0,
                                      "SpotAllocationStrategy": "price-capacity-optimized"},
        },
    )
    ids = [i["InstanceId"] for i in sim.autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=["misto"])["AutoScalingGroups"][0]["Instances"]]
    instances = [i for r in sim.ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]]
    assert len(instances) == 4
    assert sorted(i.get("InstanceLifecycle", "on-demand") for i in instances) == ["on-demand", "spot", "spot", "spot"]
    assert {i["InstanceType"] for i in instances} == {"t3.small", "t3a.small"}
    assert {i["Placement"]["AvailabilityZone"] for i in instances} == {"us-east-1a", "us-east-1b"}
    spot = sim.ec2.describe_instances(Filters=[{"Name": "instance-lifecycle", "Values": ["spot"]},
                                               {"Name": "instance-id", "Values": ids}])["Reservations"]
    assert sum(len(r["Instances"]) for r in spot) == 3
