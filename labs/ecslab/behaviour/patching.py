"""How a function of moto (or of the standard library) is replaced: one `Patch` per replaced function, applied once.

Both registries use it: the behaviour fixes (behaviour.moto_patches) and the speed-ups (emulator.speedups). Each
entry names the function it replaces and the signature the replacement relies on, so that a test fails loudly when a
moto upgrade changes one. Importing this module imports nothing of moto.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Patch:
    owner: Any
    name: str
    signature: str  # the signature the replacement relies on (str(inspect.signature(...)) of the original)
    replacement: Callable[[Callable[..., Any]], Any]  # original -> what takes its place
    why: str


def wrap(function: Callable[..., Any]) -> Callable[[Callable[..., Any]], Any]:
    """Wrap a backend method (or a module function); `function(original, self, *args, **kwargs)`."""

    def make(original: Callable[..., Any]) -> Any:
        @functools.wraps(original)
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return function(original, self, *args, **kwargs)

        return method

    return make


def replace(function: Callable[..., Any]) -> Callable[[Callable[..., Any]], Any]:
    return lambda original: functools.wraps(original)(function)


def apply(patch: Patch) -> None:
    """Put the replacement in place (once: a patched function is left as it is)."""
    original = getattr(patch.owner, patch.name)
    if getattr(original, "_ecslab_patched", False):
        return
    replacement = patch.replacement(original)
    replacement._ecslab_patched = True
    static = isinstance(inspect.getattr_static(patch.owner, patch.name), staticmethod)
    setattr(patch.owner, patch.name, staticmethod(replacement) if static else replacement)


def label(patch: Patch) -> str:
    return f"{getattr(patch.owner, '__name__', type(patch.owner).__name__)}.{patch.name}"
