"""Diagrams as code: each script renders on its own, the build re-renders only what changed,
and every diagram reaches the site with Portuguese alt text and its source code beside it."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {"ecs-ec2", "ecs-fargate", "ecs-spot", "rede-recomendada", "escalabilidade", "agente-ecs"}


def load_hook():
    spec = importlib.util.spec_from_file_location("diagram_hook", ROOT / "scripts" / "diagram_hook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOK = load_hook()
SCRIPTS = HOOK.diagram_scripts()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} não é um PNG"
    return struct.unpack(">II", data[16:24])


def test_required_diagrams_exist():
    assert REQUIRED <= {s.stem for s in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_script_runs_on_its_own(script, tmp_path):
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    width, height = png_size(tmp_path / f"{script.stem}.png")
    assert width >= 800, f"{script.stem}: {width}px de largura é pouco para ler com zoom"
    assert width >= height, f"{script.stem}: {width}x{height} é mais alto que largo; ilegível na coluna do site"


def test_only_changed_scripts_render_again(tmp_path, monkeypatch):
    sources, output = tmp_path / "diagrams", tmp_path / "out"
    sources.mkdir()
    for script in SCRIPTS[:2]:
        shutil.copy(script, sources)
    for shared in HOOK.SOURCES.glob("_*.py"):
        shutil.copy(shared, sources)
    monkeypatch.setattr(HOOK, "SOURCES", sources)
    monkeypatch.setattr(HOOK, "OUTPUT", output)

    assert [s.name for s in HOOK.render_all()] == [s.name for s in SCRIPTS[:2]]
    assert HOOK.render_all() == []
    changed = sources / SCRIPTS[0].name
    later = HOOK.image_for(changed).stat().st_mtime + 5
    os.utime(changed, (later, later))
    assert [s.name for s in HOOK.render_all()] == [SCRIPTS[0].name]


def test_broken_script_fails_with_a_portuguese_message(tmp_path, monkeypatch):
    sources = tmp_path / "diagrams"
    sources.mkdir()
    (sources / "quebrado.py").write_text("raise SystemExit('sem diagrama')\n")
    monkeypatch.setattr(HOOK, "SOURCES", sources)
    monkeypatch.setattr(HOOK, "OUTPUT", tmp_path / "out")
    with pytest.raises(HOOK.DiagramError, match="não gerou quebrado.png"):
        HOOK.render_all()


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_diagram_reaches_the_site(built_site, script):
    image = built_site.path / "diagramas" / f"{script.stem}.png"
    png_size(image)
    page = built_site.page(f"arquitetura/{script.stem}/").read_text(encoding="utf-8")
    assert f'src="../../diagramas/{script.stem}.png"' in page
    assert 'alt="Diagrama' in page, "o diagrama precisa de texto alternativo em português"
    assert "glightbox" in page, "o diagrama deve abrir com zoom"
    # The page includes the script itself (pymdownx.snippets), not a copy: its Diagram(...) line is there.
    diagram_line = next(line for line in script.read_text().splitlines() if "Diagram(" in line)
    name = diagram_line.split("Diagram(", 1)[1].split(",", 1)[0].strip()
    assert name.strip("\"'") in page, f"o código de {script.name} não aparece na página"


# Runs a diagram script with Diagram.render replaced by a dump of the Graphviz source (NAME.gv): the nesting of
# Cluster(...) blocks and the icon of every node, as the script really builds them (loops included), no Graphviz.
DOT_SOURCE_DRIVER = """
import runpy, sys
from pathlib import Path
import diagrams

def save_source(diagram):
    Path(diagram.filename).write_text(diagram.dot.source)  # Diagram.__exit__ removes this one
    Path(diagram.filename + ".gv").write_text(diagram.dot.source)

diagrams.Diagram.render = save_source
sys.path.insert(0, str(Path(sys.argv[1]).parent))
runpy.run_path(sys.argv[1], run_name="__main__")
"""
DOT_STATEMENT = re.compile(
    r'^\t*(?:subgraph "?cluster_(?P<cluster>[^"{]*?)"? \{|(?P<end>\})'
    r'|\S+ \[label=(?P<label>"[^"]*"|\S+) [^\]]*?image="(?P<image>[^"]+)")',
    re.MULTILINE,
)


@dataclass(frozen=True)
class DrawnNode:
    kind: str  # the icon's file name: "nat-gateway", "fargate", "elastic-container-service-service"…
    label: str
    groups: tuple[str, ...]  # the titles of the Cluster(...) blocks around it, outermost first


def drawn(script: Path, tmp_path: Path) -> tuple[list[DrawnNode], list[tuple[str, ...]]]:
    """The nodes of a diagram and the path of titles of every group (Cluster) it draws."""
    subprocess.run([sys.executable, "-c", DOT_SOURCE_DRIVER, str(script)], cwd=tmp_path, check=True)
    source = (tmp_path / f"{script.stem}.gv").read_text(encoding="utf-8")
    nodes, groups, stack = [], [], []
    for statement in DOT_STATEMENT.finditer(source):
        if statement["cluster"] is not None:
            stack.append(statement["cluster"])
            groups.append(tuple(stack))
        elif statement["end"] and stack:
            stack.pop()
        elif statement["image"]:
            label = statement["label"].strip('"').replace("\n", " ")
            nodes.append(DrawnNode(Path(statement["image"]).stem, label, tuple(stack)))
    return nodes, groups


def is_network(title: str) -> bool:
    return title.startswith(("VPC", "Sub-rede"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_diagram_draws_the_network_as_it_is(script, tmp_path):
    """The course says the cluster belongs to no VPC, a NAT gateway lives in a public subnet and reaches the
    internet through an internet gateway, and tasks in a VPC get their interfaces in private subnets."""
    nodes, groups = drawn(script, tmp_path)
    assert nodes, f"{script.name}: nenhum nó encontrado no código Graphviz"
    for path in groups:
        if any(title.startswith("Cluster ECS") for title in path):
            assert not any(is_network(title) for title in path), (
                f"{script.name}: o cluster ECS aparece junto da rede ({' → '.join(path)}); o cluster é do plano "
                "de controle e não pertence a uma VPC"
            )
    for node in nodes:
        if node.kind == "elastic-container-service-service":
            assert not any(is_network(title) for title in node.groups), f"{script.name}: serviço dentro da VPC"
        if node.kind == "nat-gateway":
            assert any(t.startswith("Sub-rede") and "pública" in t for t in node.groups), (
                f"{script.name}: o gateway NAT fica numa sub-rede pública, não em {node.groups}"
            )
            assert any(n.kind == "internet-gateway" for n in nodes), (
                f"{script.name}: há gateway NAT sem gateway da internet; a NAT sai por ele"
            )
        if node.kind in {"fargate", "elastic-container-service-task"} and any(t.startswith("VPC") for t in node.groups):
            assert any(t.startswith("Sub-rede privada") for t in node.groups), (
                f"{script.name}: a tarefa '{node.label}' está na VPC fora de uma sub-rede privada"
            )
