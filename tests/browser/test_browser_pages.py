"""The built site in a real headless Chromium: pages load cleanly and offline, Portuguese search works,
diagrams show and zoom, the light/dark toggle works, and navigation works on a 390 px wide phone."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from conftest import ROOT, wait_until_search_is_ready

LOCAL_SCHEMES = {"data", "blob", "about"}
LAB_PAGES = {f"laboratorios/{notebook.stem}/" for notebook in (ROOT / "labs").glob("[0-9][0-9]-*.ipynb")}


def site_pages(built_site) -> list[str]:
    """Every page URL of the site, from the built HTML files (the 404 page excluded)."""
    pages = []
    for html in built_site.html_files():
        relative = html.relative_to(built_site.path).as_posix()
        if relative == "404.html":
            continue
        pages.append(relative.removesuffix("index.html"))
    return pages


def test_every_page_loads_without_errors_or_outside_requests(built_site, site_url, context):
    pages = site_pages(built_site)
    assert len(pages) >= 20, pages
    assert LAB_PAGES and LAB_PAGES <= set(pages), "as páginas dos laboratórios também devem ser visitadas"
    problems: list[str] = []
    outside: set[str] = set()

    def on_request(request):
        url = urlparse(request.url)
        if url.scheme not in LOCAL_SCHEMES and url.hostname != "127.0.0.1":
            outside.add(request.url)

    context.on("request", on_request)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and problems.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on("response", lambda reply: reply.status >= 400 and problems.append(f"{reply.status} {reply.url}"))
    # Leaving a page aborts its unfinished requests (net::ERR_ABORTED); any other failure is a problem.
    page.on(
        "requestfailed",
        lambda request: request.failure != "net::ERR_ABORTED" and problems.append(f"falhou {request.url}"),
    )
    for path in pages:
        response = page.goto(site_url + path, wait_until="load")
        assert response is not None and response.status == 200, path
        assert page.locator("article h1").count() == 1, f"{path}: a página não tem um título H1"
    page.wait_for_timeout(500)  # late requests (search index, worker) of the last page
    assert problems == []
    assert outside == set(), "o site pediu arquivos fora de 127.0.0.1 (não funcionaria sem internet)"


def search(page, site_url: str, query: str) -> list[str]:
    """Types QUERY in the site search and returns the links of the results, best first."""
    page.goto(site_url)
    box = page.locator("input.md-search__input")
    box.click()
    wait_until_search_is_ready(page)
    box.press_sequentially(query)  # real key presses: Material reads the query on keyup
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(state="visible")

    def current() -> list[str]:
        paths = [urlparse(href).path for href in results.evaluate_all("links => links.map(link => link.href)")]
        return list(dict.fromkeys(paths))  # one entry per page, in rank order

    # Results update on every key press; read them once they stop changing (the full query's answer).
    previous, found = None, current()
    while found != previous:
        page.wait_for_timeout(300)
        previous, found = found, current()
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("provedor de capacidade", {"/conceitos/cluster/", "/conceitos/escalabilidade/", "/conceitos/spot/"}),
        ("sub-rede privada", {"/rede/estrutura-recomendada/", "/rede/fargate-e-a-rede/"}),
        ("ECS Agent", {"/conceitos/agente-ecs/", "/arquitetura/agente-ecs/"}),
    ],
)
def test_portuguese_search_finds_the_page(page, site_url, query, expected):
    found = search(page, site_url, query)
    assert expected & set(found[:3]), f"a busca por '{query}' deveria trazer {sorted(expected)} no topo: {found}"
    first = page.locator(".md-search-result__item").first
    marked = {word.lower() for word in first.locator("mark").all_inner_texts()}
    assert marked, f"o primeiro resultado de '{query}' não destaca nenhum termo buscado"


def test_diagrams_are_visible_and_zoom_on_click(page, site_url):
    page.goto(site_url + "arquitetura/rede-recomendada/")
    image = page.locator("article img[src$='diagramas/rede-recomendada.png']")
    image.wait_for(state="visible")
    assert image.evaluate("img => img.complete && img.naturalWidth") > 800
    box = image.bounding_box()
    assert box["width"] > 300 and box["height"] > 100, box
    assert image.get_attribute("alt").startswith("Diagrama:")

    image.click()
    zoomed = page.locator(".glightbox-container .gslide-image img")
    zoomed.wait_for(state="visible")
    assert zoomed.evaluate("img => img.naturalWidth") > 800
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")


def test_lightbox_loads_only_on_pages_with_zoomable_images(page, site_url):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url, wait_until="load")
    assert not [url for url in requested if "glightbox" in url], "a página inicial não tem imagens para ampliar"
    page.goto(site_url + "escolha/ec2-fargate-spot/", wait_until="load")
    page.wait_for_function("typeof GLightbox === 'function'")  # loaded after the first paint, with the bundle
    assert [url for url in requested if url.endswith("glightbox.min.js")]


def test_tables_look_as_the_theme_draws_them(page, site_url):
    """A table wrapped at build time (class tabela) looks like a bare table styled by the theme, and the theme's
    bundle, once it has run, has not wrapped it a second time."""
    page.goto(site_url + "escolha/ec2-fargate-spot/", wait_until="load")
    page.wait_for_function("typeof GLightbox === 'function'")  # the last script the page loads after the bundle
    page.evaluate("new Promise(done => setTimeout(() => setTimeout(done, 100), 100))")  # its set-up tasks ran
    tables = page.locator("article table")
    assert tables.count() == 3 and page.locator("article table.tabela").count() == 3
    assert page.locator("article .md-typeset__scrollwrap .md-typeset__scrollwrap").count() == 0
    assert tables.first.evaluate("t => t.parentElement.className + '/' + t.parentElement.parentElement.className") \
        == "md-typeset__table/md-typeset__scrollwrap"
    style = """t => { const s = e => (c => [c.fontSize, c.padding, c.borderTop, c.backgroundColor, c.display,
                                            c.maxWidth].join())(getComputedStyle(e));
                      return [s(t), s(t.querySelector('th')), s(t.querySelector('td'))] }"""
    ours = tables.first.evaluate(style)
    page.evaluate("""() => { const t = document.querySelector('article table.tabela').cloneNode(true);
                             t.removeAttribute('class'); t.id = 'sem-classe';
                             document.querySelector('article').appendChild(t) }""")
    assert page.locator("#sem-classe").evaluate(style) == ours


HEADER_HEX = (
    "'#' + getComputedStyle(document.querySelector('.md-header')).backgroundColor.match(/\\d+/g).slice(0, 3)"
    ".map(value => (+value).toString(16).padStart(2, '0')).join('')"
)


def scheme(page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme")


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_light_dark_toggle_switches_and_is_remembered(page, site_url):
    page.goto(site_url, wait_until="load")
    assert scheme(page) == "default"
    light = background(page)
    page.get_by_title("Mudar para o modo escuro").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert background(page) != light
    # The browser's bar takes the header's colour, as with the theme's own palette component.
    page.wait_for_function(f"document.querySelector('meta[name=theme-color]')?.content === {HEADER_HEX}")
    page.goto(site_url + "glossario/")
    assert scheme(page) == "slate", "a escolha do modo escuro deve valer nas outras páginas"
    page.get_by_title("Mudar para o modo claro").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    assert background(page) == light


def test_first_visit_follows_the_system_dark_mode(browser, site_url):
    context = browser.new_context(locale="pt-BR", color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(site_url)
        assert scheme(page) == "slate"
        assert page.get_by_title("Mudar para o modo claro").is_visible()
        assert not page.get_by_title("Mudar para o modo escuro").is_visible()
    finally:
        context.close()


def test_navigation_on_a_390px_phone(browser, site_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="pt-BR"
    )
    try:
        page = context.new_page()
        page.goto(site_url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "a página rola na horizontal"
        menu = page.locator('label.md-header__button[for="__drawer"]')
        assert menu.is_visible(), "o botão de menu deve aparecer no celular"
        menu.click()
        drawer = page.locator("nav.md-nav--primary")
        section = drawer.locator(".md-nav__container", has=page.get_by_role("link", name="Conceitos", exact=True))
        section.locator("label").click()  # opens the section's panel
        drawer.get_by_role("link", name="Cluster", exact=True).click()
        page.wait_for_url("**/conceitos/cluster/")
        assert page.locator("article h1").evaluate("h1 => h1.firstChild.textContent.trim()") == "Cluster"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "a página rola na horizontal"
    finally:
        context.close()
