"""Fields AWS answers that the emulator left out or filled oddly: create-cluster's lists and the strategies' base,
requiresAttributes, the health check grace period, the resolved Fargate platform version, startedBy, bridge-mode
services without networkConfiguration, GroupOwnerId, the scalable target's RoleARN, dynamic host ports kept out of
remainingResources PORTS, and a security group still used by a just-terminated instance."""

from __future__ import annotations

import boto3
import pytest
from behaviour_testutil import create_fargate_service
from botocore.exceptions import ClientError
from test_behaviour_placement import resources

SERVICE_LINKED_ROLE = ("arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                       "AWSServiceRoleForApplicationAutoScaling_ECSService")


def test_create_cluster_answers_every_list_and_each_strategy_base(sim):
    plain = sim.ecs.create_cluster(clusterName="simples")["cluster"]
    assert plain["capacityProviders"] == [] and plain["tags"] == [] and plain["statistics"] == []
    fargate = sim.ecs.create_cluster(clusterName="lab", capacityProviders=["FARGATE", "FARGATE_SPOT"],
                                     defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])
    assert fargate["cluster"]["defaultCapacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
    put = sim.ecs.put_cluster_capacity_providers(
        cluster="lab", capacityProviders=["FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 2}])["cluster"]
    assert put["defaultCapacityProviderStrategy"] == [{"capacityProvider": "FARGATE_SPOT", "weight": 2, "base": 0}]


def test_register_task_definition_answers_required_attributes(sim):
    definition = sim.ecs.register_task_definition(
        family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        executionRoleArn="arn:aws:iam::123456789012:role/execucao",
        containerDefinitions=[{"name": "web", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1",
                               "logConfiguration": {"logDriver": "awslogs", "options": {}}}],
    )["taskDefinition"]
    names = {attribute["name"] for attribute in definition["requiresAttributes"]}
    assert {"ecs.capability.task-eni", "com.amazonaws.ecs.capability.logging-driver.awslogs",
            "ecs.capability.execution-role-ecr-pull", "ecs.capability.execution-role-awslogs"} <= names
    plain = sim.ecs.register_task_definition(family="simples", containerDefinitions=[
        {"name": "a", "image": "nginx", "memory": 128}])["taskDefinition"]
    assert plain["requiresAttributes"] == []


def test_fargate_service_fields(sim):
    net = sim.network()
    service = create_fargate_service(sim, net, desired=1)
    assert service["healthCheckGracePeriodSeconds"] == 0
    assert service["platformVersion"] == "LATEST"
    assert service["deployments"][0]["platformVersion"] == "1.4.0"
    sim.advance(60)
    task = sim.tasks("lab")[0]
    assert task["startedBy"] == service["deployments"][0]["id"] and task["startedBy"].startswith("ecs-svc/")
    alone = sim.ecs.run_task(cluster="lab", taskDefinition=sim.fargate_task_definition(), launchType="FARGATE",
                             networkConfiguration=net["awsvpc"])["tasks"][0]
    assert "startedBy" not in alone
    described = sim.ecs.describe_tasks(cluster="lab", tasks=[alone["taskArn"]])["tasks"][0]
    assert "startedBy" not in described


def test_bridge_service_has_no_network_configuration(sim):
    sim.ecs.create_cluster(clusterName="lab")
    service = sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition=sim.ec2_task_definition(),
                                     desiredCount=0, launchType="EC2")["service"]
    assert "networkConfiguration" not in service
    assert "networkConfiguration" not in sim.service("lab", "api")["deployments"][0]


def test_security_group_rules_name_their_owner(sim):
    vpc = sim.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = sim.ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    rules = sim.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert rules["SecurityGroupRules"][0]["GroupOwnerId"] == "123456789012"


def test_scalable_target_without_role_uses_the_service_linked_role(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.create_service(cluster="lab", serviceName="api", taskDefinition=sim.ec2_task_definition(), desiredCount=0)
    scaling = boto3.client("application-autoscaling", endpoint_url=sim.url, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/lab/api",
                                     ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=3)
    target = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert target["RoleARN"] == SERVICE_LINKED_ROLE


def test_dynamic_host_ports_stay_out_of_remaining_ports(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.launch_instances("lab", instance_type="m5.large")
    sim.registered("lab", 1)
    sim.ec2_task_definition(family="dinamica", memory=128, host_port=0)
    sim.ec2_task_definition(family="fixa", memory=128, host_port=8080)
    dynamic = sim.ecs.run_task(cluster="lab", taskDefinition="dinamica", count=2, launchType="EC2")["tasks"]
    sim.ecs.run_task(cluster="lab", taskDefinition="fixa", launchType="EC2")
    bound = {str(t["containers"][0]["networkBindings"][0]["hostPort"]) for t in dynamic}
    remaining = set(resources(sim.container_instances("lab")[0], "remainingResources")["PORTS"])
    assert "8080" in remaining and not bound & remaining


def test_security_group_of_a_just_terminated_instance_cannot_be_deleted_yet(sim):
    vpc = sim.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = sim.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = sim.ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    instance = sim.ec2.run_instances(ImageId=sim.image_id(), MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                     SubnetId=subnet, SecurityGroupIds=[group])["Instances"][0]["InstanceId"]
    for when in ("running", "terminated a moment ago"):
        if when != "running":
            sim.ec2.terminate_instances(InstanceIds=[instance])
        with pytest.raises(ClientError) as error:
            sim.ec2.delete_security_group(GroupId=group)
        assert error.value.response["Error"]["Code"] == "DependencyViolation", when
        assert error.value.response["Error"]["Message"] == f"resource {group} has a dependent object"
    sim.advance(120)
    sim.ec2.delete_security_group(GroupId=group)
    assert group not in {g["GroupId"] for g in sim.ec2.describe_security_groups()["SecurityGroups"]}
