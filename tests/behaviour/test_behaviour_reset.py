"""POST /ecslab/reset forgets CloudFormation stacks too: in a running emulator, and in one that restored its state from
disk (persistence), where moto had not yet listed the restored CloudFormation backend among those a reset walks."""

from __future__ import annotations

import json
import urllib.request

import boto3
from behaviour_testutil import FAST_SCALE, start_emulator, stop_emulator
from botocore.config import Config
from lab_harness import free_port

TEMPLATE = json.dumps({"Resources": {"Cluster": {"Type": "AWS::ECS::Cluster",
                                                 "Properties": {"ClusterName": "pilha"}}}})


def _cloudformation(url: str):
    return boto3.client("cloudformation", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1}))


def _reset(url: str) -> dict:
    request = urllib.request.Request(f"{url}/ecslab/reset", method="POST")
    return json.loads(urllib.request.urlopen(request, timeout=60).read())


def _stacks(url: str) -> list[str]:
    return [s["StackName"] for s in _cloudformation(url).list_stacks()["StackSummaries"]]


def test_reset_clears_cloudformation_stacks_also_after_a_restart(tmp_path):
    env = {"ECSLAB_ESTADO": str(tmp_path / "estado")}
    port = free_port()
    process, url = start_emulator(FAST_SCALE, tmp_path / "primeiro.log", env, port=port)
    try:
        _cloudformation(url).create_stack(StackName="antes", TemplateBody=TEMPLATE)
        _reset(url)
        assert _stacks(url) == []
        _cloudformation(url).create_stack(StackName="salva", TemplateBody=TEMPLATE)
        assert _stacks(url) == ["salva"]
    finally:
        stop_emulator(process)  # a clean stop writes the last snapshot
    process, url = start_emulator(FAST_SCALE, tmp_path / "segundo.log", env, port=port)
    try:
        answer = _reset(url)  # the first call after the restart: nobody asked CloudFormation anything yet
        assert "cloudformation" in answer["reiniciados"]
        assert _stacks(url) == []
        ecs = boto3.client("ecs", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing")
        assert ecs.list_clusters()["clusterArns"] == []
    finally:
        stop_emulator(process)
    for log in ("primeiro.log", "segundo.log"):
        assert "Traceback" not in (tmp_path / log).read_text()
