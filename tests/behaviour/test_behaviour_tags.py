"""Tags as ECS shows them: only with include=TAGS on describe calls, whatever was asked before; tagging a task by
its ARN; the tags run-task and services give their tasks (propagateTags); task sets keep theirs."""

from __future__ import annotations

import pytest
from behaviour_testutil import create_fargate_service
from botocore.exceptions import ClientError

TAG = [{"key": "ecslab:aluno", "value": "ana"}]


def test_describe_clusters_shows_tags_only_with_include(sim):
    sim.ecs.create_cluster(clusterName="lab", tags=TAG)
    for include in ([], ["TAGS"], [], ["TAGS"]):  # each answer as asked, whichever came first
        cluster = sim.ecs.describe_clusters(clusters=["lab"], include=include)["clusters"][0]
        assert cluster.get("tags") == (TAG if include else None), include


def test_describe_services_and_tasks_show_tags_only_with_include(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=1, tags=TAG, propagateTags="SERVICE")
    for include in ([], ["TAGS"]):
        service = sim.ecs.describe_services(cluster="lab", services=["web"], include=include)["services"][0]
        assert service.get("tags") == (TAG if include else None)
    sim.advance(60)
    arns = sim.ecs.list_tasks(cluster="lab")["taskArns"]
    for include in ([], ["TAGS"]):
        task = sim.ecs.describe_tasks(cluster="lab", tasks=arns, include=include)["tasks"][0]
        assert task.get("tags") == (TAG if include else None)


def test_tag_a_task_by_its_arn(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    task = sim.ecs.run_task(cluster="lab", taskDefinition=sim.fargate_task_definition(), launchType="FARGATE",
                            networkConfiguration=net["awsvpc"])["tasks"][0]
    arn = task["taskArn"]
    sim.ecs.tag_resource(resourceArn=arn, tags=[{"key": "lote", "value": "7"}])
    assert sim.ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "lote", "value": "7"}]
    sim.ecs.untag_resource(resourceArn=arn, tagKeys=["lote"])
    assert sim.ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []
    with pytest.raises(ClientError) as error:
        sim.ecs.list_tags_for_resource(resourceArn=arn.rsplit("/", 1)[0] + "/0123456789abcdef0123456789abcdef")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_run_task_keeps_its_tags_and_propagates_the_task_definitions(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    definition = sim.fargate_task_definition(tags=[{"key": "app", "value": "web"}])
    run = dict(cluster="lab", taskDefinition=definition, launchType="FARGATE", networkConfiguration=net["awsvpc"])
    own = sim.ecs.run_task(**run, tags=TAG)["tasks"][0]
    both = sim.ecs.run_task(**run, tags=TAG, propagateTags="TASK_DEFINITION")["tasks"][0]
    assert own["tags"] == TAG
    assert sorted(both["tags"], key=lambda t: t["key"]) == [{"key": "app", "value": "web"}, *TAG]
    described = sim.ecs.describe_tasks(cluster="lab", tasks=[own["taskArn"]], include=["TAGS"])["tasks"][0]
    assert described["tags"] == TAG


def test_service_propagates_task_definition_tags(sim):
    net = sim.network()
    definition = sim.fargate_task_definition(tags=[{"key": "app", "value": "web"}])
    create_fargate_service(sim, net, desired=1, taskDefinition=definition, propagateTags="TASK_DEFINITION")
    sim.advance(60)
    arns = sim.ecs.list_tasks(cluster="lab")["taskArns"]
    task = sim.ecs.describe_tasks(cluster="lab", tasks=arns, include=["TAGS"])["tasks"][0]
    assert task["tags"] == [{"key": "app", "value": "web"}]


def test_task_set_keeps_its_tags(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.create_service(cluster="lab", serviceName="externo", deploymentController={"type": "EXTERNAL"},
                           desiredCount=1)
    task_set = sim.ecs.create_task_set(cluster="lab", service="externo", taskDefinition=sim.fargate_task_definition(),
                                       launchType="FARGATE", networkConfiguration=net["awsvpc"], tags=TAG)["taskSet"]
    assert task_set["tags"] == TAG
    described = sim.ecs.describe_task_sets(cluster="lab", service="externo", include=["TAGS"])["taskSets"][0]
    assert described["tags"] == TAG
    assert sim.ecs.list_tags_for_resource(resourceArn=task_set["taskSetArn"])["tags"] == TAG
