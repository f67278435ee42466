"""The strict build passes with zero warnings and gives the interface in pt-BR, offline."""

import json
import re
from pathlib import Path


def test_strict_build_has_no_warnings(built_site):
    problems = [line for line in built_site.log.splitlines() if re.search(r"\b(WARNING|ERROR)\b", line)]
    assert problems == []


def test_html_declares_brazilian_portuguese(built_site):
    for page in built_site.html_files():
        head = page.read_text(encoding="utf-8")[:300]
        if "<html" in head:
            assert '<html lang="pt-BR"' in head, page


def test_no_external_fonts_or_generator_banner(built_site):
    home = built_site.page("").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home
    assert "Made with" not in home


def material_strings(language: str) -> dict[str, str]:
    import material

    partial = Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{language}.html"
    return dict(re.findall(r'"([^"]+)": "([^"]*)"', partial.read_text(encoding="utf-8")))


def test_interface_has_no_english_leftovers(built_site):
    english, portuguese = material_strings("en"), material_strings("pt-BR")
    leftovers = {value for key, value in english.items() if portuguese.get(key) != value and len(value) > 3}
    found = set()
    for page in built_site.html_files():
        text = page.read_text(encoding="utf-8")
        interface = re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', text)
        interface += re.findall(r'"translations": (\{[^}]*\})', text)
        found |= {value for value in leftovers if any(value in item for item in interface)}
    assert found == set()


def test_tables_come_wrapped_and_keep_the_theme_style(built_site):
    """scripts/page_hook.py wraps tables at build time (the theme's bundle would move each one at load)."""
    page = built_site.page("escolha/ec2-fargate-spot/").read_text(encoding="utf-8")
    assert page.count('<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="tabela">') == 3
    for html in built_site.html_files():
        assert "<table>" not in html.read_text(encoding="utf-8"), html
    css = next((built_site.path / "assets" / "stylesheets").glob("main.*.min.css")).read_text(encoding="utf-8")
    assert "table:not([class])" not in css and css.count("table:is(:not([class]),.tabela)") >= 10


def test_code_blocks_stay_out_of_the_search_index(built_site):
    """scripts/page_hook.py marks code blocks data-search-exclude: every page downloads the whole index, and code
    was a quarter of it. The prose (and inline code) stays searchable; the blocks stay on the pages."""
    index = json.loads((built_site.path / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = {entry["location"]: entry["text"] for entry in index["docs"]}
    assert not [location for location, text in texts.items() if "<pre>" in text]
    assert any("<code>create_service</code>" in text for text in texts.values()), "o código dentro do texto sumiu"
    assert any("CannotPullContainerError" in text for text in texts.values())
    page = built_site.page("conceitos/").read_text(encoding="utf-8")
    assert 'highlight" data-search-exclude' in page and "register_task_definition" in page
