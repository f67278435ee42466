"""How much of the emulator's behaviour layer sits in files that import moto.

    .venv/bin/python scripts/behaviour_layers.py [--arquivos]

Counts the code lines (not blank, not only a comment) of every Python file under labs/ecslab/behaviour/ and prints
the share of them in files that import moto themselves (`import moto...` or `from moto...`, at any depth of the
file, a function's late import included). A second figure counts a file as touching moto also when it imports, at
its top level, a module of the layer that does (so a "plain" module that pulls moto in through a neighbour is
shown). --arquivos lists every file with its lines and which side it is on.

The target (issue 17) is at most 40% of the lines in files that import moto: placement, scheduling, scaling maths
and failure rules on plain data, one adapter touching moto's objects.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "labs" / "ecslab" / "behaviour"
PACKAGE = "ecslab.behaviour"
TARGET_SHARE = 0.40


def code_lines(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip() and not line.strip().startswith("#"))


def module_name(path: Path) -> str:
    parts = path.relative_to(LAYER).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def imports(tree: ast.AST, top_level_only: bool) -> set[str]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))  # type: ignore[attr-defined]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arquivos", action="store_true", help="list every file")
    args = parser.parse_args()
    files = sorted(LAYER.rglob("*.py"))
    lines = {path: code_lines(path) for path in files}
    trees = {path: ast.parse(path.read_text()) for path in files}
    direct = {path for path in files if any(name.split(".")[0] == "moto" for name in imports(trees[path], False))}
    by_module = {module_name(path): path for path in files}
    # transitively, through the layer's top-level imports
    touching = set(direct)
    changed = True
    while changed:
        changed = False
        for path in files:
            if path in touching:
                continue
            used = imports(trees[path], True)
            if any(by_module.get(name) in touching for name in used):
                touching.add(path)
                changed = True
    total = sum(lines.values())
    share = sum(lines[p] for p in direct) / total
    share_transitive = sum(lines[p] for p in touching) / total
    if args.arquivos:
        for path in sorted(files, key=lambda p: (p not in direct, p not in touching, -lines[p])):
            side = "moto" if path in direct else ("moto (via)" if path in touching else "plain")
            print(f"{lines[path]:6d}  {side:10s}  {path.relative_to(ROOT)}")
        print()
    print(f"behaviour layer: {len(files)} files, {total} code lines")
    print(f"in files that import moto:             {sum(lines[p] for p in direct):5d} lines, {share:.0%} "
          f"(target <= {TARGET_SHARE:.0%})")
    print(f"in files that import moto or a module that does: {sum(lines[p] for p in touching):5d} lines, "
          f"{share_transitive:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
