"""Every lab as a student meets it: `make labs` (the emulator and JupyterLab), each notebook opened in Chromium.
JupyterLab speaks Portuguese, no news prompt covers the lab, no markdown cell turns into math (dollar amounts),
and the first code cell runs against the emulator."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "labs").glob("[0-9][0-9]-*.ipynb"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory) -> Iterator[str]:
    lab_port, emulator_port = _free_port(), _free_port()
    state = tmp_path_factory.mktemp("jupyterlab-estado")
    env = {**os.environ, "ECSLAB_PORTA": str(emulator_port), "ECSLAB_ESTADO": str(state),
           "ECSLAB_ALUNO": "lia", "ECSLAB_BACKEND": "emulador", "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"), "JUPYTERLAB_SETTINGS_DIR": str(state / "settings")}
    # The test reads cells far down the notebook: every cell drawn (JupyterLab draws by default only those near
    # the viewport, and redraws them while the page settles).
    tracker = state / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}')
    env.pop("ECSLAB_ENDPOINT", None)
    args = "--ServerApp.token= --IdentityProvider.token= --ServerApp.password= --LabApp.news_url="
    log = open(state / "make-labs.log", "w")
    make = subprocess.Popen(["make", "--no-print-directory", "labs", f"LABS_PORT={lab_port}", f"JUPYTER_ARGS={args}"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{lab_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2):
                    break
            except OSError:
                assert make.poll() is None, (state / "make-labs.log").read_text()
                assert time.monotonic() < deadline, "o JupyterLab não respondeu em 120 s"
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
        subprocess.run([str(ROOT / ".venv" / "bin" / "ecslab"), "emulador", "parar"], env=env, timeout=60)
        log.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_each_lab_opens_in_portuguese_without_math_and_its_first_cell_runs(jupyterlab, page, notebook):
    page.set_default_timeout(60_000)
    # A workspace of its own: JupyterLab would otherwise reopen the notebooks of the previous tests beside it.
    page.goto(f"{jupyterlab}/lab/workspaces/lab{notebook.stem[:2]}/tree/{notebook.name}")
    # The interface in Portuguese: the language pack is loaded (its own coverage decides which labels change; the
    # pt-BR pack translates the file browser, dialogs and the status bar, not yet the main menu titles).
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(page.locator('.jp-SideBar [title^="Navegador de arquivos"]').first).to_be_attached()
    panel = page.locator(".jp-NotebookPanel").filter(visible=True)
    expect(panel.locator(".jp-Cell").first).to_be_visible()
    markdown = panel.locator(".jp-MarkdownCell .jp-RenderedMarkdown")
    expect(markdown.first).to_be_visible()
    # MathJax is loaded on demand and typesets each rendered cell; its stylesheet appears with the first typeset
    # (math or not), and the other cells follow within moments.
    page.locator("style#MJX-CHTML-styles").wait_for(state="attached")
    page.wait_for_timeout(1000)
    math = panel.locator(".jp-RenderedMarkdown mjx-container, .jp-RenderedMarkdown .MathJax")
    assert math.count() == 0, math.first.evaluate("e => e.closest('.jp-RenderedMarkdown').textContent")
    assert page.get_by_text("Would you like to get notified").count() == 0

    expect(page.locator(".jp-Notebook-ExecutionIndicator").first).to_have_attribute("data-status", "idle")
    first_code = panel.locator(".jp-CodeCell").first
    first_code.locator(".jp-InputArea-prompt").click()  # selects the cell
    expect(first_code).to_have_class(re.compile(r"\bjp-mod-selected\b"))
    panel.locator('[data-command="notebook:run-cell-and-select-next"]').first.click()
    expect(first_code.locator(".jp-InputArea-prompt")).to_have_text("[1]:", timeout=90_000)
    errors = first_code.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    assert errors.count() == 0, errors.first.inner_text()
