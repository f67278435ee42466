"""Container health checks (`healthCheck` in a container definition), as Docker and ECS run them.

The check command is `["CMD", ...]` or `["CMD-SHELL", "<script>"]`. In the model, a check that requests a URL on
localhost (`curl -f http://localhost/`, `wget -q -O- http://127.0.0.1:8080/health`) passes when the simulated
application (application.py) answers that path with a code below 400 on a port the container maps; any other check
is run as a script by the process model (process.py) and passes when it ends with code 0.

The first check runs `interval` seconds after the container starts. A success makes the container HEALTHY; a
failure counts only after `startPeriod`, and `retries` failures in a row make it UNHEALTHY. Defaults and bounds
are ECS's: interval 30 s (5-300), timeout 5 s (2-120), retries 3 (1-10), startPeriod 0 s (0-300).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ecslab.behaviour.rules import application, process

DEFAULTS = {"interval": 30, "timeout": 5, "retries": 3, "startPeriod": 0}
BOUNDS = {"interval": (5, 300), "timeout": (2, 120), "retries": (1, 10), "startPeriod": (0, 300)}
_URL = re.compile(r"https?://(?:localhost|127\.0\.0\.1)(?::(\d+))?(/[^\s'\"|;&]*)?")


@dataclass(frozen=True)
class Verdict:
    healthy: bool
    after: float  # seconds after the container started when the container health status changes


def settings(check: dict) -> dict[str, int]:
    return {key: int(check.get(key) if check.get(key) is not None else default) for key, default in DEFAULTS.items()}


def out_of_bounds(check: dict) -> str | None:
    """The first setting outside ECS's bounds, e.g. 'interval', or None."""
    for key, (low, high) in BOUNDS.items():
        value = check.get(key)
        if value is not None and not low <= value <= high:
            return key
    return None


def passes(check: dict, container_ports: list[int]) -> bool:
    command = [str(part) for part in check.get("command") or []]
    if not command:
        return True
    kind, rest = command[0], command[1:]
    script = " ".join(rest) if kind in ("CMD", "CMD-SHELL") else " ".join(command)
    match = _URL.search(script)
    if match:
        port = int(match.group(1) or 80)
        if container_ports and port not in container_ports:
            return False  # connection refused: nothing listens there
        return application.status_for(match.group(2) or "/") < 400
    outcome = process.run(script)
    return outcome.runs or outcome.exit_code == 0


def verdict(check: dict, container_ports: list[int]) -> Verdict:
    values = settings(check)
    interval = values["interval"]
    if passes(check, container_ports):
        return Verdict(True, float(interval))
    first_counted = math.floor(values["startPeriod"] / interval) + 1
    return Verdict(False, float((first_counted + values["retries"] - 1) * interval))
