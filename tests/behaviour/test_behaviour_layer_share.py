"""Issue 17's bound on the behaviour layer's shape: at most 40% of its code lines sit in files that import moto
(rules on plain data, one adapter touching moto's objects), as scripts/behaviour_layers.py measures it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_at_most_forty_percent_of_the_behaviour_layer_imports_moto():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "behaviour_layers.py")], capture_output=True,
                          text=True, timeout=60, check=True)
    found = re.search(r"in files that import moto:\s+(\d+) lines, (\d+)%", done.stdout)
    assert found, done.stdout
    layer = re.search(r"(\d+) code lines", done.stdout)
    share = int(found.group(1)) / int(layer.group(1))
    assert share <= 0.40, done.stdout
