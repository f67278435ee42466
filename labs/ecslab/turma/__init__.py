"""For instructors: one emulator for a class, who is in it, a student × lab report, and class cleanup.

    iniciar_turma(porta, endereco=None) -> dict          the class emulator and what students set
    alunos_vistos(sessao) -> list[str]                    students with something on the backend
    relatorio_turma(sessao_base, alunos=None, labs=None) -> QuadroTurma
    limpar_turma(sessao_base, aluno=None) -> dict[str, list[str]]

The command line is `ecslab turma ...` (ecslab.turma.cli). Names are imported on first use, so that the
`ecslab` command stays quick to start.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "iniciar_turma": "emulator", "parar_turma": "emulator", "alunos_vistos": "roster",
    "relatorio_turma": "report", "QuadroTurma": "report", "Celula": "report", "limpar_turma": "cleanup",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"ecslab.turma.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'ecslab.turma' has no attribute {name!r}")
