"""The offline copy (make offline) works from file:// in Chromium: a page opens from the menu and search works,
with no request to any server."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT, wait_until_search_is_ready


def test_offline_zip_works_from_file_url(browser, tmp_path):
    archive = tmp_path / "curso.zip"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_offline.py"), "--saida", str(archive)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Cópia offline pronta" in result.stdout
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "copia")
    index = tmp_path / "copia" / "ecs-na-pratica" / "index.html"
    assert index.is_file()

    context = browser.new_context(locale="pt-BR")
    try:
        page = context.new_page()
        network, errors = [], []
        page.on("request", lambda request: request.url.startswith("http") and network.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(index.as_uri())
        assert page.locator("article h1").evaluate("h1 => h1.firstChild.textContent.trim()") == "ECS na prática"

        page.locator("article").get_by_role("link", name="Glossário").first.click()
        page.wait_for_url("**/glossario.html")
        assert page.url.startswith("file://")
        assert "Glossário" in page.locator("article h1").inner_text()

        box = page.locator("input.md-search__input")
        box.click()
        wait_until_search_is_ready(page)
        box.press_sequentially("sub-rede privada")
        result_link = page.locator(".md-search-result__item > a").first
        result_link.wait_for(state="visible")
        href = result_link.get_attribute("href")
        assert href and ".html" in href, href
        result_link.click()
        page.wait_for_load_state()
        assert page.url.startswith("file://") and ".html" in page.url
        assert page.locator("article h1").count() == 1
        assert network == [], "a cópia offline pediu arquivos pela rede"
        assert errors == []
    finally:
        context.close()
