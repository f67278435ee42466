"""What a student has left on the backend: a walk over the resource catalogue (ecslab.resources.catalogue) for one
student, and one lab if given."""

from __future__ import annotations

from typing import Any

from ecslab import naming
from ecslab.resources.catalogue import SERVICES, of_service
from ecslab.resources.kind import DENIED, Scope
from ecslab.session import Sessao, client_error_code, resolve

SERVICE_ORDER = SERVICES
Inventario = dict[str, list[dict[str, Any]]]


def service_items(s: Sessao, service: str, lab: str | None = None, scope: Scope | None = None) -> list[dict[str, Any]]:
    """This student's resources (of one lab, if given) on one service, kind by kind."""
    scope = scope or Scope(s, s.aluno, lab)
    return [kind.item(owner, raw) for kind in of_service(service) for owner, raw in kind.find(scope)]


def inventario(lab: str | None = None, *, sessao: Sessao | None = None) -> Inventario:
    """{service: [resources]} of what this student (and lab, if given) has on the backend; empty lists dropped."""
    s = resolve(sessao)
    scope = Scope(s, s.aluno, naming.lab_id(lab) if lab is not None else None)
    result: Inventario = {}
    for service in SERVICE_ORDER:
        try:
            items = service_items(s, service, scope=scope)
        except Exception as exc:
            if client_error_code(exc) not in DENIED:
                raise
            items = [{"tipo": "sem-permissao", "id": service, "nome": f"sem permissão para listar {service}",
                      "lab": ""}]
        if items:
            result[service] = items
    return result


def total(inv: Inventario) -> int:
    return sum(len(v) for v in inv.values())


def format_table(inv: Inventario) -> str:
    if not inv:
        return "✅ Nada restante: inventário vazio."
    lines = [f"Recursos restantes: {total(inv)}"]
    for service, items in inv.items():
        lines.append(f"\n{service} ({len(items)})")
        for it in items:
            lab = f" [lab {it['lab']}]" if it.get("lab") else ""
            lines.append(f"  - {it['tipo']}: {it['nome'] or it['id']}{lab}")
    return "\n".join(lines)
