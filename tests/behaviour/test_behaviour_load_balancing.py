"""Service tasks and target groups: registered when RUNNING, drained (DEACTIVATING) and deregistered on stop."""

from __future__ import annotations


def target_group(sim, net, target_type="ip", delay=20):
    arn = sim.elbv2.create_target_group(
        Name=f"tg-{target_type}", Protocol="HTTP", Port=80, VpcId=net["vpc"], TargetType=target_type,
    )["TargetGroups"][0]["TargetGroupArn"]
    sim.elbv2.modify_target_group_attributes(
        TargetGroupArn=arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": str(delay)}]
    )
    return arn


def targets(sim, arn):
    health = sim.elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return {(t["Target"]["Id"], t["Target"]["Port"]) for t in health}


def task_ip(task):
    return {d["name"]: d["value"] for d in task["attachments"][0]["details"]}["privateIPv4Address"]


def test_fargate_service_tasks_register_their_ips(sim):
    net = sim.network()
    arn = target_group(sim, net)
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    sim.ecs.create_service(
        cluster="lab", serviceName="web", taskDefinition="web", desiredCount=2, launchType="FARGATE",
        networkConfiguration=net["awsvpc"],
        loadBalancers=[{"targetGroupArn": arn, "containerName": "web", "containerPort": 80}],
    )
    service = sim.stable("lab", "web")
    tasks = sim.tasks("lab", serviceName="web")
    assert targets(sim, arn) == {(task_ip(t), 80) for t in tasks}
    assert sum(1 for e in service["events"] if e["message"] == f"(service web) registered 1 targets in "
               f"(target-group {arn})") == 2

    sim.ecs.update_service(cluster="lab", service="web", desiredCount=1)
    leaving = sim.wait(lambda: sim.tasks("lab", serviceName="web", desiredStatus="STOPPED"))[0]
    assert sim.wait(lambda: sim.ecs.describe_tasks(cluster="lab", tasks=[leaving["taskArn"]])["tasks"][0][
        "lastStatus"] in ("DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"))
    assert (task_ip(leaving), 80) not in targets(sim, arn)
    assert len(targets(sim, arn)) == 1
    messages = [e["message"] for e in sim.service("lab", "web")["events"]]
    assert "(service web) has begun draining connections on 1 tasks." in messages
    assert f"(service web) deregistered 1 targets in (target-group {arn})" in messages
    sim.advance(30)
    sim.wait(lambda: sim.ecs.describe_tasks(cluster="lab", tasks=[leaving["taskArn"]])["tasks"][0]["lastStatus"]
             == "STOPPED")


def test_ec2_bridge_tasks_register_instance_and_host_port(sim):
    net = sim.network()
    arn = target_group(sim, net, target_type="instance")
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", instance_type="m5.large", subnet=net["subnets"][0]["SubnetId"])
    (instance,) = sim.registered("lab", 1)
    sim.ec2_task_definition(family="api", memory=128, host_port=0)
    sim.ecs.create_service(
        cluster="lab", serviceName="api", taskDefinition="api", desiredCount=2, launchType="EC2",
        loadBalancers=[{"targetGroupArn": arn, "containerName": "api", "containerPort": 80}],
    )
    sim.stable("lab", "api")
    ports = {t["containers"][0]["networkBindings"][0]["hostPort"] for t in sim.tasks("lab", serviceName="api")}
    registered = targets(sim, arn)
    assert {target_id for target_id, _ in registered} == {instance["ec2InstanceId"]}
    assert {port for _, port in registered} <= ports
