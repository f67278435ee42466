"""A call the emulator cannot handle (a crash inside moto) is answered in AWS's shape and words: the request's
service's validation error, never Python's text; the traceback goes to the emulator's log for maintainers."""

from __future__ import annotations

import boto3
import pytest
from behaviour_testutil import FAST_SCALE, start_emulator, stop_emulator
from botocore.config import Config
from botocore.exceptions import ClientError

PYTHON_WORDS = ("Error:", "Exception:", "StopIteration", "KeyError", "AttributeError", "ValueError", "NoneType",
                "Traceback", "unpack")


@pytest.fixture(scope="module")
def own_emulator(tmp_path_factory):
    """An emulator of its own: these calls log tracebacks, which the shared one treats as a failure."""
    log = tmp_path_factory.mktemp("erros-internos") / "stderr.log"
    process, url = start_emulator(FAST_SCALE, log)
    try:
        yield url, log
    finally:
        stop_emulator(process)


CALLS = {
    "autoscaling.terminate_instance_in_auto_scaling_group": (
        "autoscaling", "terminate_instance_in_auto_scaling_group",
        {"InstanceId": "i-0123456789abcdef0", "ShouldDecrementDesiredCapacity": True}),
    "ecs.delete_capacity_provider": ("ecs", "delete_capacity_provider", {"capacityProvider": "nope"}),
    "application-autoscaling.register_scalable_target": (
        "application-autoscaling", "register_scalable_target",
        {"ServiceNamespace": "ecs", "ResourceId": "service/nope", "ScalableDimension": "ecs:service:DesiredCount",
         "MinCapacity": 1, "MaxCapacity": 2}),
    "autoscaling.set_desired_capacity": ("autoscaling", "set_desired_capacity",
                                         {"AutoScalingGroupName": "nope", "DesiredCapacity": 1}),
    "ec2.describe_launch_template_versions": ("ec2", "describe_launch_template_versions",
                                              {"LaunchTemplateName": "nope", "Versions": ["abc"]}),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_a_crash_is_answered_in_aws_shape_without_python_text(own_emulator, name):
    url, log = own_emulator
    service, operation, params = CALLS[name]
    client = boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as refused:
        getattr(client, operation)(**params)
    error = refused.value.response["Error"]
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] and error["Message"], error
    assert not any(word in error["Message"] for word in PYTHON_WORDS), error
    assert error["Message"][0].isupper(), error


def test_the_emulator_log_keeps_the_tracebacks(own_emulator):
    url, log = own_emulator
    client = boto3.client("application-autoscaling", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError):
        client.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/nope",
                                        ScalableDimension="ecs:service:DesiredCount", MinCapacity=1, MaxCapacity=2)
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "ValueError: not enough values to unpack" in text
