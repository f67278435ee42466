"""Lab 99 (limpeza): nothing of the student's is left, service by service."""

from __future__ import annotations

from collections.abc import Callable

from ecslab.checks.framework import Check, Contexto, require
from ecslab.inventory import SERVICE_ORDER, service_items

CHECKS: list[Check] = []


def _make(service: str) -> Callable[[Contexto], str]:
    def probe(ctx: Contexto) -> str:
        items = service_items(ctx.s, service)
        require(not items, ", ".join(f"{it['tipo']} {it['nome'] or it['id']}" for it in items[:6])
                + (" ..." if len(items) > 6 else ""))
        return ""
    return probe


for _service in SERVICE_ORDER:
    CHECKS.append((f"Nada restante em {_service}", "Rode `ecslab limpar` (e de novo, se algo ainda estava sendo "
                   "removido); `ecslab inventario` mostra o que sobrou.", _make(_service)))
