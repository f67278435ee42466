"""The labs on the site: one page per notebook with the outputs of a real run against the emulator,
the output-free notebook to download, and Portuguese alt text on every plot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "labs").glob("[0-9][0-9]-*.ipynb"))


def test_every_notebook_is_a_lab_page_in_the_nav(built_site):
    home = built_site.page("").read_text(encoding="utf-8")
    for notebook in NOTEBOOKS:
        assert f'href="laboratorios/{notebook.stem}/"' in home, f"{notebook.name} não está no menu"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_lab_page_shows_a_real_run_and_offers_the_notebook(built_site, notebook):
    html = built_site.page(f"laboratorios/{notebook.stem}/").read_text(encoding="utf-8")
    assert f'<a download="" href="../{notebook.name}">' in html, "falta o botão de baixar o notebook"
    downloaded = json.loads((built_site.path / "laboratorios" / notebook.name).read_text(encoding="utf-8"))
    code = [c for c in downloaded["cells"] if c["cell_type"] == "code"]
    assert code and not any(c.get("outputs") or c.get("execution_count") for c in code), "baixe sem saídas"
    assert "ecslab.verificar(" in re.sub(r"<[^>]+>", "", html), "o laboratório deve terminar com a verificação"
    # The check's table, printed by the run made during the build: every check of the lab passed.
    summary = re.search(r"(\d+)/(\d+) verificações passaram", html)
    assert summary, "a página não mostra a saída da verificação"
    assert summary.group(1) == summary.group(2), f"verificação com falhas na execução do site: {summary.group(0)}"


def test_plots_have_portuguese_alt_text(built_site):
    plots = []
    for notebook in NOTEBOOKS:
        html = built_site.page(f"laboratorios/{notebook.stem}/").read_text(encoding="utf-8")
        plots += re.findall(rf'<img alt="([^"]*)" src="\.\./{notebook.stem}_files/[^"]+\.png"', html)
    assert plots, "nenhum gráfico nas páginas dos laboratórios"
    assert all(alt.startswith("Gráfico gerado pelo laboratório: ") and len(alt) > 40 for alt in plots), plots


def _without_code(markdown: str) -> str:
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.S)
    return re.sub(r"`[^`\n]*`", "", markdown)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_dollar_amounts_never_turn_into_math(built_site, notebook):
    """JupyterLab typesets a markdown cell's rendered text with MathJax: the text between two "$" becomes italic
    math ("US0,05/h): ALBUS 0,0225/h"). In the notebooks a dollar is written US\\\\$ (it reaches MathJax as its
    escaped dollar; tests/browser/test_browser_jupyterlab.py checks it in JupyterLab), and the site shows US$."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    dollars = 0
    for cell in cells:
        if cell["cell_type"] == "markdown":
            text = _without_code("".join(cell["source"]))
            bare = re.findall(r"(?<!\\\\)\$", text)
            assert not bare, f"{notebook.name}: escreva US\\\\$ (não US$) no markdown: {text[:120]!r}"
            dollars += text.count("\\\\$")
    html = built_site.page(f"laboratorios/{notebook.stem}/").read_text(encoding="utf-8")
    assert "\\$" not in html
    assert len(re.findall(r"US(?:\$|&#36;) ?\d", html)) >= dollars


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_links_to_the_course_pages_open_them(built_site, notebook):
    """In JupyterLab a notebook's link opens the page on the local site (`make serve`); on the site it is a link
    between pages (MkDocs checks it in strict mode); never a code-formatted docs/….md path to copy by hand."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert not re.search(r"`docs/[^`]+\.md`", markdown), f"{notebook.name}: use um link para a página do site"
    html = built_site.page(f"laboratorios/{notebook.stem}/").read_text(encoding="utf-8")
    assert 'href="http://127.0.0.1:8000' not in html.split("<article", 1)[1]  # (the head's canonical is the site's)
    for target in re.findall(r"\]\(http://127\.0\.0\.1:8000/([a-z0-9/-]*)", markdown):
        assert f'href="../../{target}"' in html
        assert (built_site.path / target / "index.html").exists(), target
