"""Helpers for the behaviour tests: start a real emulator process; `Sim`, boto3 clients on it and lab shortcuts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from lab_harness import free_port

LABS = Path(__file__).resolve().parents[2] / "labs"
FAST_SCALE = "200"  # a Fargate task starts in about 0.15 wall seconds
START_TIMEOUT = 120  # seconds: it answers in about 1 s, but in 4 to 30 s on a machine busy with the whole suite


def start_emulator(scale: str, log: Path, extra_env: dict[str, str] | None = None,
                   port: int | None = None) -> tuple[subprocess.Popen, str]:
    port = port or free_port()
    env = {**os.environ, "ECSLAB_ESCALA_TEMPO": scale, "PYTHONPATH": str(LABS), **(extra_env or {})}
    if not scale:
        env.pop("ECSLAB_ESCALA_TEMPO")
    process = subprocess.Popen(
        [sys.executable, "-m", "ecslab.emulator", "--porta", str(port)],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"emulator exited (code {process.returncode}): {log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/ecslab/relogio", timeout=1).read()
            return process, url
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"emulator did not answer within {START_TIMEOUT} s")


@contextmanager
def running_emulator(log: Path, extra_env: dict[str, str] | None = None, scale: str = FAST_SCALE) -> Iterator[str]:
    """An emulator for a test session: its URL; stopped afterwards, and a crash in its log fails the session."""
    process, url = start_emulator(scale, log, extra_env)
    try:
        yield url
    finally:
        stop_emulator(process)
    errors = log.read_text()
    assert "Traceback" not in errors, f"the emulator logged a crash:\n{errors}"


def stop_emulator(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Sim:
    """boto3 clients on the emulator plus a way to move its clock."""

    def __init__(self, url: str):
        self.url = url
        options = dict(
            endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )
        self.ecs = boto3.client("ecs", **options)
        self.ec2 = boto3.client("ec2", **options)
        self.autoscaling = boto3.client("autoscaling", **options)
        self.ssm = boto3.client("ssm", **options)
        self.elbv2 = boto3.client("elbv2", **options)
        self.iam = boto3.client("iam", **options)
        self.ecr = boto3.client("ecr", **options)

    def advance(self, seconds: float) -> float:
        return self._clock({"avancar": seconds})["agora"]

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The simulated time stands still (it moves only with `advance`): a step that must not depend on how fast
        the machine answers."""
        self._clock({"pausar": True})
        try:
            yield
        finally:
            self._clock({"pausar": False})

    def _clock(self, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.url}/ecslab/relogio", data=json.dumps(payload).encode(),
                                         method="POST")
        return json.loads(urllib.request.urlopen(request, timeout=30).read())

    def interrupt_spot(self, instances: list[str] = (), tasks: list[str] = ()) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}/ecslab/interrupcao-spot",
            data=json.dumps({"instancias": list(instances), "tarefas": list(tasks)}).encode(), method="POST",
        )
        return json.loads(urllib.request.urlopen(request, timeout=30).read())

    def wait(self, condition: Callable[[], Any], timeout: float = 20.0, step: float = 0.05,
             advance: float = 0.0) -> Any:
        """Poll `condition` until it holds; `advance`: simulated seconds to move the clock between two polls (on a
        paused clock, the only way time passes)."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout} s (last value {value!r})")
            if advance:
                self.advance(advance)
            time.sleep(step)

    def service(self, cluster: str, name: str) -> dict[str, Any]:
        return self.ecs.describe_services(cluster=cluster, services=[name])["services"][0]

    def tasks(self, cluster: str, **filters: Any) -> list[dict[str, Any]]:
        arns = self.ecs.list_tasks(cluster=cluster, **filters)["taskArns"]
        return self.ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []

    def stable(self, cluster: str, name: str, timeout: float = 20.0, advance: float = 0.0) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            service = self.service(cluster, name)
            done = len(service["deployments"]) == 1 and service["runningCount"] == service["desiredCount"]
            return service if done and service["deployments"][0]["rolloutState"] == "COMPLETED" else None

        return self.wait(check, timeout, advance=advance)

    def network(self, azs: tuple[str, ...] = ("us-east-1a", "us-east-1b")) -> dict[str, Any]:
        """A VPC of public subnets: they route to an internet gateway and map public IPs on launch (so instances
        reach ECS), and awsvpc tasks get a public IP: everything has a route out."""
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            self.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{index + 1}.0/24", AvailabilityZone=az)["Subnet"]
            for index, az in enumerate(azs)
        ]
        for subnet in subnets:
            self.ec2.modify_subnet_attribute(SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": True})
        gateway = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
        main = self.ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                       {"Name": "association.main", "Values": ["true"]}])
        table = main["RouteTables"][0]["RouteTableId"]
        self.ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
        group = self.ec2.create_security_group(GroupName="tarefas", Description="tarefas", VpcId=vpc)["GroupId"]
        return {
            "vpc": vpc,
            "subnets": subnets,
            "route_table": table,
            "internet_gateway": gateway,
            "security_group": group,
            "awsvpc": {"awsvpcConfiguration": {"subnets": [s["SubnetId"] for s in subnets], "securityGroups": [group],
                                               "assignPublicIp": "ENABLED"}},
        }

    def fargate_task_definition(self, family: str = "web", image: str = "nginx:1.27",
                                containers: list[dict[str, Any]] | None = None, **extra: Any) -> str:
        return self.ecs.register_task_definition(
            family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
            containerDefinitions=containers or [{"name": "web", "image": image,
                                                 "portMappings": [{"containerPort": 80}]}],
            **extra,
        )["taskDefinition"]["taskDefinitionArn"]

    def execution_role(self, name: str | None = None) -> str:
        """A task execution role with AWS's managed policy (ECR pulls and CloudWatch Logs). IAM outlives a reset:
        the name is new each time."""
        name = name or f"execucao-{time.monotonic_ns()}"
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                            "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})
        arn = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        self.iam.attach_role_policy(
            RoleName=name, PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
        return arn

    def push_image(self, repository: str, tag: str) -> str:
        """What `docker push` ends in: ECR's PutImage with a manifest. Returns the image URI."""
        uri = self.ecr.describe_repositories(repositoryNames=[repository])["repositories"][0]["repositoryUri"]
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                               "digest": "sha256:" + "0" * 64}, "layers": []}
        self.ecr.put_image(repositoryName=repository, imageTag=tag, imageManifest=json.dumps(manifest))
        return f"{uri}:{tag}"

    def ec2_task_definition(self, family: str = "api", memory: int = 256, cpu: int = 256, host_port: int | None = None,
                            **extra: Any) -> str:
        mapping = {"containerPort": 80}
        if host_port is not None:
            mapping["hostPort"] = host_port
        return self.ecs.register_task_definition(
            family=family, requiresCompatibilities=["EC2"], networkMode="bridge",
            containerDefinitions=[{"name": "api", "image": "nginx", "memory": memory, "cpu": cpu,
                                   "portMappings": [mapping]}],
            **extra,
        )["taskDefinition"]["taskDefinitionArn"]

    def image_id(self) -> str:
        """The ECS-optimized AMI, as a lab finds it."""
        name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
        return self.ssm.get_parameter(Name=name)["Parameter"]["Value"]

    def launch_instances(self, cluster: str, count: int = 1, instance_type: str = "t3.micro",
                         subnet: str | None = None) -> list[str]:
        user_data = f"#!/bin/bash\necho ECS_CLUSTER={cluster} >> /etc/ecs/ecs.config\n"
        options: dict[str, Any] = {"SubnetId": subnet} if subnet else {}
        reservation = self.ec2.run_instances(
            ImageId=self.image_id(), MinCount=count, MaxCount=count, InstanceType=instance_type, UserData=user_data,
            **options,
        )
        return [instance["InstanceId"] for instance in reservation["Instances"]]

    def container_instances(self, cluster: str) -> list[dict[str, Any]]:
        arns = self.ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
        if not arns:
            return []
        return self.ecs.describe_container_instances(cluster=cluster, containerInstances=arns)["containerInstances"]

    def registered(self, cluster: str, count: int) -> list[dict[str, Any]]:
        self.advance(60)
        return self.wait(lambda: (found := self.container_instances(cluster)) and len(found) >= count and found)


def create_fargate_service(sim: Sim, net: dict[str, Any], name: str = "web", desired: int = 2, cluster: str = "lab",
                           **extra: Any) -> dict[str, Any]:
    """A Fargate service on the test network (the cluster made if missing); returns its description."""
    if not sim.ecs.describe_clusters(clusters=[cluster])["clusters"]:
        sim.ecs.create_cluster(clusterName=cluster)
    task_definition = extra.pop("taskDefinition", None) or sim.fargate_task_definition()
    return sim.ecs.create_service(
        cluster=cluster, serviceName=name, taskDefinition=task_definition, desiredCount=desired,
        launchType="FARGATE", networkConfiguration=net["awsvpc"], **extra,
    )["service"]
