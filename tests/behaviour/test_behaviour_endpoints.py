"""The emulator's own endpoints added by `wrap`: the clock and the partial reset."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import boto3
import pytest


def post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST")
    return json.loads(urllib.request.urlopen(request, timeout=30).read())


def test_clock_reports_scale_and_moves_forward(sim):
    now = json.loads(urllib.request.urlopen(f"{sim.url}/ecslab/relogio", timeout=30).read())
    assert now["escala"] == 200.0
    later = post(f"{sim.url}/ecslab/relogio", {"avancar": 1000})["agora"]
    assert later - now["agora"] >= 1000


def test_an_infinite_move_of_the_clock_is_refused_and_the_emulator_goes_on(sim):
    before = json.loads(urllib.request.urlopen(f"{sim.url}/ecslab/relogio", timeout=30).read())["agora"]
    for value in ("Infinity", "NaN", "1e300"):
        request = urllib.request.Request(f"{sim.url}/ecslab/relogio", data=f'{{"avancar": {value}}}'.encode(),
                                         method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 400
        assert "informe um número de segundos" in json.loads(refused.value.read())["erro"]
    after = json.loads(urllib.request.urlopen(f"{sim.url}/ecslab/relogio", timeout=30).read())["agora"]
    assert before <= after < before + 3600
    assert sim.ecs.create_cluster(clusterName="depois")["cluster"]["status"] == "ACTIVE"


def test_a_paused_clock_stands_still_and_moves_only_when_advanced(sim):
    with sim.paused():
        stopped = sim.advance(0)
        time.sleep(0.1)  # 20 simulated seconds at this scale, were the clock running
        assert sim.advance(0) == stopped
        assert sim.advance(30) == stopped + 30
    time.sleep(0.1)
    assert sim.advance(0) > stopped + 30


def test_partial_reset_keeps_iam_and_clears_the_rest(sim):
    iam = boto3.client("iam", endpoint_url=sim.url, region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    iam.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument="{}")
    sim.ecs.create_cluster(clusterName="lab")
    sim.ec2.create_vpc(CidrBlock="10.0.0.0/16")
    answer = post(f"{sim.url}/ecslab/reset", {})
    assert "ecs" in answer["reiniciados"] and answer["mantidos"] == ["iam"]
    assert sim.ecs.list_clusters()["clusterArns"] == []
    assert [v["CidrBlock"] for v in sim.ec2.describe_vpcs()["Vpcs"]] == ["172.31.0.0/16"]  # the default VPC only
    assert iam.get_role(RoleName="ecsTaskExecutionRole")["Role"]["RoleName"] == "ecsTaskExecutionRole"
    post(f"{sim.url}/ecslab/reset", {"manter": []})
    assert iam.list_roles()["Roles"] == []


def test_a_test_emulator_keeps_its_state_in_the_runs_own_folder(sim):
    """Not in the user's ~/.cache/ecslab, where an emulator on a reused port found another run's snapshot and
    refused to start (or would have loaded it)."""
    import os
    from pathlib import Path
    from urllib.parse import urlparse

    name = f"emulador-{urlparse(sim.url).port}.estado"
    sim.ecs.create_cluster(clusterName="estado")
    own = Path(os.environ["ECSLAB_ESTADO"]) / name
    deadline = time.monotonic() + 30
    while not own.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert own.exists()
    assert not (Path.home() / ".cache" / "ecslab" / name).exists()
