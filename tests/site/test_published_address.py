"""A course site is meant to be published: `SITE_URL=https://… make build` builds it for that address, with
canonical links and a sitemap there, and notebook downloads that work under the address's path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ADDRESS = "https://exemplo.github.io/ecs-na-pratica/"


def test_a_build_for_a_published_address(tmp_path):
    out = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": ADDRESS}
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)]
    result = subprocess.run(build, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr

    cluster = (out / "conceitos" / "cluster" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{ADDRESS}conceitos/cluster/">' in cluster
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(loc.startswith(ADDRESS) for loc in locations), locations[:3]
    assert f"{ADDRESS}laboratorios/01-rede/" in locations
    lab = (out / "laboratorios" / "01-rede" / "index.html").read_text(encoding="utf-8")
    assert '<a download="" href="../01-rede.ipynb">' in lab  # relative: right under any path
    assert "127.0.0.1" not in cluster and "127.0.0.1" not in sitemap
    # The notebook offered for download links to the course's pages at the published address.
    downloaded = (out / "laboratorios" / "03-fargate.ipynb").read_text(encoding="utf-8")
    assert f"{ADDRESS}conceitos/fargate/" in downloaded and "127.0.0.1:8000" not in downloaded
