"""The class report on a real class: a finished student, a half-done one, one who cleaned up and an absent one."""

from __future__ import annotations

import ast
import csv
import io
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ecslab.checks.framework import executar
from ecslab.cleanup import limpar
from ecslab.decision import recompute, registrar_decisao
from ecslab.inventory import inventario
from ecslab.provision.cluster import criar_cluster
from ecslab.provision.iam import criar_perfis_iam
from ecslab.provision.labs import preparar_lab
from ecslab.spot_and_load import simular_carga
from ecslab.turma import QuadroTurma, alunos_vistos, relatorio_turma
from ecslab.turma.roster import labs_by_student
from ecslab.wait import avancar_relogio

FINISHED, HALF, CLEANED, ABSENT = "rfabi", "rgil", "rdora", "rhugo"
LABS = ["00", "01", "02", "03", "04", "05", "06", "07", "99"]
EXPECTED = {
    FINISHED: ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "nao_iniciado", "nao_iniciado"],
    HALF: ["ok", "ok", "falha", "nao_iniciado", "nao_iniciado", "nao_iniciado", "nao_iniciado", "nao_iniciado",
           "nao_iniciado"],
    CLEANED: ["ok", "nao_iniciado", "nao_iniciado", "nao_iniciado", "nao_iniciado", "nao_iniciado", "nao_iniciado",
              "nao_iniciado", "ok"],
    ABSENT: ["nao_iniciado"] * 9,
}
WORKLOAD = {"cpu": 512, "memoria": 1024, "tarefas": 2, "tipo_instancia": "t3.medium", "tolera_interrupcao": False,
            "precisa_gpu": False}


def _finish(base) -> None:
    done = base.for_student(FINISHED)
    for lab in ("01", "02", "03", "04"):
        preparar_lab(lab, sessao=done)
    built = preparar_lab("05", sessao=done)
    simular_carga(built["cluster"], built["servico"], 90, sessao=done)
    avancar_relogio(400, sessao=done)  # the alarm fires and the service scales out
    registrar_decisao(WORKLOAD, recompute(WORKLOAD), "fargate", sessao=done)
    for lab in LABS[:7]:  # what the student sees in the notebooks, once everything has settled
        assert executar(lab, sessao=done, espera=30).ok, executar(lab, sessao=done, espera=0).tabela()


def _half(base) -> None:
    half = base.for_student(HALF)
    preparar_lab("01", sessao=half)
    criar_cluster("02", sessao=half)
    criar_perfis_iam("02", sessao=half)


def _clean(base) -> None:
    cleaned = base.for_student(CLEANED)
    preparar_lab("01", sessao=cleaned)
    limpar(sessao=cleaned)


@pytest.fixture(scope="module")
def classe(turma, base) -> dict[str, object]:
    """The class, built once (students in parallel, as in a classroom): every lab for FINISHED, lab 01 and the
    start of 02 for HALF, lab 01 built and cleaned up by CLEANED, nothing for ABSENT. The report is taken later in
    the day, as an instructor does: the simulated clock moves past ECS managed scaling's 15 minutes before a
    scale-in first, and a finished lab stays green."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        for job in [pool.submit(step, base) for step in (_finish, _half, _clean)]:
            job.result()
    avancar_relogio(20 * 60, sessao=base.for_student(FINISHED))
    before = {a: inventario(sessao=base.for_student(a)) for a in (FINISHED, HALF)}
    quadro = relatorio_turma(base, alunos=[FINISHED, HALF, CLEANED, ABSENT], conhecidos=[CLEANED])
    return {"quadro": quadro, "before": before}


def _states(quadro: QuadroTurma, aluno: str) -> list[str]:
    return [quadro.estado(aluno, lab) for lab in LABS]


def inventario_de(base, alunos) -> dict:
    return {a: inventario(sessao=base.for_student(a)) for a in alunos}


def test_cells(classe, base):
    quadro = classe["quadro"]
    assert quadro.labs == LABS
    assert quadro.alunos == [FINISHED, HALF, CLEANED, ABSENT]
    for aluno, expected in EXPECTED.items():
        assert _states(quadro, aluno) == expected, aluno
    half = quadro.celula(HALF, "02")
    assert half.falhas and 0 < half.passaram < half.total
    assert "Cluster criado" not in half.falhas  # the part that was done passes
    assert quadro.onde_parou(HALF) == f"02 · {half.falhas[0]}"
    assert quadro.onde_parou(FINISHED) == "próximo: 07 (diagnóstico)"
    assert quadro.onde_parou(CLEANED) == "concluiu e limpou tudo"
    assert quadro.onde_parou(ABSENT) == "não começou"
    others = {a: labs for a, labs in labs_by_student(base).items() if a not in (FINISHED, HALF)}
    assert quadro.vistos == [FINISHED, HALF], f"also seen: {others} ({inventario_de(base, others)})"


def test_checks_read_only(classe, base):
    # The report changed nothing: the same resources as before it ran.
    for aluno, before in classe["before"].items():
        after = inventario(sessao=base.for_student(aluno))
        assert {(i["tipo"], i["id"]) for v in after.values() for i in v if i["tipo"] != "tarefa"} == \
            {(i["tipo"], i["id"]) for v in before.values() for i in v if i["tipo"] != "tarefa"}


def test_checks_call_only_describe_list_get():
    # Every boto3 call in the checks (and the inventory and roster they use, with the catalogue's listings) reads.
    root = Path(__file__).resolve().parents[2] / "labs" / "ecslab"
    files = [*sorted((root / "checks").glob("*.py")), root / "inventory.py", *sorted((root / "turma").glob("r*.py")),
             root / "resources" / "listing.py", root / "resources" / "kind.py", root / "resources" / "catalogue.py"]
    writes = re.compile(r"^((create|put|update|delete|register|deregister|run|start|stop|terminate|attach|detach|"
                        r"modify|set|release|allocate|associate|disassociate|revoke|authorize|remove|add|execute|"
                        r"submit|send|reboot|enable|disable|reset|copy)_|(un)?tag_resource$)")
    found = [f"{path.name}: {node.func.attr}" for path in files for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and writes.match(node.func.attr)]
    assert not found


def test_lab06_decided_on_a_students_machine_shows_on_the_board(classe, base, tmp_path, monkeypatch):
    """A student on the LAN keeps the decision file on their own machine; the class emulator keeps a copy, and
    the instructor's board (this process, another state directory) sees it."""
    student = "rivo"
    monkeypatch.setenv("ECSLAB_ESTADO", str(tmp_path / "maquina-do-aluno"))
    registrar_decisao(WORKLOAD, recompute(WORKLOAD), "ec2", sessao=base.for_student(student))
    monkeypatch.setenv("ECSLAB_ESTADO", str(tmp_path / "maquina-do-instrutor"))
    quadro = relatorio_turma(base, alunos=[student], labs=["06"])
    assert quadro.celula(student, "06").estado == "ok", quadro.tabela()
    other = relatorio_turma(base, alunos=["rninguem"], labs=["06"])
    assert other.celula("rninguem", "06").estado == "nao_iniciado"


def test_alunos_vistos(classe, base):
    seen = alunos_vistos(base)
    assert {FINISHED, HALF} <= set(seen)
    assert CLEANED not in seen and ABSENT not in seen


def test_terminal_table(classe):
    text = classe["quadro"].tabela()
    symbols = {"ok": "✅", "falha": "❌", "nao_iniciado": "—"}
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    for aluno, expected in EXPECTED.items():
        assert lines[aluno].split()[1:10] == [symbols[s] for s in expected], lines[aluno]
    assert "onde parou" in text and "não iniciado" in text


def test_html_page(classe):
    page = classe["quadro"].html(15)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="pt-BR">' in page
    assert '<meta http-equiv="refresh" content="15">' in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "<link" not in page and "@import" not in page and "url(" not in page
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r'<tr><th scope="row">(\w+)</th>(.*?)</tr>', body)
    cells = {name: re.findall(r'<td class="(ok|falha|nao_iniciado)"', body) for name, body in rows}
    assert cells == EXPECTED
    assert "Legenda" in page and "não iniciado" in page
    assert "<meta http-equiv" not in classe["quadro"].html(None)


def test_csv_records(classe):
    quadro = classe["quadro"]
    rows = list(csv.DictReader(io.StringIO(quadro.csv())))
    assert len(rows) == 4 * len(LABS)
    assert set(rows[0]) == {"momento", "aluno", "lab", "titulo", "estado", "passaram", "total", "falhas"}
    got = {(r["aluno"], r["lab"]): r for r in rows}
    for aluno, expected in EXPECTED.items():
        assert [got[(aluno, lab)]["estado"] for lab in LABS] == expected
    failing = got[(HALF, "02")]
    assert failing["falhas"].split(" | ") == quadro.celula(HALF, "02").falhas
    assert got[(FINISHED, "03")]["falhas"] == ""
    assert all(r["momento"] == quadro.momento.isoformat(timespec="seconds") for r in rows)
    assert not quadro.csv(cabecalho=False).startswith("momento")


def test_cli_relatorio_and_alunos(classe, turma, tmp_path):
    page, records = tmp_path / "progresso.html", tmp_path / "registros.csv"
    first = turma.cli("turma", "relatorio", "--html", str(page), "--csv", str(records), "--aluno", HALF, ABSENT)
    assert first.returncode == 0, first.stderr
    assert re.search(rf"^{HALF}\s+✅ ✅ ❌ —\s+—\s+—\s+—\s+—\s+—\s+02 · ", first.stdout, re.M), first.stdout
    assert re.search(rf"^{ABSENT}\s+—(\s+—){{8}}\s+não começou$", first.stdout, re.M), first.stdout
    assert '<html lang="pt-BR">' in page.read_text() and '<meta http-equiv="refresh"' in page.read_text()
    again = turma.cli("turma", "relatorio", "--csv", str(records), "--aluno", ABSENT)
    assert again.returncode == 0, again.stderr
    lines = records.read_text().splitlines()
    assert lines[0].startswith("momento,") and len(lines) == 1 + 3 * len(LABS)  # appended, one header

    listed = turma.cli("turma", "alunos")
    assert listed.returncode == 0, listed.stderr
    assert re.search(rf"{FINISHED}\s+laboratórios com recursos: 01, 02, 03, 04, 05", listed.stdout)
    assert re.search(rf"{HALF}\s+laboratórios com recursos: 01, 02", listed.stdout)


def test_cli_relatorio_refreshes_until_ctrl_c(classe, turma, tmp_path):
    page, printed = tmp_path / "ao-vivo.html", tmp_path / "saida.txt"
    # PYTHONFAULTHANDLER: should it ever hang, SIGABRT prints where each of its threads stands.
    proc = subprocess.Popen([sys.executable, "-m", "ecslab.cli", "turma", "relatorio", "--html", str(page),
                             "--atualizar", "0.5", "--aluno", ABSENT], env={**turma.env, "PYTHONFAULTHANDLER": "1"},
                            stdout=printed.open("w"), stderr=subprocess.PIPE, text=True)  # a pipe nobody reads fills up
    try:
        deadline = time.monotonic() + 60
        stamps: set[str] = set()
        while len(stamps) < 2 and time.monotonic() < deadline:  # the page is rewritten, round after round
            if page.exists():
                stamps |= set(re.findall(r"Atualizado em ([\d/ :]+)", page.read_text()))
            time.sleep(0.2)
        refreshed = '<meta http-equiv="refresh" content="1">' in page.read_text()  # at least a second
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            _, err = proc.communicate(timeout=30)
            pytest.fail(f"Ctrl-C did not stop the live report within 60 s; its threads:\n{err}")
    out = printed.read_text()
    rounds = re.findall(r"esta levou [\d.]+ s", out)
    assert len(stamps) >= 2, f"one page only; the rounds: {rounds}\n{err}"
    assert refreshed
    assert proc.returncode == 0, err
    assert "Relatório parado" in out


def test_a_report_about_some_students_shows_only_the_audit_entries_that_concern_them():
    from ecslab.turma.report import concerning

    entries = [{"quem": "bia", "donos": ["ana"], "permitido": False},
               {"quem": "(instrutor)", "donos": ["caio"], "permitido": True},
               {"quem": "ana", "donos": ["ana", "dani"], "permitido": True}]
    assert concerning(entries, ["ana"], ["ana"]) == [entries[0], entries[2]]
    assert concerning(entries, ["caio"], ["caio"]) == [entries[1]]
    assert concerning(entries, ["ana", "bia", "caio"], None) == entries
