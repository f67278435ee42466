"""ECS operations moto lacks, answered in AWS's shapes: UpdateClusterSettings, PutAccountSettingDefault,
ListServicesByNamespace, ExecuteCommand and the Express Mode operations."""

from __future__ import annotations

import pytest
from behaviour_testutil import create_fargate_service
from botocore.exceptions import ClientError

NOT_ENABLED = ("The execute command failed because execute command was not enabled when the task was run or the "
               "execute command agent isn\u2019t running. Wait and try again or run a new task with execute command "
               "enabled and try again.")
ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"


def _code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


def test_update_cluster_settings_turns_container_insights_on(sim):
    sim.ecs.create_cluster(clusterName="lab")
    answer = sim.ecs.update_cluster_settings(cluster="lab", settings=[{"name": "containerInsights",
                                                                         "value": "enhanced"}])["cluster"]
    assert answer["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    described = sim.ecs.describe_clusters(clusters=["lab"], include=["SETTINGS"])["clusters"][0]
    assert described["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    with pytest.raises(ClientError) as error:
        sim.ecs.update_cluster_settings(cluster="lab", settings=[{"name": "containerInsights", "value": "talvez"}])
    assert _code(error) == "InvalidParameterException"
    with pytest.raises(ClientError) as error:
        sim.ecs.update_cluster_settings(cluster="nenhum", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert _code(error) == "ClusterNotFoundException"


def test_put_account_setting_default_reaches_list_and_new_clusters(sim):
    setting = sim.ecs.put_account_setting_default(name="containerInsights", value="enabled")["setting"]
    assert setting["name"] == "containerInsights" and setting["value"] == "enabled"
    assert setting["principalArn"] == "arn:aws:iam::123456789012:root"
    listed = sim.ecs.list_account_settings(name="containerInsights")["settings"]
    assert [(s["name"], s["value"]) for s in listed] == [("containerInsights", "enabled")]
    cluster = sim.ecs.create_cluster(clusterName="novo")["cluster"]
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    own = sim.ecs.create_cluster(clusterName="proprio", settings=[{"name": "containerInsights",
                                                                      "value": "disabled"}])["cluster"]
    assert own["settings"] == [{"name": "containerInsights", "value": "disabled"}]


def test_list_services_by_namespace(sim):
    net = sim.network()
    loja = create_fargate_service(sim, net, name="loja", desired=0,
                                  serviceConnectConfiguration={"enabled": True, "namespace": "vendas"})
    create_fargate_service(sim, net, name="outro", desired=0)
    sim.ecs.create_cluster(clusterName="segundo", serviceConnectDefaults={"namespace": "vendas"})
    caixa = create_fargate_service(sim, net, name="caixa", desired=0, cluster="segundo",
                                   serviceConnectConfiguration={"enabled": True})
    found = sim.ecs.list_services_by_namespace(namespace="vendas")["serviceArns"]
    assert sorted(found) == sorted([loja["serviceArn"], caixa["serviceArn"]])
    page = sim.ecs.list_services_by_namespace(namespace="vendas", maxResults=1)
    assert len(page["serviceArns"]) == 1 and page["nextToken"]
    rest = sim.ecs.list_services_by_namespace(namespace="vendas", maxResults=1, nextToken=page["nextToken"])
    assert sorted(page["serviceArns"] + rest["serviceArns"]) == sorted(found) and "nextToken" not in rest
    assert sim.ecs.list_services_by_namespace(namespace="outro")["serviceArns"] == []


def test_execute_command(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    run = dict(cluster="lab", taskDefinition=sim.fargate_task_definition(), launchType="FARGATE",
               networkConfiguration=net["awsvpc"])
    plain = sim.ecs.run_task(**run)["tasks"][0]
    with pytest.raises(ClientError) as error:
        sim.ecs.execute_command(cluster="lab", task=plain["taskArn"], command="ls", interactive=True)
    assert _code(error) == "InvalidParameterException"
    assert error.value.response["Error"]["Message"] == NOT_ENABLED
    enabled = sim.ecs.run_task(**run, enableExecuteCommand=True)["tasks"][0]
    assert enabled["enableExecuteCommand"] is True
    sim.advance(60)
    with pytest.raises(ClientError) as error:
        sim.ecs.execute_command(cluster="lab", task=enabled["taskArn"], command="ls", interactive=True)
    assert _code(error) == "TargetNotConnectedException"
    assert "não há shell" in error.value.response["Error"]["Message"]


def test_express_gateway_service_lifecycle(sim):
    created = sim.ecs.create_express_gateway_service(
        executionRoleArn=sim.execution_role(), infrastructureRoleArn=ROLE, serviceName="vitrine",
        primaryContainer={"image": "public.ecr.aws/nginx/nginx:latest", "containerPort": 80},
        tags=[{"key": "ecslab:aluno", "value": "ana"}],
    )["service"]
    arn = created["serviceArn"]
    assert created["cluster"].endswith(":cluster/default") and created["status"] == {"statusCode": "ACTIVE"}
    config = created["activeConfigurations"][0]
    assert config["cpu"] == "1024" and config["memory"] == "2048"
    assert config["ingressPaths"][0]["accessType"] == "PUBLIC"
    service = sim.service("default", "vitrine")
    assert service["launchType"] == "FARGATE" and service["desiredCount"] == 1
    group = service["loadBalancers"][0]["targetGroupArn"]
    assert sim.elbv2.describe_target_groups(TargetGroupArns=[group])["TargetGroups"][0]["LoadBalancerArns"]
    sim.advance(300)
    sim.stable("default", "vitrine")
    described = sim.ecs.describe_express_gateway_service(serviceArn=arn, include=["TAGS"])["service"]
    assert described["tags"] == [{"key": "ecslab:aluno", "value": "ana"}]
    assert "tags" not in sim.ecs.describe_express_gateway_service(serviceArn=arn)["service"]
    updated = sim.ecs.update_express_gateway_service(serviceArn=arn, cpu="2048", memory="4096")["service"]
    assert updated["targetConfiguration"]["cpu"] == "2048"
    assert updated["targetConfiguration"]["taskDefinitionArn"].endswith("vitrine:2")
    assert sim.service("default", "vitrine")["taskDefinition"].endswith("vitrine:2")
    for answer, revision in ((created, ":1"), (updated, ":2")):
        configuration = answer.get("activeConfigurations", [answer.get("targetConfiguration")])[0]
        named = sim.ecs.describe_service_revisions(serviceRevisionArns=[configuration["serviceRevisionArn"]])
        assert named["failures"] == []
        assert named["serviceRevisions"][0]["taskDefinition"].endswith("vitrine" + revision)
    deleted = sim.ecs.delete_express_gateway_service(serviceArn=arn)["service"]
    assert deleted["status"]["statusCode"] == "DRAINING"
    with pytest.raises(ClientError) as error:
        sim.ecs.describe_express_gateway_service(serviceArn=arn.replace("vitrine", "nenhum"))
    assert _code(error) == "ServiceNotFoundException"
