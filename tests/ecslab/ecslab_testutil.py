"""Helpers shared by the ecslab tests (a uniquely named module: conftest names clash across test folders)."""

from __future__ import annotations

import socket
import subprocess
import sys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecslab.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)
