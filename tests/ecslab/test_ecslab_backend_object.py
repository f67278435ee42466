"""Outside the backends package, code asks the backend object (its timings, what it has, what it does) and never
compares the backend's name: a fourth backend, or a change of one, then touches one module."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from ecslab import backends
from ecslab.config import Config

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "labs" / "ecslab"
NAMES = ("emulador", "localstack", "aws")
_NAME = "[\"'](" + "|".join(NAMES) + ")[\"']"
COMPARISON = re.compile(
    r"(?<!for )backend\s*(==|!=|\bin\b|\bnot\s+in\b)|(==|!=)\s*" + _NAME + "|" + _NAME + r"\s*(==|!=)")


def _offenders(text: str, where: str) -> list[str]:
    return [f"{where}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if COMPARISON.search(line)]


def test_no_backend_name_comparison_outside_the_backends_package():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if (PACKAGE / "backends") in path.parents:
            continue
        found += _offenders(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    for notebook in sorted((ROOT / "labs").glob("*.ipynb")):
        cells = nbformat.read(notebook, as_version=4).cells
        found += _offenders("\n".join(c.source for c in cells if c.cell_type == "code"), notebook.name)
    assert not found, "\n".join(found)


def test_the_pattern_catches_a_comparison():
    assert _offenders('if s.backend == "emulador":\n    pass', "x")
    assert _offenders("pause = 0.5 if cfg.backend != 'aws' else 5", "x")
    assert not _offenders("print(f'backend {s.backend}')", "x")


def test_each_name_gives_its_backend_with_one_timing_table():
    made = {name: backends.for_config(Config(backend=name, aluno="ana")) for name in NAMES}
    assert {name: str(b) for name, b in made.items()} == {name: name for name in NAMES}
    # Waits grow from the emulator (simulated time) to LocalStack to real AWS.
    emulator, localstack, aws = (made[name].timings for name in NAMES)
    assert emulator.poll < localstack.poll <= aws.poll
    assert emulator.checks < localstack.checks < aws.checks
    assert emulator.deletions == 0 < aws.deletions  # the emulator deletes at once: nothing to wait for
    assert made["aws"].shows_costs and not made["emulador"].shows_costs
    assert made["aws"].has_fis and not made["localstack"].has_fis
