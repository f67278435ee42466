"""The class emulator of the turma tests, started and stopped the way an instructor does (`ecslab turma`).

(A uniquely named module: conftest names clash across test folders.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from emulator_testutil import started_by_cli
from lab_harness import free_port, run_cli

from ecslab.config import Config
from ecslab.session import Sessao


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
                      class_view=True)

    def student(self, aluno: str) -> Sessao:
        """A student's own session, as on their machine: ECSLAB_ENDPOINT and ECSLAB_ALUNO."""
        return Sessao(Config(backend="emulador", porta=self.port, aluno=aluno, endpoint=self.endpoint)).open()

    def student_env(self, aluno: str, **extra: str) -> dict[str, str]:
        """A student's environment on another "machine": the class emulator through ECSLAB_ENDPOINT only."""
        env = {k: v for k, v in self.env.items() if not k.startswith("ECSLAB_")}
        env.update({"ECSLAB_BACKEND": "emulador", "ECSLAB_ENDPOINT": self.endpoint, "ECSLAB_ALUNO": aluno,
                    "ECSLAB_ESTADO": str(self.state / f"aluno-{aluno}"), **extra})
        return env


PROCESSES = 2  # the folder's class emulator: two processes whatever this machine's cores


@contextmanager
def class_emulator(tmp_path_factory: pytest.TempPathFactory, processes: int) -> Iterator[Turma]:
    state = tmp_path_factory.mktemp("ecslab-turma")
    port = free_port(span=processes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECSLAB_"))}
    env.update({"ECSLAB_ESTADO": str(state), "ECSLAB_PORTA": str(port)})
    with started_by_cli(["turma", "iniciar", "--processos", str(processes)], ["turma", "parar"], env,
                        state) as started:
        yield Turma(port, state, env, started)

