"""`ecslab turma iniciar` and the students' side: ECSLAB_ENDPOINT to the class emulator, pt-BR errors."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
import urllib.error
import urllib.request

import pytest
from ecslab_testutil import free_port, run_cli

from ecslab.backends import emulador
from ecslab.cleanup import limpar
from ecslab.config import Config
from ecslab.errors import ErroLab
from ecslab.session import Sessao
from ecslab.turma import alunos_vistos
from ecslab.turma.emulator import lan_address


def _status(url: str) -> dict:
    with urllib.request.urlopen(url + "/ecslab/status", timeout=5) as resp:
        return json.loads(resp.read())


def test_iniciar_prints_what_students_set(turma):
    out = turma.started
    assert f"escuta em 127.0.0.1, portas {turma.port} a {turma.port + 1} (2 processos" in out
    for line in ("ECSLAB_BACKEND=emulador", f"ECSLAB_ENDPOINT=http://127.0.0.1:{turma.port}",
                 "ECSLAB_ALUNO=<seu-nome>"):
        assert re.search(rf"^\s+{re.escape(line)}$", out, re.M), out
    assert _status(turma.endpoint)["endereco"] == "127.0.0.1"
    assert _status(f"http://127.0.0.1:{turma.port + 1}")["turma"] == [turma.port, turma.port + 1]
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
    served = Sessao(Config(backend="emulador", aluno="zoe", endpoint=turma.endpoint)).endpoint_url
    assert f"A turma roda em 2 processos; o aluno zoe é atendido pelo de {served}." in status.stdout
    started = run_cli("emulador", "iniciar", env=env)  # what `make labs` runs first
    assert started.returncode == 0 and "Emulador da turma" in started.stdout
    refused = run_cli("emulador", "parar", env=env)
    assert refused.returncode == 2 and "instrutor" in refused.stderr
    assert emulador.probe(local_port).estado == "livre"
    assert emulador.probe_url(turma.endpoint).estado == "nosso"

    # Zoe's session talks to the process that serves her (the first or the second: placement depends on who asked
    # before her), always the same one.
    assert served in emulador.class_endpoints(turma.endpoint)
    s = Sessao(Config(backend="emulador", aluno="zoe", endpoint=turma.endpoint))
    assert s.endpoint_url == served and s.account_id() == "123456789012"


def test_student_with_a_dead_endpoint_gets_told_what_to_do(turma, monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    env = turma.student_env("zoe", ECSLAB_ENDPOINT=dead)
    result = run_cli("verificar", "00", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"O emulador da turma não responde em {dead}" in result.stderr
    assert "instrutor" in result.stderr
    with pytest.raises(ErroLab, match="não responde"):
        Sessao(Config(backend="emulador", aluno="zoe", endpoint=dead)).open()

    invalid = run_cli("inventario", env=turma.student_env("zoe", ECSLAB_ENDPOINT="sala 3"))
    assert invalid.returncode == 2 and "ECSLAB_ENDPOINT inválido" in invalid.stderr
    monkeypatch.setenv("ECSLAB_ENDPOINT", "192.168.0.10:4566/")
    monkeypatch.setenv("ECSLAB_BACKEND", "emulador")
    assert Config.from_env().endpoint == "http://192.168.0.10:4566"
    monkeypatch.setenv("ECSLAB_BACKEND", "aws")
    assert Sessao(Config.from_env()).open().endpoint_url is None  # AWS's own endpoints: the class's is not asked


def _student(endpoint: str, aluno: str) -> Sessao:
    return Sessao(Config(backend="emulador", aluno=aluno, endpoint=endpoint)).open()


def test_each_student_is_served_by_one_process_of_the_class(turma, base):
    first, second = _student(turma.endpoint, "tico"), _student(turma.endpoint, "teco")
    ports = {turma.port, turma.port + 1}
    assert {first.endpoint_url, second.endpoint_url} == {f"http://127.0.0.1:{p}" for p in ports}  # one on each
    assert _student(turma.endpoint, "tico").endpoint_url == first.endpoint_url  # and there to stay
    other = f"http://127.0.0.1:{turma.port + 1}"  # ECSLAB_ENDPOINT naming the second process by mistake
    assert _student(other, "teco").endpoint_url == second.endpoint_url
    assert base.for_student("teco").endpoint_url == second.endpoint_url  # the instructor finds them there too
    assert [p.endpoint_url for p in base.per_process()] == [turma.endpoint, other]

    tags = [{"Key": "Name", "Value": "tico-00-sg"}, {"Key": "ecslab:aluno", "Value": "tico"},
            {"Key": "ecslab:lab", "Value": "00"}]
    first.client("ec2").create_security_group(GroupName="tico-00-sg", Description="tico",
                                              TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}])
    try:  # what a student creates lives in their process only, and the class's roster sees it
        found = {g["GroupName"] for p in base.per_process() if p.endpoint_url == first.endpoint_url
                 for g in p.client("ec2").describe_security_groups()["SecurityGroups"]}
        elsewhere = {g["GroupName"] for p in base.per_process() if p.endpoint_url != first.endpoint_url
                     for g in p.client("ec2").describe_security_groups()["SecurityGroups"]}
        assert "tico-00-sg" in found and "tico-00-sg" not in elsewhere
        assert "tico" in alunos_vistos(base)
    finally:
        limpar(sessao=first)
    assert "tico" not in alunos_vistos(base)

    with urllib.request.urlopen(f"{turma.endpoint}/ecslab/turma?aluno=teco", timeout=5) as resp:
        assert json.loads(resp.read())["porta"] == int(second.endpoint_url.rsplit(":", 1)[1])
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{turma.endpoint}/ecslab/turma", timeout=5)
    assert missing.value.code == 400


def test_a_class_of_two_processes_starts_whole_or_not_at_all(turma):
    port = free_port(span=2)
    with socket.socket() as taken:  # another program on the second port
        taken.bind(("127.0.0.1", port + 1))
        taken.listen()
        refused = turma.cli("turma", "iniciar", "--porta", str(port), "--processos", "2")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"A porta {port + 1} (processo 2 de 2 da turma) está ocupada" in refused.stderr
    assert "--processos" in refused.stderr
    assert emulador.probe(port).estado == "livre"  # nothing left half-started
    bad = turma.cli("turma", "iniciar", "--porta", str(port), "--processos", "0")
    assert bad.returncode == 2 and "Número de processos inválido" in bad.stderr

    started = turma.cli("turma", "iniciar", "--porta", str(port), "--processos", "2")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        url = f"http://127.0.0.1:{port}"
        placed = [_student(url, name).endpoint_url for name in ("um", "dois")]  # a fresh class: one on each
        assert placed == [url, f"http://127.0.0.1:{port + 1}"]
        second = _status(f"http://127.0.0.1:{port + 1}")
        os.kill(second["pid"], signal.SIGTERM)  # one process of the class stops
        _wait_until(lambda: emulador.probe(port + 1).estado == "livre")
        with pytest.raises(ErroLab, match="não responde") as unreachable:  # its students are told what to do
            _student(url, "dois")
        assert "firewall" in unreachable.value.dica
        again = turma.cli("turma", "iniciar", "--porta", str(port))
        assert again.returncode == 0 and "já estava em execução" in again.stdout
        assert _status(f"http://127.0.0.1:{port + 1}")["pid"] != second["pid"]  # back, as part of the class
        assert _status(f"http://127.0.0.1:{port + 1}")["turma"] == [port, port + 1]
        os.kill(_status(url)["pid"], signal.SIGTERM)  # now the first one, which places the students
        _wait_until(lambda: emulador.probe(port).estado == "livre")
        assert turma.cli("turma", "iniciar", "--porta", str(port)).returncode == 0  # back, as nothing answers there
        assert [_student(url, name).endpoint_url for name in ("um", "dois")] == placed  # sent where they were
    finally:
        stopped = turma.cli("turma", "parar", "--porta", str(port))
    assert stopped.returncode == 0 and "parado" in stopped.stdout
    assert emulador.probe(port).estado == "livre" and emulador.probe(port + 1).estado == "livre"


def _wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
