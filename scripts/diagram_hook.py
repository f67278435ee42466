"""Renders the architecture diagrams (diagrams/*.py) and adds them to the site.

Used two ways:
- as an MkDocs hook (mkdocs.yml `hooks:`): before each build, scripts newer than their image are re-rendered
  into build/diagramas/ (outside docs/, so `mkdocs serve` does not loop); the images join the site as
  diagramas/NAME.png, and `mkdocs serve` watches diagrams/;
- from the command line: `python scripts/diagram_hook.py [--force]` renders them without building the site.

Each diagram script writes NAME.png into its working directory; modules starting with "_" are shared
settings, not diagrams (a change in one, or in this hook, re-renders every diagram). Images are reduced to a
256-colour palette (Pillow) before they reach the site.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "diagrams"
OUTPUT = ROOT / "build" / "diagramas"
SITE_FOLDER = "diagramas"


class DiagramError(Exception):
    """A diagram script failed or produced no image."""


def diagram_scripts() -> list[Path]:
    return sorted(p for p in SOURCES.glob("*.py") if not p.name.startswith("_"))


def image_for(script: Path) -> Path:
    return OUTPUT / f"{script.stem}.png"


def is_stale(script: Path) -> bool:
    image = image_for(script)
    if not image.exists():
        return True
    inputs = [script, *SOURCES.glob("_*.py"), Path(__file__)]
    return image.stat().st_mtime < max(p.stat().st_mtime for p in inputs)


def render(script: Path) -> Path:
    """Runs one script in a scratch folder and moves its image into OUTPUT."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUTPUT.parent) as scratch:
        result = subprocess.run(
            [sys.executable, str(script)], cwd=scratch, capture_output=True, text=True, timeout=120
        )
        produced = Path(scratch) / f"{script.stem}.png"
        if result.returncode != 0 or not produced.exists():
            raise DiagramError(
                f"O diagrama {script.name} não gerou {produced.name} "
                f"(código de saída {result.returncode}).\n{result.stderr.strip()}"
            )
        optimize(produced)
        produced.replace(image_for(script))
    return image_for(script)


def optimize(image: Path) -> None:
    """Reduces a diagram to a 256-colour palette PNG: 3 to 4 times smaller, same look (flat colours and text).

    Deterministic, so the image stays byte-identical run to run on one machine.
    """
    from PIL import Image

    with Image.open(image) as original:
        rgba = original.convert("RGBA")
    palette = rgba.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette.save(image, "PNG", optimize=True)


def render_all(force: bool = False) -> list[Path]:
    """Renders every stale diagram (all of them with force); returns the scripts rendered. Two builds at once
    render them once: the second waits for the first, then finds the images fresh."""
    from filelock import FileLock

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{OUTPUT}.lock"):
        todo = [s for s in diagram_scripts() if force or is_stale(s)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(render, todo))
    return todo


# --- MkDocs hook events -------------------------------------------------------------------------


def on_pre_build(config) -> None:
    from mkdocs.exceptions import PluginError

    try:
        render_all()
    except DiagramError as error:
        raise PluginError(str(error)) from error


def on_files(files, config):
    from mkdocs.structure.files import File

    for script in diagram_scripts():
        files.append(
            File.generated(config, f"{SITE_FOLDER}/{script.stem}.png", abs_src_path=str(image_for(script)))
        )
    return files


def on_serve(server, config, builder):
    server.watch(str(SOURCES))
    return server


if __name__ == "__main__":
    forced = "--force" in sys.argv[1:]
    try:
        rendered = render_all(force=forced)
    except DiagramError as error:
        sys.exit(f"ERRO: {error}")
    print(f"{len(rendered)} diagrama(s) renderizado(s) em {OUTPUT.relative_to(ROOT)}/")
