"""Cleaning up for the class: one student, then the whole class after confirmation; every inventory ends empty
and the command shows it."""

from __future__ import annotations

import subprocess
import sys

from ecslab.inventory import inventario
from ecslab.provision.cluster import criar_cluster
from ecslab.provision.iam import criar_perfis_iam
from ecslab.provision.labs import preparar_lab
from ecslab.turma import alunos_vistos, limpar_turma

STUDENTS = ("lia", "lucas", "luna")


def _answer(turma, text: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecslab.cli", "turma", "limpar"], input=text, capture_output=True,
                          text=True, env=turma.env, timeout=120)


def test_one_student_then_the_whole_class(turma, base):
    preparar_lab("01", sessao=base.for_student("lia"))
    preparar_lab("01", sessao=base.for_student("lucas"))
    criar_perfis_iam("03", sessao=base.for_student("lucas"))
    criar_cluster("02", sessao=base.for_student("luna"))
    assert set(STUDENTS) <= set(alunos_vistos(base))
    assert len({base.for_student(a).endpoint_url for a in STUDENTS}) == 2  # the class spans both processes

    refused = _answer(turma, "não\n")
    assert refused.returncode == 1 and "Nada foi removido" in refused.stdout
    assert "Digite sim para confirmar" in refused.stdout and "lia, lucas, luna" in refused.stdout
    no_terminal = _answer(turma, "")
    assert no_terminal.returncode == 2 and "--sim" in no_terminal.stderr and "Traceback" not in no_terminal.stderr
    assert all(inventario(sessao=base.for_student(a)) for a in STUDENTS)

    one = turma.cli("turma", "limpar", "--aluno", "Lia")
    assert one.returncode == 0, one.stdout + one.stderr
    assert "VPC lia-01-vpc" in one.stdout and "Inventário de lia: ✅ Nada restante" in one.stdout
    assert inventario(sessao=base.for_student("lia")) == {}
    assert inventario(sessao=base.for_student("lucas")) and inventario(sessao=base.for_student("luna"))

    done = turma.cli("turma", "limpar", "--sim")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "🗑️  luna: 1 recurso(s) removido(s)" in done.stdout
    for aluno in ("lucas", "luna"):
        assert f"  {aluno}: ✅ Nada restante: inventário vazio." in done.stdout
    assert "✅ Nenhum aluno com recursos no backend emulador." in done.stdout
    assert alunos_vistos(base) == []
    assert all(inventario(sessao=base.for_student(a)) == {} for a in STUDENTS)
    assert limpar_turma(base) == {}  # nobody left: nothing to do
