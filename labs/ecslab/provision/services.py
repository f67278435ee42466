"""ECS services: get-or-create by name, with the launch type spelled right."""

from __future__ import annotations

from typing import Any

from ecslab import costs, naming
from ecslab.session import Sessao, resolve
from ecslab.validation import check_launch_type


def ensure_service(s: Sessao, lab: str, cluster: str, suffix: str, request: dict[str, Any],
                   *, fargate_size: tuple[int, int] | None = None, spot_share: float = 0.0) -> dict[str, Any]:
    """Create the service unless an ACTIVE one of that name exists; returns the service description."""
    if "launchType" in request:
        check_launch_type(request["launchType"])
    ecs = s.client("ecs")
    service_name = naming.name(s.aluno, lab, suffix)
    found = ecs.describe_services(cluster=cluster, services=[service_name])["services"]
    active = [svc for svc in found if svc.get("status") == "ACTIVE"]
    if active:
        return active[0]
    if fargate_size:
        count = int(request.get("desiredCount", 1))
        on_demand = round(count * (1 - spot_share))
        items = []
        if on_demand:
            items.append((f"tarefa Fargate {fargate_size[0]} CPU / {fargate_size[1]} MiB", on_demand,
                          costs.fargate_hourly(*fargate_size)))
        if count - on_demand:
            items.append((f"tarefa Fargate Spot {fargate_size[0]} CPU / {fargate_size[1]} MiB", count - on_demand,
                          costs.fargate_hourly(*fargate_size, spot=True)))
        s.announce_costs(costs.describe(items))
    return ecs.create_service(
        cluster=cluster, serviceName=service_name, tags=naming.tags_ecs(s.aluno, lab, service_name),
        propagateTags="SERVICE", **request,
    )["service"]


def obter_servico(cluster: str, nome: str, *, sessao: Sessao | None = None) -> dict[str, Any] | None:
    s = resolve(sessao)
    found = s.client("ecs").describe_services(cluster=cluster, services=[nome])["services"]
    return found[0] if found else None
