"""Helpers for the test folders that start an emulator through the CLI (tests/labs, tests/turma).

tests/ is on sys.path because tests/conftest.py lives here (pytest's default import mode), so every folder imports
this module by its unique name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from lab_harness import run_cli


@contextmanager
def started_by_cli(start: Sequence[str], stop: Sequence[str], env: dict[str, str], state: Path) -> Iterator[str]:
    """`ecslab START` with ENV, then this process's ECSLAB_ESTADO set to STATE until `ecslab STOP` with ENV.

    The checks and the class report run in this process read lab 06's decision from ECSLAB_ESTADO. Yields what
    START printed.
    """
    started = run_cli(*start, env=env)
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ECSLAB_ESTADO", str(state))
            yield started.stdout
    finally:
        stopped = run_cli(*stop, env=env)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
