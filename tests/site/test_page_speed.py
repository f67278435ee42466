"""What overrides/main.html does so that a page's start-up work does not restyle the whole page a second time."""

from __future__ import annotations

import re


def test_root_classes_are_set_while_the_page_is_parsed(built_site):
    """The theme's bundle and the focus-visible polyfill inside it mark <html> when they start ("js",
    "js-focus-visible", data-js-focus-visible); set in <head> beforehand, their marks change nothing and the page is
    not restyled inside the bundle's start-up task."""
    for url in ("", "laboratorios/01-rede/"):
        head = built_site.page(url).read_text(encoding="utf-8").split("</head>", 1)[0]
        script = re.search(r"<script>\s*document\.documentElement\.className = \"js js-focus-visible\"\s*"
                           r"document\.documentElement\.setAttribute\(\"data-js-focus-visible\", \"\"\)\s*</script>",
                           head)
        assert script, f"{url or '/'}: <html> deve receber as classes do tema enquanto a página é lida"
