"""How the emulator tells a read from a write (the simulation skips its pass before reads when nothing changed),
and the class emulator's guard: calls that wipe it are refused from other machines."""

from __future__ import annotations

import io
import json
import time

import pytest

from ecslab.behaviour import request_kinds
from ecslab.behaviour.middleware import wrap

FORM = "application/x-www-form-urlencoded"


def environ(path: str = "/", method: str = "POST", body: bytes = b"", remote: str = "127.0.0.1",
            **headers: str) -> dict:
    env = {"PATH_INFO": path, "REQUEST_METHOD": method, "QUERY_STRING": "", "REMOTE_ADDR": remote,
           "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    env.update(headers)
    return env


@pytest.mark.parametrize(("env", "read"), [
    (environ(HTTP_X_AMZ_TARGET="AmazonEC2ContainerServiceV20141113.DescribeServices"), True),
    (environ(HTTP_X_AMZ_TARGET="AmazonEC2ContainerServiceV20141113.UpdateService"), False),
    (environ(HTTP_X_AMZ_TARGET="AnyScaleFrontendService.PutScalingPolicy"), False),
    (environ(body=b"Action=DescribeInstances&Version=2016-11-15",
             CONTENT_TYPE="application/x-www-form-urlencoded; charset=utf-8"), True),
    (environ(body=b"Action=RunInstances&Version=2016-11-15", CONTENT_TYPE="application/x-www-form-urlencoded"), False),
    (environ("/service/GraniteServiceVersion20100801/operation/GetMetricData"), True),
    (environ("/service/GraniteServiceVersion20100801/operation/PutMetricData"), False),
    (environ("/experimentTemplates", method="GET"), True),
    (environ("/experimentTemplates", method="POST"), False),
    (environ("/ecslab/relogio", method="GET"), False),
    (environ("/moto-api/data.json", method="GET"), False),
])
def test_reads_are_told_from_writes(env, read):
    assert request_kinds.is_read(env) is read


def signed(service: str) -> str:
    return (f"AWS4-HMAC-SHA256 Credential=testing/20261127/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=abc")


def query(body: bytes, service: str) -> dict:
    """A signed call of a query protocol (EC2, IAM, Auto Scaling, ELB): the action in the form body."""
    return environ(body=body, CONTENT_TYPE=FORM, HTTP_AUTHORIZATION=signed(service))


def ecs(action: str) -> dict:
    """A signed ECS call (JSON protocol: the action in X-Amz-Target)."""
    return environ(HTTP_X_AMZ_TARGET=f"AmazonEC2ContainerServiceV20141113.{action}", HTTP_AUTHORIZATION=signed("ecs"))


@pytest.mark.parametrize(("env", "alone"), [
    (query(b"Action=CreateRole&RoleName=x", "iam"), True),
    (environ(HTTP_X_AMZ_TARGET="Logs_20140328.CreateLogGroup", HTTP_AUTHORIZATION=signed("logs")), True),
    (query(b"Action=ModifySubnetAttribute&SubnetId=subnet-1", "ec2"), True),
    (ecs("RegisterTaskDefinition"), True),
    (ecs("DescribeServices"), True),
    # writes the simulation reacts to
    (query(b"Action=TerminateInstances&InstanceId.1=i-1", "ec2"), False),
    (ecs("UpdateService"), False),
    (query(b"Action=SetDesiredCapacity", "autoscaling"), False),
    (environ(HTTP_X_AMZ_TARGET="AmazonEC2ContainerServiceV20141113.UpdateService"), False),  # unsigned: a write
    (environ("/ecslab/carga"), False),
])
def test_writes_the_simulation_never_reads_need_no_pass(env, alone):
    assert request_kinds.leaves_world_alone(env) is alone


@pytest.mark.parametrize(("env", "blind"), [
    (query(b"Action=DescribeSecurityGroups", "ec2"), True),
    (query(b"Action=ListRoles", "iam"), True),
    (ecs("DescribeTaskDefinition"), True),
    (query(b"Action=DescribeTargetGroups", "elasticloadbalancing"), True),
    # reads of what a pass changes: tasks, instances, task ENIs (and the subnets' free addresses), targets' health
    (ecs("DescribeServices"), False),
    (query(b"Action=DescribeInstances", "ec2"), False),
    (query(b"Action=DescribeSubnets", "ec2"), False),
    (query(b"Action=DescribeNetworkInterfaces", "ec2"), False),
    (query(b"Action=DescribeTargetHealth", "elasticloadbalancing"), False),
    # writes, and a read nobody signed
    (query(b"Action=CreateSecurityGroup", "ec2"), False),
    (query(b"Action=CreateRole", "iam"), False),
    (environ(body=b"Action=DescribeSecurityGroups", CONTENT_TYPE=FORM), False),
])
def test_reads_the_simulation_never_changes_need_no_pass_before_them(env, blind):
    assert request_kinds.needs_no_pass(env) is blind


def test_only_reads_that_may_see_the_simulation_run_its_pass(monkeypatch):
    from ecslab.behaviour import middleware

    passes = []
    monkeypatch.setattr(middleware, "safe_reconcile", lambda: passes.append(1))
    app = wrap(Recorder())

    def call(action: bytes, service: str) -> None:
        b"".join(app(query(b"Action=" + action, service), lambda status, headers: None))

    call(b"DescribeSecurityGroups", "ec2")
    call(b"GetRole", "iam")
    assert passes == []
    call(b"DescribeInstances", "ec2")
    call(b"CreateSecurityGroup", "ec2")
    assert len(passes) == 2


def test_reading_a_form_body_leaves_it_for_moto():
    body = b"Action=CreateVpc&CidrBlock=10.0.0.0%2F16"
    env = environ(body=body, CONTENT_TYPE="application/x-www-form-urlencoded")
    assert request_kinds.action(env) == "CreateVpc"
    assert env["wsgi.input"].read() == body


class Recorder:
    def __init__(self):
        self.calls = 0

    def __call__(self, env, start_response):
        self.calls += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def answer(path: str, method: str, remote: str) -> tuple[list[str], bytes, int]:
    inner = Recorder()
    statuses: list[str] = []
    body = b"".join(wrap(inner)(environ(path, method, remote=remote), lambda status, headers: statuses.append(status)))
    return statuses, body, inner.calls


@pytest.mark.parametrize(("path", "method"), [("/ecslab/reset", "POST"), ("/moto-api/reset", "POST"),
                                              ("/moto-api/state-manager/set-transition", "POST")])
def test_a_student_on_the_lan_cannot_wipe_the_class(path, method):
    statuses, body, calls = answer(path, method, "192.168.0.23")
    assert statuses == ["403 Forbidden"] and calls == 0
    assert "Só o instrutor" in json.loads(body)["erro"] and "ecslab limpar" in json.loads(body)["erro"]


@pytest.mark.parametrize(("path", "method", "remote", "reaches_moto"), [
    ("/moto-api/reset", "POST", "127.0.0.1", True),  # the instructor, on the emulator's machine
    ("/moto-api/reset", "POST", "::1", True),
    ("/moto-api/data.json", "GET", "192.168.0.23", True),  # reading is allowed
    ("/ecslab/relogio", "GET", "192.168.0.23", False),  # lab 05 moves the shared clock from a student's machine
    ("/", "POST", "192.168.0.23", True),  # AWS calls
])
def test_everything_else_passes(path, method, remote, reaches_moto):
    statuses, _, calls = answer(path, method, remote)
    assert statuses == ["200 OK"] and calls == int(reaches_moto)


def test_reads_alone_still_move_tasks_along(sim):
    """With no write after create_service, only describe calls follow: the tasks still start (events are due)."""
    sim.ecs.create_cluster(clusterName="leituras")
    sim.ecs.register_task_definition(
        family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx", "essential": True}])
    vpc = sim.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnet = sim.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    sim.ecs.create_service(cluster="leituras", serviceName="web", taskDefinition="web", desiredCount=2,
                           launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                               "subnets": [subnet], "assignPublicIp": "ENABLED"}})
    deadline = time.monotonic() + 30
    running = 0
    while time.monotonic() < deadline and running < 2:
        running = sim.ecs.describe_services(cluster="leituras", services=["web"])["services"][0]["runningCount"]
        time.sleep(0.05)
    assert running == 2
    # no securityGroups: AWS uses the VPC's default security group (and so does the emulator)
    task = sim.ecs.describe_tasks(cluster="leituras", tasks=sim.ecs.list_tasks(cluster="leituras")["taskArns"][:1])
    eni = next(d["value"] for d in task["tasks"][0]["attachments"][0]["details"] if d["name"] == "networkInterfaceId")
    groups = sim.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]["Groups"]
    default = sim.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                        {"Name": "group-name", "Values": ["default"]}])
    assert [g["GroupId"] for g in groups] == [default["SecurityGroups"][0]["GroupId"]]

