"""Which process of a class emulator serves each student.

A class emulator can run as several processes, one per core (``ecslab turma iniciar --processos N``), each an
ordinary emulator on its own port: one process is one lock and one interpreter, and a class of 30 students that
never pause saturates it. The first port (the one students set in ECSLAB_ENDPOINT) keeps this directory: a student
is placed once, on the process with the fewest students, and stays there; each student's calls then go straight to
that process (ecslab.session resolves it once per session). A process holds whole students, so everything one
student does (and the instructor's checks of it) happens in one simulated world.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence


class Directory:
    def __init__(self, ports: Sequence[int]):
        if not ports:
            raise ValueError("a class emulator has at least one port")
        self.ports = list(ports)
        self._placed: dict[str, int] = {}
        self._lock = threading.Lock()

    def port_for(self, student: str) -> int:
        """The student's process: the one they were placed on, else the one with fewest students (first on ties)."""
        with self._lock:
            if student not in self._placed:
                load = dict.fromkeys(self.ports, 0)
                for port in self._placed.values():
                    load[port] += 1
                self._placed[student] = min(self.ports, key=lambda port: load[port])
            return self._placed[student]

    def placed(self) -> dict[str, int]:
        with self._lock:
            return dict(self._placed)
