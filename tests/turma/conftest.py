"""One class emulator for the whole folder, started and stopped the way an instructor does (`ecslab turma`).

Each module builds its own students on it; the helpers for ports and the CLI are the ecslab tests' own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ecslab"))

from ecslab_testutil import free_port, run_cli  # noqa: E402
from emulator_testutil import started_by_cli  # noqa: E402

from ecslab.config import Config  # noqa: E402
from ecslab.session import Sessao  # noqa: E402


@dataclass
class Turma:
    port: int
    state: Path
    env: dict[str, str]  # the instructor's environment (for `ecslab turma ...`)
    started: str  # what `ecslab turma iniciar` printed

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, timeout: float = 120):
        return run_cli(*args, env=self.env, timeout=timeout)

    def base(self) -> Sessao:
        """The instructor's session on the class emulator."""
        return Sessao(Config(backend="emulador", porta=self.port, aluno="instrutor", endpoint=self.endpoint),
                      start_emulator=False)

    def student_env(self, aluno: str, **extra: str) -> dict[str, str]:
        """A student's environment on another "machine": the class emulator through ECSLAB_ENDPOINT only."""
        env = {k: v for k, v in self.env.items() if not k.startswith("ECSLAB_")}
        env.update({"ECSLAB_BACKEND": "emulador", "ECSLAB_ENDPOINT": self.endpoint, "ECSLAB_ALUNO": aluno,
                    "ECSLAB_ESTADO": str(self.state / f"aluno-{aluno}"), **extra})
        return env


@pytest.fixture(scope="session")
def turma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Turma]:
    state = tmp_path_factory.mktemp("ecslab-turma")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECSLAB_"))}
    env.update({"ECSLAB_ESTADO": str(state), "ECSLAB_PORTA": str(port)})
    with started_by_cli(["turma", "iniciar"], ["turma", "parar"], env, state) as started:
        yield Turma(port, state, env, started)


@pytest.fixture(scope="session")
def base(turma: Turma) -> Sessao:
    s = turma.base()
    s.clientes()  # made once: the per-student sessions (some in threads) share them
    return s
