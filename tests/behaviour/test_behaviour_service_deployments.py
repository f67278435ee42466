"""Service deployments and revisions, seen through boto3: ListServiceDeployments, DescribeServiceDeployments,
DescribeServiceRevisions and StopServiceDeployment answer from the history the scheduler writes."""

from __future__ import annotations

import inspect

import pytest
from behaviour_testutil import create_fargate_service
from botocore.exceptions import ClientError


def listed(sim, cluster="lab", service="web", **extra):
    return sim.ecs.list_service_deployments(cluster=cluster, service=service, **extra)["serviceDeployments"]


def arns_of(service, deployment_id):
    """(service deployment ARN, service revision ARN) of a deployment, as AWS names them."""
    head = service["serviceArn"].split(":service/")[0]
    cluster = service["clusterArn"].split("/")[-1]
    last = f"{cluster}/{service['serviceName']}/{deployment_id.removeprefix('ecs-svc/')}"
    return f"{head}:service-deployment/{last}", f"{head}:service-revision/{last}"


def error_code(call, **params):
    with pytest.raises(ClientError) as error:
        call(**params)
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_a_new_service_has_one_deployment_that_succeeds(sim):
    net = sim.network()
    created = create_fargate_service(sim, net)
    deployment_id = created["deployments"][0]["id"]
    deployment_arn, revision_arn = arns_of(created, deployment_id)

    (brief,) = listed(sim)
    assert brief["serviceDeploymentArn"] == deployment_arn
    assert brief["targetServiceRevisionArn"] == revision_arn
    assert brief["serviceArn"] == created["serviceArn"] and brief["clusterArn"] == created["clusterArn"]
    assert brief["status"] in ("IN_PROGRESS", "SUCCESSFUL")
    assert brief["createdAt"] == brief["startedAt"]

    sim.stable("lab", "web")
    (brief,) = sim.wait(lambda: [b for b in listed(sim) if b["status"] == "SUCCESSFUL"])
    assert brief["finishedAt"] >= brief["startedAt"]
    # the service ARN works as well as its name, and the cluster is then read from it
    by_arn = sim.ecs.list_service_deployments(service=created["serviceArn"])["serviceDeployments"]
    assert [b["serviceDeploymentArn"] for b in by_arn] == [deployment_arn]


def test_a_new_revision_lists_two_deployments_newest_first(sim):
    net = sim.network()
    created = create_fargate_service(sim, net)
    first_id = sim.stable("lab", "web")["deployments"][0]["id"]
    revision2 = sim.fargate_task_definition(image="nginx:1.28")
    updated = sim.ecs.update_service(cluster="lab", service="web", taskDefinition=revision2)["service"]
    second_id = updated["deployments"][0]["id"]

    newest, oldest = listed(sim)
    assert newest["serviceDeploymentArn"] == arns_of(created, second_id)[0]
    assert oldest["serviceDeploymentArn"] == arns_of(created, first_id)[0]
    assert newest["createdAt"] >= oldest["createdAt"]
    assert oldest["status"] in ("SUCCESSFUL", "STOPPED")  # it ended before the update, or the update replaced it

    sim.stable("lab", "web")
    newest, oldest = sim.wait(lambda: (found := listed(sim)) and found[0]["status"] == "SUCCESSFUL" and found)
    assert newest["finishedAt"] >= newest["startedAt"]

    assert [b["serviceDeploymentArn"] for b in listed(sim, status=["SUCCESSFUL", "STOPPED"])] == [
        newest["serviceDeploymentArn"], oldest["serviceDeploymentArn"]]
    assert listed(sim, status=["ROLLBACK_FAILED"]) == []
    middle = oldest["createdAt"] + (newest["createdAt"] - oldest["createdAt"]) / 2
    assert [b["serviceDeploymentArn"] for b in listed(sim, createdAt={"after": middle})] == [
        newest["serviceDeploymentArn"]]
    assert [b["serviceDeploymentArn"] for b in listed(sim, createdAt={"before": middle})] == [
        oldest["serviceDeploymentArn"]]

    page = sim.ecs.list_service_deployments(cluster="lab", service="web", maxResults=1)
    assert [b["serviceDeploymentArn"] for b in page["serviceDeployments"]] == [newest["serviceDeploymentArn"]]
    rest = sim.ecs.list_service_deployments(cluster="lab", service="web", maxResults=1, nextToken=page["nextToken"])
    assert [b["serviceDeploymentArn"] for b in rest["serviceDeployments"]] == [oldest["serviceDeploymentArn"]]
    assert "nextToken" not in rest


def test_list_service_deployments_errors_as_aws(sim):
    sim.ecs.create_cluster(clusterName="lab")
    assert error_code(sim.ecs.list_service_deployments, cluster="lab", service="nada") == (
        "ServiceNotFoundException", "Service not found.")
    assert error_code(sim.ecs.list_service_deployments, cluster="nada", service="web") == (
        "ClusterNotFoundException", "Cluster not found.")
    net = sim.network()
    create_fargate_service(sim, net, desired=0)
    for size in (0, 101):
        code, _ = error_code(sim.ecs.list_service_deployments, cluster="lab", service="web", maxResults=size)
        assert code == "InvalidParameterException"


def test_describe_service_deployments_and_revisions(sim):
    net = sim.network()
    created = create_fargate_service(sim, net)
    revision1 = created["taskDefinition"]
    first_id = sim.stable("lab", "web")["deployments"][0]["id"]
    revision2 = sim.fargate_task_definition(image="nginx:1.28")
    second_id = sim.ecs.update_service(cluster="lab", service="web", taskDefinition=revision2)["service"][
        "deployments"][0]["id"]
    sim.stable("lab", "web")
    sim.wait(lambda: listed(sim)[0]["status"] == "SUCCESSFUL")
    (first_arn, first_revision), (second_arn, second_revision) = arns_of(created, first_id), arns_of(created, second_id)
    made_up = first_arn.rsplit("/", 1)[0] + "/naoexiste"

    answer = sim.ecs.describe_service_deployments(serviceDeploymentArns=[second_arn, first_arn, made_up])
    assert answer["failures"] == [{"arn": made_up, "reason": "MISSING"}]
    second, first = answer["serviceDeployments"]
    assert second["serviceDeploymentArn"] == second_arn and first["serviceDeploymentArn"] == first_arn
    assert second["serviceArn"] == created["serviceArn"] and second["clusterArn"] == created["clusterArn"]
    assert second["status"] == "SUCCESSFUL" and first["status"] in ("SUCCESSFUL", "STOPPED")
    target = second["targetServiceRevision"]
    assert target == {"arn": second_revision, "requestedTaskCount": 2, "runningTaskCount": 2, "pendingTaskCount": 0}
    assert [source["arn"] for source in second["sourceServiceRevisions"]] == [first_revision]
    assert second["sourceServiceRevisions"][0]["runningTaskCount"] == 0  # its tasks are gone
    assert first["sourceServiceRevisions"] == []
    assert second["deploymentConfiguration"]["maximumPercent"] == 200
    assert second["deploymentConfiguration"]["minimumHealthyPercent"] == 100
    assert second["deploymentCircuitBreaker"]["status"] == "DISABLED"
    assert "rollback" not in second
    assert second["finishedAt"] >= second["startedAt"] == second["createdAt"]

    answer = sim.ecs.describe_service_revisions(serviceRevisionArns=[first_revision, second_revision, made_up])
    assert answer["failures"] == [{"arn": made_up, "reason": "MISSING"}]
    old, new = answer["serviceRevisions"]
    assert (old["serviceRevisionArn"], old["taskDefinition"]) == (first_revision, revision1)
    assert (new["serviceRevisionArn"], new["taskDefinition"]) == (second_revision, revision2)
    assert new["serviceArn"] == created["serviceArn"] and new["clusterArn"] == created["clusterArn"]
    # the resolved version, as in the describe-service-revisions example of the AWS CLI Command Reference
    assert new["launchType"] == "FARGATE" and new["platformVersion"] == "1.4.0"
    assert new["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == [s["SubnetId"] for s in net["subnets"]]
    assert new["containerImages"] == [{"containerName": "web", "image": "nginx:1.28"}]
    assert old["containerImages"] == [{"containerName": "web", "image": "nginx:1.27"}]
    assert new["createdAt"] >= old["createdAt"]


def test_describe_calls_take_at_most_20_arns(sim):
    arns = [f"arn:aws:ecs:us-east-1:123456789012:service-deployment/lab/web/{i}" for i in range(21)]
    code, _ = error_code(sim.ecs.describe_service_deployments, serviceDeploymentArns=arns)
    assert code == "InvalidParameterException"
    code, _ = error_code(sim.ecs.describe_service_revisions,
                         serviceRevisionArns=[arn.replace("service-deployment", "service-revision") for arn in arns])
    assert code == "InvalidParameterException"
    answer = sim.ecs.describe_service_deployments(serviceDeploymentArns=arns[:20])
    assert answer["serviceDeployments"] == [] and len(answer["failures"]) == 20


def test_stopping_a_finished_deployment_is_a_conflict(sim):
    net = sim.network()
    created = create_fargate_service(sim, net)
    deployment_arn, _ = arns_of(created, created["deployments"][0]["id"])
    sim.stable("lab", "web")
    sim.wait(lambda: listed(sim)[0]["status"] == "SUCCESSFUL")
    code, _ = error_code(sim.ecs.stop_service_deployment, serviceDeploymentArn=deployment_arn, stopType="ROLLBACK")
    assert code == "ConflictException"
    assert listed(sim)[0]["status"] == "SUCCESSFUL"
    code, _ = error_code(sim.ecs.stop_service_deployment, serviceDeploymentArn=deployment_arn.rsplit("/", 1)[0] + "/x")
    assert code == "ServiceDeploymentNotFoundException"


def create_stuck_ec2_service(sim, desired):
    """An EC2 service on a cluster without instances: a deployment that needs a task never ends."""
    sim.ecs.create_cluster(clusterName="lab")
    return sim.ecs.create_service(cluster="lab", serviceName="web", taskDefinition=sim.ec2_task_definition(),
                                  desiredCount=desired, launchType="EC2")["service"]


def test_stopping_a_deployment_in_progress_asks_for_a_rollback(sim):
    created = create_stuck_ec2_service(sim, desired=0)  # nothing to start: it succeeds at once
    sim.wait(lambda: listed(sim)[0]["status"] == "SUCCESSFUL")
    revision2 = sim.ec2_task_definition(memory=128)
    second_id = sim.ecs.update_service(cluster="lab", service="web", taskDefinition=revision2, desiredCount=1)[
        "service"]["deployments"][0]["id"]
    deployment_arn, _ = arns_of(created, second_id)
    assert listed(sim)[0]["status"] == "IN_PROGRESS"

    answer = sim.ecs.stop_service_deployment(serviceDeploymentArn=deployment_arn, stopType="ROLLBACK")
    assert answer["serviceDeploymentArn"] == deployment_arn
    (stopped,) = sim.ecs.describe_service_deployments(serviceDeploymentArns=[deployment_arn])["serviceDeployments"]
    # ROLLBACK_REQUESTED until the scheduler starts the rollback (AWS's guide: IN_PROGRESS -> ROLLBACK_REQUESTED)
    assert stopped["status"] in ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "STOPPED")


def test_the_first_deployment_has_nothing_to_roll_back_to(sim):
    created = create_stuck_ec2_service(sim, desired=1)
    deployment_arn, _ = arns_of(created, created["deployments"][0]["id"])
    assert listed(sim)[0]["status"] == "IN_PROGRESS"
    code, _ = error_code(sim.ecs.stop_service_deployment, serviceDeploymentArn=deployment_arn, stopType="ROLLBACK")
    assert code == "ConflictException"
    assert sim.ecs.stop_service_deployment(serviceDeploymentArn=deployment_arn, stopType="ABORT")[
        "serviceDeploymentArn"] == deployment_arn
    assert listed(sim)[0]["status"] in ("STOP_REQUESTED", "STOPPED")


def test_moto_still_lacks_the_service_deployment_and_task_protection_actions():
    """moto_patches.ADDITIONS adds these only where moto has none: a moto that gains them must be looked at."""
    from moto.ecs.responses import EC2ContainerServiceResponse

    from ecslab.behaviour.moto_patches import ADDITIONS

    ours = ("list_service_deployments", "describe_service_deployments", "describe_service_revisions",
            "stop_service_deployment", "update_task_protection", "get_task_protection")
    added = {a.name for a in ADDITIONS if a.owner is EC2ContainerServiceResponse}
    assert set(ours) <= added
    source = inspect.getsource(EC2ContainerServiceResponse)
    for name in ours:
        assert f"def {name}(" not in source, name
