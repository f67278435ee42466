"""Concept pages teach the same way: they open with what to read first and what the reader will be able to do,
and they end with a Teste-se section of 3 to 5 self-check questions, each with its answer in a collapsed block.

The pages are the Markdown sources of every concept page: docs/conceitos/, docs/rede/, docs/escolha/ and
docs/producao/ (a page added there is checked too). docs/arquitetura/ is left out on purpose: each of its pages is
the reading guide and code of one diagram, whose concept is taught, and self-checked, on the concept page linked
from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONCEPT_FOLDERS = ["conceitos", "rede", "escolha", "producao"]
CONCEPT_PAGES = sorted(page for folder in CONCEPT_FOLDERS for page in (DOCS / folder).glob("*.md"))
OPENING = re.compile(r"^\*\*Antes de ler:\*\* \S.*\. \*\*Ao terminar, você saberá:\*\* \S.*\.$", re.MULTILINE)
SELF_CHECK = "## Teste-se"
# What may follow the self-check: the page's summary and the way on.
CLOSING_SECTIONS = {"## Resumo", "## Próximo passo"}
# Vocabulary questions ("O que é um cluster?") test memory, not decisions.
VOCABULARY_QUESTION = re.compile(r'^"(O que (é|são|significa)|Defina|Qual (é )?o nome)', re.IGNORECASE)


def page_id(page: Path) -> str:
    return str(page.relative_to(DOCS))


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of every level-2 section, in order; code blocks are not searched for headings."""
    outside_code = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    parts = re.split(r"^(## .+)$", outside_code, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_the_concept_pages_are_found():
    assert {"conceitos/index.md", "conceitos/cluster.md", "rede/estrutura-recomendada.md",
            "escolha/ec2-fargate-spot.md"} <= {page_id(page) for page in CONCEPT_PAGES}


@pytest.mark.parametrize("page", CONCEPT_PAGES, ids=page_id)
def test_page_opens_with_what_to_read_first_and_what_you_will_be_able_to_do(page):
    text = page.read_text(encoding="utf-8")
    introduction = text.split("\n## ", 1)[0]
    assert OPENING.search(introduction), (
        f"{page_id(page)}: antes da primeira seção, falta o parágrafo "
        "'**Antes de ler:** … **Ao terminar, você saberá:** …' que as outras páginas de conceitos têm"
    )


@pytest.mark.parametrize("page", CONCEPT_PAGES, ids=page_id)
def test_page_ends_with_three_to_five_self_check_questions(page):
    found = sections(page.read_text(encoding="utf-8"))
    headings = [heading.strip() for heading, _ in found]
    assert SELF_CHECK in headings, f"{page_id(page)}: falta a seção '{SELF_CHECK}'"
    position = headings.index(SELF_CHECK)
    assert set(headings[position + 1:]) <= CLOSING_SECTIONS, (
        f"{page_id(page)}: depois de '{SELF_CHECK}' só podem vir {sorted(CLOSING_SECTIONS)}, não "
        f"{headings[position + 1:]}"
    )
    body = found[position][1]
    questions = re.findall(r'^\?\?\?(\+?) question (".+")\n((?:\n|    .*\n)*)', body + "\n", flags=re.MULTILINE)
    assert 3 <= len(questions) <= 5, f"{page_id(page)}: {len(questions)} perguntas em '{SELF_CHECK}'; são de 3 a 5"
    for opened, question, answer in questions:
        assert not opened, f"{page_id(page)}: a resposta de {question} deve vir fechada (??? e não ???+)"
        assert answer.strip(), f"{page_id(page)}: {question} está sem resposta"
        assert not VOCABULARY_QUESTION.match(question), (
            f"{page_id(page)}: {question} pergunta vocabulário; pergunte uma decisão"
        )
    leftover = re.sub(r'^\?\?\? question ".+"\n((?:\n|    .*\n)*)', "", body + "\n", flags=re.MULTILINE)
    assert not leftover.strip(), f"{page_id(page)}: em '{SELF_CHECK}' há texto fora das perguntas: {leftover[:80]!r}"
