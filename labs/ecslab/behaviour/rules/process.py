"""A small, documented model of a container's process: what its command does over time.

No container runs in the emulator. The model reads the container definition's `entryPoint` + `command` as one
shell script (the shell form `sh -c '<script>'` included), split on `;`, `&&`, `||` and new lines:

- `sleep N` waits N seconds (`sleep infinity` forever);
- `exit N` ends the process with code N (`false` fails with 1, `true` and `:` succeed);
- `a || b` runs b only when a failed, `a && b` only when a succeeded;
- anything else (a server, `nginx -g 'daemon off;'`) runs until stopped.

A script with neither `sleep` nor `exit` (or no command at all: the image's own) runs until stopped. A script that
only sleeps ends with code 0 when the sleeping is done: a batch job that finishes on its own.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass

SHELLS = ("sh", "/bin/sh", "bash", "/bin/bash", "/usr/bin/env sh")
_SPLIT = re.compile(r"(\|\||&&|;|\n)")


@dataclass(frozen=True)
class Outcome:
    """What the process does: ends after `ends_after` seconds with `exit_code`, or runs (ends_after None)."""

    ends_after: float | None
    exit_code: int = 0

    @property
    def runs(self) -> bool:
        return self.ends_after is None


RUNS = Outcome(None)


def script_of(entry_point: list[str] | None, command: list[str] | None) -> str:
    argv = [str(part) for part in (entry_point or []) + (command or [])]
    for index, part in enumerate(argv):
        if part == "-c" and index > 0 and argv[index - 1].split("/")[-1] in ("sh", "bash"):
            return " ".join(argv[index + 1:])
    if len(argv) == 1:
        return argv[0]
    return " ".join(shlex.quote(part) if " " in part else part for part in argv)


def _words(step: str) -> list[str]:
    try:
        return shlex.split(step)
    except ValueError:
        return step.split()


def _number(text: str) -> float | None:
    try:
        value = float(text.rstrip("s"))
    except ValueError:
        return math.inf if text == "infinity" else None
    return value if math.isfinite(value) and value >= 0 else None


def run(script: str) -> Outcome:
    """The outcome of a shell script, in the model above."""
    if not script.strip():
        return RUNS
    elapsed, status, modelled = 0.0, 0, False
    operator = ";"
    for token in _SPLIT.split(script):
        if token in ("||", "&&", ";", "\n"):
            operator = token
            continue
        words = _words(token)
        if not words:
            continue
        if (operator == "||" and status == 0) or (operator == "&&" and status != 0):
            continue
        name = words[0]
        if name == "sleep":
            seconds = _number(words[1]) if len(words) > 1 else None
            if seconds is None:
                status = 1
                continue
            if math.isinf(seconds):
                return RUNS
            elapsed, status, modelled = elapsed + seconds, 0, True
        elif name == "exit":
            code = int(words[1]) if len(words) > 1 and words[1].lstrip("-").isdigit() else status
            return Outcome(elapsed, code % 256)
        elif name in ("true", ":"):
            status = 0
        elif name == "false":
            status, modelled = 1, True
        else:
            return RUNS  # a program the model does not know: it runs until stopped
    return Outcome(elapsed, status) if modelled else RUNS


def container(definition: dict) -> Outcome:
    return run(script_of(definition.get("entryPoint"), definition.get("command")))
