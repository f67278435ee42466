"""When the emulator is gone (killed, the laptop slept), every entry point says so in Portuguese at once: a boto3
call of the notebook, the checks, the CLI. A new emulator started in place of a killed one says that the saved state
came back (or, with none saved, that it starts empty). No command prints a Python traceback; `--porta` works after
any subcommand."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from ecslab_testutil import cli_as, free_port, wait_for_snapshot

from ecslab import cli
from ecslab.checks.framework import executar
from ecslab.config import Config
from ecslab.errors import BackendFora
from ecslab.session import Sessao


@pytest.fixture
def killed(tmp_path, monkeypatch):
    """A session whose emulator was killed with SIGKILL after the student created a cluster."""
    monkeypatch.setenv("ECSLAB_ESTADO", str(tmp_path))
    port = free_port()
    s = Sessao(Config(backend="emulador", porta=port, aluno="ana")).open()
    s.client("ecs").create_cluster(clusterName="ana-02-cluster")
    wait_for_snapshot(port)  # what a kill -9 can lose: the calls of the last second, not yet in the snapshot
    pid = int((tmp_path / f"emulador-{port}.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.05)
    yield s, port, tmp_path
    cli_as("ana", "emulador", "parar", "--porta", str(port), state=tmp_path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()[:1] \
        not in ("Z", "")


def test_a_call_to_a_killed_emulator_says_so_at_once(killed):
    s, port, _ = killed
    started = time.monotonic()
    with pytest.raises(BackendFora) as gone:
        s.client("ecs").list_clusters()
    assert time.monotonic() - started < 5  # not boto3's eight retries with growing pauses
    assert f"O emulador não responde em http://127.0.0.1:{port}" in str(gone.value)
    assert "ecslab emulador iniciar" in gone.value.dica
    assert gone.value._render_traceback_() == [f"❌ {gone.value}"]  # one line in a notebook, no traceback


def test_the_checks_stop_at_a_gone_emulator_instead_of_failing_each_check(killed):
    s, _, _ = killed
    started = time.monotonic()
    with pytest.raises(BackendFora):
        executar("02", sessao=s, espera=0)
    assert time.monotonic() - started < 5


def test_a_new_emulator_in_place_of_a_killed_one_says_the_state_came_back(killed):
    _, port, state = killed
    result = cli_as("ana", "inventario", "--porta", str(port), state=state)
    assert result.returncode == 0, result.stderr
    assert f"O emulador da porta {port} parou sem ser desligado" in result.stderr
    assert "estado gravado do anterior" in result.stderr and "Traceback" not in result.stderr
    assert "ana-02-cluster" in result.stdout  # the cluster created before the kill is back
    again = cli_as("ana", "inventario", "--porta", str(port), state=state)  # said once, not at every start
    assert "parou sem ser desligado" not in again.stderr


def test_a_new_emulator_in_place_of_a_killed_one_without_a_snapshot_says_it_starts_empty(killed):
    _, port, state = killed
    (state / f"emulador-{port}.estado").unlink()
    result = cli_as("ana", "inventario", "--porta", str(port), state=state)
    assert result.returncode == 0, result.stderr
    assert f"O emulador da porta {port} parou sem ser desligado" in result.stderr
    assert "vazio" in result.stderr and "Traceback" not in result.stderr
    again = cli_as("ana", "inventario", "--porta", str(port), state=state)  # said once, not at every start
    assert "parou sem ser desligado" not in again.stderr


def test_an_unexpected_error_in_a_command_is_one_portuguese_line_and_a_log(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ECSLAB_ESTADO", str(tmp_path))

    def broken(args):
        raise KeyError("taskDefinition")

    monkeypatch.setattr(cli, "cmd_inventario", broken)
    assert cli.main(["inventario"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("❌ Erro inesperado dentro do ecslab (KeyError).")
    assert "Traceback" not in err and str(tmp_path / "erros.log") in err
    assert "KeyError: 'taskDefinition'" in (tmp_path / "erros.log").read_text()


def test_porta_after_the_subcommand(tmp_path):
    port = free_port()
    for args in (["emulador", "status", "--porta", str(port)], ["--porta", str(port), "emulador", "status"]):
        result = cli_as("ana", *args, state=tmp_path)
        assert result.returncode == 1 and f"não está em execução na porta {port}" in result.stdout, result
