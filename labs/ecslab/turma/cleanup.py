"""Clean up one student or the whole class, then prove it with each student's inventory.

Each student is cleaned with ecslab.cleanup.limpar on a session for that student, so it deletes only what
ecslab.inventory lists for them: resources tagged ``ecslab:aluno=<aluno>`` (exact value) or named
``<aluno>-<lab>-...`` (ecslab.naming.owner parses the whole student part, so "ana" never owns "anabela-01-vpc").
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ecslab.cleanup import limpar
from ecslab.config import normalize_student
from ecslab.errors import ErroLab
from ecslab.inventory import inventario, total
from ecslab.session import Sessao
from ecslab.turma.roster import alunos_vistos

WORKERS = 4


def limpar_turma(sessao_base: Sessao, aluno: str | None = None) -> dict[str, list[str]]:
    """Delete one student's resources (`aluno`) or every student's seen on the backend; return
    {student: [what was removed]}. Raises ErroLab listing what is left when any inventory is not empty."""
    sessao_base.clientes()  # every client made once here, then shared by the per-student sessions (threads)
    students = [normalize_student(aluno)] if aluno is not None else alunos_vistos(sessao_base)
    problems: dict[str, str] = {}

    def one(student: str) -> tuple[str, list[str]]:
        try:
            return student, limpar(sessao=sessao_base.for_student(student))
        except ErroLab as exc:
            problems[student] = exc.mensagem
            return student, []

    with ThreadPoolExecutor(max_workers=max(1, min(WORKERS, len(students)))) as pool:
        removed = dict(pool.map(one, students))

    leftovers: dict[str, list[str]] = {}
    for student in students:
        inv = inventario(sessao=sessao_base.for_student(student))
        if total(inv):
            leftovers[student] = [f"{it['tipo']} {it['nome'] or it['id']}" for items in inv.values() for it in items]
    if aluno is None:  # someone who appeared meanwhile is part of the class too
        for student in alunos_vistos(sessao_base):
            if student not in students:
                leftovers.setdefault(student, ["(apareceu durante a limpeza)"])
    if leftovers or problems:
        lines = []
        for student in sorted(set(leftovers) | set(problems)):
            left = leftovers.get(student, [])
            shown = ", ".join(left[:8]) + (f" e mais {len(left) - 8}" if len(left) > 8 else "")
            lines.append(f"{student}: " + (f"sobrou {shown}" if left else problems[student].splitlines()[0]))
        target = f"--aluno {students[0]}" if aluno is not None else "--sim"
        raise ErroLab("A limpeza da turma não deixou tudo vazio:\n  - " + "\n  - ".join(lines),
                      dica=f"Rode `ecslab turma limpar {target}` de novo (algumas remoções levam tempo); "
                           "`ecslab turma alunos` mostra quem ainda tem recursos.")
    return removed
