"""The emulator process: moto's WSGI app wrapped in our middleware, served by werkzeug on 127.0.0.1.

The middleware
- serializes request handling under one lock (moto's dictionaries are not thread-safe);
- runs the "before request" reconcile hooks under that lock (the behaviour layer plugs in here);
- answers ``GET /ecslab/status`` so a client can tell this emulator from anything else on the port.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

SERVICE_ID = "ecslab-emulador"
STATUS_PATH = "/ecslab/status"
ACCOUNT_ID = "123456789012"

# Services a lab touches; their Flask apps and backends are built ahead of the first call.
WARM_SERVICES = ("ec2", "sts", "ecs", "iam", "elbv2", "autoscaling", "ssm", "logs", "ecr",
                 "applicationautoscaling", "cloudwatch", "resourcegroupstaggingapi")

ReconcileHook = Callable[[], None]
WARM_DELAY = 1.0  # seconds after start at most before warming up, even if nobody called yet


def configure_moto_environment() -> None:
    """Settings a lab needs; must run before moto is imported."""
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")


class EmulatorApp:
    """WSGI middleware around moto's DomainDispatcherApplication."""

    def __init__(self, inner: Any, *, region: str, port: int, version: str):
        self.inner = inner
        self.region = region
        self.port = port
        self.version = version
        self.lock = threading.RLock()
        self.before_request: list[ReconcileHook] = []
        self.started_at = time.time()
        self.warm = threading.Event()
        self.patched = threading.Event()
        self.answered = threading.Event()
        self.requests = 0

    def status(self) -> dict[str, Any]:
        return {
            "servico": SERVICE_ID,
            "versao": self.version,
            "pid": os.getpid(),
            "porta": self.port,
            "regiao": self.region,
            "iniciado_em": self.started_at,
            "aquecido": self.warm.is_set(),
            "requisicoes": self.requests,
        }

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == STATUS_PATH:
            body = json.dumps(self.status()).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if not self.patched.is_set() and _needs_patches(environ):
            self.patched.wait(timeout=30)
        with self.lock:
            self.requests += 1
            for hook in self.before_request:
                hook()
            result = self.inner(environ, start_response)
            try:
                chunks = [bytes(chunk) for chunk in result]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        self.answered.set()
        return chunks

    def warm_up(self) -> None:
        """Build the backends and Flask apps a lab uses (the first EC2 call alone costs over a second).

        moto guards backend creation with its own lock, so this runs without holding the request lock:
        an ECS or STS call answered meanwhile does not wait for EC2's AMI catalogue. It starts once the first
        call is answered (or after WARM_DELAY), so it does not compete with that call for the GIL.
        """
        self.answered.wait(timeout=WARM_DELAY)
        try:
            from ecslab.emulator.patches import apply_patches

            apply_patches()  # imports moto.ecs (over a second); ECS requests wait for it
        except Exception as exc:
            print(f"correções do moto não aplicadas: {exc!r}", file=sys.stderr, flush=True)
        finally:
            self.patched.set()
        try:
            from moto import backends

            for service in WARM_SERVICES:
                backend_dict = backends.get_backend(service)  # type: ignore[arg-type]
                for region in {self.region, "us-east-1"}:
                    try:
                        backend_dict[ACCOUNT_ID][region]
                    except KeyError:
                        backend_dict[ACCOUNT_ID]["global"]
                if service not in self.inner.app_instances:
                    app = self.inner.create_app(service)  # built outside the dispatcher's lock: it can be slow
                    with self.inner.lock:
                        self.inner.app_instances.setdefault(service, app)
        except Exception as exc:  # warming is an optimisation; never kill the server for it
            print(f"aquecimento incompleto: {exc!r}", file=sys.stderr, flush=True)
        finally:
            self.warm.set()


def _needs_patches(environ: dict[str, Any]) -> bool:
    """Only the calls our patches change wait for them; everything else is answered at once."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    return target.endswith(".DescribeCapacityProviders")


def set_ecs_task_lifecycle_manual() -> None:
    """Stop moto from moving a task towards STOPPED each time it is described."""
    from moto.moto_api import state_manager

    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**12})


def build_app(port: int, region: str, before_request: list[ReconcileHook] | None = None) -> EmulatorApp:
    configure_moto_environment()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from ecslab.__version__ import VERSION

    set_ecs_task_lifecycle_manual()
    inner = DomainDispatcherApplication(create_backend_app)
    app = EmulatorApp(inner, region=region, port=port, version=VERSION)
    app.before_request.extend(before_request or [])
    return app


def serve(port: int, *, region: str = "us-east-1", pid_file: str | None = None) -> None:
    configure_moto_environment()
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    class QuietHandler(MotoRequestHandler):
        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            pass  # one line per call would grow the log without bound in a long-lived emulator

    app = build_app(port, region)
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    if pid_file:
        with open(pid_file, "w") as fh:
            fh.write(str(os.getpid()))

    def _stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    threading.Thread(target=app.warm_up, name="aquecimento", daemon=True).start()
    print(f"{SERVICE_ID} ouvindo em http://127.0.0.1:{port} (pid {os.getpid()})", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        if pid_file:
            try:
                with open(pid_file) as fh:
                    ours = fh.read().strip() == str(os.getpid())
                if ours:
                    os.unlink(pid_file)
            except OSError:
                pass
        print(f"{SERVICE_ID} parado (pid {os.getpid()})", flush=True)
        os._exit(0)  # skip interpreter teardown of moto's many modules: the state dies with the process anyway
