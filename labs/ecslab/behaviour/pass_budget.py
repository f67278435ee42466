"""How much one simulation pass may do, so that no call holds the emulator's lock for long.

Every request waits for the pass that runs before it (one lock for the whole emulator): a pass that launched
thousands of tasks, or stepped a cluster of thousands of tasks through hundreds of instants, froze every client of a
class emulator. A pass therefore has a budget of work units: a task launched costs LAUNCH_COST, a step of the
simulation costs one unit per task of the clusters it looks at. When the budget is spent the pass stops at the instant
it reached (one event further at least, so the world always moves on); the world is then behind the clock, and the
next call's pass goes on from there. The units are counted, never timed, so what a pass does is the same on a fast or
a slow machine.

WORK_PER_PASS is sized for a pass of well under a second (measured: about 30 to 60 microseconds per task looked at
by a step, about a millisecond per task launched); a lab's services (a few tasks) never reach it.
"""

from __future__ import annotations

WORK_PER_PASS = 10_000
LAUNCH_COST = 20  # a task and its ENI (about 1 ms), in units of one task looked at by a step (30 to 60 microseconds)

_spent = 0


def start() -> None:
    """A new pass: the whole budget."""
    global _spent
    _spent = 0


def charge(units: int) -> None:
    global _spent
    _spent += units


def launches_left() -> int:
    """How many tasks the pass may still launch."""
    return max(0, (WORK_PER_PASS - _spent) // LAUNCH_COST)


def spent() -> bool:
    return _spent >= WORK_PER_PASS
