"""`wrap(app)`: one lock around each request, the world reconciled first (unless the call is a read whose answer the
simulation never changes: request_kinds.needs_no_pass), no HTTP 500 page ever; calls that would reset a class
emulator are refused from other machines. The emulator's own endpoints (clock, Spot, load, decision, reset) are
answered by behaviour.control, inside the same lock. On a class emulator a `guard` (behaviour.ownership) refuses,
in AWS's words, a write on another student's resource, and audits every write."""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ecslab.behaviour import control, request_kinds
from ecslab.behaviour.control import json_answer
from ecslab.behaviour.errors import error_response

if TYPE_CHECKING:
    from ecslab.behaviour.ownership import Guard

LAN_REFUSAL = ("Só o instrutor, na máquina do emulador da turma (127.0.0.1), pode reiniciar o emulador. "
               "Para apagar os seus recursos, use `ecslab limpar` ou o laboratório 99.")


def wrap(app: Callable[..., Iterable[bytes]], lock: threading.RLock | None = None,
         guard: Guard | None = None) -> Callable[..., Iterable[bytes]]:
    lock = lock or threading.RLock()

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if request_kinds.refused_from_lan(environ):
            return json_answer(start_response, {"erro": LAN_REFUSAL}, "403 Forbidden")
        quiet = request_kinds.leaves_world_alone(environ)
        if not quiet:
            environ["ecslab.cluster"] = request_kinds.ecs_cluster(environ)  # read before moto reads the body
        blind = request_kinds.needs_no_pass(environ)
        with lock:
            if not blind:
                safe_reconcile()
            try:
                answer = guard.intercept(environ) if guard is not None else None
                if answer is not None:
                    status, headers, body = answer
                    start_response(status, headers)
                    return [body]
                endpoint = control.endpoint_for(environ)
                if endpoint is not None:
                    return endpoint(environ, start_response)
                result = app(environ, start_response)
                try:
                    return [bytes(chunk) for chunk in result]
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()
            except Exception as exc:  # the student gets AWS's shape and wording; the log gets the traceback
                if isinstance(exc, NotImplementedError):  # an action moto lacks: InvalidAction, as AWS answers
                    print(f"ecslab: answered InvalidAction: {exc}", file=sys.stderr, flush=True)
                else:
                    print("ecslab: answered 400 for an emulator error:", file=sys.stderr)
                    traceback.print_exc(file=sys.stderr)
                status, headers, body = error_response(environ, exc)
                start_response(status, headers)
                return [body]
            finally:
                if not quiet:
                    note_write(environ, writer=_student(environ) if guard is not None else None)

    return middleware


def safe_reconcile() -> None:
    from ecslab.behaviour import reconcile

    try:
        reconcile()
    except Exception:  # the simulation must never take the API down with it
        traceback.print_exc(file=sys.stderr)


def _student(environ: dict[str, Any]) -> str | None:
    """The student who signed the call (ecslab.identity), None for anyone else."""
    from ecslab.identity import STUDENT, identity_in

    who = identity_in(environ.get("HTTP_AUTHORIZATION"))
    return who.name if who.kind == STUDENT else None


def note_write(environ: dict[str, Any] | None = None, writer: str | None = None) -> None:
    """The call may have changed the world: of one ECS cluster when it names one (see request_kinds.ecs_cluster),
    else of any; `environ` None: a change of the emulator's own (a Spot interruption). `writer`: the student who made
    it on a class emulator, where the ownership guard kept it to that student's resources."""
    from ecslab.behaviour import installed

    if installed():
        from ecslab.behaviour import simulation_pass

        cluster = environ.get("ecslab.cluster") if environ is not None else None
        # the emulator's own endpoints move the clock or the load, never a network (a Spot interruption notes its
        # change itself, with environ None)
        outside = environ is None or (request_kinds.signing_service(environ) != "ecs"
                                      and control.endpoint_for(environ) is None)
        simulation_pass.note_write(cluster, outside_ecs=outside, writer=writer)
