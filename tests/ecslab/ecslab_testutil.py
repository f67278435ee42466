"""Helpers shared by the ecslab tests (a uniquely named module: conftest names clash across test folders)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lab_harness import free_port, run_cli  # noqa: F401  (the ecslab tests import them from here)


class LocalStackHealth(BaseHTTPRequestHandler):
    """LocalStack's health endpoint: every GET answers {"services": services}."""

    services: dict[str, str] = {}

    def do_GET(self):
        body = json.dumps({"services": self.services}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def fake_localstack(monkeypatch: pytest.MonkeyPatch, services: dict[str, str]) -> Iterator[type[LocalStackHealth]]:
    """A fake LocalStack on a free port, found through LOCALSTACK_HOST (set with MONKEYPATCH) and answering SERVICES.

    Yields its handler class: set ``.services`` on it to change the answer.
    """
    handler = type("Health", (LocalStackHealth,), {"services": dict(services)})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LOCALSTACK_HOST", f"127.0.0.1:{server.server_address[1]}")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def wait_for_snapshot(port: int, timeout: float = 30.0) -> dict:
    """Wait until the emulator's snapshot covers every call it answered; its state on disk (persistence)."""
    import time

    from ecslab.backends import emulador

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = (emulador.probe(port).info or {}).get("estado") or {}
        if state.get("gravacoes") and state["chamadas_gravadas"] >= state["chamadas"] and not state["pendente"]:
            return state
        time.sleep(0.1)
    raise AssertionError(f"no snapshot of the emulator on port {port} within {timeout} s")


def cli_as(aluno: str, *args: str, state) -> subprocess.CompletedProcess:
    """`ecslab ARGS` for ALUNO on a local emulator (never a class one), with STATE as the ecslab state folder."""
    env = {**os.environ, "ECSLAB_ESTADO": str(state), "ECSLAB_ALUNO": aluno, "ECSLAB_BACKEND": "emulador"}
    env.pop("ECSLAB_ENDPOINT", None)
    return run_cli(*args, env=env)


def offline_aws_session(monkeypatch: pytest.MonkeyPatch, aluno: str = "ana"):
    """An aws-backend session with made-up credentials and no instance metadata lookup: nothing reaches AWS
    unless a test lets a client through (the tests stub every client they use)."""
    from ecslab.config import Config
    from ecslab.session import Sessao

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXEMPLO")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "segredo")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return Sessao(Config(backend="aws", regiao="us-east-1", aluno=aluno))
