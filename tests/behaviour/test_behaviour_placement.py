"""Placement on EC2 container instances: sizes by instance type, ports, strategies, constraints, failures."""

from __future__ import annotations


def resources(instance, kind="registeredResources"):
    return {r["name"]: r["stringSetValue"] if r["type"] == "STRINGSET" else r["integerValue"] for r in instance[kind]}


def test_container_instances_have_their_instance_type_resources(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", instance_type="t3.micro")
    sim.launch_instances("lab", instance_type="m5.large")
    found = {}
    for instance in sim.registered("lab", 2):
        attributes = {a["name"]: a.get("value") for a in instance["attributes"]}
        found[attributes["ecs.instance-type"]] = resources(instance)
    assert found["t3.micro"]["CPU"] == 2048 and found["t3.micro"]["MEMORY"] == 904
    assert found["m5.large"]["CPU"] == 2048 and found["m5.large"]["MEMORY"] == 7680


def test_run_task_fills_instances_and_reports_resource_failures(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", count=2, instance_type="t3.micro")
    sim.registered("lab", 2)
    sim.ec2_task_definition(family="big", memory=600, cpu=256)
    first = sim.ecs.run_task(cluster="lab", taskDefinition="big", count=2, launchType="EC2")
    assert len(first["tasks"]) == 2 and first["failures"] == []
    assert len({t["containerInstanceArn"] for t in first["tasks"]}) == 2
    assert {t["lastStatus"] for t in first["tasks"]} == {"PENDING"}
    third = sim.ecs.run_task(cluster="lab", taskDefinition="big", launchType="EC2")
    assert third["tasks"] == []
    assert {f["reason"] for f in third["failures"]} == {"RESOURCE:MEMORY"}
    assert {f["arn"] for f in third["failures"]} == {t["containerInstanceArn"] for t in first["tasks"]}

    sim.ec2_task_definition(family="cpu", memory=64, cpu=2048)
    cpu = sim.ecs.run_task(cluster="lab", taskDefinition="cpu", launchType="EC2")
    assert cpu["tasks"] == [] and {f["reason"] for f in cpu["failures"]} == {"RESOURCE:CPU"}

    instance = sim.container_instances("lab")[0]
    remaining = resources(instance, "remainingResources")
    assert remaining["MEMORY"] == 904 - 600 and remaining["CPU"] == 2048 - 256
    assert instance["pendingTasksCount"] + instance["runningTasksCount"] == 1


def test_host_ports_are_tracked(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", instance_type="m5.large")
    sim.registered("lab", 1)
    sim.ec2_task_definition(family="port", memory=128, host_port=8080)
    placed = sim.ecs.run_task(cluster="lab", taskDefinition="port", launchType="EC2")["tasks"][0]
    assert placed["containers"][0]["networkBindings"][0]["hostPort"] == 8080
    refused = sim.ecs.run_task(cluster="lab", taskDefinition="port", launchType="EC2")
    assert refused["tasks"] == [] and refused["failures"][0]["reason"] == "RESOURCE:PORTS"
    instance = sim.container_instances("lab")[0]
    assert "8080" in resources(instance, "remainingResources")["PORTS"]

    sim.ec2_task_definition(family="dynamic", memory=128, host_port=0)
    dynamic = sim.ecs.run_task(cluster="lab", taskDefinition="dynamic", count=2, launchType="EC2")["tasks"]
    ports = {t["containers"][0]["networkBindings"][0]["hostPort"] for t in dynamic}
    assert len(ports) == 2 and all(32768 <= p <= 60999 for p in ports)


def test_binpack_on_memory_fills_one_instance_first(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", count=2, instance_type="m5.large")
    sim.registered("lab", 2)
    sim.ec2_task_definition(family="small", memory=256)
    placed = sim.ecs.run_task(cluster="lab", taskDefinition="small", count=4, launchType="EC2",
                              placementStrategy=[{"type": "binpack", "field": "memory"}])["tasks"]
    assert len({t["containerInstanceArn"] for t in placed}) == 1


def test_spread_across_availability_zones(sim):
    net = sim.network(("us-east-1a", "us-east-1b", "us-east-1c"))
    sim.ecs.create_cluster(clusterName="lab")
    for subnet in net["subnets"]:
        sim.launch_instances("lab", instance_type="m5.large", subnet=subnet["SubnetId"])
    sim.registered("lab", 3)
    sim.ec2_task_definition(family="small", memory=128)
    placed = sim.ecs.run_task(cluster="lab", taskDefinition="small", count=6, launchType="EC2",
                              placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}])
    zones = [t["availabilityZone"] for t in placed["tasks"]]
    assert sorted(zones.count(z) for z in set(zones)) == [2, 2, 2]


def test_constraints_distinct_instance_and_member_of(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", count=2, instance_type="t3.small")
    sim.launch_instances("lab", instance_type="m5.large")
    sim.registered("lab", 3)
    sim.ec2_task_definition(family="small", memory=64)
    distinct = sim.ecs.run_task(cluster="lab", taskDefinition="small", count=3, launchType="EC2",
                                placementConstraints=[{"type": "distinctInstance"}])["tasks"]
    assert len({t["containerInstanceArn"] for t in distinct}) == 3
    member = sim.ecs.run_task(
        cluster="lab", taskDefinition="small", count=3, launchType="EC2",
        placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.instance-type == m5.large"}],
    )["tasks"]
    by_arn = {i["containerInstanceArn"]: i for i in sim.container_instances("lab")}
    for task in member:
        types = {a["name"]: a.get("value") for a in by_arn[task["containerInstanceArn"]]["attributes"]}
        assert types["ecs.instance-type"] == "m5.large"
    pattern = sim.ecs.run_task(
        cluster="lab", taskDefinition="small", launchType="EC2",
        placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}],
    )["tasks"]
    types = {a["name"]: a.get("value") for a in by_arn[pattern[0]["containerInstanceArn"]]["attributes"]}
    assert types["ecs.instance-type"] == "t3.small"


def test_a_service_that_cannot_place_posts_the_aws_event(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", instance_type="t3.micro")
    (instance,) = sim.registered("lab", 1)
    sim.ec2_task_definition(family="big", memory=600)
    sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition="big", desiredCount=2, launchType="EC2")

    def problem():
        events = [e["message"] for e in sim.service("lab", "api")["events"]]
        return [m for m in events if "unable to place" in m]

    (message,) = sim.wait(problem)
    instance_id = instance["containerInstanceArn"].split("/")[-1]
    assert message == (
        "(service api) was unable to place a task because no container instance met all of its requirements. "
        f"The closest matching (container-instance {instance_id}) has insufficient memory available. "
        "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
    )
    service = sim.wait(lambda: (s := sim.service("lab", "api"))["runningCount"] == 1 and s)
    assert service["desiredCount"] == 2


def test_a_service_on_an_empty_cluster_says_so(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.ec2_task_definition()
    sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition="api", desiredCount=1, launchType="EC2")
    message = sim.wait(lambda: [e["message"] for e in sim.service("lab", "api")["events"]])[0]
    assert message == (
        "(service api) was unable to place a task because no container instance met all of its requirements. "
        "Reason: No Container Instances were found in your cluster. "
        "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
    )
