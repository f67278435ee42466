"""A Spot interruption or load on a service, behind one call a notebook (or `ecslab simular`) makes.

On the emulator the call goes to the behaviour layer's endpoints (a simulated interruption, synthetic CPU load).
On real AWS the same call does the real thing (simulate_aws.py): an AWS FIS experiment, real traffic to the
service's load balancer. LocalStack has neither, and says so.
"""

from __future__ import annotations

from typing import Any

from ecslab.backends import emulador
from ecslab.endpoints import CLOCK_PATH, LOAD_PATH, SPOT_PATH
from ecslab.errors import ErroLab
from ecslab.session import Sessao, resolve


def _request(s: Sessao, path: str, payload: dict[str, Any] | None = None,
             timeout: float = 10.0) -> tuple[int, dict[str, Any]]:
    return emulador.call_endpoint(s.endpoint_url or "", path, payload, timeout)


def _unanswered(what: str, status: int) -> ErroLab:
    return ErroLab(f"O emulador não atendeu {what} (HTTP {status or 'sem resposta'}).",
                   dica="Confira com `ecslab emulador status`; se preciso, `ecslab emulador reiniciar`.")


def avancar_relogio(segundos: float, *, sessao: Sessao | None = None) -> None:
    """Move the emulator's simulated clock forward (what `aguardar` does on the emulator)."""
    status, _ = _request(resolve(sessao), CLOCK_PATH, {"avancar": float(segundos)}, timeout=30.0)
    if status != 200:
        raise _unanswered("o avanço do relógio", status)


def _only_elsewhere(what: str) -> ErroLab:
    return ErroLab(f"A LocalStack não tem {what}.",
                   dica="Use o emulador do curso (ECSLAB_BACKEND=emulador), que simula, ou a AWS real "
                        "(ECSLAB_BACKEND=aws), onde `ecslab simular` faz o evento de verdade.")


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
    if s.backend == "aws":
        from ecslab import simulate_aws

        if tasks:
            raise simulate_aws.fargate_spot_on_aws()
        return simulate_aws.interrupt_spot_instances(s, instances)
    if s.backend != "emulador":
        raise _only_elsewhere("como provocar interrupções Spot (nem simuladas nem pelo AWS FIS)")
    status, body = _request(s, SPOT_PATH, {"instancias": instances, "tarefas": tasks, "regiao": s.regiao})
    if status != 200:
        raise _unanswered("a interrupção Spot", status)
    done = {"instancias": list(body.get("instancias") or []), "tarefas": list(body.get("tarefas") or [])}
    for instance_id in done["instancias"]:
        print(f"⚡ Aviso de dois minutos enviado para a instância {instance_id}.")
    for arn in done["tarefas"]:
        print(f"⚡ Tarefa Fargate Spot interrompida: {arn.rsplit('/', 1)[-1]}.")
    return done


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
    if duracao is not None and (not isinstance(duracao, int | float) or duracao <= 0):
        raise ErroLab(f"Duração inválida: {duracao!r}.", dica="Use um número de segundos maior que zero, como 300.")
    s = resolve(sessao)
    if s.backend == "aws":
        from ecslab import simulate_aws

        if cpu is not None:
            print("ℹ️  --cpu (cpu=...) é ignorado na AWS: lá a carga é tráfego real.")
        summary = simulate_aws.real_load(
            s, cluster, servico,
            duration=simulate_aws.DEFAULT_DURATION if duracao is None else duracao,
            rate=simulate_aws.DEFAULT_RATE if taxa is None else taxa,
        )
        return summary.answered > 0
    if s.backend != "emulador":
        raise _only_elsewhere("carga sintética, e os serviços dela não recebem tráfego real por um balanceador")
    if cpu is None:
        raise ErroLab("Informe a CPU que as tarefas devem reportar.",
                      dica="No emulador a carga é uma porcentagem de CPU: cpu=90 (ou --cpu 90).")
    if taxa is not None:
        print("ℹ️  --taxa (taxa=...) só vale na AWS, onde a carga é tráfego real; no emulador a carga é a CPU pedida.")
    payload = {"cluster": cluster.rsplit("/", 1)[-1], "servico": servico.rsplit("/", 1)[-1], "cpu": float(cpu),
               "regiao": s.regiao}
    if duracao is not None:
        payload["duracao"] = float(duracao)
    status, body = _request(s, LOAD_PATH, payload)
    if status == 404 and body.get("erro"):
        raise ErroLab(f"O emulador recusou a carga: {body['erro']}.",
                      dica="Confira o nome do cluster e do serviço (o serviço precisa estar ACTIVE).")
    if status != 200:
        raise _unanswered("a carga de CPU", status)
    until = f" por {duracao:.0f} s (tempo simulado)" if duracao is not None else ""
    print(f"📈 Carga simulada: as tarefas de {servico.rsplit('/', 1)[-1]} passam a usar {cpu:.0f}% de CPU{until}.")
    return True
