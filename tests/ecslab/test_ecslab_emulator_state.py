"""The emulator's state survives: a `kill -9` and `ecslab emulador reiniciar` lose nothing (resources and simulated
time come back); `reiniciar --limpo` starts empty and says so; a snapshot from another version, or a damaged one, is
refused with a pt-BR message that says what to run, and nothing of it is loaded. Over HTTP, with real emulator
processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import boto3
import psutil
import pytest
from ecslab_testutil import cli_as, free_port, wait_for_snapshot

ADVANCED = 5000.0  # simulated seconds the clock is moved forward: a clock that starts again from zero shows




def _client(service: str, port: int):
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _clock(port: int, advance: float | None = None) -> float:
    from ecslab.backends import emulador

    status, answer = emulador.call_endpoint(emulador.endpoint(port), "/ecslab/relogio",
                                            {"avancar": advance} if advance is not None else None)
    assert status == 200, answer
    return float(answer["agora"])


def _what_ana_has(port: int) -> dict:
    ec2 = _client("ec2", port)
    return {
        "clusters": _client("ecs", port).list_clusters()["clusterArns"],
        "vpcs": sorted(v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"] if v["CidrBlock"] == "10.42.0.0/16"),
        "parameter": [p["Name"] for p in _client("ssm", port).describe_parameters()["Parameters"]],
        "roles": [r["RoleName"] for r in _client("iam", port).list_roles()["Roles"] if r["RoleName"].startswith("ana")],
    }


@pytest.fixture
def emulator(tmp_path):
    """An emulator of its own (own port and state directory) holding a few of ana's resources, the clock moved."""
    port = free_port()
    started = cli_as("ana", "emulador", "iniciar", "--porta", str(port), state=tmp_path)
    assert started.returncode == 0, started.stderr
    assert "começou vazio" in started.stdout
    _client("ecs", port).create_cluster(clusterName="ana-01-cluster")
    _client("ec2", port).create_vpc(CidrBlock="10.42.0.0/16")
    _client("ssm", port).put_parameter(Name="/ana/01/versao", Value="1", Type="String")
    _client("iam", port).create_role(RoleName="ana-01-execucao", AssumeRolePolicyDocument="{}")
    _clock(port, ADVANCED)
    before = _what_ana_has(port)
    assert before["clusters"] and before["vpcs"] and before["parameter"] and before["roles"], before
    yield port, tmp_path, before
    cli_as("ana", "emulador", "parar", "--porta", str(port), state=tmp_path)


def test_state_and_simulated_time_come_back_after_a_kill_9(emulator):
    port, state, before = emulator
    snapshot = wait_for_snapshot(port)
    assert snapshot["bytes"] > 0 and snapshot["arquivo"] == str(state / f"emulador-{port}.estado")
    clock_at_kill = _clock(port)
    pid = int((state / f"emulador-{port}.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        time.sleep(0.05)
    started = cli_as("ana", "emulador", "iniciar", "--porta", str(port), state=state)
    assert started.returncode == 0, started.stderr
    assert "parou sem ser desligado" in started.stderr and "estado gravado do anterior" in started.stderr
    assert "Estado anterior restaurado" in started.stdout
    assert _what_ana_has(port) == before
    clock = _clock(port)
    assert ADVANCED <= clock < clock_at_kill + 600, (clock, clock_at_kill)  # continues: neither zero nor a jump


def test_reiniciar_keeps_the_state_even_without_waiting_for_a_snapshot(emulator):
    port, state, before = emulator
    _client("ecs", port).create_cluster(clusterName="ana-02-cluster")  # the emulator stops right after it
    clock_before = _clock(port)
    result = cli_as("ana", "emulador", "reiniciar", "--porta", str(port), state=state)
    assert result.returncode == 0, result.stderr
    assert "Estado anterior restaurado" in result.stdout and "Traceback" not in result.stderr
    after = _what_ana_has(port)
    assert sorted(after.pop("clusters")) == sorted([*before.pop("clusters"),
                                                    "arn:aws:ecs:us-east-1:123456789012:cluster/ana-02-cluster"])
    assert after == before
    assert _clock(port) >= clock_before


def test_reiniciar_limpo_starts_empty_and_says_so(emulator):
    port, state, _ = emulator
    result = cli_as("ana", "emulador", "reiniciar", "--limpo", "--porta", str(port), state=state)
    assert result.returncode == 0, result.stderr
    assert "Estado gravado apagado" in result.stdout and "começa vazio" in result.stdout
    assert "começou vazio" in result.stdout
    assert _what_ana_has(port) == {"clusters": [], "vpcs": [], "parameter": [], "roles": []}
    assert _clock(port) < ADVANCED


def _refused(result: subprocess.CompletedProcess, port: int, state: Path) -> None:
    assert result.returncode != 0
    assert "não foi carregado" in result.stderr and "ecslab emulador reiniciar --limpo" in result.stderr
    assert "Traceback" not in result.stderr
    from ecslab.backends import emulador

    assert emulador.probe(port).estado == "livre"  # no emulator started empty in its place
    assert (state / f"emulador-{port}.estado").exists()  # kept: only --limpo deletes it


def test_a_snapshot_of_another_version_is_refused_and_nothing_is_loaded(emulator):
    port, state, _ = emulator
    assert cli_as("ana", "emulador", "parar", "--porta", str(port), state=state).returncode == 0
    path = state / f"emulador-{port}.estado"
    header, _, body = path.read_bytes().partition(b"\n")
    older = dict(json.loads(header), moto="4.0.0")
    path.write_bytes(json.dumps(older).encode() + b"\n" + body)
    result = cli_as("ana", "emulador", "iniciar", "--porta", str(port), state=state)
    _refused(result, port, state)
    assert "moto 4.0.0" in result.stderr
    cleaned = cli_as("ana", "emulador", "reiniciar", "--limpo", "--porta", str(port), state=state)
    assert cleaned.returncode == 0 and "começou vazio" in cleaned.stdout, cleaned.stderr
    assert _what_ana_has(port)["clusters"] == []


def test_a_damaged_snapshot_is_refused_by_the_emulator_itself(emulator):
    port, state, _ = emulator
    assert cli_as("ana", "emulador", "parar", "--porta", str(port), state=state).returncode == 0
    path = state / f"emulador-{port}.estado"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # the header is right, the pickle cut in half
    result = cli_as("ana", "emulador", "iniciar", "--porta", str(port), state=state)
    _refused(result, port, state)
    assert "danificado" in result.stderr
