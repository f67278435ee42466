"""Which process of a class emulator serves each student.

A class emulator can run as several processes, one per core (``ecslab turma iniciar --processos N``), each an
ordinary emulator on its own port: one process is one lock and one interpreter, and a class of 30 students that
never pause saturates it. The first port (the one students set in ECSLAB_ENDPOINT) keeps this directory: a student
is placed once, on the process with the fewest students, and stays there; each student's calls then go straight to
that process (ecslab.session resolves it once per session). A process holds whole students, so everything one
student does (and the instructor's checks of it) happens in one simulated world.

The placements are also written to a file, so that if the first process alone stops and `ecslab turma iniciar`
brings it back, the students of the other processes are still sent where their resources are.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

from ecslab.config import state_dir, write_atomic


def record_path(first_port: int) -> Path:
    """Where the first process of the class on `first_port` keeps its placements (the state directory)."""
    return state_dir() / f"turma-{first_port}-alunos.json"


class Directory:
    def __init__(self, ports: Sequence[int], record: Path | None = None):
        if not ports:
            raise ValueError("a class emulator has at least one port")
        self.ports = list(ports)
        self.record = record
        self._placed: dict[str, int] = self._load()
        self._lock = threading.Lock()

    def _load(self) -> dict[str, int]:
        """The placements a previous first process of the same class wrote (same ports), else none."""
        try:
            data = json.loads(self.record.read_text()) if self.record else {}
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("portas") != self.ports:
            return {}
        placed = data.get("alunos") or {}
        return {str(k): int(v) for k, v in placed.items() if int(v) in self.ports}

    def _save(self) -> None:
        if self.record is not None:
            write_atomic(self.record, json.dumps({"portas": self.ports, "alunos": self._placed}))

    def port_for(self, student: str) -> int:
        """The student's process: the one they were placed on, else the one with fewest students (first on ties)."""
        with self._lock:
            if student not in self._placed:
                load = dict.fromkeys(self.ports, 0)
                for port in self._placed.values():
                    load[port] += 1
                self._placed[student] = min(self.ports, key=lambda port: load[port])
                self._save()
            return self._placed[student]

    def placed(self) -> dict[str, int]:
        with self._lock:
            return dict(self._placed)
