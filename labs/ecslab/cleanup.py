"""Delete what a student created, in dependency order, from any partial state; safe to run twice.

A walk over the resource catalogue (ecslab.resources.catalogue) in its deletion order, on what the inventory
lists for the student."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecslab import naming
from ecslab.errors import ErroLab
from ecslab.inventory import inventario
from ecslab.provision.common import wait_until
from ecslab.resources.catalogue import DELETION_ORDER
from ecslab.resources.kind import GONE, Item, Kind
from ecslab.session import Sessao, client_error_code, resolve


class Limpeza:
    def __init__(self, s: Sessao, lab: str | None):
        self.s = s
        self.lab = lab
        self.removed: list[str] = []
        self.problems: list[str] = []

    def call(self, label: str, fn: Callable[[], Any], *retry_codes: str, record: bool = True) -> bool:
        """Run one delete; 'already gone' counts as done; retry while a dependency is still going away."""
        def attempt() -> bool:
            try:
                fn()
                return True
            except Exception as exc:
                code = client_error_code(exc)
                if code in GONE:
                    return True
                if code in retry_codes:
                    return False
                raise
        timings = self.s.backend.timings
        try:
            if wait_until(attempt, timeout=timings.cleanup, interval=timings.poll):
                if record:
                    self.removed.append(label)
                return True
            self.problems.append(f"{label}: ainda em uso depois da espera")
        except Exception as exc:
            self.problems.append(f"{label}: {client_error_code(exc) or exc.__class__.__name__}: {exc}")
        return False

    def delete(self, kind: Kind, items: list[Item], *, verbose: bool = False) -> None:
        """Every item of one kind: what must go first, then the items, then wait for a slow deletion to end."""
        s = self.s
        if kind.prepare:
            label, first = kind.prepare
            for it in items:
                self.call(f"{label} {it['nome'] or it['id']}", lambda it=it: first(s, it), record=False)
        if kind.delete_all:
            shown = ", ".join(it.get(kind.shown_by) or it["id"] for it in items)
            self.call(f"{kind.label} {shown}", lambda: kind.delete_all(s, items), *kind.retry)
        elif kind.delete:
            for it in items:
                self.call(kind.named(it), lambda it=it: kind.delete(s, it), *kind.retry)
        timings = s.backend.timings
        if kind.gone and timings.deletions:  # 0 where deletions are immediate
            gone = kind.gone
            wait_until(lambda: gone(s, items), timeout=timings.deletions, interval=timings.deletion_poll)
        if kind.tidy:
            left = kind.tidy(s, items)
            if verbose:
                self.problems += left


def _by_type(inv: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for items in inv.values():
        for item in items:
            out.setdefault(item["tipo"], []).append(item)
    return out


def _check_network_users(s: Sessao, lab: str | None) -> None:
    """Cleaning only lab 01 (the network) while later labs still use it would leave them broken."""
    if lab != "01":
        return
    others = sorted({it["lab"] for items in inventario(sessao=s).values() for it in items
                     if it.get("lab") and it["lab"] != "01"})
    if others:
        raise ErroLab(
            f"A rede do laboratório 01 ainda é usada pelos laboratórios {', '.join(others)}; nada foi removido.",
            dica=f"Limpe-os antes (ecslab limpar --lab {others[0]}) ou limpe tudo de uma vez com `ecslab limpar`.",
        )


def limpar(lab: str | None = None, *, sessao: Sessao | None = None, verbose: bool = False) -> list[str]:
    """Delete this student's resources (all labs, or one). Returns the labels removed; raises ErroLab if
    something could not be removed, saying what is left."""
    s = resolve(sessao)
    lab_id = naming.lab_id(lab) if lab is not None else None
    _check_network_users(s, lab_id)
    job = Limpeza(s, lab_id)
    inv = _by_type(inventario(lab_id, sessao=s))
    for kind in DELETION_ORDER:
        if inv.get(kind.tipo):
            job.delete(kind, inv[kind.tipo], verbose=verbose)
    if job.problems:
        raise ErroLab(
            "A limpeza não conseguiu remover tudo:\n  - " + "\n  - ".join(job.problems),
            dica="Rode `ecslab limpar` de novo em alguns minutos (algumas remoções levam tempo na AWS); "
            "`ecslab inventario` mostra o que sobrou.",
        )
    return job.removed
