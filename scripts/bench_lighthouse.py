"""Lighthouse benchmark of the built site: mobile preset, four scores, the load metrics and the transferred bytes
per page type.

Builds the site (mkdocs build --strict) into a scratch folder (or takes an already built one with --site), serves
it on 127.0.0.1 with gzip (scripts/static_server.py), and runs Lighthouse 12 with Debian's Chromium over a home
page, a concept page, a diagram-heavy page and the heaviest lab page (the one with the most bytes to send).
Lighthouse is installed on first use into .cache/node/ (git-ignored).
Exits with 1 when a score is below the target (95 by default) or a lab page sends more than 300 KB.

How the figures are made honest on a shared machine. Lighthouse's default throttling is simulated: it loads the page
once at full speed and computes the mobile figures from that trace, multiplying the main thread's observed task
times by 4. A machine busy with other work lengthens those tasks, so one run can score 81 where the page scores 100
on a quiet machine. Lighthouse's own advice is to run several times and keep the median (docs/variability.md), so:
- one discarded warm-up run first (the first Chromium start reads everything from a cold disk cache);
- EXECUCOES runs per page (5 by default); the table shows the run with the median performance score, and beside it
  every run's score and Lighthouse's benchmark index of the machine during that run (higher is faster; a loaded
  machine shows a lower index, and its runs are the low ones). Nothing is dropped or adjusted.

Usage: .venv/bin/python scripts/bench_lighthouse.py [--alvo 95] [--execucoes 5] [--sem-gzip] [--site PASTA]
       [--paginas URL ...]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / ".cache" / "node"
LIGHTHOUSE_VERSION = "12.2.3"  # 13.x needs Node >= 22
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "início": "",
    "conceito": "conceitos/servicos/",
    "diagramas": "escolha/ec2-fargate-spot/",
}
LABS_FOLDER = "laboratorios"
LAB_PAGE_LIMIT_KB = 300  # transferred bytes of one lab page, everything included (search index too)
METRICS = {  # Lighthouse audit id: column label
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "speed-index": "SI",
}
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --disable-dev-shm-usage"
)


def fail(message: str) -> None:
    sys.exit(f"ERRO: {message}")


def chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        fail("Chromium não encontrado. Rode `bash scripts/setup.sh --testes` ou aponte a variável CHROMIUM.")
    return path


def ensure_lighthouse() -> Path:
    installed = NODE_DIR / "node_modules" / "lighthouse" / "package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION:
        return LIGHTHOUSE
    if not shutil.which("npm"):
        fail("o npm (Node.js 18 ou mais novo) é necessário para o Lighthouse. Debian/Ubuntu: apt-get install npm")
    print(f"==> Instalando lighthouse@{LIGHTHOUSE_VERSION} em {NODE_DIR.relative_to(ROOT)}/ (só na primeira vez)")
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--save-exact",
         f"lighthouse@{LIGHTHOUSE_VERSION}"],
        check=True, stdout=subprocess.DEVNULL,
    )
    return LIGHTHOUSE


def load_server():
    spec = importlib.util.spec_from_file_location("static_server", ROOT / "scripts" / "static_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(site_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site_dir)],
        cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=True,
    )


def heaviest_lab_page(site: Path) -> str:
    """The lab page (laboratorios/NN-nome/) with the most bytes to send: its gzipped HTML plus the images it shows
    (its plots, and the course's diagrams a lab displays)."""

    def weight(page: Path) -> int:
        html = page.read_bytes()
        sources = set(re.findall(rb'<img\b[^>]*\bsrc="([^":]+)"', html))
        images = [(page.parent / source.decode()).resolve() for source in sources]
        return len(gzip.compress(html)) + sum(image.stat().st_size for image in images if image.is_file())

    pages = list((site / LABS_FOLDER).glob("[0-9][0-9]-*/index.html"))
    if not pages:
        fail(f"nenhuma página de laboratório em {LABS_FOLDER}/ no site construído")
    return max(pages, key=weight).parent.relative_to(site).as_posix() + "/"


def audit(url: str, chrome: str, scratch: Path) -> dict:
    report = scratch / "report.json"
    profile = Path(tempfile.mkdtemp(dir=scratch))
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--only-categories={','.join(CATEGORIES)}",
         f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}"],
        env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        fail(f"o Lighthouse falhou em {url}:\n{result.stderr[-2000:]}")
    return json.loads(report.read_text())


def failing_audits(report: dict, category: str) -> list[str]:
    refs = report["categories"][category]["auditRefs"]
    return [
        ref["id"] for ref in refs
        if ref["weight"] > 0 and (report["audits"][ref["id"]].get("score") or 0) < 1
        and report["audits"][ref["id"]]["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")
    ]


def performance(report: dict) -> int:
    return round(report["categories"]["performance"]["score"] * 100)


def median_run(url: str, chrome: str, scratch: Path, runs: int) -> tuple[dict, list[dict]]:
    """Runs Lighthouse RUNS times; returns the run with the median performance score (Lighthouse's advice) and all
    runs in the order they ran."""
    reports = [audit(url, chrome, scratch) for _ in range(runs)]
    ranked = sorted(reports, key=performance)
    return ranked[len(ranked) // 2], reports


def runs_summary(reports: list[dict]) -> str:
    """Every run's performance score with the machine's benchmark index during it: '100/2210 97/1190 …'."""
    return " ".join(f"{performance(r)}/{r['environment']['benchmarkIndex']:.0f}" for r in reports)


def main() -> None:
    parser = argparse.ArgumentParser(description="Lighthouse (perfil móvel) sobre o site servido em 127.0.0.1.")
    parser.add_argument("--alvo", type=int, default=95, help="nota mínima em cada categoria (padrão 95)")
    parser.add_argument("--execucoes", type=int, default=5, help="execuções por página; vale a mediana (padrão 5)")
    parser.add_argument("--sem-gzip", action="store_true", help="serve sem compressão")
    parser.add_argument("--site", type=Path, help="mede um site já construído nesta pasta (sem reconstruir)")
    parser.add_argument("--paginas", nargs="*",
                        help="caminhos a medir (padrão: início, conceito, diagramas e o laboratório mais pesado)")
    args = parser.parse_args()

    chrome = chromium()
    ensure_lighthouse()
    server = load_server()
    below = []
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        site = args.site.resolve() if args.site else scratch / "site"
        if args.site and not (site / "index.html").is_file():
            fail(f"{args.site} não tem um site construído (index.html)")
        if not args.site:
            build(site)
        if args.paginas:
            pages = {path or "/": path for path in args.paginas}
        else:
            pages = {**PAGES, "laboratório": heaviest_lab_page(site)}
        with server.serve(site, use_gzip=not args.sem_gzip) as base:
            compression = "sem compressão" if args.sem_gzip else "com gzip nos arquivos de texto, HTTP/1.1 keep-alive"
            print(f"Site servido em {base} por scripts/static_server.py ({compression}).")
            print(f"Lighthouse {LIGHTHOUSE_VERSION}, perfil móvel (4G lenta e CPU 4x mais lenta, simuladas), "
                  f"mediana de {args.execucoes} execução(ões) por página após uma de aquecimento descartada; "
                  f"carga da máquina: {load()}.\n")
            audit(base, chrome, scratch)  # warm-up: Chromium's first start reads its files from a cold disk cache
            header = (f"{'página':<11} {'caminho':<31} {'desemp.':>7} {'acess.':>6} {'prát.':>5} {'SEO':>4} "
                      + " ".join(f"{label:>6}" for label in METRICS.values()) + f" {'transferido':>11}"
                      + "  execuções (desempenho/índice da máquina)")
            print(header)
            print("-" * len(header))
            for name, path in pages.items():
                report, reports = median_run(base + path, chrome, scratch, args.execucoes)
                scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
                metrics = [report["audits"][audit_id]["numericValue"] for audit_id in METRICS]
                weight = report["audits"]["total-byte-weight"]["numericValue"] / 1024
                print(f"{name:<11} {'/' + path:<31} {scores[0]:>7} {scores[1]:>6} {scores[2]:>5} {scores[3]:>4} "
                      + " ".join(f"{value / 1000:>5.2f}s" if label != "TBT" else f"{value:>4.0f}ms"
                                 for label, value in zip(METRICS.values(), metrics, strict=True))
                      + f" {weight:>8.0f} KB  {runs_summary(reports)}", flush=True)
                for category, score in zip(CATEGORIES, scores, strict=True):
                    if score < args.alvo:
                        below.append(f"{name} {category} {score}: {', '.join(failing_audits(report, category))}")
                if path.startswith(LABS_FOLDER + "/") and weight > LAB_PAGE_LIMIT_KB:
                    below.append(f"{name} transferiu {weight:.0f} KB (o limite de uma página de laboratório é "
                                 f"{LAB_PAGE_LIMIT_KB} KB)")
            print(f"\nCarga da máquina ao terminar: {load()}.")
    print("(FCP, LCP, SI: primeira pintura com conteúdo, maior pintura, índice de velocidade; TBT: tempo total de "
          "bloqueio da thread principal; transferido: bytes pela rede, comprimidos. Execuções: a nota de desempenho "
          "de cada uma e o índice de desempenho da máquina medido pelo Lighthouse durante ela; quanto maior, mais "
          "rápida estava a máquina; um índice baixo quer dizer que outros processos disputavam a CPU.)")
    if below:
        print(f"\nFora da meta (nota mínima {args.alvo}; laboratório até {LAB_PAGE_LIMIT_KB} KB):")
        print("\n".join(f"  {line}" for line in below))
        sys.exit(1)
    print(f"\nTodas as notas ≥ {args.alvo} e as páginas de laboratório com até {LAB_PAGE_LIMIT_KB} KB.")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min) em {os.cpu_count()} núcleos"


if __name__ == "__main__":
    main()
