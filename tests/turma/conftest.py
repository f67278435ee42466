"""One class emulator for the whole folder (per xdist worker), started and stopped the way an instructor does
(`ecslab turma`), as two processes whatever this machine's cores, so the tests see a class spread over processes.

Each module builds its own students on it; the helpers for ports and the CLI are the ecslab tests' own.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ecslab"))

from turma_testutil import PROCESSES, Turma, class_emulator  # noqa: E402

from ecslab.session import Sessao  # noqa: E402


@pytest.fixture(scope="session")
def turma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Turma]:
    with class_emulator(tmp_path_factory, PROCESSES) as found:
        yield found


@pytest.fixture(scope="module")
def one_process_turma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Turma]:
    """A class emulator of one process, so that every student of the module shares one simulated world (on several
    processes each could be placed apart, and one student's calls would not even reach another's resources)."""
    with class_emulator(tmp_path_factory, processes=1) as found:
        yield found


@pytest.fixture(scope="session")
def base(turma: Turma) -> Sessao:
    s = turma.base()
    s.clientes()  # made once: the per-student sessions (some in threads) share them
    return s
