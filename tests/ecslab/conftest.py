"""A real emulator process over HTTP for the ecslab tests, started and stopped through our own CLI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ecslab_testutil import free_port, run_cli

from ecslab.cleanup import limpar
from ecslab.config import Config
from ecslab.session import Sessao


@pytest.fixture(scope="session")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ecslab-estado")
    os.environ["ECSLAB_ESTADO"] = str(path)
    return path


@pytest.fixture(scope="session")
def emulator_port(state_dir: Path) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "ECSLAB_ESTADO": str(state_dir)}
    started = run_cli("--porta", str(port), "emulador", "iniciar", env=env)
    assert started.returncode == 0, started.stderr
    yield port
    stopped = run_cli("--porta", str(port), "emulador", "parar", env=env)
    assert stopped.returncode == 0, stopped.stderr


@pytest.fixture
def aluno() -> str:
    return "t" + uuid.uuid4().hex[:10]


@pytest.fixture
def make_session(emulator_port: int) -> Callable[[str], Sessao]:
    def make(student: str) -> Sessao:
        return Sessao(Config(backend="emulador", porta=emulator_port, regiao="us-east-1", aluno=student))
    return make


@pytest.fixture
def sessao(make_session: Callable[[str], Sessao], aluno: str) -> Iterator[Sessao]:
    s = make_session(aluno)
    yield s
    # Keep the shared emulator lean for the next tests (the assertions about cleanup live in the tests).
    if s.may_have_created:
        try:
            limpar(sessao=s)
        except Exception:
            pass


@pytest.fixture
def cli_env(state_dir: Path, emulator_port: int, aluno: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECSLAB_"))}
    env.update({"ECSLAB_ESTADO": str(state_dir), "ECSLAB_PORTA": str(emulator_port), "ECSLAB_ALUNO": aluno,
                "ECSLAB_BACKEND": "emulador"})
    return env
