"""Helpers for the notebook tests: run a notebook on a kernel from this venv, read its outputs."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
from lab_harness import LABS_DIR, execute, free_port, kernel_env, output_text, run_cli  # noqa: F401

from ecslab.checks.framework import Relatorio, executar
from ecslab.config import Config
from ecslab.inventory import inventario
from ecslab.provision.labs import preparar_lab
from ecslab.session import Sessao

NOTEBOOKS = {
    "00": "00-ambiente.ipynb",
    "01": "01-rede.ipynb",
    "02": "02-ec2.ipynb",
    "03": "03-fargate.ipynb",
    "04": "04-spot.ipynb",
    "05": "05-escalabilidade.ipynb",
    "06": "06-custos.ipynb",
    "07": "07-diagnostico.ipynb",
    "99": "99-limpeza.ipynb",
}
SECRET_PATTERNS = (
    re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"aws_secret_access_key", re.IGNORECASE),
    re.compile(r"aws_session_token", re.IGNORECASE),
    re.compile(r"LOCALSTACK_AUTH_TOKEN\s*=\s*\S+"),
)


def read_notebook(lab: str) -> nbformat.NotebookNode:
    return nbformat.read(LABS_DIR / NOTEBOOKS[lab], as_version=4)


def secrets_in(text: str) -> list[str]:
    return [m.group(0) for p in SECRET_PATTERNS for m in p.finditer(text)]


@dataclass
class LabRun:
    lab: str
    aluno: str
    sessao: Sessao
    first: nbformat.NotebookNode
    second: nbformat.NotebookNode
    seconds: tuple[float, float]
    inventory_first: dict[str, list[str]]
    inventory_second: dict[str, list[str]]
    report: Relatorio


# Replaced on purpose by the labs (a task stopped, a Spot instance interrupted): compared by count, not by id.
EPHEMERAL = {"tarefa", "instancia", "instancia-de-conteiner"}


def inventory_ids(s: Sessao) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for service, items in inventario(sessao=s).items():
        stable = sorted(item["id"] for item in items if item["tipo"] not in EPHEMERAL)
        counts = {}
        for item in items:
            if item["tipo"] in EPHEMERAL:
                counts[item["tipo"]] = counts.get(item["tipo"], 0) + 1
        out[service] = stable + [f"{kind} × {n}" for kind, n in sorted(counts.items())]
    return out


class Emulator:
    def __init__(self, port: int, state: Path):
        self.port = port
        self.state = state
        self._runs: dict[str, LabRun] = {}

    def session(self, aluno: str) -> Sessao:
        return Sessao(Config(backend="emulador", porta=self.port, regiao="us-east-1", aluno=aluno))

    def env(self, aluno: str) -> dict[str, str]:
        # Tasks start in about a second of wall time: a short bound keeps a failing check from stalling the run.
        return kernel_env(self.port, aluno, self.state, ECSLAB_ESPERA="5")

    def run(self, lab: str) -> LabRun:
        if lab not in self._runs:
            aluno = f"nb{lab}{uuid.uuid4().hex[:8]}"
            s = self.session(aluno)
            if lab == "99":
                preparar_lab("01", sessao=s)  # something for the cleanup lab to remove
            first, t1 = execute(read_notebook(lab), self.env(aluno))
            inv1 = inventory_ids(s)
            second, t2 = execute(read_notebook(lab), self.env(aluno))
            inv2 = inventory_ids(s)
            report = executar(lab, sessao=s, espera=5)
            self._runs[lab] = LabRun(lab, aluno, s, first, second, (t1, t2), inv1, inv2, report)
        return self._runs[lab]

    def execute(self, nb: nbformat.NotebookNode, aluno: str) -> nbformat.NotebookNode:
        return execute(nb, self.env(aluno))[0]


def cell_sources(nb: nbformat.NotebookNode, kind: str | None = None) -> list[str]:
    return [c.source for c in nb.cells if kind is None or c.cell_type == kind]


def replace_in_cell(nb: nbformat.NotebookNode, old: str, new: str) -> nbformat.NotebookNode:
    """A copy of the notebook with one code cell's text changed (the student doing an exercise)."""
    nb = nbformat.from_dict(nb)
    hits = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
    assert len(hits) == 1, f"{old!r} aparece em {len(hits)} células"
    hits[0].source = hits[0].source.replace(old, new)
    return nb
