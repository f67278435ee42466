"""`ecslab turma iniciar` and the students' side: ECSLAB_ENDPOINT to the class emulator, pt-BR errors."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from ecslab_testutil import free_port, run_cli

from ecslab.backends import emulador
from ecslab.config import Config
from ecslab.errors import ErroLab
from ecslab.session import Sessao
from ecslab.turma.emulator import lan_address


def _status(url: str) -> dict:
    with urllib.request.urlopen(url + "/ecslab/status", timeout=5) as resp:
        return json.loads(resp.read())


def test_iniciar_prints_what_students_set(turma):
    out = turma.started
    assert "escuta em 127.0.0.1" in out
    for line in ("ECSLAB_BACKEND=emulador", f"ECSLAB_ENDPOINT=http://127.0.0.1:{turma.port}",
                 "ECSLAB_ALUNO=<seu-nome>"):
        assert re.search(rf"^\s+{re.escape(line)}$", out, re.M), out
    assert _status(turma.endpoint)["endereco"] == "127.0.0.1"
    page = turma.state / "turma.html"
    assert f"Página para projetar ou compartilhar: {page}" in out
    html = page.read_text()
    assert '<html lang="pt-BR">' in html and f"ECSLAB_ENDPOINT=http://127.0.0.1:{turma.port}" in html
    assert "<script" not in html and "<link" not in html

    pid = _status(turma.endpoint)["pid"]
    again = turma.cli("turma", "iniciar")
    assert again.returncode == 0 and "já estava em execução" in again.stdout
    assert _status(turma.endpoint)["pid"] == pid


def test_iniciar_refuses_an_address_it_cannot_use(turma):
    port = str(free_port())
    foreign = turma.cli("turma", "iniciar", "--porta", port, "--endereco", "203.0.113.7")  # TEST-NET-3: not ours
    assert foreign.returncode == 2
    assert "não pertence a esta máquina" in foreign.stderr and "Traceback" not in foreign.stderr
    bad = turma.cli("turma", "iniciar", "--porta", port, "--endereco", "sala-3")
    assert bad.returncode == 2 and "Endereço inválido" in bad.stderr
    assert emulador.probe(int(port)).estado == "livre"
    busy = turma.cli("turma", "iniciar", "--porta", str(turma.port), "--endereco", "0.0.0.0")
    assert busy.returncode == 2 and "escutando em 127.0.0.1" in busy.stderr


def test_iniciar_on_a_lan_address_warns_and_listens_only_there(turma):
    lan = lan_address()
    if not lan:
        pytest.skip("esta máquina não tem endereço de rede além do loopback")
    port = free_port()
    started = turma.cli("turma", "iniciar", "--porta", str(port), "--endereco", lan)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert "Atenção" in started.stdout and "sem senha" in started.stdout
        assert f"ECSLAB_ENDPOINT=http://{lan}:{port}" in started.stdout
        assert emulador.probe_url(f"http://{lan}:{port}").estado == "nosso"
        assert emulador.probe(port).estado == "livre"  # not on 127.0.0.1
    finally:
        stopped = turma.cli("turma", "parar", "--porta", str(port))
    assert stopped.returncode == 0 and "parado" in stopped.stdout
    assert emulador.probe_url(f"http://{lan}:{port}").estado == "livre"


def test_student_with_ecslab_endpoint_uses_the_class_emulator(turma):
    local_port = free_port()  # where the student's own emulator would go: it must stay free
    env = turma.student_env("Zoe", ECSLAB_PORTA=str(local_port))
    checked = run_cli("verificar", "00", "--espera", "0", env=env, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "aluno zoe, backend emulador" in checked.stdout
    status = run_cli("emulador", "status", env=env)
    assert status.returncode == 0 and f"Emulador da turma respondendo em {turma.endpoint}" in status.stdout
    started = run_cli("emulador", "iniciar", env=env)  # what `make labs` runs first
    assert started.returncode == 0 and "Emulador da turma" in started.stdout
    refused = run_cli("emulador", "parar", env=env)
    assert refused.returncode == 2 and "instrutor" in refused.stderr
    assert emulador.probe(local_port).estado == "livre"
    assert emulador.probe_url(turma.endpoint).estado == "nosso"

    s = Sessao(Config(backend="emulador", aluno="zoe", endpoint=turma.endpoint))
    assert s.endpoint_url == turma.endpoint and s.account_id() == "123456789012"


def test_student_with_a_dead_endpoint_gets_told_what_to_do(turma, monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    env = turma.student_env("zoe", ECSLAB_ENDPOINT=dead)
    result = run_cli("verificar", "00", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"O emulador da turma não responde em {dead}" in result.stderr
    assert "instrutor" in result.stderr
    with pytest.raises(ErroLab, match="não responde"):
        Sessao(Config(backend="emulador", aluno="zoe", endpoint=dead))

    invalid = run_cli("inventario", env=turma.student_env("zoe", ECSLAB_ENDPOINT="sala 3"))
    assert invalid.returncode == 2 and "ECSLAB_ENDPOINT inválido" in invalid.stderr
    monkeypatch.setenv("ECSLAB_ENDPOINT", "192.168.0.10:4566/")
    monkeypatch.setenv("ECSLAB_BACKEND", "emulador")
    assert Config.from_env().endpoint == "http://192.168.0.10:4566"
    monkeypatch.setenv("ECSLAB_BACKEND", "aws")
    assert Config.from_env().endpoint is None
