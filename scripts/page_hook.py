"""MkDocs hook (mkdocs.yml `hooks:`): small HTML changes that make pages load faster on a slow network.

- Images in the content get their real width and height (no layout shift while they load) and
  `decoding="async"`; every image after the first one of a page gets `loading="lazy"`. The first one stays
  eager, because it is often the largest thing on screen.
- Code blocks get their number of lines (`style="--code-lines: N"`): docs/stylesheets/extra.css skips the
  styling and layout of the code blocks that are off screen (`content-visibility: auto`) and reserves their height
  from that number, so the page does not jump when they are drawn.
- mkdocs-glightbox adds its stylesheet and scripts to every page; pages without a zoomable image lose them, and on
  the others its script is moved from <head>, where it blocks the first paint, to the end of <body>, right before
  the script that starts the lightbox. Both get the type text/x-after-paint: overrides/main.html runs them after
  the theme's bundle, once the page is painted. Its stylesheet only styles the open lightbox, so it no longer
  blocks the first paint either: it loads as `media="print"` (which the browser fetches without waiting for it)
  and switches to all media once loaded. It was the one stylesheet the diagram and lab pages waited for and the
  others did not.
- Images generated during the build (the labs' plots) get their size too: they are read from memory.
- Code blocks stay out of the search index (`data-search-exclude`, which Material's search plugin honours): they
  were a quarter of it, and every page downloads the whole index when it loads. Prose and inline code, where the
  course names every API call and field, stay searchable.
- Tables come already wrapped in the theme's scrolling containers, with the class `tabela`. Otherwise the theme's
  bundle wraps each bare <table> itself once the page is shown, taking every table out of the page and putting it
  back, and the browser restyles them all in one long task (on a phone, the largest single delay before a page
  with a few tables answers a tap). The theme's stylesheet styles `table:not([class])`; on_post_build extends
  those rules to `.tabela`, so the tables look exactly the same.
"""

from __future__ import annotations

import io
import os
import posixpath
import re

from PIL import Image

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\bsrc="([^"]+)"')
GLIGHTBOX_SCRIPT = re.compile(r'<script src="[^"]*glightbox\.min\.js"></script>')
GLIGHTBOX_INIT = '<script id="init-glightbox">'
GLIGHTBOX_CSS = re.compile(r'<link href="([^"]*glightbox\.min\.css)" rel="stylesheet">')
GLIGHTBOX_CSS_AFTER_PAINT = '<link href="{}" rel="stylesheet" media="print" onload="this.media=\'all\'">'
AFTER_PAINT = 'type="text/x-after-paint"'  # run by the loader in overrides/main.html
GLIGHTBOX_ASSETS = re.compile(
    r'<link href="[^"]*glightbox\.min\.css" rel="stylesheet">'
    r'|<style id="glightbox-style">.*?</style>'
    r'|<script src="[^"]*glightbox\.min\.js"></script>'
    r'|<script id="init-glightbox">.*?</script>',
    re.S,
)
BARE_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
TABLE_CLASS = "tabela"
THEME_TABLE_SELECTOR = "table:not([class])"
THEME_CSS = re.compile(r"main\.[0-9a-f]+\.min\.css$")
CODE_BLOCK_OPENING = re.compile(r'<div class="(?:[^"]*\s)?highlight(?:\s[^"]*)?"')
CODE_BLOCK = re.compile(f"({CODE_BLOCK_OPENING.pattern})(>.*?</code>)", re.S)

_sources: dict[str, object] = {}  # dest_uri: MkDocs File (on disk, or generated in memory like the labs' plots)
_sizes: dict[str, tuple[int, int]] = {}


def on_files(files, config):
    _sources.clear()
    _sizes.clear()
    for file in files:
        if file.src_uri.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
            _sources[file.dest_uri] = file
    return files


def image_size(dest_uri: str) -> tuple[int, int] | None:
    if dest_uri not in _sources:
        return None
    if dest_uri not in _sizes:
        file = _sources[dest_uri]
        with Image.open(file.abs_src_path or io.BytesIO(file.content_bytes)) as image:
            _sizes[dest_uri] = image.size
    return _sizes[dest_uri]


def sized_images(html: str, page_dest: str) -> str:
    """Adds width/height, decoding and (after the first image) lazy loading to <img> tags."""
    seen = 0

    def rewrite(match: re.Match) -> str:
        nonlocal seen
        tag = match.group(0)
        src = SRC.search(tag)
        if not src or "://" in src.group(1) or src.group(1).startswith("data:"):
            return tag
        seen += 1
        dest = posixpath.normpath(posixpath.join(posixpath.dirname(page_dest), src.group(1)))
        extra = []
        size = image_size(dest)
        if size and "width=" not in tag:
            extra.append(f'width="{size[0]}" height="{size[1]}"')
        if "decoding=" not in tag:
            extra.append('decoding="async"')
        if seen > 1 and "loading=" not in tag:
            extra.append('loading="lazy"')
        if not extra:
            return tag
        end = -2 if tag.endswith("/>") else -1
        return f"{tag[:end].rstrip()} {' '.join(extra)}{tag[end:]}"

    return IMG.sub(rewrite, html)


def counted_code_lines(html: str) -> str:
    """Adds the number of lines of each highlighted code block as the CSS variable --code-lines."""

    def rewrite(match: re.Match) -> str:
        opening, rest = match.groups()
        if "style=" in opening:
            return match.group(0)
        lines = rest[rest.find("<code"):].removesuffix("</code>").rstrip("\n").count("\n") + 1
        return f'{opening} style="--code-lines: {lines}"{rest}'

    return CODE_BLOCK.sub(rewrite, html)


def code_blocks_out_of_search(html: str) -> str:
    """Marks each highlighted code block so that Material's search plugin leaves it out of the index."""
    return CODE_BLOCK_OPENING.sub(r"\g<0> data-search-exclude", html)


def wrapped_tables(html: str) -> str:
    """Bare tables in the markup the theme's bundle would build for them (renderTable in its JavaScript)."""
    return BARE_TABLE.sub(
        lambda m: f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
                  f'<table class="{TABLE_CLASS}">{m.group(1)}</table></div></div>', html)


def on_page_content(html, page, config, files):
    return wrapped_tables(code_blocks_out_of_search(counted_code_lines(sized_images(html, page.file.dest_uri))))


def on_post_build(config):
    """The theme's table rules also for `table.tabela` (same specificity: one class or one attribute test)."""
    folder = os.path.join(config["site_dir"], "assets", "stylesheets")
    sheets = [name for name in os.listdir(folder) if THEME_CSS.search(name)] if os.path.isdir(folder) else []
    if len(sheets) != 1:
        raise RuntimeError(f"page_hook: expected one theme stylesheet main.*.min.css in {folder}, found {sheets}")
    path = os.path.join(folder, sheets[0])
    with open(path, encoding="utf-8") as fh:
        css = fh.read()
    extended = f"table:is(:not([class]),.{TABLE_CLASS})"
    if THEME_TABLE_SELECTOR not in css:
        if extended in css:  # a rebuild that kept the file (mkdocs serve)
            return
        raise RuntimeError(f"page_hook: {sheets[0]} no longer styles {THEME_TABLE_SELECTOR}; update wrapped_tables")
    css = css.replace(THEME_TABLE_SELECTOR, extended)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(css)


def on_post_page(output, page, config):
    if 'class="glightbox"' not in output:
        return GLIGHTBOX_ASSETS.sub("", output)
    output = GLIGHTBOX_CSS.sub(lambda m: GLIGHTBOX_CSS_AFTER_PAINT.format(m.group(1)), output, count=1)
    script = GLIGHTBOX_SCRIPT.search(output)
    if script and GLIGHTBOX_INIT in output:
        output = output.replace(script.group(0), "", 1)
        deferred = script.group(0).replace("<script ", f"<script {AFTER_PAINT} ", 1)
        output = output.replace(GLIGHTBOX_INIT, deferred + GLIGHTBOX_INIT.replace(">", f" {AFTER_PAINT}>", 1), 1)
    return output
