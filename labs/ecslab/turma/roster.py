"""Who is in the class: every student with something on the backend. Read-only.

A walk over the resource catalogue (ecslab.resources.catalogue) for every student at once: each kind is listed
once for the whole class (by the ``ecslab:aluno`` tag where the service filters by tag, whole otherwise) and its
owner read by the course's convention. About twenty list/describe calls whatever the class size (per process of a
class emulator that runs several). What lives inside another resource (a cluster's services and tasks) is skipped:
the cluster already says whose it is.
"""

from __future__ import annotations

from ecslab.course import LABS
from ecslab.resources.catalogue import KINDS
from ecslab.resources.kind import DENIED, Scope
from ecslab.session import Sessao, client_error_code


def labs_by_student(sessao: Sessao) -> dict[str, set[str]]:
    """{student: {labs where they have something now}} for every student on the backend ('' when a tagged
    resource has no lab tag). A service this identity may not list is skipped."""
    found: dict[str, set[str]] = {}
    for part in sessao.per_process():  # every process of a class emulator (each holds whole students)
        everyone = Scope(part)
        for kind in KINDS:
            if kind.inside_another:
                continue
            try:
                for (aluno, lab), _ in kind.find(everyone):
                    found.setdefault(aluno, set()).add(lab if lab in LABS else "")
            except Exception as exc:
                if client_error_code(exc) not in DENIED:
                    raise
    return found


def alunos_vistos(sessao: Sessao) -> list[str]:
    """The students who have something on the backend now (by the ecslab:aluno tag or the course name), sorted."""
    return sorted(labs_by_student(sessao))
