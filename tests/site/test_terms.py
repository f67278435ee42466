"""One voice: one Portuguese term per concept, and one source for the labs' times.

The course names each concept once (the terms table of the facts file and the glossary). The variants below were
in the course once and must not come back: each entry says which term to use instead. The scan covers every page
under docs/, the notebooks (markdown, and the strings and comments of code cells) and, read-only, the Portuguese
strings of the ecslab package.

The time a lab takes has one source, the table in the instructors' guide; every notebook quotes the same numbers.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
LABS = ROOT / "labs"
GUIDE = DOCS / "instrutores" / "index.md"

FORBIDDEN: dict[str, str] = {
    r"\bmarcaç(?:ão|ões)\b": "tag / tags (o termo do curso para <tag> é tag)",
    r"\betiquetas?\b": "tag / tags (o termo do curso para <tag> é tag)",
    r"\bfunç(?:ão|ões) (?:do |de )?IAM\b": "perfil do IAM (role do IAM é perfil)",
    r"\bfunç(?:ão|ões) do perfil\b": "perfil do IAM (role do IAM é perfil)",
    r"\bfunç(?:ão|ões) de (?:execução|tarefa)\b": "perfil de execução de tarefa / perfil de tarefa",
    r"\bpiscinas?\b": "grupo de capacidade Spot (capacity pool)",
    r"\bmarca-[oa]s?\b": "o ECS aplica a tag (ênclise depois do sujeito soa lusitana)",
    r"\b(?:o ECS|a AWS|o agente|o serviço|o Fargate) [a-zà-ú]+-(?:o|a|os|as|lo|la|los|las)\b":
        "próclise no pt-BR (\"o ECS a drena\", não \"o ECS drena-a\")",
    r"\btipos? de lançamento\b": "tipo de inicialização (launch type)",
    r"\bgrupos?[- ]alvo\b": "grupo de destino (target group)",
    r"\bescalonamento\b": "escalabilidade",
    r"\bauto ?escal": "escalabilidade automática",
    r"\bdefiniç(?:ão|ões) da tarefa\b": "definição de tarefa",
    r"\bagente do contêiner\b": "agente de contêiner",
    r"\binstâncias? do contêiner\b": "instância de contêiner",
    r"\bprovedor(?:es)? de capacidades\b": "provedor de capacidade",
}


def _hits(text: str) -> list[str]:
    found = []
    for pattern, use in FORBIDDEN.items():
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            found.append(f"'{match.group(0)}' → use {use}")
    return found


def _doc_texts():
    for page in sorted(DOCS.rglob("*.md")):
        yield page.relative_to(ROOT).as_posix(), page.read_text(encoding="utf-8")


def _notebook_texts():
    for notebook in sorted(LABS.glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        for index, cell in enumerate(nb.cells):
            where = f"{notebook.relative_to(ROOT).as_posix()} (célula {index})"
            if cell.cell_type == "markdown":
                yield where, cell.source
            else:  # what the code prints and says in comments is read too
                yield where, "\n".join(re.findall(r"#.*|\"[^\"\n]*\"|'[^'\n]*'", cell.source))


def _package_strings():
    for source in sorted((LABS / "ecslab").rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield f"{source.relative_to(ROOT).as_posix()}:{node.lineno}", node.value


def test_the_scan_reaches_every_source():
    assert len(list(_doc_texts())) >= 25
    assert len({where.split(" ")[0] for where, _ in _notebook_texts()}) >= 9
    assert len(list(_package_strings())) > 100


@pytest.mark.parametrize("source", ["páginas", "notebooks", "ecslab"])
def test_no_forbidden_variant(source):
    texts = {"páginas": _doc_texts, "notebooks": _notebook_texts, "ecslab": _package_strings}[source]()
    report = {where: hits for where, text in texts if (hits := _hits(text))}
    assert report == {}, f"termos fora do vocabulário do curso em {source}: {report}"


def test_the_patterns_catch_what_they_mean():
    assert _hits("Ao associar o ASG, o ECS marca-o com a etiqueta AmazonECSManaged.")
    assert _hits("as piscinas de capacidade") and _hits("duas marcações (tags)") and _hits("a função do IAM")
    assert not _hits("O serviço junta as duas funções: mantém réplicas. A função `aguardar` espera.")
    assert not _hits("Deixe-o ligado. O perfil do IAM. As tags `ecslab:aluno`.")


def _guide_times() -> dict[str, tuple[str, str]]:
    rows = re.findall(r"^\| \[(\d\d) — [^\]]+\]\([^)]+\) \| [^|]+ \| ([\d–]+) min \| ([\d–]+) min \|",
                      GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {lab: (emulator, aws) for lab, emulator, aws in rows}


def test_notebooks_quote_the_instructors_guide_times():
    times = _guide_times()
    notebooks = sorted(LABS.glob("*.ipynb"))
    assert sorted(times) == sorted(n.name[:2] for n in notebooks), "a tabela de tempos do guia cobre cada notebook"
    wrong = {}
    for notebook in notebooks:
        emulator, aws = times[notebook.name[:2]]
        intro = nbformat.read(notebook, as_version=4).cells[0].source
        said = re.search(r"## Tempo estimado\s+(.*?)\n", intro)
        expected = f"{emulator} min no emulador; {aws} min na AWS real."
        if not said or not said.group(1).startswith(expected):
            wrong[notebook.name] = (said.group(1) if said else None, expected)
    assert wrong == {}, f"o tempo do notebook difere do guia do instrutor (docs/instrutores/index.md): {wrong}"
