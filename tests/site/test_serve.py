"""`mkdocs serve` (what `make serve` runs) settles after one build, and a changed diagram script
triggers exactly one rebuild that re-renders that diagram: no rebuild loop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_LINE = "Building documentation"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"tempo esgotado esperando: {what}")


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return 0


def test_serve_does_not_loop_and_rebuilds_on_diagram_change():
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, text=True,
        )

        def builds() -> int:
            log.seek(0)
            return log.read().count(BUILD_LINE)

        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: fetch(base + "/") == 200, 120, "o site responder")
            assert fetch(base + "/diagramas/ecs-ec2.png") == 200
            time.sleep(6)
            assert builds() == 1, "o site foi reconstruído sem nenhuma mudança (ciclo de reconstrução)"

            script = ROOT / "diagrams" / "agente-ecs.py"
            image = ROOT / "build" / "diagramas" / "agente-ecs.png"
            before = image.stat().st_mtime
            os.utime(script)
            wait_for(lambda: builds() >= 2 and image.stat().st_mtime > before, 60, "a reconstrução após a mudança")
            time.sleep(6)
            assert builds() == 2, "uma mudança num diagrama deve causar exatamente uma reconstrução"
        finally:
            stop(server)


def stop(server: subprocess.Popen) -> None:
    """SIGTERM, as Ctrl-C's neighbour: the server must be gone within 20 s. Should it not be, the test says in what
    state the kernel held it (a stopped or an uninterruptible process ignores SIGTERM for as long as it stays so)."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        status = Path(f"/proc/{server.pid}/status")
        state = next((line for line in status.read_text().splitlines() if line.startswith("State:")), "?") \
            if status.exists() else "?"
        wchan = Path(f"/proc/{server.pid}/wchan")
        where = wchan.read_text() if wchan.exists() else "?"
        server.kill()
        server.wait(timeout=20)
        raise AssertionError(f"mkdocs serve não terminou 20 s após SIGTERM ({state}, wchan {where})") from None
