"""Bounded waits a notebook uses: they report progress in Portuguese and never raise on a timeout."""

from __future__ import annotations

import time
from typing import Any

from ecslab.session import Sessao, resolve
from ecslab.validation import check_seconds


def _all_tasks_running(ecs: Any, cluster: str, svc: dict[str, Any]) -> bool:
    arns = ecs.list_tasks(cluster=cluster, serviceName=svc["serviceName"], desiredStatus="RUNNING")["taskArns"]
    if len(arns) != svc["desiredCount"]:
        return False
    if not arns:
        return True
    return all(t.get("lastStatus") == "RUNNING" for t in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"])


def esperar_servico(cluster: str, servico: str, *, tempo: float | None = None,
                    sessao: Sessao | None = None) -> dict[str, Any] | None:
    """Wait until the service is steady (one COMPLETED deployment, running == desired: behind a load balancer,
    ECS completes a deployment once its targets are healthy); returns its description."""
    s = resolve(sessao)
    ecs = s.client("ecs")
    limit = s.backend.timings.service_stable if tempo is None else check_seconds(tempo, "Tempo de espera")
    pause = s.backend.timings.poll
    deadline = time.monotonic() + limit
    svc: dict[str, Any] | None = None
    while True:
        found = ecs.describe_services(cluster=cluster, services=[servico])["services"]
        svc = found[0] if found else None
        if svc and svc["runningCount"] == svc["desiredCount"] and len(svc.get("deployments", [])) == 1 \
                and svc["deployments"][0].get("rolloutState", "COMPLETED") == "COMPLETED" \
                and _all_tasks_running(ecs, cluster, svc):
            print(f"✅ {svc['serviceName']}: {svc['runningCount']}/{svc['desiredCount']} tarefas em execução.")
            return svc
        if time.monotonic() + pause > deadline:
            state = f"{svc['runningCount']}/{svc['desiredCount']}" if svc else "serviço não encontrado"
            print(f"⚠️  Depois de {limit:.0f} s o serviço ainda não está estável ({state}). "
                  "Leia os eventos do serviço e rode a célula de novo.")
            return svc
        time.sleep(pause)


def aguardar(segundos: float, *, sessao: Sessao | None = None) -> None:
    """Let `segundos` of (simulated) time pass: on the emulator the clock jumps forward at once, elsewhere this
    sleeps. Alarms that need minutes of data (auto scaling) can then be watched in seconds."""
    seconds = check_seconds(segundos, "Tempo de espera")
    s = resolve(sessao)
    s.backend.pass_time(s, seconds)


def avancar_relogio(segundos: float, *, sessao: Sessao | None = None) -> None:
    """Move the emulator's simulated clock forward (what `aguardar` does on the emulator)."""
    seconds = check_seconds(segundos, "Avanço do relógio")
    s = resolve(sessao)
    s.backend.advance_clock(s, seconds)
