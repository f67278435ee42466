"""A Spot interruption or load on a service, behind one call a notebook (or `ecslab simular`) makes.

The backend produces it: on the emulator a simulated interruption and synthetic CPU load (the behaviour layer's
endpoints); on real AWS the real thing (backends/aws_events.py): an AWS FIS experiment, real traffic to the
service's load balancer. LocalStack has neither, and says so.
"""

from __future__ import annotations

from typing import Any

from ecslab.errors import ErroLab
from ecslab.session import Sessao, resolve
from ecslab.validation import check_seconds


def simular_interrupcao_spot(instancia: str | list[str] | None = None, tarefa: str | list[str] | None = None,
                             *, sessao: Sessao | None = None) -> dict[str, Any]:
    """Interrupt a Spot instance (two-minute notice, then termination) or a Fargate Spot task.

    On the emulator both are simulated. On AWS an EC2 Spot instance gets a real notice through an AWS FIS
    experiment; a Fargate Spot task cannot be interrupted on demand there (ErroLab saying what to do instead)."""
    instances = [instancia] if isinstance(instancia, str) else list(instancia or [])
    tasks = [tarefa] if isinstance(tarefa, str) else list(tarefa or [])
    if not instances and not tasks:
        raise ErroLab("Nada para interromper.", dica="Informe instancia='i-...' ou tarefa='arn:aws:ecs:...'.")
    s = resolve(sessao)
    return s.backend.interrupt_spot(s, instances, tasks)


def simular_carga(cluster: str, servico: str, cpu: float | None = None, *, duracao: float | None = None,
                  taxa: float | None = None, sessao: Sessao | None = None) -> bool:
    """Load on a service.

    On the emulator: the average CPU (%) the service's tasks report from now on, or for `duracao` simulated
    seconds (`cpu` required; `taxa` does not apply). On AWS: real HTTP traffic to the service's load balancer for
    `duracao` seconds (default 120, at most 900) at up to `taxa` requests per second (default 50, at most 500);
    `cpu` does not apply there, since CPU follows the application's real work. True when the load was applied
    (on AWS: when at least one request was answered)."""
    if cpu is not None and (isinstance(cpu, bool) or not isinstance(cpu, int | float) or not 0 <= cpu <= 100):
        raise ErroLab(f"CPU inválida: {cpu!r}.", dica="Use uma porcentagem entre 0 e 100, por exemplo 85.")
    if duracao is not None and (check_seconds(duracao, "Duração", exemplo="300") == 0):
        raise ErroLab(f"Duração inválida: {duracao!r}.", dica="Use um número de segundos maior que zero, como 300.")
    s = resolve(sessao)
    return s.backend.apply_load(s, cluster, servico, cpu, duracao, taxa)
