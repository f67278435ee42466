"""Browser fixtures: the session's built site served on 127.0.0.1 (with gzip, like a real host) and one
headless Debian Chromium driven by Playwright. Playwright's own browser downloads are never used."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium não encontrado: rode `bash scripts/setup.sh --testes` ou aponte a variável CHROMIUM"
    return path


@pytest.fixture(scope="session")
def site_url(built_site):
    with load_script("static_server").serve(built_site.path) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright starts Chromium with a fresh temporary user-data-dir of its own.
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="pt-BR", color_scheme="light")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def wait_until_search_is_ready(page) -> None:
    """Waits for Material's search worker: its status line leaves "Inicializando busca" once the index is loaded
    (a query typed before that is dropped)."""
    page.wait_for_function(
        "(document.querySelector('.md-search-result__meta') || {}).textContent?.trim()"
        " === 'Digite para iniciar a busca'"
    )
