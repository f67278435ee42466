"""Shared fixtures: one strict build of the real site per test session (site and browser tests use it)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest.nodeid import NodeId

ROOT = Path(__file__).resolve().parents[1]
# The harness every test folder shares with the scripts (free ports, the CLI, the lab notebooks): scripts/lab_harness.py
sys.path.insert(0, str(ROOT / "scripts"))
SHAPE_HOOK = ROOT / "tests" / "shape_hook"
sys.path.insert(0, str(SHAPE_HOOK))
MKDOCS = [sys.executable, "-m", "mkdocs"]


# Tests run on two workers (pytest-xdist, --dist loadgroup); each area stays on one worker so that its session
# fixtures (one emulator, one site build) are made once. The site and browser tests share the built site.
GROUPS = {"site": "site", "browser": "site", "labs": "labs", "behaviour": "behaviour", "ecslab": "ecslab",
          "turma": "turma"}


@pytest.hookimpl(trylast=True)  # after the areas' own hooks and xdist's
def pytest_collection_modifyitems(config, items):
    for item in items:
        area = Path(item.fspath).relative_to(ROOT / "tests").parts[0]
        item.add_marker(pytest.mark.xdist_group(GROUPS.get(area, area)))
    if getattr(config.option, "loadgroup", False):  # set on xdist's workers under --dist loadgroup
        for item in items:
            group = group_of(item)
            item._id = NodeId.parse(f"{item.nodeid.removesuffix('@' + group)}@{group}")


def group_of(item) -> str:
    """What --dist loadgroup schedules by: the '@<group>' suffix of a test's id, as pytest-xdist 3.8 writes it into
    Node._nodeid, which pytest 9 no longer reads (the id lives in Node._id). Without it every test is scheduled alone
    and both workers set up every area's session fixtures (emulators, the site build)."""
    return "_".join(sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                            for mark in item.iter_markers("xdist_group")}))


@pytest.fixture(scope="session", autouse=True)
def own_state_dir(tmp_path_factory) -> Path:
    """Every emulator and `ecslab` this run starts keeps its state (snapshots, decisions) in a folder of the run's
    own, unless a test names another: never in the user's ~/.cache/ecslab, where an emulator on a reused port would
    find another run's snapshot (refused, or loaded into a test that expects an empty emulator)."""
    state = tmp_path_factory.mktemp("ecslab-estado")
    os.environ["ECSLAB_ESTADO"] = str(state)
    return state


@pytest.fixture(scope="session", autouse=True)
def shape_check_log(tmp_path_factory) -> str:
    """Every botocore answer of this run is checked against its output shape (tests/shape_hook/shape_check.py): in
    this process, and in the processes it starts (PYTHONPATH brings the check's sitecustomize.py)."""
    import shape_check
    from botocore.session import Session

    log = str(tmp_path_factory.mktemp("shape-check") / "violations.jsonl")
    os.environ[shape_check.LOG_VARIABLE] = log
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SHAPE_HOOK), os.environ.get("PYTHONPATH")]))
    shape_check.install(Session)
    return log


@pytest.fixture(autouse=True)
def shape_conformance(shape_check_log):
    """The test fails (at teardown) on any answer its calls received that does not fit the API model's shape."""
    from shape_check import read_log

    _, start = read_log(shape_check_log, 0)
    yield
    found, _ = read_log(shape_check_log, start)
    assert not found, "answers that do not fit the API model's output shape:\n" + "\n".join(
        f"{v['operation']}: {v['problem']}" for v in found)


def mkdocs_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@dataclass
class BuiltSite:
    path: Path
    log: str

    def page(self, url: str) -> Path:
        """The HTML file for a site URL such as 'conceitos/cluster/'."""
        target = self.path / url
        return target / "index.html" if url.endswith("/") or not url else target

    def html_files(self) -> list[Path]:
        return sorted(self.path.rglob("*.html"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, env=mkdocs_env(), capture_output=True, text=True, timeout=300,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict falhou:\n{log}"
    return BuiltSite(out, log)
