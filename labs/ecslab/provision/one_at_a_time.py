"""One provisioning at a time per student: two `ecslab preparar` (or a notebook and a terminal) for the same
student at once would both find nothing and both create it. Each public provisioning helper holds the student's
lock on this machine while it runs (a file lock, so other processes wait too; nested helpers take it once;
filelock works the same on Linux, macOS and Windows)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from filelock import FileLock

from ecslab.config import state_dir
from ecslab.session import Sessao, resolve

F = TypeVar("F", bound=Callable[..., Any])
_locks: dict[str, FileLock] = {}  # one per student and backend: re-entrant per thread, exclusive across processes
_locks_lock = threading.Lock()


@contextmanager
def student_lock(s: Sessao) -> Iterator[None]:
    path = str(state_dir() / f"provisionamento-{s.backend}-{s.backend.class_key()}-{s.aluno}.lock")
    with _locks_lock:
        lock = _locks.setdefault(path, FileLock(path, thread_local=True))
    with lock:
        yield


def one_at_a_time(fn: F) -> F:
    """Run a provisioning helper under its student's lock (the session is its `sessao` keyword)."""
    @functools.wraps(fn)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with student_lock(resolve(kwargs.get("sessao"))):
            return fn(*args, **kwargs)
    return locked  # type: ignore[return-value]
