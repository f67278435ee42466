"""Benchmark of the site build: cold `mkdocs build --strict` time with diagrams and lab runs cached, page weights.

Usage: .venv/bin/python scripts/bench_build.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_LIMIT_KB = 500


def build(site_dir: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site_dir)],
        cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    times = []
    with tempfile.TemporaryDirectory() as scratch:
        build(Path(scratch) / "aquecimento")  # renders stale diagrams and runs stale labs: the caches, not timed
        for run in range(args.runs):
            site = Path(scratch) / f"site-{run}"
            times.append(build(site))
        pages = sorted(((p.stat().st_size, p.relative_to(site)) for p in site.rglob("*.html")), reverse=True)
        images = sorted(((p.stat().st_size, p.relative_to(site)) for p in site.rglob("*.png")), reverse=True)

    print(f"build frio (diagramas e laboratórios em cache), {args.runs} execuções: "
          f"mediana {statistics.median(times):.2f} s, mínimo {min(times):.2f} s, máximo {max(times):.2f} s")
    print("páginas mais pesadas (HTML):")
    for size, path in pages[:5]:
        print(f"  {size / 1024:7.1f} KB  {path}")
    print("imagens mais pesadas:")
    for size, path in images[:3]:
        print(f"  {size / 1024:7.1f} KB  {path}")
    over = [str(path) for size, path in pages if size > PAGE_LIMIT_KB * 1024]
    print(f"páginas acima de {PAGE_LIMIT_KB} KB: {len(over)} {over if over else ''}".rstrip())


if __name__ == "__main__":
    main()
