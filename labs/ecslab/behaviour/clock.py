"""The simulated clock: simulated seconds run `scale` times faster than wall seconds.

Simulated time is a float number of seconds since the clock started. Nothing runs by itself: the reconcile step
asks the clock what time it is and brings the world up to that moment. Tests may move the clock forward.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

SCALE_ENV = "ECSLAB_ESCALA_TEMPO"
# At 20x, a Fargate task (about 30 simulated seconds from PROVISIONING to RUNNING) starts in about 1.5 wall seconds.
DEFAULT_SCALE = 20.0


def scale_from_env() -> float:
    raw = os.environ.get(SCALE_ENV, "").strip().replace(",", ".")
    if not raw:
        return DEFAULT_SCALE
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_SCALE
    return value if value > 0 else DEFAULT_SCALE


class Clock:
    def __init__(self, scale: float | None = None):
        self.scale = scale if scale is not None else scale_from_env()
        self._wall_start = time.monotonic()
        self._epoch = datetime.now(UTC)
        self._offset = 0.0

    def now(self) -> float:
        """Simulated seconds since the clock started."""
        return (time.monotonic() - self._wall_start) * self.scale + self._offset

    def advance(self, seconds: float) -> float:
        """Jump forward by `seconds` simulated seconds (never backwards)."""
        self._offset += max(0.0, float(seconds))
        return self.now()

    def to_datetime(self, sim_seconds: float) -> datetime:
        """The wall-clock moment a simulated instant stands for; durations look `scale` times shorter."""
        return self._epoch + timedelta(seconds=sim_seconds / self.scale)


_clock = Clock()


def clock() -> Clock:
    return _clock

