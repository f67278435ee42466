"""moto's serializer with the emulator's shortcuts (alias lists and path transformers kept, the value of each member
read from the kept list, the method of each shape kept per class) writes the same bytes as moto's own code, for
every protocol the labs use."""

from __future__ import annotations

import inspect

import pytest
from moto.core.serialize import AttributePicker, ResponseSerializer, XFormedAttributePicker, get_serializer_class
from moto.core.utils import get_service_model

from ecslab.behaviour import moto_patches
from ecslab.emulator import speedups

ACCOUNT, REGION = "123456789012", "us-east-1"


def serialize(service: str, operation: str, result, transformers=None) -> dict:
    model = get_service_model(service).operation_model(operation)
    serializer = get_serializer_class(service, model.metadata["protocol"])
    return serializer(model, value_picker=XFormedAttributePicker(response_transformers=transformers)).serialize(result)


@pytest.fixture(scope="module")
def answers():
    """(service, operation, result, transformers) for answers the labs read, built by moto's own backends."""
    from moto.autoscaling.models import autoscaling_backends
    from moto.ec2.models import ec2_backends
    from moto.ecs.exceptions import ClusterNotFoundException
    from moto.ecs.models import ecs_backends
    from moto.iam.models import iam_backends
    from moto.iam.responses import IamResponse

    moto_patches.install()
    speedups.named("serializer").install()
    ec2 = ec2_backends[ACCOUNT][REGION]
    vpc = ec2.create_vpc("10.77.0.0/16")
    subnets = [ec2.create_subnet(vpc.id, f"10.77.{i}.0/24", tags={"subnet": {"ecslab:aluno": f"s{i}"}})
               for i in range(3)]
    for i in range(4):
        group = ec2.create_security_group(f"serial-{i}", "grupo", vpc.id, tags={"ecslab:aluno": f"a{i}"})
        ec2.authorize_security_group_ingress(group.id, "tcp", 80, 80, ip_ranges=[{"CidrIp": "0.0.0.0/0"}])
    ecs = ecs_backends[ACCOUNT][REGION]
    clusters = [ecs.create_cluster(f"serial-{i}", tags=[{"key": "ecslab:aluno", "value": f"a{i}"}])
                for i in range(2)]
    ecs.register_task_definition("serial-web", [{"name": "web", "image": "nginx", "essential": True,
                                                 "portMappings": [{"containerPort": 80}]}],
                                 network_mode="awsvpc", requires_compatibilities=["FARGATE"], cpu="256", memory="512")
    iam = iam_backends[ACCOUNT]["global"]
    roles = [iam.create_role(f"serial-{i}", '{"Version": "2012-10-17"}', "/serial/", None, "papel", [], None)
             for i in range(2)]
    groups = autoscaling_backends[ACCOUNT][REGION].describe_auto_scaling_groups([])
    try:
        ecs.describe_services("nao-existe", ["x"])
    except ClusterNotFoundException as exc:
        missing = exc
    return [
        ("ec2", "DescribeSecurityGroups", {"SecurityGroups": ec2.describe_security_groups()}, None),
        ("ec2", "DescribeSubnets", {"Subnets": subnets}, None),
        ("ec2", "DescribeVpcs", {"Vpcs": ec2.describe_vpcs()}, None),
        ("ecs", "DescribeClusters", {"clusters": clusters, "failures": []}, None),
        ("ecs", "DescribeTaskDefinition", {"taskDefinition": ecs.describe_task_definition("serial-web")}, None),
        ("ecs", "DescribeServices", missing, None),
        ("iam", "ListRoles", {"Roles": roles, "IsTruncated": False}, IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER),
        ("iam", "GetRole", {"Role": roles[0]}, IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER),
        ("autoscaling", "DescribeAutoScalingGroups", {"AutoScalingGroups": groups}, None),
    ]


def test_answers_are_the_bytes_moto_writes(answers, monkeypatch):
    fast = [serialize(*answer) for answer in answers]
    for owner, name in ((ResponseSerializer, "get_value"), (ResponseSerializer, "_serialize"),
                        (AttributePicker, "__call__"), (AttributePicker, "get_possible_keys"),
                        (XFormedAttributePicker, "get_possible_keys")):
        patched = owner.__dict__[name]
        assert inspect.unwrap(patched) is not patched
        monkeypatch.setattr(owner, name, inspect.unwrap(patched))  # moto's own
    for answer, mine in zip(answers, fast, strict=True):
        assert mine == serialize(*answer), answer[:2]
    bodies = "".join(str(mine["body"]) for mine in fast)
    for expected in ("serial-3", "10.77.2.0/24", "serial-web", "ClusterNotFoundException", "/serial/", "%7B"):
        assert expected in bodies  # the answers carry what was built (the role's policy url-encoded)
