"""The simulated clock: simulated seconds run `scale` times faster than wall seconds.

Simulated time is a float number of seconds since the clock started. Nothing runs by itself: the reconcile step
asks the clock what time it is and brings the world up to that moment. Tests may move the clock forward.
"""

from __future__ import annotations

import math
import os
import time
from datetime import UTC, datetime, timedelta

SCALE_ENV = "ECSLAB_ESCALA_TEMPO"
# At 20x, a Fargate task (about 30 simulated seconds from PROVISIONING to RUNNING) starts in about 1.5 wall seconds.
DEFAULT_SCALE = 20.0


MAX_SCALE = 10_000.0  # beyond this a Fargate task would start and stop between two calls
MAX_ADVANCE = 7 * 86_400.0  # one move of the clock: a week of simulated time, a finite number


class InvalidClockInput(ValueError):
    """A time scale or a move of the clock that is not a finite number in its range; the message is pt-BR."""


def _usable_scale(raw: str | None) -> float | None:
    """The scale a value of ECSLAB_ESCALA_TEMPO asks for (a comma as decimal point too), None when it is unusable."""
    try:
        value = float((raw or "").strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 < value <= MAX_SCALE else None


def scale_problem(raw: str | None) -> str | None:
    """Why ECSLAB_ESCALA_TEMPO cannot be used (pt-BR, with what to do), or None when it is fine (or unset)."""
    if not (raw or "").strip() or _usable_scale(raw) is not None:
        return None
    return (f"{SCALE_ENV}={raw!r} não é uma escala de tempo válida. Use um número maior que 0 e até "
            f"{MAX_SCALE:.0f} (o padrão é {DEFAULT_SCALE:.0f}: o tempo simulado corre {DEFAULT_SCALE:.0f} vezes "
            f"mais rápido), ou apague a variável.")


def scale_from_env() -> float:
    """The scale ECSLAB_ESCALA_TEMPO asks for; the default when it is unset. The emulator refuses to start with an
    invalid one (scale_problem), so here an invalid value cannot reach the clock."""
    return _usable_scale(os.environ.get(SCALE_ENV)) or DEFAULT_SCALE


def checked_advance(seconds: object) -> float:
    """A move of the clock someone asks for: a finite number of seconds up to MAX_ADVANCE (the clock never goes
    back: a negative move is none)."""
    value = seconds if isinstance(seconds, int | float) and not isinstance(seconds, bool) else math.nan
    if not math.isfinite(value) or value > MAX_ADVANCE:
        raise InvalidClockInput(f"avancar={seconds!r} não é válido: informe um número de segundos entre 0 e "
                                f"{MAX_ADVANCE:.0f}.")
    return max(0.0, float(value))


class Clock:
    def __init__(self, scale: float | None = None):
        self.scale = scale if scale is not None else scale_from_env()
        self._wall_start = time.monotonic()
        self._epoch = datetime.now(UTC)
        self._offset = 0.0
        self.paused = False

    def now(self) -> float:
        """Simulated seconds since the clock started."""
        if self.paused:
            return self._offset
        return (time.monotonic() - self._wall_start) * self.scale + self._offset

    def pause(self) -> None:
        """Stop the simulated time where it is (it still moves with `advance`): a class's break, or a test that
        must not depend on how fast the machine answers."""
        if not self.paused:
            self._offset, self.paused = self.now(), True

    def resume(self) -> None:
        if self.paused:
            self._wall_start, self.paused = time.monotonic(), False

    def advance(self, seconds: float) -> float:
        """Jump forward by `seconds` simulated seconds (never backwards; InvalidClockInput beyond MAX_ADVANCE or for
        what is not a finite number, so that the clock stays a finite number)."""
        self._offset += checked_advance(seconds)
        return self.now()

    def to_datetime(self, sim_seconds: float) -> datetime:
        """The wall-clock moment a simulated instant stands for; durations look `scale` times shorter."""
        return self._epoch + timedelta(seconds=sim_seconds / self.scale)


_clock = Clock()


def clock() -> Clock:
    return _clock

