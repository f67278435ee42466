"""scripts/setup.sh tells the student, in Portuguese, how to get Graphviz where apt-get does not exist."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_missing_graphviz_without_apt_explains_what_to_install(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(os.path.realpath(sys.executable), bin_dir / "python3")
    for tool in ("dirname", "id"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    result = subprocess.run(
        [shutil.which("bash"), str(ROOT / "scripts" / "setup.sh")],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)}, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "'dot' (pacote graphviz) não foi encontrado" in result.stderr
    assert "brew install graphviz" in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_missing_chromium_for_the_tests_without_apt_explains_what_to_install(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(os.path.realpath(sys.executable), bin_dir / "python3")
    for tool in ("dirname", "id"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    fake_dot = bin_dir / "dot"
    fake_dot.write_text("#!/bin/sh\nexit 0\n")
    fake_dot.chmod(0o755)
    result = subprocess.run(
        [shutil.which("bash"), str(ROOT / "scripts" / "setup.sh"), "--testes"],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)}, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "'chromium' (pacote chromium) não foi encontrado" in result.stderr
    assert "brew install --cask chromium" in result.stderr
    assert not (tmp_path / ".venv").exists()
