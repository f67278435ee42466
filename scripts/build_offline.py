"""Builds the offline copy of the course for workshops: a zip that opens from file://, search included.

Builds with mkdocs.offline.yml (Material's offline plugin, links ending in index.html) and zips the site
under one folder, ecs-na-pratica/. Usage: .venv/bin/python scripts/build_offline.py [--saida ARQUIVO.zip]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "ecs-na-pratica"
DEFAULT_ZIP = ROOT / "build" / "ecs-na-pratica-offline.zip"


def build(site_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", "mkdocs.offline.yml",
         "--site-dir", str(site_dir)],
        cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(f"ERRO: a geração da cópia offline falhou:\n{result.stdout}{result.stderr}")


def make_zip(site_dir: Path, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in site_dir.rglob("*") if p.is_file() and p.suffix != ".gz")
    partial = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            archive.write(path, f"{FOLDER}/{path.relative_to(site_dir).as_posix()}")
    partial.replace(target)
    return len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description="Gera a cópia offline do curso (um .zip que abre via file://).")
    parser.add_argument("--saida", type=Path, default=DEFAULT_ZIP, help=f"arquivo .zip (padrão: {DEFAULT_ZIP})")
    args = parser.parse_args()
    target = args.saida.resolve()
    with tempfile.TemporaryDirectory() as scratch:
        site_dir = Path(scratch) / FOLDER
        build(site_dir)
        count = make_zip(site_dir, target)
    size = target.stat().st_size / 1024 / 1024
    print(f"Cópia offline pronta: {target} ({count} arquivos, {size:.1f} MB).")
    print(f"Descompacte e abra {FOLDER}/index.html no navegador; funciona sem internet e sem servidor, com busca.")


if __name__ == "__main__":
    main()
