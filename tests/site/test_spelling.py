"""Portuguese spelling: Hunspell with Debian's pt-BR dictionary over the article text of every built page
(code blocks, inline code, the checks' output table, permalink anchors and passages marked lang="en" left out;
image alt text included), with the project's word list tests/site/palavras.txt for technical terms and proper
nouns. Zero unknown words."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from ecslab.checks.framework import OUTPUT_CLASS

WORD_LIST = Path(__file__).with_name("palavras.txt")
DICTIONARY = Path("/usr/share/hunspell/pt_BR.dic")
SKIPPED_TAGS = {"pre", "code", "kbd", "script", "style", "svg"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ArticleText(HTMLParser):
    """Collects the readable Portuguese text of <article>: no code, permalink anchors or other languages."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element inside the article: is its text skipped?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if not self.stack and tag != "article":
            return
        if tag == "img" and attributes.get("alt"):
            self.parts.append(f" {attributes['alt']} ")
        if tag in VOID_TAGS:
            return
        skipped = (
            bool(self.stack and self.stack[-1])
            or tag in SKIPPED_TAGS
            or {"headerlink", OUTPUT_CLASS} & set((attributes.get("class") or "").split())
            or not (attributes.get("lang") or "pt").startswith("pt")
        )
        self.stack.append(skipped)

    def handle_endtag(self, tag):
        if self.stack and tag not in VOID_TAGS:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and not self.stack[-1]:
            self.parts.append(data)


def article_text(html: str) -> str:
    parser = ArticleText()
    parser.feed(html)
    # Tokens with digits (EC2, IPv6, 5xx, 1.3.0) are names and numbers, not words; emoji selectors are no letters.
    text = re.sub(r"[\ufe0f\u200d]", "", " ".join(parser.parts))
    return re.sub(r"\S*\d\S*", " ", text)


def unknown_words(text: str) -> list[str]:
    hunspell = shutil.which("hunspell")
    assert hunspell and DICTIONARY.exists(), (
        "Hunspell com o dicionário pt-BR é necessário: rode `bash scripts/setup.sh --testes` "
        "(instala os pacotes hunspell e hunspell-pt-br)"
    )
    result = subprocess.run(
        [hunspell, "-d", str(DICTIONARY.with_suffix("")), "-p", str(WORD_LIST), "-l", "-i", "utf-8"],
        input=text, capture_output=True, text=True, check=True,
    )
    return sorted(set(result.stdout.split()))


def test_word_list_is_sorted_and_unique():
    words = WORD_LIST.read_text(encoding="utf-8").splitlines()
    assert words == sorted(set(words), key=str.casefold), "mantenha palavras.txt em ordem e sem repetições"
    assert all(word and " " not in word for word in words)


def test_extractor_skips_code_and_keeps_alt_text():
    html = (
        '<p>fora</p><article><h1>Título<a class="headerlink" href="#t">¶</a></h1>'
        '<p>texto <code>inline</code> <img alt="Diagrama: rede"> <span lang="en">steady state</span> EC2</p>'
        "<pre><code>codigo</code></pre></article>"
    )
    assert article_text(html).split() == ["Título", "texto", "Diagrama:", "rede"]


def test_no_unknown_words_on_any_page(built_site):
    texts = {
        page.relative_to(built_site.path).parent.as_posix(): article_text(page.read_text(encoding="utf-8"))
        for page in built_site.html_files()
    }
    assert sum(len(text.split()) for text in texts.values()) > 10_000, "texto demais ficou de fora da verificação"
    unknown = unknown_words("\n".join(texts.values()))  # one Hunspell run for the whole site
    report = {
        word: sorted(page for page, text in texts.items() if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text))
        for word in unknown
    }
    assert report == {}, (
        "palavras desconhecidas (corrija a grafia no Markdown ou, se for termo técnico, "
        f"acrescente a tests/site/palavras.txt): {report}"
    )
