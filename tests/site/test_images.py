"""Every image on the site has Portuguese alt text, and content images carry their size and lazy loading
(scripts/page_hook.py), so a slow connection neither reflows the page nor downloads images off screen."""

from __future__ import annotations

import re

PORTUGUESE_WORDS = {"a", "o", "as", "os", "de", "da", "do", "das", "dos", "e", "em", "no", "na", "um", "uma", "com",
                    "para", "por", "que", "se", "ao", "à", "cada"}
ENGLISH_PLACEHOLDER = "no description has been provided"  # what notebook plots get by default
IMG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'\b([a-z-]+)="([^"]*)"')


def images(built_site):
    for page in built_site.html_files():
        for tag in IMG.findall(page.read_text(encoding="utf-8")):
            yield page.relative_to(built_site.path).as_posix(), dict(ATTRIBUTE.findall(tag))


def test_every_image_has_portuguese_alt_text(built_site):
    found = list(images(built_site))
    assert len(found) >= 6, "o site deveria ter ao menos os seis diagramas"
    problems = []
    for page, attributes in found:
        alt = attributes.get("alt", "").strip()
        words = set(re.findall(r"\w+", alt.lower()))
        if len(words) < 3 or not words & PORTUGUESE_WORDS or ENGLISH_PLACEHOLDER in alt.lower():
            problems.append(f"{page}: {attributes.get('src')} alt={alt!r}")
    assert problems == [], "imagens sem texto alternativo em português"


def test_content_images_have_size_and_only_the_first_loads_eagerly(built_site):
    page = built_site.page("escolha/ec2-fargate-spot/").read_text(encoding="utf-8")
    tags = [dict(ATTRIBUTE.findall(tag)) for tag in IMG.findall(page)]
    assert len(tags) >= 2
    for tag in tags:
        assert int(tag["width"]) >= 800 and int(tag["height"]) > 0, tag["src"]
        assert tag["decoding"] == "async"
    assert "loading" not in tags[0], "a primeira imagem costuma ser o maior elemento da tela: não deve ser lazy"
    assert all(tag.get("loading") == "lazy" for tag in tags[1:])


def test_plots_made_during_the_build_have_their_size(built_site):
    """The labs' images are generated in memory during the build (scripts/labs_hook.py); page_hook.py reads their
    size from there, so a lab page does not reflow when its plots arrive."""
    found = []
    for page in sorted(built_site.path.glob("laboratorios/*/index.html")):
        for tag in IMG.findall(page.read_text(encoding="utf-8")):
            attributes = dict(ATTRIBUTE.findall(tag))
            if "_files/" in attributes.get("src", ""):
                found.append((page.parent.name, attributes))
    assert found, "nenhuma imagem gerada pelos laboratórios"
    for lab, attributes in found:
        assert int(attributes.get("width", 0)) > 0 and int(attributes.get("height", 0)) > 0, (lab, attributes)


def test_lightbox_does_not_block_the_first_paint(built_site):
    home = built_site.page("").read_text(encoding="utf-8")
    assert "glightbox" not in home  # no zoomable image, no lightbox
    page = built_site.page("escolha/ec2-fargate-spot/").read_text(encoding="utf-8")
    assert "glightbox.min.js" not in page.split("</head>", 1)[0]
    assert page.index("glightbox.min.js") < page.index('<script id="init-glightbox"')
    assert re.search(r'<script type="text/x-after-paint" src="[^"]*glightbox\.min\.js">', page)
    # Its stylesheet only styles the open lightbox: fetched without holding the first paint, applied once loaded.
    sheets = re.findall(r'<link [^>]*glightbox\.min\.css[^>]*>', page)
    assert sheets == ['<link href="../../assets/stylesheets/glightbox.min.css" rel="stylesheet" media="print" '
                      'onload="this.media=\'all\'">'], sheets


def test_search_index_waits_for_the_search(built_site):
    """Every page used to download the whole search index as it loaded (half of what a page sent). The request the
    theme makes for it is held until the reader opens the search (overrides/main.html), and the hold is set up
    before the theme's bundle runs."""
    page = built_site.page("conceitos/servicos/").read_text(encoding="utf-8")
    hold = page.find("search_index")
    bundle = re.search(r'<script type="text/x-after-paint" src="[^"]*bundle\.[0-9a-f]+\.min\.js">', page)
    assert hold != -1 and bundle and hold < bundle.start(), "o índice da busca deve esperar a busca ser aberta"
    assert 'addEventListener("focusin", want, true)' in page


def test_search_dialog_has_an_accessible_name(built_site):
    page = built_site.page("").read_text(encoding="utf-8")
    assert re.search(r'<div class="md-search"[^>]*role="dialog"[^>]*aria-label="Pesquisar"', page)


def test_a_lab_that_shows_a_diagram_uses_the_sites_copy_and_its_description(built_site):
    """A notebook that displays one of the course's diagrams: on the site its page shows the diagram itself
    (diagramas/NAME.png, not a second copy of it) with the description the course's pages give that diagram."""
    described = {}
    for page in built_site.html_files():
        if "/laboratorios/" in page.as_posix():
            continue
        for tag in IMG.findall(page.read_text(encoding="utf-8")):
            attributes = dict(ATTRIBUTE.findall(tag))
            if "diagramas/" in attributes.get("src", ""):
                described.setdefault(attributes["src"].rsplit("/", 1)[-1], attributes["alt"])
    diagrams = {image.read_bytes(): image.name for image in (built_site.path / "diagramas").glob("*.png")}
    shown = []
    for page in sorted(built_site.path.glob("laboratorios/*/index.html")):
        for tag in IMG.findall(page.read_text(encoding="utf-8")):
            attributes = dict(ATTRIBUTE.findall(tag))
            image = (page.parent / attributes["src"]).resolve()
            assert "_files/" not in attributes["src"] or image.read_bytes() not in diagrams, (
                f"{page.parent.name}: {attributes['src']} repete um diagrama do site")
            if "/diagramas/" in attributes["src"]:
                shown.append(page.parent.name)
                assert attributes["alt"] == described[image.name], (page.parent.name, image.name)
    assert shown, "o laboratório 01 mostra o diagrama da rede recomendada"
