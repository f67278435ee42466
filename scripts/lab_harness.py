"""The harness that runs the lab notebooks, and the helpers every test and benchmark shares.

Runs each notebook on a kernel from this environment against an emulator of its own (the notebook tests, the labs
benchmark scripts/bench_labs.py and the site build scripts/labs_hook.py), finds free ports and runs the `ecslab`
command in a subprocess. It lives here, not in the `ecslab` package, because students never need it: the tests
put this folder on sys.path (tests/conftest.py), the scripts beside it import it directly.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

LABS_DIR = Path(__file__).resolve().parents[1] / "labs"


def lab_notebooks() -> list[Path]:
    """The labs in the order a student takes them: 00-ambiente.ipynb … 99-limpeza.ipynb."""
    return sorted(LABS_DIR.glob("[0-9][0-9]-*.ipynb"))


def kernel_env(port: int, aluno: str, state_dir: Path, **extra: str) -> dict[str, str]:
    """The environment a lab kernel sees: the emulator on PORT, the student, no real AWS credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECSLAB_", "LOCALSTACK_"))}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update({"ECSLAB_BACKEND": "emulador", "ECSLAB_PORTA": str(port), "ECSLAB_ALUNO": aluno,
                "ECSLAB_ESTADO": str(state_dir), "AWS_DEFAULT_REGION": "us-east-1"})
    env.update(extra)
    return env


def free_port(span: int = 1) -> int:
    """A free port of 127.0.0.1 whose next `span - 1` ports are free too (a class emulator of `span` processes)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + span - 1 <= 65535 and all(_bindable(port + k) for k in range(1, span)):
            return port


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`ecslab ARGS` in a subprocess with ENV (this process's environment by default); an emulator it starts
    outlives the call."""
    return subprocess.run([sys.executable, "-m", "ecslab.cli", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def scratch_emulator_env() -> dict[str, str]:
    """The environment of an emulator a script starts for itself: the labs' package on the path, and its state in a
    new folder of its own. Never the user's ~/.cache/ecslab, where an emulator on a reused port would find another
    run's snapshot: refused (the emulator exits) or loaded (a measurement of someone else's state). The folder is
    removed when the script exits."""
    state = tempfile.mkdtemp(prefix="ecslab-estado-")
    atexit.register(shutil.rmtree, state, ignore_errors=True)
    return {**os.environ, "PYTHONPATH": str(LABS_DIR), "ECSLAB_ESTADO": state}


@contextmanager
def fresh_emulator(aluno: str, **extra: str) -> Iterator[dict[str, str]]:
    """A new emulator on a free port, with its own state folder; yields the kernel environment for ALUNO."""
    with tempfile.TemporaryDirectory(prefix="ecslab-") as state:
        env = kernel_env(free_port(), aluno, Path(state), **extra)
        started = run_cli("emulador", "iniciar", env=env)
        if started.returncode != 0:
            raise RuntimeError(f"o emulador não iniciou:\n{started.stdout}{started.stderr}")
        try:
            yield env
        finally:
            run_cli("emulador", "parar", env=env)


def execute(nb: nbformat.NotebookNode, env: dict[str, str], timeout: int = 300) -> tuple[nbformat.NotebookNode, float]:
    """Execute a copy of NB in labs/ (its working directory) on a python3 kernel started with ENV.

    A failing cell raises nbclient's CellExecutionError."""
    nb = nbformat.from_dict(nb)
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, resources={"metadata": {"path": str(LABS_DIR)}})
    started = time.monotonic()
    client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own log lines are not the lab's output
    elapsed = time.monotonic() - started
    # A print's pieces may reach the notebook as two stream outputs (the kernel flushed between them): one text,
    # as JupyterLab shows it, not a line broken in two on the site and in the tests' reading of it.
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    return nb, elapsed


def output_text(nb: nbformat.NotebookNode) -> str:
    """Everything the notebook's cells printed or displayed as text, tracebacks included."""
    parts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(out["text"])
            for key, value in (out.get("data") or {}).items():
                if key.startswith("text/"):
                    parts.append(value if isinstance(value, str) else "".join(value))
            if out.get("output_type") == "error":
                parts.append("\n".join(out.get("traceback", [])))
    return "\n".join(parts)
