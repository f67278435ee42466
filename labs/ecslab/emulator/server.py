"""The emulator process: moto's WSGI app wrapped in our middleware, served by werkzeug on 127.0.0.1 (or on the
address an instructor names for a class on the LAN), with connections kept open between calls
(emulator.speedups.keep_alive).

The middleware
- answers ``GET /ecslab/status`` at once, so a client can tell this emulator from anything else on the port;
- answers ``GET /ecslab/turma?aluno=X`` at once too: which process of a class emulator serves that student
  (emulator.directory; an emulator of one process answers its own port);
- holds every other call, except STS, until the ECS behaviour layer is installed (importing moto's ECS, EC2,
  Auto Scaling and ELBv2 models takes a few seconds, done in the background after the first answer);
- hands the call to the behaviour layer's ``wrap``: one lock around moto (its dictionaries are not
  thread-safe), the simulated world reconciled up to "now" first, AWS-shaped errors instead of HTTP 500s;
- inside it, moto answers the labs' services without Flask (emulator.speedups.direct).

Every speed-up (emulator.speedups) can be switched off with ECSLAB_SEM_ACELERACAO=1.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import parse_qs

from ecslab.behaviour.control import json_answer
from ecslab.emulator.directory import Directory, record_path
from ecslab.emulator.name_claims import NameClaims, claims_path
from ecslab.endpoints import CLASS_PATH, SERVICE_ID, STATUS_PATH
from ecslab.identity import UNKNOWN, identity_in

ACCOUNT_ID = "123456789012"

# Services a lab touches; their Flask apps and backends are built ahead of the first call.
WARM_SERVICES = ("ec2", "sts", "ecs", "iam", "elbv2", "autoscaling", "ssm", "logs", "ecr",
                 "applicationautoscaling", "cloudwatch", "resourcegroupstaggingapi")

WARM_DELAY = 1.0  # seconds after start at most before warming up, even if nobody called yet


def configure_moto_environment() -> None:
    """Settings a lab needs; must run before moto is imported."""
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")


class EmulatorApp:
    """WSGI middleware around moto's DomainDispatcherApplication."""

    def __init__(self, dispatcher: Any, *, region: str, port: int, version: str, host: str = "127.0.0.1",
                 class_ports: Sequence[int] | None = None):
        from ecslab.behaviour import wrap
        from ecslab.emulator import speedups

        self.dispatcher = dispatcher
        self.region = region
        self.port = port
        self.host = host
        self.version = version
        self.class_ports = list(class_ports or [port])  # every process of the class; the first keeps the directory
        several = len(self.class_ports) > 1
        self.directory = (Directory(self.class_ports, record_path(port) if several else None)
                          if self.class_ports[0] == port else None)
        self.claims = NameClaims(claims_path(port)) if class_ports is not None and self.directory else None
        self.lock = threading.RLock()
        self.inner = wrap(speedups.dispatcher(dispatcher), lock=self.lock,
                          guard=class_guard(port) if class_ports is not None else None)
        self.started_at = time.time()
        self.warm = threading.Event()
        self.behaviour_ready = threading.Event()
        self.answered = threading.Event()
        self.requests = 0
        self.saver: Any = None  # persistence.Saver once serve() set it up; None: the state is not kept on disk
        self.restored: dict[str, Any] | None = None  # what came back from the snapshot at start

    def status(self) -> dict[str, Any]:
        from ecslab.emulator import speedups

        return {
            "servico": SERVICE_ID,
            "versao": self.version,
            "pid": os.getpid(),
            "porta": self.port,
            "endereco": self.host,
            "regiao": self.region,
            "iniciado_em": self.started_at,
            "aquecido": self.warm.is_set(),
            "requisicoes": self.requests,
            "turma": self.class_ports,
            "aceleracoes_desligadas": sorted(speedups.switched_off()),
            "estado": None if self.saver is None else dict(self.saver.status(), restaurado=self.restored),
        }

    def place(self, environ: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """GET /ecslab/turma?aluno=X: (HTTP status, answer) with the port of the process that serves X."""
        aluno = (parse_qs(environ.get("QUERY_STRING") or "").get("aluno") or [""])[0].strip()
        if self.directory is None:
            return "421 Misdirected Request", {"erro": "pergunte à porta principal da turma",
                                               "porta_principal": self.class_ports[0], "portas": self.class_ports}
        if not aluno or len(aluno) > 64:
            return "400 Bad Request", {"erro": "informe aluno (o nome em ECSLAB_ALUNO)"}
        spelling = (parse_qs(environ.get("QUERY_STRING") or "").get("nome") or [""])[0].strip()
        held = self.claims.claim(aluno, spelling) if self.claims is not None and spelling else None
        if held is not None:  # another student's spelling holds this name (emulator.name_claims)
            return "409 Conflict", {"erro": "nome já usado por outro aluno da turma", "aluno": aluno, "grafia": held}
        return "200 OK", {"aluno": aluno, "porta": self.directory.port_for(aluno), "portas": self.class_ports}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == STATUS_PATH:
            return json_answer(start_response, self.status())
        if environ.get("PATH_INFO") == CLASS_PATH:
            status, answer = self.place(environ)
            return json_answer(start_response, answer, status)
        if not self.behaviour_ready.is_set() and _waits_for_behaviour(environ):
            self.behaviour_ready.wait(timeout=60)
        self.requests += 1
        try:
            return self.inner(environ, start_response)
        finally:
            self.answered.set()
            if self.saver is not None:
                self.saver.note_call()

    def warm_up(self) -> None:
        """Build the backends, Flask apps and API models a lab uses (the first EC2 call alone costs over a second).

        moto guards backend creation with its own lock, so this runs without holding the request lock:
        an ECS or STS call answered meanwhile does not wait for EC2's AMI catalogue. It starts once the first
        call is answered (or after WARM_DELAY), so it does not compete with that call for the GIL.
        """
        self.answered.wait(timeout=WARM_DELAY)
        try:
            from ecslab import behaviour
            from ecslab.emulator import speedups

            behaviour.install()  # imports moto's ECS, EC2, ASG and ELBv2 models; most calls wait for it
            speedups.install("moto")
        except Exception as exc:
            print(f"camada de comportamento do ECS não instalada: {exc!r}", file=sys.stderr, flush=True)
        try:
            from moto import backends

            for service in WARM_SERVICES:
                backend_dict = backends.get_backend(service)  # type: ignore[arg-type]
                for region in {self.region, "us-east-1"}:
                    try:
                        backend_dict[ACCOUNT_ID][region]
                    except KeyError:
                        backend_dict[ACCOUNT_ID]["global"]
                if service not in self.dispatcher.app_instances:
                    app = self.dispatcher.create_app(service)  # built outside the dispatcher's lock: it can be slow
                    with self.dispatcher.lock:
                        self.dispatcher.app_instances.setdefault(service, app)
            from moto.core.utils import get_service_model

            from ecslab.session import SERVICES

            for name in SERVICES:  # their API models, read by moto from botocore's files on a service's first call
                get_service_model(name)  # cached by moto from then on
        except Exception as exc:  # warming is an optimisation; never kill the server for it
            print(f"aquecimento incompleto: {exc!r}", file=sys.stderr, flush=True)
        finally:
            # Calls wait until warming ends too: moto's models import each other in cycles, and a request thread
            # importing one while this thread is half-way through another sees a partly initialised module.
            self.behaviour_ready.set()
            self.warm.set()


def class_guard(port: int) -> Any:
    """A class emulator's ownership check and audit log (behaviour.ownership), which a student's own has not."""
    from ecslab.behaviour.audit import AuditLog, audit_path
    from ecslab.behaviour.ownership import Guard

    return Guard(AuditLog(audit_path(port)))


def _waits_for_behaviour(environ: dict[str, Any]) -> bool:
    """STS answers at once (a lab's first call is "who am I"); everything else needs the behaviour layer, and so
    does STS when a class emulator's student or instructor signs it (the layer names them: behaviour.caller_identity).
    """
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    return "/sts/aws4_request" not in authorization or identity_in(authorization).kind != UNKNOWN


def build_app(port: int, region: str, host: str = "127.0.0.1",
              class_ports: Sequence[int] | None = None) -> EmulatorApp:
    configure_moto_environment()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from ecslab.__version__ import VERSION

    return EmulatorApp(DomainDispatcherApplication(create_backend_app), region=region, port=port, version=VERSION,
                       host=host, class_ports=class_ports)


def serve(port: int, *, region: str = "us-east-1", pid_file: str | None = None, host: str = "127.0.0.1",
          class_ports: Sequence[int] | None = None) -> None:
    configure_moto_environment()
    from werkzeug.serving import make_server

    from ecslab.emulator import speedups

    speedups.install("server")
    snapshot = _load_snapshot(port)
    app = build_app(port, region, host, class_ports)
    _keep_state(app, port, snapshot)
    server = make_server(host, port, app, threaded=True, request_handler=speedups.request_handler())
    if pid_file:
        with open(pid_file, "w") as fh:
            fh.write(str(os.getpid()))

    def _stop(signum: int, frame: Any) -> None:  # the last snapshot is taken once serving stops (below)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    threading.Thread(target=app.warm_up, name="aquecimento", daemon=True).start()
    print(f"{SERVICE_ID} ouvindo em http://{host}:{port} (pid {os.getpid()})", flush=True)
    if speedups.switched_off():
        print(f"{SERVICE_ID}: acelerações desligadas ({speedups.ENV}): {', '.join(sorted(speedups.switched_off()))}",
              flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        if app.saver is not None:
            app.saver.stop()
            if app.saver.status()["chamadas"] > app.saver.saved.calls:
                app.saver.save_now()
        if pid_file:
            try:
                with open(pid_file) as fh:
                    ours = fh.read().strip() == str(os.getpid())
                if ours:
                    os.unlink(pid_file)
            except OSError:
                pass
        print(f"{SERVICE_ID} parado (pid {os.getpid()})", flush=True)
        os._exit(0)  # skip interpreter teardown of moto's many modules: the state is on disk already


def _load_snapshot(port: int) -> dict[str, Any] | None:
    """The state a previous emulator on this port saved (persistence), unpickled whole; None when there is none.
    A snapshot this emulator cannot load ends the process with a pt-BR message (in its log, which `ecslab` shows)
    before it listens: never an emulator that starts empty in place of a student's state without saying so."""
    from ecslab.emulator import persistence

    path = persistence.snapshot_path(port)
    try:
        if persistence.check(path) is None:
            return None
        from ecslab import behaviour

        behaviour.install()  # the classes the snapshot's objects are instances of, patched as when it was taken
        return persistence.load(path)
    except persistence.IncompatibleSnapshot as exc:
        print(f"{persistence.REFUSED_MARK} {exc}", flush=True)
        os._exit(persistence.REFUSED_EXIT)


def _keep_state(app: EmulatorApp, port: int, snapshot: dict[str, Any] | None) -> None:
    """Put the saved state in place (before the first call is answered) and save it from now on."""
    from ecslab.emulator import persistence

    if snapshot is not None:
        with app.lock:
            app.restored = persistence.apply(snapshot)
        print(f"{SERVICE_ID}: estado restaurado de {persistence.snapshot_path(port)} "
              f"(relógio simulado em {app.restored['relogio']:.0f} s)", flush=True)
    app.saver = persistence.Saver(persistence.snapshot_path(port), app.lock)
    app.saver.start()
