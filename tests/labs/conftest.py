"""One emulator process for the notebook tests; each notebook executed twice (lazily, once per session)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from labs_testutil import Emulator, free_port, kernel_env, run_cli


@pytest.fixture(scope="session")
def emulador(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    state = tmp_path_factory.mktemp("ecslab-labs")
    port = free_port()
    env = kernel_env(port, "sonda", state)
    started = run_cli("emulador", "iniciar", env=env)
    assert started.returncode == 0, started.stdout + started.stderr
    previous = os.environ.get("ECSLAB_ESTADO")
    os.environ["ECSLAB_ESTADO"] = str(state)  # the checks in this process read lab 06's decision from here
    try:
        yield Emulator(port, state)
    finally:
        if previous is None:
            os.environ.pop("ECSLAB_ESTADO", None)
        else:
            os.environ["ECSLAB_ESTADO"] = previous
        stopped = run_cli("emulador", "parar", env=env)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


@pytest.fixture
def novo_aluno() -> str:
    return "nbx" + uuid.uuid4().hex[:8]
