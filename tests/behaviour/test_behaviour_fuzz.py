"""Random sequences of valid and invalid ECS, EC2, ELBv2, Application Auto Scaling and CloudWatch calls, with the
clock moving in between: the emulator must answer every one as AWS would shape it, never with an HTTP 500 nor with
the middleware's catch-all for a crash (a Python exception name in an InvalidParameterException)."""

from __future__ import annotations

import builtins
import json
import random
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError
from test_behaviour_autoscaling import client

SEEDS = (7, 1913, 424242)
CALLS = 150
TIME_BUDGET = 12.0  # wall seconds per seed; the calls stop there
CRASH = re.compile(r"^(\w+): ")


def crashed(status: int, message: str) -> bool:
    found = CRASH.match(message or "")
    name = found.group(1) if found else ""
    python_exception = isinstance(getattr(builtins, name, None), type) and issubclass(getattr(builtins, name),
                                                                                     BaseException)
    return status >= 500 or python_exception or "not supported by the emulator" in (message or "")


class Fuzzer:
    def __init__(self, sim, seed: int):
        self.sim = sim
        self.rng = random.Random(seed)
        self.net = sim.network()
        self.scaling = client(sim, "application-autoscaling")
        self.cloudwatch = client(sim, "cloudwatch")
        self.task_arns: list[str] = []
        self.target_groups: list[str] = []
        self.failures: list[str] = []
        self.answered = 0

    def pick(self, *options: Any) -> Any:
        return self.rng.choice(options)

    # --- the moves ------------------------------------------------------------------------------------------

    def cluster(self) -> str:
        return self.pick("a", "b", "b", "nada", "arn:aws:ecs:us-east-1:123456789012:cluster/a")

    def network_configuration(self) -> dict[str, Any] | None:
        bad_subnet = {"awsvpcConfiguration": {"subnets": ["subnet-nada"]}}
        no_subnet = {"awsvpcConfiguration": {"subnets": []}}
        return self.pick(None, self.net["awsvpc"], self.net["awsvpc"], bad_subnet, no_subnet)

    def task_definition(self) -> str:
        return self.pick("web", "api", "web:1", "web:99", "nada",
                         "arn:aws:ecs:us-east-1:123456789012:task-definition/x:1")

    def moves(self) -> list[Callable[[], Any]]:
        ecs, elbv2 = self.sim.ecs, self.sim.elbv2
        return [
            lambda: ecs.create_cluster(clusterName=self.pick("a", "b")),
            lambda: ecs.delete_cluster(cluster=self.cluster()),
            lambda: ecs.describe_clusters(clusters=[self.cluster(), "zzz"]),
            lambda: self.register_task_definition(),
            lambda: ecs.deregister_task_definition(taskDefinition=self.pick("web:1", "api:2", "nada:1")),
            lambda: self.run_task(),
            lambda: ecs.stop_task(cluster=self.cluster(), task=self.pick(*(self.task_arns or ["x"]), "nada")),
            lambda: ecs.describe_tasks(cluster=self.cluster(), tasks=[self.pick(*(self.task_arns or ["x"])), "y"]),
            lambda: ecs.list_tasks(cluster=self.cluster(), **self.pick(
                {}, {"serviceName": "s1"}, {"desiredStatus": "STOPPED"}, {"launchType": "FARGATE"},
                {"containerInstance": "nada"}, {"family": "web"})),
            lambda: ecs.create_service(
                cluster=self.cluster(), serviceName=self.pick("s1", "s2"), taskDefinition=self.task_definition(),
                desiredCount=self.pick(0, 1, 2, 3), **self.launch(),
                **({"networkConfiguration": n} if (n := self.network_configuration()) else {}),
            ),
            lambda: ecs.update_service(cluster=self.cluster(), service=self.pick("s1", "s2", "nada"),
                                       **self.pick({"desiredCount": self.rng.randint(0, 4)},
                                                   {"taskDefinition": self.task_definition()},
                                                   {"forceNewDeployment": True})),
            lambda: ecs.delete_service(cluster=self.cluster(), service=self.pick("s1", "s2", "nada"),
                                       force=self.pick(True, False)),
            lambda: ecs.describe_services(cluster=self.cluster(), services=[
                "s1", "arn:aws:ecs:us-east-1:123456789012:service/b/nada"]),
            lambda: ecs.describe_capacity_providers(**self.pick({}, {"capacityProviders": ["FARGATE", "nada"]})),
            lambda: ecs.put_cluster_capacity_providers(
                cluster=self.cluster(), capacityProviders=self.pick(["FARGATE", "FARGATE_SPOT"], [], ["nada"]),
                defaultCapacityProviderStrategy=self.pick([], [{"capacityProvider": "FARGATE", "weight": 1}])),
            lambda: ecs.list_services(cluster=self.cluster()),
            lambda: ecs.list_container_instances(cluster=self.cluster()),
            lambda: self.target_group(),
            lambda: elbv2.create_load_balancer(
                Name=self.pick("alb", "alb-2", "bad_name!"), Type="application",
                Subnets=self.pick([s["SubnetId"] for s in self.net["subnets"]], ["subnet-nada"])),
            lambda: elbv2.delete_target_group(TargetGroupArn=self.pick(*(self.target_groups or ["x"]),
                                                                       "arn:aws:elasticloadbalancing:nada")),
            lambda: elbv2.describe_target_groups(Names=[self.pick("tg", "nada")]),
            lambda: self.sim.ec2.describe_instances(
                Filters=[{"Name": "instance-lifecycle", "Values": ["spot"]}]),
            lambda: self.scaling.register_scalable_target(
                ServiceNamespace="ecs", ResourceId=f"service/{self.pick('a', 'b')}/{self.pick('s1', 'nada')}",
                ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=self.pick(1, 4)),
            lambda: self.scaling.put_scaling_policy(
                PolicyName="p", ServiceNamespace="ecs", ResourceId=f"service/b/{self.pick('s1', 'nada')}",
                ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration={
                    "TargetValue": self.pick(10.0, 50.0), "ScaleOutCooldown": 0, "ScaleInCooldown": 0,
                    "PredefinedMetricSpecification": {"PredefinedMetricType": self.pick(
                        "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization")}}),
            lambda: self.scaling.describe_scaling_activities(ServiceNamespace=self.pick("ecs", "ec2")),
            lambda: self.cloudwatch.describe_alarm_history(**self.pick({}, {"AlarmName": "nada"})),
            lambda: self.cloudwatch.describe_alarms(),
            lambda: self.scaling.deregister_scalable_target(
                ServiceNamespace="ecs", ResourceId=f"service/b/{self.pick('s1', 'nada')}",
                ScalableDimension="ecs:service:DesiredCount"),
            lambda: self.cloudwatch.put_metric_alarm(
                AlarmName=self.pick("al", "al2"), Namespace="AWS/ECS", MetricName="CPUUtilization",
                Statistic=self.pick("Average", "Maximum", "SampleCount"), Period=self.pick(10, 60, 300),
                EvaluationPeriods=self.pick(1, 2), Threshold=self.pick(0.0, 50.0),
                ComparisonOperator=self.pick("GreaterThanThreshold", "LessThanOrEqualToThreshold",
                                             "LessThanLowerOrGreaterThanUpperThreshold"),
                TreatMissingData=self.pick("missing", "breaching", "notBreaching", "ignore"),
                AlarmActions=[self.pick("arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x",
                                        "arn:aws:sns:us-east-1:123456789012:t")],
                Dimensions=[{"Name": "ClusterName", "Value": "b"}, {"Name": "ServiceName", "Value": "s1"}]),
            lambda: self.cloudwatch.set_alarm_state(AlarmName=self.pick("al", "nada"),
                                                    StateValue=self.pick("ALARM", "OK", "MAYBE"), StateReason="x"),
            lambda: self.instance(),
            lambda: ecs.update_container_instances_state(
                cluster=self.cluster(), status=self.pick("DRAINING", "ACTIVE"),
                containerInstances=[self.pick(*self.container_instances(), "nada")]),
            lambda: ecs.deregister_container_instance(
                cluster=self.cluster(), containerInstance=self.pick(*self.container_instances(), "nada"),
                force=self.pick(True, False)),
            lambda: ecs.create_service(
                cluster="b", serviceName=self.pick("s1", "s3"), taskDefinition=self.task_definition(),
                desiredCount=self.pick(1, 2), launchType="FARGATE", networkConfiguration=self.net["awsvpc"],
                loadBalancers=[{"targetGroupArn": self.pick(*(self.target_groups or ["arn:nada"])),
                                "containerName": self.pick("c", "web", "nada"), "containerPort": self.pick(80, 81)}]),
            lambda: self.load(),
            lambda: self.sim.advance(self.pick(0, 5, 30, 60, 200, 900)),
        ]

    def container_instances(self) -> list[str]:
        try:
            return self.sim.ecs.list_container_instances(cluster="b")["containerInstanceArns"] or ["nada"]
        except ClientError:
            return ["nada"]

    def instance(self) -> Any:
        user_data = f"#!/bin/bash\necho ECS_CLUSTER={self.pick('b', 'a', 'nada')} >> /etc/ecs/ecs.config\n"
        return self.sim.ec2.run_instances(
            ImageId=self.sim.image_id(), MinCount=1, MaxCount=1, UserData=user_data,
            InstanceType=self.pick("t3.micro", "m5.large"), SubnetId=self.net["subnets"][0]["SubnetId"])

    def register_task_definition(self) -> Any:
        """Valid and invalid task definitions; an enum value outside the API's ("FARGAT", "awsvp") must be refused
        with InvalidParameterException, as ECS refuses it, never stored."""
        compatibilities = self.pick(["FARGATE"], ["EC2"], ["EC2", "FARGATE"], [], ["FARGAT"])
        network_mode = self.pick("awsvpc", "bridge", "host", "none", "awsvp")
        invalid = "FARGAT" in compatibilities or network_mode == "awsvp"
        try:
            answer = self.sim.ecs.register_task_definition(
                family=self.pick("web", "api"), requiresCompatibilities=compatibilities, networkMode=network_mode,
                **{k: v for k, v in (("cpu", self.pick("256", "512", "1024", "333", "2 vCPU", None)),
                                     ("memory", self.pick("512", "1024", "3072", "100", "1 GB", None))) if v},
                containerDefinitions=[{
                    "name": "c", "image": "nginx",
                    **({"memory": self.pick(64, 256, 100000)} if self.rng.random() < 0.5 else {}),
                    "portMappings": [{"containerPort": 80, **({"hostPort": self.pick(80, 0, 8080)}
                                                              if self.rng.random() < 0.3 else {})}],
                }],
            )
        except ClientError as error:
            code, message = error.response["Error"]["Code"], error.response["Error"]["Message"]
            if invalid and (code != "InvalidParameterException" or "should be one of [" not in message):
                self.failures.append(f"{compatibilities} {network_mode}: {code} {message}")
            raise
        if invalid:
            self.failures.append(f"{compatibilities} {network_mode}: accepted (AWS refuses an unknown enum value)")
        return answer

    def launch(self) -> dict[str, Any]:
        return self.pick({}, {"launchType": self.pick("FARGATE", "EC2", "EXTERNAL", "fargate", "FARGATE_SPOT")},
                         {"capacityProviderStrategy": [{"capacityProvider": self.pick("FARGATE_SPOT", "nada"),
                                                        "weight": 1}]})

    def run_task(self) -> Any:
        extra = self.launch()
        if network := self.network_configuration():
            extra["networkConfiguration"] = network
        answer = self.sim.ecs.run_task(cluster=self.cluster(), taskDefinition=self.task_definition(),
                                       count=self.pick(1, 2, 11), **extra)
        self.task_arns += [t["taskArn"] for t in answer.get("tasks", [])]
        return answer

    def target_group(self) -> Any:
        answer = self.sim.elbv2.create_target_group(
            Name=self.pick("tg", "tg-2", "tg_bad!"), Protocol="HTTP", Port=80,
            VpcId=self.pick(self.net["vpc"], "vpc-nada"), TargetType=self.pick("ip", "instance"))
        self.target_groups += [g["TargetGroupArn"] for g in answer["TargetGroups"]]
        return answer

    def load(self) -> Any:
        payload = self.pick({"cluster": "b", "servico": "s1", "cpu": 90}, {"cluster": "b", "servico": "s1", "cpu": -1},
                            {"cpu": "muito"}, {"cluster": "b", "servico": "s1", "cpu": 50, "duracao": "x"})
        request = urllib.request.Request(f"{self.sim.url}/ecslab/carga", data=json.dumps(payload).encode(),
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise AssertionError(f"/ecslab/carga {payload}: HTTP {error.code}") from None
            return error.code

    # --- the run --------------------------------------------------------------------------------------------

    def call(self, index: int, move: Callable[[], Any]) -> None:
        try:
            move()
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            message = error.response.get("Error", {}).get("Message", "")
            if crashed(status, message):
                self.failures.append(f"call {index} ({error.operation_name}): HTTP {status} {message}")
        except (BotoCoreError, ValueError):  # refused by boto3 itself, before any request
            return
        self.answered += 1

    def run(self, calls: int, budget: float) -> None:
        deadline = time.monotonic() + budget
        self.sim.ecs.create_cluster(clusterName="b")
        self.sim.fargate_task_definition(family="web")
        moves = self.moves()
        for index in range(calls):
            if time.monotonic() > deadline:
                break
            self.call(index, self.rng.choice(moves))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_calls_never_crash_the_emulator(sim, seed):
    fuzzer = Fuzzer(sim, seed)
    fuzzer.run(CALLS, TIME_BUDGET)
    assert fuzzer.answered >= 50, f"only {fuzzer.answered} calls answered within the time budget"
    assert not fuzzer.failures, f"{len(fuzzer.failures)} crash(es), seed {seed}:\n" + "\n".join(fuzzer.failures)
    assert sim.ecs.list_clusters()["clusterArns"] is not None  # still answering
