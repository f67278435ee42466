"""Synthetic load: the CPU and memory each running task of a service reports, minute by minute.

By default a service is nearly idle (about 15% CPU, a little noise). `POST /ecslab/carga` sets a service's load
as a percentage of its desired count at that moment: the same traffic spread over more tasks gives each task less
CPU, as real requests behind a load balancer would. Noise is deterministic (seeded by service and minute).
"""

from __future__ import annotations

import random
from typing import Any

from ecslab.behaviour import scheduler

DEFAULT_CPU = 15.0
DEFAULT_CPU_NOISE = 3.0
LOADED_CPU_NOISE = 2.0
MEMORY_BASE = 18.0  # % of the task's memory with no traffic
MEMORY_PER_CPU = 0.3  # each CPU point adds this much memory use
MEMORY_NOISE = 1.0


def set_load(service: Any, cpu: float, duration: float | None, at: float) -> None:
    """From `at` on, the service's traffic keeps `cpu`% of its current desired count busy (for `duration` s)."""
    record = scheduler.sim(service)
    record.load_cpu = min(max(float(cpu), 0.0), 100.0)
    record.load_tasks = max(int(service.desired_count or 0), 1)
    record.load_until = at + float(duration) if duration else None


def noise(key: str, minute: int, spread: float) -> float:
    """A repeatable value in [-spread, spread] for this metric and minute."""
    return random.Random(f"{key}:{minute}").uniform(-spread, spread)


def cpu_per_task(service: Any, running: int, at: float) -> float:
    """Average CPU (%) of the service's running tasks at `at`."""
    record = scheduler.sim(service)
    minute = int(at // 60)
    if record.load_cpu is None or (record.load_until is not None and at >= record.load_until):
        value = DEFAULT_CPU + noise(f"{service.arn}:cpu", minute, DEFAULT_CPU_NOISE)
    else:
        spread = record.load_cpu * record.load_tasks / max(running, 1)
        value = spread + noise(f"{service.arn}:cpu", minute, LOADED_CPU_NOISE)
    return round(min(max(value, 0.0), 100.0), 2)


def memory_per_task(service: Any, cpu: float, at: float) -> float:
    value = MEMORY_BASE + MEMORY_PER_CPU * cpu + noise(f"{service.arn}:memory", int(at // 60), MEMORY_NOISE)
    return round(min(max(value, 0.0), 100.0), 2)
