"""Names unique on a class emulator: the first spelling of a student's name keeps it.

ecslab.config turns every ECSLAB_ALUNO into lower-case letters and digits (``João`` and ``joao`` both become
``joao``), and that name is the student's identity and the prefix and tag of all they create. Two students whose
names become the same would share (and clean up) each other's work, so the class emulator's first process, which
places every student (emulator.directory), also records the spelling that first asked for each name: the same
spelling again (any case, on any machine: the same student on another day) is that student; another spelling is
refused, and the `ecslab` session tells the student, in Portuguese, to choose another name.

Two students who type exactly the same name cannot be told apart (there are no passwords); the instructor sees
them as one line in `ecslab turma alunos`.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from pathlib import Path

from ecslab.config import state_dir, write_atomic


def claims_path(first_port: int) -> Path:
    return state_dir() / f"turma-{first_port}-nomes.json"


def same_spelling(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def _key(spelling: str) -> str:
    return unicodedata.normalize("NFC", spelling).strip().casefold()


class NameClaims:
    def __init__(self, record: Path | None):
        self.record = record
        self._lock = threading.Lock()
        self._spellings: dict[str, str] = self._load()

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.record.read_text(encoding="utf-8")) if self.record else {}
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def claim(self, student: str, spelling: str) -> str | None:
        """None when `spelling` may be `student` (the first to ask, or the same spelling again); else the spelling
        that holds the name."""
        with self._lock:
            held = self._spellings.get(student)
            if held is None:
                self._spellings[student] = spelling.strip()
                if self.record is not None:
                    write_atomic(self.record, json.dumps(self._spellings, ensure_ascii=False))
                return None
            return None if same_spelling(held, spelling) else held
