"""Two site builds at once (the two test workers, or `make serve` beside `make build`) run the labs and render the
diagrams once: the second build waits for the first and then finds its outputs fresh."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import diagram_hook  # noqa: E402
import labs_hook  # noqa: E402


def two_at_once(run) -> None:
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def test_two_builds_at_once_run_the_labs_once(tmp_path, monkeypatch):
    notebook = tmp_path / "01-rede.ipynb"
    notebook.write_text("{}")
    monkeypatch.setattr(labs_hook, "OUTPUT", tmp_path / "build" / "laboratorios")
    monkeypatch.setattr(labs_hook, "notebooks", lambda: [notebook])
    monkeypatch.setattr(labs_hook, "ENGINE", tmp_path / "sem-motor")
    runs = []

    def run_all() -> None:  # as long as a real run is to the other build: long enough to overlap
        runs.append(threading.current_thread().name)
        time.sleep(0.3)
        labs_hook.OUTPUT.mkdir(parents=True, exist_ok=True)
        labs_hook.executed_copy(notebook).write_text("{}")

    monkeypatch.setattr(labs_hook, "run_all", run_all)
    two_at_once(labs_hook.run_if_stale)
    assert len(runs) == 1, runs


def test_two_builds_at_once_render_each_diagram_once(tmp_path, monkeypatch):
    sources = tmp_path / "diagrams"
    sources.mkdir()
    (sources / "cluster.py").write_text("")
    monkeypatch.setattr(diagram_hook, "SOURCES", sources)
    monkeypatch.setattr(diagram_hook, "OUTPUT", tmp_path / "build" / "diagramas")
    rendered = []

    def render(script: Path) -> Path:
        rendered.append(script.name)
        time.sleep(0.3)
        diagram_hook.OUTPUT.mkdir(parents=True, exist_ok=True)
        time.sleep(0.01)  # the image is newer than its script and this hook
        image = diagram_hook.image_for(script)
        image.write_bytes(b"png")
        return image

    monkeypatch.setattr(diagram_hook, "render", render)
    two_at_once(diagram_hook.render_all)
    assert rendered == ["cluster.py"]
