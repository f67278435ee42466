"""Puts the lab notebooks on the site, with the outputs of a real run against the emulator.

As an MkDocs hook (mkdocs.yml `hooks:`): before a build, when a notebook or the `ecslab` engine changed since the
last run, every lab is executed in order against a fresh emulator (state carries from one lab to the next, as for
a student) and the executed copies are kept in build/laboratorios/ (outside docs/, like the diagrams). Each one
becomes a page laboratorios/NN-nome/ (Markdown with the outputs, plots as PNG with Portuguese alt text) next to
the output-free notebook to download. The notebooks in git never carry outputs.

From the command line: `python scripts/labs_hook.py` runs the labs into build/laboratorios/ without the site.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LABS = ROOT / "labs"
ENGINE = LABS / "ecslab"
OUTPUT = ROOT / "build" / "laboratorios"
SITE_FOLDER = "laboratorios"
STUDENT = "site"
TITLE = re.compile(r"""(?:set_title|suptitle|plt\.title)\(\s*(?:f?["'])(.+?)["']""")

# The lab harness beside this hook, imported now: MkDocs puts a hook's folder on sys.path only while loading it.
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))
import lab_harness  # noqa: E402


class LabRunError(Exception):
    """A lab notebook failed while the site was being built."""


def notebooks() -> list[Path]:
    return lab_harness.lab_notebooks()


def executed_copy(notebook: Path) -> Path:
    return OUTPUT / notebook.name


def is_stale() -> bool:
    """True when an executed copy is missing or older than its notebook or any module of the engine."""
    inputs = [*notebooks(), *ENGINE.rglob("*.py")]
    newest = max(p.stat().st_mtime for p in inputs)
    copies = [executed_copy(nb) for nb in notebooks()]
    return any(not c.exists() or c.stat().st_mtime < newest for c in copies)


def run_all() -> None:
    """Execute every lab in order against a fresh emulator of its own; keep the executed copies."""
    execute, fresh_emulator = lab_harness.execute, lab_harness.fresh_emulator

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with fresh_emulator(STUDENT) as env:
        for notebook in notebooks():
            try:
                executed, _ = execute(nbformat.read(notebook, as_version=4), env)
            except Exception as error:  # nbclient's CellExecutionError carries the cell and its traceback
                raise LabRunError(
                    f"O laboratório {notebook.name} falhou ao ser executado para o site:\n{error}") from error
            nbformat.write(executed, executed_copy(notebook))


# How a dollar sign is written in the notebooks' markdown. JupyterLab typesets the rendered text with MathJax, so
# two "$" in one cell turn the text between them into math, and neither "\$" nor "&#36;" prevents it: markdown
# turns both into a plain "$" first. "\\$" reaches MathJax as "\$", its escaped, literal dollar.
DOLLAR_IN_NOTEBOOKS = "\\\\$"


# The notebooks link to the course's pages on the local site (`make serve`). On the site those links become links
# between pages (checked by MkDocs like any other), and the notebook offered for download points at the site's own
# address (SITE_URL), so a notebook taken from the published site links to it.
LOCAL_SITE = "http://127.0.0.1:8000/"
LOCAL_LINK = re.compile(re.escape(LOCAL_SITE) + r"([a-z0-9/-]*?)(#[a-z0-9-]+)?(?=\))")


def _page_link(match: re.Match) -> str:
    """A local-site URL as the relative link from a lab page (laboratorios/<lab>.md) to the page's Markdown file."""
    path, anchor = match.group(1).strip("/"), match.group(2) or ""
    doc = f"{path}.md" if path and (ROOT / "docs" / f"{path}.md").exists() else f"{path}/index.md".lstrip("/")
    return f"../{doc}{anchor}"


def downloadable(notebook: Path, site_url: str) -> str:
    """The notebook as offered for download: its links to the course's pages point at the site's address."""
    return notebook.read_text(encoding="utf-8").replace(LOCAL_SITE, site_url.rstrip("/") + "/")


def page(notebook: Path) -> tuple[str, dict[str, bytes]]:
    """The page for one lab: Markdown with the run's outputs, and its images {relative path: PNG bytes}."""
    from nbconvert import MarkdownExporter

    executed = nbformat.read(executed_copy(notebook), as_version=4)
    for cell in executed.cells:
        if cell.cell_type == "markdown":  # US\\$ keeps JupyterLab's MathJax from reading prices as math
            cell.source = LOCAL_LINK.sub(_page_link, cell.source.replace(DOLLAR_IN_NOTEBOOKS, "&#36;"))
    images_dir = f"{notebook.stem}_files"
    body, resources = MarkdownExporter().from_notebook_node(executed, resources={"output_files_dir": images_dir})
    outputs = resources.get("outputs", {})
    diagrams = shown_diagrams(outputs)
    alts = diagram_alt_texts() if diagrams else {}
    descriptions = iter(_plot_descriptions(executed))

    def described(match: re.Match) -> str:
        path, description = match.group(1), next(descriptions, "Imagem gerada pelo laboratório")
        if path in diagrams:  # one of the course's diagrams: the site's own copy, with its alt text from the pages
            name = diagrams[path]
            return f"![{alts.get(name, f'Diagrama do curso: {name}')}](../{DIAGRAMS_SITE_FOLDER}/{name}.png)"
        return f"![{description}]({path})"

    body = PNG_OUTPUT.sub(described, body)
    title, _, rest = body.lstrip().partition("\n")
    banner = (
        f'\n\n!!! tip "Rode este laboratório na sua máquina"\n'
        f"    Esta página mostra a saída de uma execução real do notebook contra o emulador do curso.\n"
        f"    [Baixe o notebook `{notebook.name}`]({notebook.name}){{ download }} ou, no repositório do curso,\n"
        f"    rode `make labs` e abra `{notebook.name}` no JupyterLab.\n"
    )
    images = {name: smaller_png(data) if name.endswith(".png") else data
              for name, data in outputs.items() if name not in diagrams}
    return title + banner + rest, images


# A lab that shows one of the course's diagrams (display(Image(...)) of build/diagramas/NAME.png) gets, on its page,
# the site's copy of that diagram with the alt text the course's pages give it: the same description everywhere, and
# no second copy of the same image to download.
DIAGRAMS = ROOT / "build" / "diagramas"
DIAGRAMS_SITE_FOLDER = "diagramas"
DIAGRAM_IN_PAGE = re.compile(r"!\[([^\]]+)\]\((?:\.\./)+" + DIAGRAMS_SITE_FOLDER + r"/([a-z0-9-]+)\.png\)")
PNG_OUTPUT = re.compile(r"!\[png\]\(([^)\s]+\.png)\)")


def shown_diagrams(outputs: dict[str, bytes]) -> dict[str, str]:
    """{output file: diagram name} for the image outputs that are, byte for byte, one of the rendered diagrams."""
    by_content = {image.read_bytes(): image.stem for image in DIAGRAMS.glob("*.png")}
    return {name: by_content[data] for name, data in outputs.items() if data in by_content}


def diagram_alt_texts() -> dict[str, str]:
    """{diagram name: its alt text}, from the first page of docs/ that shows the diagram."""
    alts: dict[str, str] = {}
    for page_file in sorted((ROOT / "docs").rglob("*.md")):
        for alt, name in DIAGRAM_IN_PAGE.findall(page_file.read_text(encoding="utf-8")):
            alts.setdefault(name, alt)
    return alts


def smaller_png(data: bytes) -> bytes:
    """The plot with a palette of 256 colours (a matplotlib figure has few), when that makes the file smaller:
    a lab page is read on phones and must stay light."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if image.mode not in ("RGB", "RGBA"):
            return data
        out = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(out, "PNG", optimize=True)
    return out.getvalue() if len(out.getvalue()) < len(data) else data


def _plot_descriptions(nb: nbformat.NotebookNode) -> list[str]:
    """Portuguese alt text for each PNG output, in order: the plot's title when the cell sets one."""
    descriptions = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        titles = TITLE.findall(cell.source)
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                # An f-string title is described by its fixed opening words (what comes before the first {).
                described = titles.pop(0).split("{", 1)[0].strip(" :") if titles else "resultado da célula"
                descriptions.append(f"Gráfico gerado pelo laboratório: {described}")
    return descriptions


# --- MkDocs hook events -------------------------------------------------------------------------


def on_pre_build(config) -> None:
    from mkdocs.exceptions import PluginError

    try:
        run_if_stale()
    except LabRunError as error:
        raise PluginError(str(error)) from error


def run_if_stale() -> None:
    """Run the labs when their executed copies are stale. Two builds at once (two test workers, or `make serve`
    beside `make build`) would run them twice into the same folder: the second waits for the first, then finds
    the copies fresh."""
    with one_run_at_a_time():
        if is_stale():
            run_all()


def one_run_at_a_time() -> Any:
    from filelock import FileLock

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(f"{OUTPUT}.lock")


def on_files(files, config):
    from mkdocs.structure.files import File

    for notebook in notebooks():
        markdown, images = page(notebook)
        files.append(File.generated(config, f"{SITE_FOLDER}/{notebook.stem}.md", content=markdown))
        files.append(File.generated(config, f"{SITE_FOLDER}/{notebook.name}",
                                    content=downloadable(notebook, config["site_url"] or LOCAL_SITE)))
        for name, data in images.items():
            files.append(File.generated(config, f"{SITE_FOLDER}/{name}", content=data))
    return files


def on_serve(server, config, builder):
    for notebook in notebooks():
        server.watch(str(notebook))
    server.watch(str(ENGINE))
    return server


if __name__ == "__main__":
    try:
        with one_run_at_a_time():
            run_all()
    except LabRunError as error:
        sys.exit(f"ERRO: {error}")
    print(f"{len(notebooks())} laboratório(s) executado(s) em {OUTPUT.relative_to(ROOT)}/")
