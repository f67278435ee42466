"""The class emulator's audit log: one JSON line per write (who, when, action, the resources it named and their
owners, allowed or refused), in the emulator's state directory, one file per process.

Appending a line is the whole cost of a write (the file stays open, line-buffered), so the class keeps its speed.
`notable` reads the file back for the class report: the refused attempts and the writes on a student's resources
made by another identity.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from ecslab.config import state_dir


def audit_path(port: int) -> Path:
    return state_dir() / f"emulador-{port}-auditoria.jsonl"


class AuditLog:
    def __init__(self, path: Path):
        self.path = path
        self._file: TextIO | None = None
        self._lock = threading.Lock()

    def record(self, who: str, service: str, action: str, resources: list[str], owners: tuple[str, ...],
               allowed: bool) -> None:
        entry = {"quando": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "quem": who, "servico": service, "acao": action,
                 "recursos": resources, "donos": list(owners), "permitido": allowed}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(self.path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (kept open)
            self._file.write(line)

    def notable(self) -> list[dict[str, Any]]:
        """The refused writes and the writes on a student's resources by another identity, oldest first."""
        return [entry for entry in read_entries(self.path) if is_notable(entry)]


def is_notable(entry: dict[str, Any]) -> bool:
    return not entry.get("permitido", True) or any(owner != entry.get("quem") for owner in entry.get("donos") or ())


def read_entries(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:  # a line cut by a crash
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries
