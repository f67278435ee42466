"""Moved: the notebook harness is scripts/lab_harness.py, outside the package students import.

This module only points there for the callers not yet moved (scripts/labs_hook.py, scripts/bench_turma.py,
tests/behaviour/behaviour_testutil.py); delete it once they import lab_harness themselves.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _harness():  # noqa: ANN202
    if "lab_harness" not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "scripts" / "lab_harness.py"
        spec = importlib.util.spec_from_file_location("lab_harness", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["lab_harness"] = module
        spec.loader.exec_module(module)
    return sys.modules["lab_harness"]


_h = _harness()
LABS_DIR = _h.LABS_DIR
lab_notebooks, kernel_env, free_port, run_cli = _h.lab_notebooks, _h.kernel_env, _h.free_port, _h.run_cli
fresh_emulator, execute, output_text = _h.fresh_emulator, _h.execute, _h.output_text
