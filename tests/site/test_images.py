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


def test_lightbox_script_does_not_block_the_first_paint(built_site):
    home = built_site.page("").read_text(encoding="utf-8")
    assert "glightbox" not in home  # no zoomable image, no lightbox
    page = built_site.page("escolha/ec2-fargate-spot/").read_text(encoding="utf-8")
    assert "glightbox.min.js" not in page.split("</head>", 1)[0]
    assert page.index("glightbox.min.js") < page.index('<script id="init-glightbox"')
    assert re.search(r'<script type="text/x-after-paint" src="[^"]*glightbox\.min\.js">', page)


def test_search_dialog_has_an_accessible_name(built_site):
    page = built_site.page("").read_text(encoding="utf-8")
    assert re.search(r'<div class="md-search"[^>]*role="dialog"[^>]*aria-label="Pesquisar"', page)
