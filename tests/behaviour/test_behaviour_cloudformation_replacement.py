"""CloudFormation UpdateStack that replaces an AWS::ECS::Service or AWS::ECS::Cluster: the new resource first, the
old one deleted in the cleanup, as CloudFormation does (never ClusterContainsServicesException)."""

from __future__ import annotations

import json
import time

import boto3


def _template(cluster: str, service: str, task_definition: str) -> str:
    return json.dumps({"Resources": {
        "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": cluster}},
        "Service": {"Type": "AWS::ECS::Service", "Properties": {
            "Cluster": {"Ref": "Cluster"}, "ServiceName": service, "TaskDefinition": task_definition,
            "DesiredCount": 0}},
    }})


def test_update_stack_replaces_service_then_cluster(sim):
    cloudformation = boto3.client("cloudformation", endpoint_url=sim.url, region_name="us-east-1",
                                  aws_access_key_id="testing", aws_secret_access_key="testing")
    stack = f"ecs-{time.monotonic_ns()}"  # stacks outlive the emulator's reset
    definition = sim.ec2_task_definition()

    def active_services(cluster: str) -> list[str]:
        return [arn.split("/")[-1] for arn in sim.ecs.list_services(cluster=cluster)["serviceArns"]]

    def update(cluster: str, service: str) -> str:
        cloudformation.update_stack(StackName=stack, TemplateBody=_template(cluster, service, definition))
        return cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]

    cloudformation.create_stack(StackName=stack, TemplateBody=_template("loja", "web", definition))
    assert active_services("loja") == ["web"]
    assert update("loja", "vitrine") == "UPDATE_COMPLETE"
    assert active_services("loja") == ["vitrine"]
    assert sim.service("loja", "web")["status"] == "INACTIVE"
    assert update("loja-nova", "vitrine") == "UPDATE_COMPLETE"
    assert active_services("loja-nova") == ["vitrine"]
    clusters = {c["clusterName"]: c["status"] for c in sim.ecs.describe_clusters(
        clusters=["loja", "loja-nova"])["clusters"]}
    assert clusters == {"loja": "INACTIVE", "loja-nova": "ACTIVE"}
    resources = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                 for r in cloudformation.describe_stack_resources(StackName=stack)["StackResources"]}
    assert resources["Cluster"] == "loja-nova"
