"""The emulator's own endpoints beside the AWS API (ecslab.endpoints): the simulated clock, a Spot interruption, a
service's synthetic load, lab 06's decision and a partial reset. The middleware (behaviour.middleware) answers them
inside its lock, after the world was reconciled; everything a student reads here is pt-BR.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ecslab.behaviour.clock import InvalidClockInput, clock
from ecslab.endpoints import CLOCK_PATH, DECISION_PATH, LOAD_PATH, RESET_PATH, SPOT_PATH

DEFAULT_ACCOUNT = "123456789012"
NEEDS_POST = "use POST, com a camada de comportamento instalada"

Endpoint = Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]


def endpoint_for(environ: dict[str, Any]) -> Endpoint | None:
    """The function that answers this call, or None for a call to moto."""
    path = environ.get("PATH_INFO")
    if path == RESET_PATH and environ.get("REQUEST_METHOD") != "POST":
        return None
    return ENDPOINTS.get(path or "")


def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}


def json_answer(start_response: Callable[..., Any], payload: dict[str, Any], status: str = "200 OK") -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _spot(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """POST {"instancias": [...], "tarefas": [...], "regiao": "us-east-1"}: a Spot interruption (see spot.py)."""
    from ecslab.behaviour import installed
    from ecslab.behaviour.spot import interrupt_now

    if environ.get("REQUEST_METHOD") != "POST" or not installed():
        return json_answer(start_response, {"erro": NEEDS_POST}, "400 Bad Request")
    payload = _json_body(environ)
    done = interrupt_now(payload.get("regiao") or "us-east-1", payload.get("conta") or DEFAULT_ACCOUNT,
                         list(payload.get("instancias") or []), list(payload.get("tarefas") or []))
    from ecslab.behaviour.middleware import note_write, safe_reconcile

    note_write()  # the interruption changed the world: this pass runs
    safe_reconcile()
    return json_answer(start_response, done)


def _load(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """POST {"cluster": C, "servico": S, "cpu": 90, "regiao": "us-east-1", "duracao": 120}: the service's load."""
    from ecslab.behaviour import installed, load
    from ecslab.behaviour.world import world_of

    if environ.get("REQUEST_METHOD") != "POST" or not installed():
        return json_answer(start_response, {"erro": NEEDS_POST}, "400 Bad Request")
    payload = _json_body(environ)
    try:
        cpu = float(payload["cpu"])
        duration = float(payload["duracao"]) if payload.get("duracao") is not None else None
        cluster, name = str(payload["cluster"]).rsplit("/", 1)[-1], str(payload["servico"]).rsplit("/", 1)[-1]
    except (KeyError, TypeError, ValueError):
        return json_answer(start_response, {"erro": "informe cluster, servico e cpu (0 a 100); duracao em segundos"},
                           "400 Bad Request")
    if not 0 <= cpu <= 100 or (duration is not None and duration <= 0):
        return json_answer(start_response, {"erro": "cpu vai de 0 a 100 e duracao é positiva"}, "400 Bad Request")
    world = world_of(payload.get("conta") or DEFAULT_ACCOUNT, payload.get("regiao") or "us-east-1")
    service = next((s for s in world.ecs.services.values()
                    if s.cluster_name == cluster and s.name == name and s.status == "ACTIVE"), None)
    if service is None:
        return json_answer(start_response, {"erro": f"serviço {name} não encontrado no cluster {cluster}"},
                           "404 Not Found")
    now = clock().now()
    load.set_load(service, cpu, duration, now)
    return json_answer(start_response, {"cluster": cluster, "servico": name, "cpu": cpu, "duracao": duration,
                                        "tarefas": max(int(service.desired_count or 0), 1), "agora": now})


def _decision(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """Lab 06's decision, kept here too so that an instructor's report sees it (a student's file is on their own
    machine). GET ?aluno=X[&regiao=R]; POST {"aluno": X, "registro": {...}, "regiao": R}."""
    from urllib.parse import parse_qs

    from ecslab.behaviour import installed
    from ecslab.behaviour.world import world_of

    if not installed():
        return json_answer(start_response, {"erro": "a camada de comportamento ainda não está instalada"},
                           "503 Service Unavailable")
    if environ.get("REQUEST_METHOD") == "POST":
        payload = _json_body(environ)
        aluno, record, region = payload.get("aluno"), payload.get("registro"), payload.get("regiao")
    else:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING") or "").items()}
        aluno, record, region = query.get("aluno"), None, query.get("regiao")
    if not isinstance(aluno, str) or not aluno or (record is not None and not isinstance(record, dict)):
        return json_answer(start_response, {"erro": "informe aluno (e, para gravar, registro)"}, "400 Bad Request")
    decisions = world_of(DEFAULT_ACCOUNT, region or "us-east-1").sim.decisions
    if record is not None:
        decisions[aluno] = record
    if aluno not in decisions:
        return json_answer(start_response, {"erro": f"nenhuma decisão registrada para {aluno}"}, "404 Not Found")
    return json_answer(start_response, {"aluno": aluno, "registro": decisions[aluno]})


def _reset(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """POST {"manter": ["iam"]}: reset every backend but those (a faster /moto-api/reset for tests)."""
    from ecslab.behaviour.resetting import KEEP_DEFAULT, reset_except

    payload = _json_body(environ)
    keep = tuple(payload["manter"]) if isinstance(payload.get("manter"), list) else KEEP_DEFAULT
    return json_answer(start_response, {"reiniciados": reset_except(keep), "mantidos": list(keep)})


def _clock(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """GET: the simulated time. POST {"avancar": seconds}: move the clock forward, then reconcile;
    {"pausar": true|false}: stop the simulated time where it is, or let it run again."""
    if environ.get("REQUEST_METHOD") == "POST":
        from ecslab.behaviour.middleware import safe_reconcile

        payload = _json_body(environ)
        try:
            clock().advance(payload.get("avancar", 0))
        except InvalidClockInput as exc:
            return json_answer(start_response, {"erro": str(exc)}, "400 Bad Request")
        if isinstance(payload.get("pausar"), bool):
            safe_reconcile()  # the world up to the moment it stops (or to the moment it runs again)
            if payload["pausar"]:
                clock().pause()
            else:
                clock().resume()
        safe_reconcile()
    return json_answer(start_response, {"agora": clock().now(), "escala": clock().scale, "pausado": clock().paused})


ENDPOINTS: dict[str, Endpoint] = {
    CLOCK_PATH: _clock,
    SPOT_PATH: _spot,
    RESET_PATH: _reset,
    LOAD_PATH: _load,
    DECISION_PATH: _decision,
}
