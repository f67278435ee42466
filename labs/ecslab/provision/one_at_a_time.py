"""One provisioning at a time per student: two `ecslab preparar` (or a notebook and a terminal) for the same
student at once would both find nothing and both create it. Each public provisioning helper holds the student's
lock on this machine while it runs (a file lock, so other processes wait too; nested helpers take it once)."""

from __future__ import annotations

import fcntl
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from ecslab.config import state_dir
from ecslab.session import Sessao, resolve

F = TypeVar("F", bound=Callable[..., Any])
_held = threading.local()  # lock file name -> how many helpers of this thread hold it


@contextmanager
def student_lock(s: Sessao) -> Iterator[None]:
    name = f"provisionamento-{s.backend}-{s.backend.class_key()}-{s.aluno}.lock"
    depth = getattr(_held, "depth", None)
    if depth is None:
        depth = _held.depth = {}
    if depth.get(name):
        depth[name] += 1
        try:
            yield
        finally:
            depth[name] -= 1
        return
    with open(state_dir() / name, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        depth[name] = 1
        try:
            yield
        finally:
            depth[name] = 0
            fcntl.flock(handle, fcntl.LOCK_UN)


def one_at_a_time(fn: F) -> F:
    """Run a provisioning helper under its student's lock (the session is its `sessao` keyword)."""
    @functools.wraps(fn)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with student_lock(resolve(kwargs.get("sessao"))):
            return fn(*args, **kwargs)
    return locked  # type: ignore[return-value]
