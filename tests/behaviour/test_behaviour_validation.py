"""AWS's exception types and messages where moto 5.2.5 accepts anything or answers HTTP 500."""

from __future__ import annotations

import boto3
import botocore.exceptions
import pytest

FARGATE_INVALID = [
    ("256", "4096", "No Fargate configuration exists for given values: 256 CPU, 4096 memory."),
    ("512", "512", "No Fargate configuration exists for given values: 512 CPU, 512 memory."),
    ("1024", "1024", "No Fargate configuration exists for given values: 1024 CPU, 1024 memory."),
    ("8192", "18432", "No Fargate configuration exists for given values: 8192 CPU, 18432 memory."),
    ("300", "1024", "Invalid 'cpu' setting for task."),
    ("3 vCPU", "8 GB", "Invalid 'cpu' setting for task."),
]
FARGATE_VALID = [("256", "512"), ("512", "4096"), ("1024", "8192"), ("4096", "30720"), ("16384", "122880"),
                 ("1 vCPU", "2 GB")]


def register(sim, cpu, memory, network_mode="awsvpc", compat=("FARGATE",)):
    options = {"networkMode": network_mode} if network_mode else {}
    return sim.ecs.register_task_definition(
        family="size", requiresCompatibilities=list(compat), cpu=cpu, memory=memory,
        containerDefinitions=[{"name": "app", "image": "nginx"}], **options,
    )["taskDefinition"]


def test_fargate_sizes_outside_the_table_are_rejected(sim):
    for cpu, memory, message in FARGATE_INVALID:
        with pytest.raises(sim.ecs.exceptions.ClientException) as raised:
            register(sim, cpu, memory)
        assert raised.value.response["Error"]["Message"].startswith(message), (cpu, memory)
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_fargate_sizes_in_the_table_are_accepted(sim):
    for cpu, memory in FARGATE_VALID:
        task_definition = register(sim, cpu, memory)
        assert task_definition["compatibilities"] == ["EC2", "FARGATE"]
        assert int(task_definition["cpu"]) in (256, 512, 1024, 4096, 16384)


def test_fargate_requires_awsvpc(sim):
    for mode in ("bridge", None):
        with pytest.raises(sim.ecs.exceptions.ClientException, match="Fargate only supports network mode"):
            register(sim, "256", "512", network_mode=mode)


def test_fargate_requires_task_level_cpu_and_memory(sim):
    with pytest.raises(sim.ecs.exceptions.ClientException, match="'cpu' be defined at the task level"):
        sim.ecs.register_task_definition(
            family="x", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", memory="512",
            containerDefinitions=[{"name": "app", "image": "nginx"}],
        )


def test_ec2_only_task_definition_cannot_run_on_fargate(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.register_task_definition(
        family="ec2only", networkMode="awsvpc", memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    with pytest.raises(sim.ecs.exceptions.InvalidParameterException,
                       match="Task definition does not support launch_type FARGATE."):
        sim.ecs.run_task(cluster="lab", taskDefinition="ec2only", launchType="FARGATE",
                         networkConfiguration=net["awsvpc"])
    with pytest.raises(sim.ecs.exceptions.InvalidParameterException,
                       match="Task definition does not support launch_type FARGATE."):
        sim.ecs.create_service(cluster="lab", serviceName="s", taskDefinition="ec2only", desiredCount=1,
                               launchType="FARGATE", networkConfiguration=net["awsvpc"])


def test_unknown_cluster(sim):
    sim.fargate_task_definition()
    for call in (
        lambda: sim.ecs.run_task(cluster="nada", taskDefinition="web", launchType="FARGATE"),
        lambda: sim.ecs.list_tasks(cluster="nada"),
        lambda: sim.ecs.create_service(cluster="nada", serviceName="s", taskDefinition="web", desiredCount=1),
        lambda: sim.ecs.describe_services(cluster="nada", services=["s"]),
    ):
        with pytest.raises(sim.ecs.exceptions.ClusterNotFoundException, match="Cluster not found."):
            call()


def test_describe_capacity_providers_without_arguments(sim):
    sim.ecs.create_cluster(clusterName="lab")
    listed = sim.ecs.describe_capacity_providers()["capacityProviders"]
    assert [p["name"] for p in listed] == ["FARGATE", "FARGATE_SPOT"]
    assert all(p["status"] == "ACTIVE" and "autoScalingGroupProvider" not in p for p in listed)
    (spot,) = sim.ecs.describe_capacity_providers(capacityProviders=["FARGATE_SPOT"])["capacityProviders"]
    assert spot["capacityProviderArn"].endswith(":capacity-provider/FARGATE_SPOT")


def test_run_task_fargate_with_only_task_level_memory(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.register_task_definition(
        family="tm", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    result = sim.ecs.run_task(cluster="lab", taskDefinition="tm", launchType="FARGATE",
                              networkConfiguration=net["awsvpc"])
    assert result["failures"] == [] and result["tasks"][0]["lastStatus"] == "PROVISIONING"
    assert result["tasks"][0]["memory"] == "512"


def test_run_task_fargate_in_a_vpc_without_dns_hostnames(sim):
    vpc = sim.ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    sim.ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    subnet = sim.ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    result = sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE",
                              networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}})
    details = {d["name"]: d["value"] for d in result["tasks"][0]["attachments"][0]["details"]}
    assert details["privateIPv4Address"].startswith("10.9.0.")


def test_run_task_ec2_on_an_empty_cluster_answers_with_a_failure(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.ec2_task_definition()
    result = sim.ecs.run_task(cluster="lab", taskDefinition="api", launchType="EC2")
    assert result["tasks"] == []
    assert result["failures"] == [{"reason": "No Container Instances were found in your cluster."}]


def test_list_tasks_by_container_instance_with_fargate_tasks_around(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    sim.ec2_task_definition()
    sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE", networkConfiguration=net["awsvpc"])
    sim.launch_instances("lab")
    (instance,) = sim.registered("lab", 1)
    placed = sim.ecs.run_task(cluster="lab", taskDefinition="api", launchType="EC2")["tasks"]
    arns = sim.ecs.list_tasks(cluster="lab", containerInstance=instance["containerInstanceArn"])["taskArns"]
    assert arns == [placed[0]["taskArn"]]


def test_stop_task_unknown(sim):
    sim.ecs.create_cluster(clusterName="lab")
    with pytest.raises(sim.ecs.exceptions.InvalidParameterException, match="The referenced task was not found."):
        sim.ecs.stop_task(cluster="lab", task="0123456789abcdef")


def test_delete_cluster_with_services_or_instances_fails(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    sim.ecs.create_service(cluster="lab", serviceName="s", taskDefinition="web", desiredCount=0,
                           launchType="FARGATE", networkConfiguration=net["awsvpc"])
    with pytest.raises(sim.ecs.exceptions.ClusterContainsServicesException,
                       match="The Cluster cannot be deleted while Services are active."):
        sim.ecs.delete_cluster(cluster="lab")
    sim.ecs.delete_service(cluster="lab", service="s")
    sim.ecs.get_waiter("services_inactive").wait(cluster="lab", services=["s"], WaiterConfig={"Delay": 0.1})

    sim.launch_instances("lab")
    (instance,) = sim.registered("lab", 1)
    with pytest.raises(sim.ecs.exceptions.ClusterContainsContainerInstancesException,
                       match="The Cluster cannot be deleted while Container Instances are active or draining."):
        sim.ecs.delete_cluster(cluster="lab")
    sim.ecs.deregister_container_instance(cluster="lab", containerInstance=instance["containerInstanceArn"])
    assert sim.ecs.delete_cluster(cluster="lab")["cluster"]["status"] == "INACTIVE"
    sim.ecs.create_cluster(clusterName="lab")
    assert sim.ecs.list_services(cluster="lab")["serviceArns"] == []
    assert sim.container_instances("lab") == []


def test_inactive_cluster_refuses_new_work(sim):
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.delete_cluster(cluster="lab")
    sim.fargate_task_definition()
    with pytest.raises(sim.ecs.exceptions.ClusterNotFoundException, match="The referenced cluster was inactive."):
        sim.ecs.create_service(cluster="lab", serviceName="s", taskDefinition="web", desiredCount=0)


def test_describe_instances_by_lifecycle(sim):
    spot = sim.ec2.run_instances(ImageId=sim.image_id(), MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 InstanceMarketOptions={"MarketType": "spot"})["Instances"][0]["InstanceId"]
    sim.ec2.run_instances(ImageId=sim.image_id(), MinCount=1, MaxCount=1, InstanceType="t3.micro")
    found = sim.ec2.describe_instances(Filters=[{"Name": "instance-lifecycle", "Values": ["spot"]}])
    assert [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]] == [spot]


def test_an_unexpected_moto_crash_is_an_aws_shaped_400(sim):
    """moto raises NotImplementedError for list_tags_for_resource; boto3 gets a parseable 400, no retries."""
    client = boto3.client("application-autoscaling", endpoint_url=sim.url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        client.list_tags_for_resource(
            ResourceARN="arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123456789abcdef")
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "InvalidAction"


def _invalid(call, **params) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        call(**params)
    assert info.value.response["Error"]["Code"] == "InvalidParameterException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return info.value.response["Error"]["Message"]


def test_enum_values_outside_the_api_model_are_refused_and_nothing_is_stored(sim):
    assert _invalid(sim.ecs.register_task_definition, family="enum", networkMode="awsvp",
                    containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}]) \
        == "networkMode should be one of [bridge,host,awsvpc,none]"
    message = _invalid(sim.ecs.register_task_definition, family="enum", requiresCompatibilities=["EC2", "FARGAT"],
                       containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}])
    assert message.startswith("requiresCompatibilities should be one of [EC2,FARGATE,")
    nested = _invalid(sim.ecs.register_task_definition, family="enum", containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 64, "portMappings": [{"containerPort": 80, "protocol": "tcpp"}]}])
    assert nested.startswith("protocol should be one of [")
    assert sim.ecs.list_task_definitions(familyPrefix="enum")["taskDefinitionArns"] == []
    sim.ecs.create_cluster(clusterName="lab")
    assert _invalid(sim.ecs.list_tasks, cluster="lab", desiredStatus="RUNNIN").startswith(
        "desiredStatus should be one of [RUNNING,PENDING,STOPPED")
    assert _invalid(sim.ecs.describe_clusters, clusters=["lab"], include=["TAG"]).startswith(
        "include should be one of [ATTACHMENTS,")
    sim.ecs.register_task_definition(family="enum", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                     cpu="256", memory="512", containerDefinitions=[{"name": "app", "image": "nginx"}])
