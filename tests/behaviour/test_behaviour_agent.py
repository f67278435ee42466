"""The ECS agent: instances with ECS_CLUSTER in their user data join the cluster; termination and draining."""

from __future__ import annotations

import base64
import time


def attributes(instance):
    return {a["name"]: a.get("value") for a in instance["attributes"]}


def test_an_instance_with_ecs_cluster_in_user_data_registers(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    (instance_id,) = sim.launch_instances("lab", instance_type="t3.small", subnet=net["subnets"][1]["SubnetId"])
    (other,) = sim.ec2.run_instances(ImageId=sim.image_id(), MinCount=1, MaxCount=1)["Instances"]
    (instance,) = sim.registered("lab", 1)
    assert instance["ec2InstanceId"] == instance_id and instance["status"] == "ACTIVE"
    assert instance["agentConnected"] is True
    found = attributes(instance)
    assert found["ecs.instance-type"] == "t3.small"
    assert found["ecs.availability-zone"] == "us-east-1b"
    assert found["ecs.os-type"] == "linux"
    assert found["ecs.ami-id"] == sim.image_id()
    assert instance["versionInfo"]["agentVersion"]
    described = sim.ecs.describe_clusters(clusters=["lab"])["clusters"][0]
    assert described["registeredContainerInstancesCount"] == 1
    assert other["InstanceId"] not in {i["ec2InstanceId"] for i in sim.container_instances("lab")}


def test_instances_of_an_asg_capacity_provider_carry_its_name(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    user_data = base64.b64encode(b"#!/bin/bash\necho ECS_CLUSTER=lab >> /etc/ecs/ecs.config\n").decode()
    sim.ec2.create_launch_template(
        LaunchTemplateName="ecs", LaunchTemplateData={"ImageId": sim.image_id(), "InstanceType": "t3.medium",
                                                       "UserData": user_data},
    )
    sim.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="asg", MinSize=0, MaxSize=4, DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateName": "ecs", "Version": "$Latest"},
        VPCZoneIdentifier=",".join(s["SubnetId"] for s in net["subnets"]),
    )
    group = sim.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["asg"])["AutoScalingGroups"][0]
    sim.ecs.create_capacity_provider(
        name="cp-ec2", autoScalingGroupProvider={"autoScalingGroupArn": group["AutoScalingGroupARN"]}
    )
    sim.ecs.put_cluster_capacity_providers(cluster="lab", capacityProviders=["cp-ec2"],
                                           defaultCapacityProviderStrategy=[{"capacityProvider": "cp-ec2"}])
    instances = sim.registered("lab", 2)
    assert {i["capacityProviderName"] for i in instances} == {"cp-ec2"}
    assert {attributes(i)["ecs.instance-type"] for i in instances} == {"t3.medium"}

    sim.ec2_task_definition()
    placed = sim.ecs.run_task(cluster="lab", taskDefinition="api")["tasks"]
    assert placed[0]["capacityProviderName"] == "cp-ec2" and placed[0]["launchType"] == "EC2"


def test_a_terminated_instance_leaves_and_its_tasks_stop(sim):
    sim.ecs.create_cluster(clusterName="lab")
    first, second = sim.launch_instances("lab", count=2, instance_type="m5.large")
    sim.registered("lab", 2)
    sim.ec2_task_definition(family="api", memory=128)
    sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition="api", desiredCount=2,
                           launchType="EC2", placementConstraints=[{"type": "distinctInstance"}])
    sim.stable("lab", "api")
    by_instance = {i["containerInstanceArn"]: i["ec2InstanceId"] for i in sim.container_instances("lab")}
    victim = next(t for t in sim.tasks("lab") if by_instance[t["containerInstanceArn"]] == first)

    sim.ec2.terminate_instances(InstanceIds=[first])
    remaining = sim.wait(lambda: (found := sim.container_instances("lab")) and len(found) == 1 and found)
    assert remaining[0]["ec2InstanceId"] == second
    (stopped,) = sim.ecs.describe_tasks(cluster="lab", tasks=[victim["taskArn"]])["tasks"]
    assert stopped["lastStatus"] == "STOPPED"
    assert stopped["stoppedReason"] == f"Host EC2 (instance {first}) terminated."

    service = sim.wait(lambda: (s := sim.service("lab", "api"))["runningCount"] == 1 and s)
    assert any("unable to place" in e["message"] for e in service["events"])  # distinctInstance: one host left


def test_draining_moves_service_tasks_to_other_instances(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", count=2, instance_type="m5.large")
    sim.registered("lab", 2)
    sim.ec2_task_definition(family="api", memory=128)
    sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition="api", desiredCount=4, launchType="EC2")
    sim.stable("lab", "api")
    drained = sim.container_instances("lab")[0]["containerInstanceArn"]
    on_drained = sim.ecs.list_tasks(cluster="lab", containerInstance=drained)["taskArns"]
    assert len(on_drained) == 2

    changed = sim.ecs.update_container_instances_state(cluster="lab", containerInstances=[drained],
                                                       status="DRAINING")
    assert changed["containerInstances"][0]["status"] == "DRAINING"
    for _ in range(30):
        alive = sim.tasks("lab", serviceName="api")
        assert len(alive) <= 8  # maximumPercent 200
        assert sum(1 for t in alive if t["lastStatus"] == "RUNNING") >= 4  # minimumHealthyPercent 100
        if not sim.ecs.list_tasks(cluster="lab", containerInstance=drained)["taskArns"]:
            break
        sim.advance(5)
    service = sim.stable("lab", "api")
    assert service["runningCount"] == 4
    assert sim.ecs.list_tasks(cluster="lab", containerInstance=drained)["taskArns"] == []
    stopped = sim.ecs.describe_tasks(cluster="lab", tasks=on_drained)["tasks"]
    assert {t["desiredStatus"] for t in stopped} == {"STOPPED"}
    instance = next(i for i in sim.container_instances("lab") if i["containerInstanceArn"] == drained)
    assert instance["runningTasksCount"] == 0 and instance["status"] == "DRAINING"


def test_a_daemon_service_runs_one_task_per_instance(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", count=2, instance_type="t3.small")
    sim.registered("lab", 2)
    sim.ec2_task_definition(family="agent", memory=64)
    sim.ecs.create_service(cluster="lab", serviceName="logs", taskDefinition="agent", schedulingStrategy="DAEMON",
                           launchType="EC2")
    service = sim.stable("lab", "logs")
    assert service["desiredCount"] == 2 and service["schedulingStrategy"] == "DAEMON"
    assert len({t["containerInstanceArn"] for t in sim.tasks("lab", serviceName="logs")}) == 2

    sim.launch_instances("lab", instance_type="t3.small")
    sim.advance(60)
    service = sim.wait(lambda: (s := sim.stable("lab", "logs"))["desiredCount"] == 3 and s)
    assert len({t["containerInstanceArn"] for t in sim.tasks("lab", serviceName="logs")}) == 3


def test_an_instance_launched_before_its_cluster_registers_when_the_cluster_appears(sim):
    sim.launch_instances("later", instance_type="t3.micro")
    sim.advance(120)
    started = time.monotonic()
    assert sim.ecs.list_clusters()["clusterArns"] == []
    assert time.monotonic() - started < 2  # nothing spins while the agent waits for its cluster
    sim.ecs.create_cluster(clusterName="later")
    (instance,) = sim.wait(lambda: sim.container_instances("later"))
    assert instance["status"] == "ACTIVE"


def test_deleted_services_and_clusters_are_not_listed(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.ec2_task_definition()
    sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition="api", desiredCount=0, launchType="EC2")
    sim.ecs.delete_service(cluster="lab", service="api")
    sim.ecs.get_waiter("services_inactive").wait(cluster="lab", services=["api"], WaiterConfig={"Delay": 0.1})
    assert sim.ecs.list_services(cluster="lab")["serviceArns"] == []
    sim.ecs.delete_cluster(cluster="lab")
    assert sim.ecs.list_clusters()["clusterArns"] == []
    assert sim.ecs.describe_clusters(clusters=["lab"])["clusters"][0]["status"] == "INACTIVE"
