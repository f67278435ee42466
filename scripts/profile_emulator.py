"""Run the emulator in the foreground with Python's profiler on every call it answers, for a developer's eyes.

    .venv/bin/python scripts/profile_emulator.py --porta 5055 [--saida /tmp/emulador.prof] [--so-passo]

Then point a load at it (for instance `scripts/bench_turma.py --porta 5055 --alunos 10`) and read the figures with
`python -m pstats /tmp/emulador.prof` (sort cumulative, stats 40). The profile is written every few seconds, so the
emulator can simply be stopped (Ctrl+C) when the load is over. --so-passo profiles the simulation's pass only
(behaviour.reconcile), not moto's answers.

Calls take turns on the emulator's lock, so one profiler is switched on in the answering thread for the time of
each call.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "labs"))

DUMP_EVERY_S = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--porta", type=int, required=True)
    parser.add_argument("--saida", default="/tmp/emulador.prof")
    parser.add_argument("--so-passo", action="store_true", help="only the simulation's pass")
    args = parser.parse_args()

    from ecslab import behaviour
    from ecslab.emulator import server

    profiler = cProfile.Profile()
    guard = threading.Lock()

    def profiled(function):
        def call(*a, **k):
            with guard:  # the emulator's lock already serializes calls; this keeps the profiler to one thread
                profiler.enable()
                try:
                    return function(*a, **k)
                finally:
                    profiler.disable()

        return call

    if args.so_passo:
        behaviour.reconcile = profiled(behaviour.reconcile)
    else:
        server.EmulatorApp.__call__ = profiled(server.EmulatorApp.__call__)

    def dump() -> None:
        while True:
            time.sleep(DUMP_EVERY_S)
            with guard:
                profiler.dump_stats(args.saida)

    threading.Thread(target=dump, daemon=True).start()
    server.serve(args.porta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
