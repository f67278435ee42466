"""Run every lab notebook in order against one fresh emulator and print the time per lab and the total.

Usage: .venv/bin/python scripts/bench_labs.py [--alvo SEGUNDOS]
Exits with 1 when a notebook fails or the total goes over the target (60 s by default).
"""

from __future__ import annotations

import argparse
import sys
import time

import nbformat
from lab_harness import execute, fresh_emulator, lab_notebooks, output_text


def main() -> int:
    parser = argparse.ArgumentParser(description="Tempo de cada laboratório contra um emulador novo.")
    parser.add_argument("--alvo", type=float, default=60.0, help="tempo total máximo, em segundos (padrão 60)")
    args = parser.parse_args()
    started = time.monotonic()
    total, failed = 0.0, []
    with fresh_emulator("bench") as env:
        print(f"emulador novo: {time.monotonic() - started:5.1f} s")
        for notebook in lab_notebooks():
            nb = nbformat.read(notebook, as_version=4)
            try:
                nb, seconds = execute(nb, env)
                note = "" if "Tudo certo!" in output_text(nb) else "  (verificação com ❌)"
            except Exception as exc:  # a failing cell: report it and go on
                seconds, note = 0.0, f"  ERRO: {exc.__class__.__name__}"
                failed.append(notebook.name)
            total += seconds
            print(f"{notebook.name:<26} {seconds:6.1f} s{note}")
    print(f"{'total':<26} {total:6.1f} s (alvo: {args.alvo:.0f} s)")
    return 1 if failed or total > args.alvo else 0

if __name__ == "__main__":
    sys.exit(main())
