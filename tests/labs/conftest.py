"""One emulator process for the notebook tests; each notebook executed twice (lazily, once per session)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from emulator_testutil import started_by_cli
from labs_testutil import Emulator, free_port, kernel_env


@pytest.fixture(scope="session")
def emulador(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    state = tmp_path_factory.mktemp("ecslab-labs")
    port = free_port()
    with started_by_cli(["emulador", "iniciar"], ["emulador", "parar"], kernel_env(port, "sonda", state), state):
        yield Emulator(port, state)


@pytest.fixture
def novo_aluno() -> str:
    return "nbx" + uuid.uuid4().hex[:8]
