"""The functions a notebook calls that print as well as return (pt-BR names)."""

from __future__ import annotations

from typing import Any

from ecslab.cleanup import limpar as _limpar
from ecslab.inventory import format_table
from ecslab.inventory import inventario as _inventario
from ecslab.naming import tag_dict, tags_ecs, tags_kv
from ecslab.session import Sessao


class Inventario(dict):
    """{service: [resources]}; shown as a list in a notebook (once, when inventario() already printed it)."""

    _just_printed = False

    def _ipython_display_(self) -> None:
        if self._just_printed:
            self._just_printed = False
            return
        print(format_table(self))


def inventario(lab: str | None = None, *, sessao: Sessao | None = None, imprimir: bool = True) -> Inventario:
    """What this student has left on the backend, per service (printed as a list in a notebook)."""
    inv = Inventario(_inventario(lab, sessao=sessao))
    if imprimir:
        print(format_table(inv))
        inv._just_printed = True
    return inv


def limpar(lab: str | None = None, *, sessao: Sessao | None = None) -> None:
    """Delete what you created (every lab, or one), then show what is left (nothing, when all went well)."""
    removed = _limpar(lab, sessao=sessao)
    for label in removed:
        print(f"🗑️  {label}")
    print(f"Removidos {len(removed)} recurso(s).")
    inventario(lab, sessao=sessao)


def tags(lab: str, nome: str | None = None, *, formato: str = "ec2", sessao: Sessao | None = None) -> Any:
    """The course tags for a resource you create by hand: formato 'ec2' (Key/Value), 'ecs' (key/value) or 'dict'."""
    from ecslab.naming import lab_id
    from ecslab.session import resolve

    aluno = resolve(sessao).aluno
    lab = lab_id(lab)
    return {"ec2": tags_kv, "ecs": tags_ecs, "dict": tag_dict}[formato](aluno, lab, nome)


def nome(lab: str, sufixo: str, *, sessao: Sessao | None = None) -> str:
    """The course name for a resource: <aluno>-<lab>-<sufixo>."""
    from ecslab.naming import lab_id, name
    from ecslab.session import resolve

    return name(resolve(sessao).aluno, lab_id(lab), sufixo)
