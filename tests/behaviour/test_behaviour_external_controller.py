"""Services with the EXTERNAL deployment controller (no task definition; task sets), and taking a service out of its
target group through update-service: answered as AWS does, never a Python error."""

from __future__ import annotations

from behaviour_testutil import create_fargate_service


def test_external_service_and_its_task_sets(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    service = sim.ecs.create_service(cluster="lab", serviceName="externo", desiredCount=1,
                                     deploymentController={"type": "EXTERNAL"})["service"]
    assert service["deploymentController"] == {"type": "EXTERNAL"}
    assert service["deployments"] == [] and "taskDefinition" not in service
    definition = sim.fargate_task_definition()
    task_set = sim.ecs.create_task_set(cluster="lab", service="externo", taskDefinition=definition,
                                       launchType="FARGATE", networkConfiguration=net["awsvpc"],
                                       scale={"unit": "PERCENT", "value": 100})["taskSet"]
    arn = task_set["taskSetArn"]
    assert task_set["taskDefinition"] == definition
    listed = sim.ecs.describe_task_sets(cluster="lab", service="externo", taskSets=[arn])["taskSets"]
    assert [t["taskSetArn"] for t in listed] == [arn]
    primary = sim.ecs.update_service_primary_task_set(cluster="lab", service="externo", primaryTaskSet=arn)
    assert primary["taskSet"]["status"] == "PRIMARY"
    described = sim.service("lab", "externo")
    assert described["taskDefinition"] == definition and described["deployments"] == []
    updated = sim.ecs.update_service(cluster="lab", service="externo", desiredCount=2)["service"]
    assert updated["desiredCount"] == 2
    deleted = sim.ecs.delete_task_set(cluster="lab", service="externo", taskSet=arn)["taskSet"]
    assert deleted["taskSetArn"] == arn
    assert sim.ecs.describe_task_sets(cluster="lab", service="externo")["taskSets"] == []


def test_update_service_without_load_balancers_leaves_the_target_group(sim):
    net = sim.network()
    sim.ec2.authorize_security_group_ingress(GroupId=net["security_group"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    group = sim.elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=net["vpc"],
                                          TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    balancer = sim.elbv2.create_load_balancer(Name="web", Subnets=[s["SubnetId"] for s in net["subnets"]])
    sim.elbv2.create_listener(LoadBalancerArn=balancer["LoadBalancers"][0]["LoadBalancerArn"], Protocol="HTTP",
                              Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    create_fargate_service(sim, net, desired=1,
                           loadBalancers=[{"targetGroupArn": group, "containerName": "web", "containerPort": 80}])
    sim.advance(120)
    sim.stable("lab", "web")
    health = sim.elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert [target["TargetHealth"]["State"] for target in health] == ["healthy"]
    updated = sim.ecs.update_service(cluster="lab", service="web", loadBalancers=[])["service"]
    assert updated["loadBalancers"] == [] and len(updated["deployments"]) == 2
    sim.advance(600)
    sim.stable("lab", "web")
    assert sim.elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"] == []
