"""Every internal link, image and anchor of the built site resolves."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# <link rel=...> values that make the browser fetch the target (a canonical link does not).
LOADED_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])
        loaded_link = tag == "link" and set((attrs.get("rel") or "").split()) & LOADED_RELS
        if attrs.get("src") or (loaded_link and attrs.get("href")):
            self.resources.append(attrs.get("src") or attrs["href"])


def parse(page: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector


def target_file(site: Path, page: Path, path: str) -> Path:
    if not path:
        target = page
    elif path.startswith("/"):  # root-absolute, as on the 404 page
        target = (site / unquote(path).lstrip("/")).resolve()
    else:
        target = (page.parent / unquote(path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    assert site.resolve() in target.parents or target == site.resolve(), f"{page}: {path} sai do site"
    return target


def test_internal_links_and_anchors_resolve(built_site):
    site = built_site.path
    parsed = {page.resolve(): parse(page) for page in built_site.html_files()}
    broken = []
    for page, collector in parsed.items():
        for link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = target_file(site, page, parts.path)
            if not target.exists():
                broken.append(f"{page.relative_to(site.resolve())}: {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site.resolve())}: {link} (âncora inexistente)")
    assert broken == []


def test_site_loads_nothing_from_outside(built_site):
    """Scripts, styles, fonts and images all come from the site itself: it must work offline."""
    external = [
        f"{page.relative_to(built_site.path)}: {resource}"
        for page in built_site.html_files()
        for resource in parse(page).resources
        if urlsplit(resource).scheme in ("http", "https") or resource.startswith("//")
    ]
    assert external == []
