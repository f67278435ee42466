"""Who a student is on the class emulator: a name they chose (ECSLAB_ALUNO), never the machine's user name that
every identical lab machine shares, and accents transliterated, never dropped."""

from __future__ import annotations

from ecslab_testutil import run_cli


def test_a_student_without_ecslab_aluno_is_asked_for_a_name(turma):
    env = turma.student_env("x")
    del env["ECSLAB_ALUNO"]
    result = run_cli("inventario", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "defina ECSLAB_ALUNO" in result.stderr and "export ECSLAB_ALUNO=" in result.stderr


def test_accents_are_transliterated(turma):
    result = run_cli("inventario", "--json", env=turma.student_env("João"))
    assert result.returncode == 0, result.stderr
    assert '"aluno": "joao"' in result.stdout
