"""What only the emulator can trigger (a Spot interruption, synthetic CPU load), behind one call a notebook makes.

On the emulator the call goes to the behaviour layer's endpoints. On real AWS the same call explains how to do the
real thing (AWS FIS, real traffic).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from ecslab.errors import ErroLab
from ecslab.session import Sessao, resolve

CLOCK_PATH = "/ecslab/relogio"
SPOT_PATH = "/ecslab/interrupcao-spot"
LOAD_PATH = "/ecslab/carga"


def _request(s: Sessao, path: str, payload: dict[str, Any] | None = None,
             timeout: float = 10.0) -> tuple[int, dict[str, Any]]:
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(f"{s.endpoint_url}{path}", data=data, method="POST" if data else "GET",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, body = err.code, (err.read() if err.fp else b"")
    except (urllib.error.URLError, OSError):
        return 0, {}
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        parsed = {}
    return status, parsed if isinstance(parsed, dict) else {}


def _unanswered(what: str, status: int) -> ErroLab:
    return ErroLab(f"O emulador não atendeu {what} (HTTP {status or 'sem resposta'}).",
                   dica="Confira com `ecslab emulador status`; se preciso, `ecslab emulador reiniciar`.")


def avancar_relogio(segundos: float, *, sessao: Sessao | None = None) -> None:
    """Move the emulator's simulated clock forward (what `aguardar` does on the emulator)."""
    status, _ = _request(resolve(sessao), CLOCK_PATH, {"avancar": float(segundos)}, timeout=30.0)
    if status != 200:
        raise _unanswered("o avanço do relógio", status)


def simular_interrupcao_spot(instancia: str | list[str] | None = None, tarefa: str | list[str] | None = None,
                             *, sessao: Sessao | None = None) -> dict[str, list[str]]:
    """Interrupt a Spot instance (two-minute notice, then termination) or a Fargate Spot task."""
    instances = [instancia] if isinstance(instancia, str) else list(instancia or [])
    tasks = [tarefa] if isinstance(tarefa, str) else list(tarefa or [])
    if not instances and not tasks:
        raise ErroLab("Nada para interromper.", dica="Informe instancia='i-...' ou tarefa='arn:aws:ecs:...'.")
    s = resolve(sessao)
    if s.backend != "emulador":
        raise ErroLab(
            "Interrupções Spot só são simuladas pelo emulador.",
            dica="Na AWS, use o AWS FIS com a ação aws:ec2:send-spot-instance-interruptions (instâncias EC2 Spot) "
                 "ou aguarde uma interrupção real; tarefas Fargate Spot não têm ação no FIS.",
        )
    status, body = _request(s, SPOT_PATH, {"instancias": instances, "tarefas": tasks, "regiao": s.regiao})
    if status != 200:
        raise _unanswered("a interrupção Spot", status)
    done = {"instancias": list(body.get("instancias") or []), "tarefas": list(body.get("tarefas") or [])}
    for instance_id in done["instancias"]:
        print(f"⚡ Aviso de dois minutos enviado para a instância {instance_id}.")
    for arn in done["tarefas"]:
        print(f"⚡ Tarefa Fargate Spot interrompida: {arn.rsplit('/', 1)[-1]}.")
    return done


def simular_carga(cluster: str, servico: str, cpu: float, *, duracao: float | None = None,
                  sessao: Sessao | None = None) -> bool:
    """Set the average CPU (%) the service's tasks report from now on, or for `duracao` simulated seconds
    (the emulator's synthetic load)."""
    if not isinstance(cpu, int | float) or not 0 <= cpu <= 100:
        raise ErroLab(f"CPU inválida: {cpu!r}.", dica="Use uma porcentagem entre 0 e 100, por exemplo 85.")
    if duracao is not None and (not isinstance(duracao, int | float) or duracao <= 0):
        raise ErroLab(f"Duração inválida: {duracao!r}.", dica="Use um número de segundos maior que zero, como 300.")
    s = resolve(sessao)
    if s.backend != "emulador":
        raise ErroLab(
            "Carga sintética só existe no emulador.",
            dica="Na AWS, gere tráfego real contra o DNS do ALB (por exemplo com `hey` ou `ab`) e observe a métrica "
                 "CPUUtilization do serviço no CloudWatch.",
        )
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
