"""The lab pages in a real Chromium: the outputs of the run made during the build are on screen (the checks'
table, and plots with Portuguese alt text), code blocks far down the page are drawn when reached and keep the
height reserved for them, and the download button gives the output-free notebook."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT
from playwright.sync_api import expect

NOTEBOOKS = sorted((ROOT / "labs").glob("[0-9][0-9]-*.ipynb"))
SUMMARY = re.compile(r"\d+/\d+ verificações passaram")


def lab_with_a_plot(built_site) -> str:
    """The first lab page that shows a plot (a PNG output of the run)."""
    for notebook in NOTEBOOKS:
        if (built_site.path / "laboratorios" / f"{notebook.stem}_files").is_dir():
            return notebook.stem
    pytest.fail("nenhum laboratório com gráfico no site")


def test_lab_page_shows_the_outputs_of_the_run(built_site, site_url, page):
    stem = lab_with_a_plot(built_site)
    page.goto(f"{site_url}laboratorios/{stem}/")
    assert page.locator("article h1").count() == 1

    # The checks' table shown by ecslab.verificar() at the end of the lab (HTML in a notebook), with its summary.
    summary = page.locator("article p strong").filter(has_text=SUMMARY).last
    summary.scroll_into_view_if_needed()
    expect(summary).to_be_visible()
    passed, total = re.search(r"(\d+)/(\d+)", SUMMARY.search(summary.inner_text()).group(0)).groups()
    assert passed == total, summary.inner_text()
    table = page.locator("article table").filter(has=page.locator("caption", has_text=f"Laboratório {stem[:2]}"))
    expect(table.locator("tbody tr")).to_have_count(int(total))
    assert table.locator("tbody tr td:first-child").all_inner_texts() == ["✅"] * int(total)

    # A plot of the run: a real PNG, drawn, with Portuguese alt text.
    plot = page.locator(f"article img[src*='{stem}_files/']").first
    plot.scroll_into_view_if_needed()
    plot.wait_for(state="visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=plot.element_handle())
    assert plot.get_attribute("alt").startswith("Gráfico gerado pelo laboratório: ")
    box = plot.bounding_box()
    assert box["width"] > 200 and box["height"] > 100, box


def test_code_blocks_far_down_are_drawn_with_the_reserved_height(built_site, site_url, page):
    stem = NOTEBOOKS[-2].stem if len(NOTEBOOKS) > 1 else NOTEBOOKS[0].stem
    page.goto(f"{site_url}laboratorios/{stem}/")
    blocks = page.locator("article .highlight > pre > code")
    assert blocks.count() >= 3
    last = blocks.last
    # Off screen, the block is not laid out yet: its height comes from its line count (--code-lines).
    reserved = last.evaluate("code => code.getBoundingClientRect().height")
    last.scroll_into_view_if_needed()
    # Once near the viewport it is drawn for real, and Material adds its copy button.
    last.locator("xpath=..").locator(".md-code__button").first.wait_for(state="visible")
    # Drawn means laid out: its innerText (the text as drawn) is no longer empty.
    expect(last).to_have_text(re.compile(r"\S"), use_inner_text=True)
    drawn = last.evaluate("code => code.getBoundingClientRect().height")
    assert drawn > 0 and abs(drawn - reserved) <= max(24, 0.1 * drawn), (reserved, drawn)


def test_download_button_gives_the_notebook_without_outputs(built_site, site_url, page, tmp_path):
    stem = lab_with_a_plot(built_site)
    page.goto(f"{site_url}laboratorios/{stem}/")
    link = page.locator(f"article a[download][href$='{stem}.ipynb']")
    assert link.count() == 1, "falta o botão de baixar o notebook"
    assert "Baixe o notebook" in link.inner_text()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == f"{stem}.ipynb"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    notebook = nbformat.read(saved, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "o notebook baixado não tem células de código"
    assert all(not cell.outputs and cell.execution_count is None for cell in code), "o notebook deve vir sem saídas"
