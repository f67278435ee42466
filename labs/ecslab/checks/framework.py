"""Run a lab's checks: every check runs, each gives ✅/❌ with a Portuguese hint, waits are bounded."""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any

from ecslab import naming
from ecslab.course import LABS
from ecslab.errors import BackendFora, ErroLab
from ecslab.session import Sessao, client_error_code, resolve

CHECK_MODULES = {
    "00": "ecslab.checks.lab00",
    "01": "ecslab.checks.lab01",
    "02": "ecslab.checks.lab02",
    "03": "ecslab.checks.lab03",
    "04": "ecslab.checks.lab04",
    "05": "ecslab.checks.lab05",
    "06": "ecslab.checks.lab06",
    "07": "ecslab.checks.lab07",
    "99": "ecslab.checks.lab99",
}
WAIT_ENV = "ECSLAB_ESPERA"  # seconds a check may wait for what is still starting (overrides the default)


def _wait_from_env() -> float | None:
    try:
        return float(os.environ[WAIT_ENV].replace(",", "."))
    except ValueError:
        return None


class Falha(Exception):
    """A check that did not pass; the message says what was found."""


@dataclass
class Resultado:
    nome: str
    ok: bool
    detalhe: str = ""
    dica: str = ""


OUTPUT_CLASS = "ecslab-verificacao"  # the checks' table in a notebook (and on the lab pages): program output


@dataclass
class Relatorio:
    lab: str
    aluno: str
    backend: str
    resultados: list[Resultado] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.resultados) and all(r.ok for r in self.resultados)

    def __getitem__(self, nome: str) -> Resultado:
        for r in self.resultados:
            if r.nome == nome:
                return r
        raise KeyError(nome)

    def como_dict(self) -> dict[str, Any]:
        return {"lab": self.lab, "titulo": LABS[self.lab], "aluno": self.aluno, "backend": self.backend,
                "ok": self.ok, "resultados": [asdict(r) for r in self.resultados]}

    def como_json(self) -> str:
        return json.dumps(self.como_dict(), ensure_ascii=False, indent=2)

    def _title(self) -> str:
        return f"Laboratório {self.lab} ({LABS[self.lab]}): aluno {self.aluno}, backend {self.backend}"

    def _summary(self) -> str:
        passed = sum(r.ok for r in self.resultados)
        return f"{passed}/{len(self.resultados)} verificações passaram." + (" Tudo certo! 🎉" if self.ok else "")

    def tabela(self) -> str:
        """Plain text, for the terminal (ecslab verificar)."""
        lines = [self._title(), ""]
        for r in self.resultados:
            lines.append(f"{'✅' if r.ok else '❌'} {r.nome}" + (f": {r.detalhe}" if r.detalhe else ""))
            if not r.ok and r.dica:
                lines.append(f"   → {r.dica}")
        lines += ["", self._summary()]
        return "\n".join(lines)

    def como_html(self) -> str:
        """A table for notebooks: the result, the item, what was found and, for what failed, the hint."""
        rows = "".join(
            f"<tr><td>{'✅' if r.ok else '❌'}</td><td>{escape(r.nome)}</td><td>{_evidence(r.detalhe)}</td>"
            f"<td>{'' if r.ok else escape(r.dica)}</td></tr>" for r in self.resultados)
        return (f'<div class="{OUTPUT_CLASS}"><table><caption>{escape(self._title())}</caption><thead><tr>'
                '<th scope="col">Resultado</th><th scope="col">Verificação</th><th scope="col">O que foi visto</th>'
                f'<th scope="col">Dica</th></tr></thead><tbody>{rows}</tbody></table>'
                f"<p><strong>{escape(self._summary())}</strong></p></div>")

    def __str__(self) -> str:
        return self.tabela()

    _just_shown: bool = False

    def _ipython_display_(self) -> None:
        """In a notebook: the table (text where HTML is not shown), once: verificar() already showed it when it
        returned this report."""
        if self._just_shown:
            self._just_shown = False
            return
        from IPython.display import display

        display({"text/plain": self.tabela(), "text/html": self.como_html()}, raw=True)


class Contexto:
    """What a check gets: the session, the lab, a shared deadline for waits, and a cache of lookups."""

    def __init__(self, s: Sessao, lab: str, espera: float):
        self.s = s
        self.lab = lab
        self.aluno = s.aluno
        self.deadline = time.monotonic() + espera
        self._cache: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        return self.s.client(service)

    def nome(self, suffix: str, lab: str | None = None) -> str:
        return naming.name(self.aluno, lab or self.lab, suffix)

    def cached(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def forget(self, key: str) -> None:
        self._cache.pop(key, None)

    def eventually(self, probe: Callable[[], Any], interval: float | None = None) -> Any:
        """Call probe until it stops raising Falha or the shared deadline passes (then re-raise)."""
        pause = interval if interval is not None else self.s.backend.timings.poll
        while True:
            try:
                return probe()
            except Falha:
                if time.monotonic() + pause > self.deadline:
                    raise
                time.sleep(pause)


Check = tuple[str, str, Callable[[Contexto], str | None]]


def executar(lab: str, *, sessao: Sessao | None = None, espera: float | None = None) -> Relatorio:
    """Run every check of a lab; never stops at the first failure; only reads."""
    lab = naming.lab_id(lab)
    if lab not in CHECK_MODULES:
        raise ErroLab(f"O laboratório {lab} ({LABS[lab]}) ainda não tem verificações.",
                      dica="Há verificações para os laboratórios " + ", ".join(CHECK_MODULES) + ".")
    s = resolve(sessao)
    module = importlib.import_module(CHECK_MODULES[lab])
    if espera is None and os.environ.get(WAIT_ENV, "").strip():
        espera = _wait_from_env()
    wait = s.backend.timings.checks if espera is None else max(0.0, float(espera))
    ctx = Contexto(s, lab, wait)
    report = Relatorio(lab, s.aluno, s.backend.name)
    for nome, dica, fn in module.CHECKS:
        try:
            detail = fn(ctx) or ""
            report.resultados.append(Resultado(nome, True, detail))
        except Falha as exc:
            report.resultados.append(Resultado(nome, False, str(exc), dica))
        except BackendFora:  # nothing else can be checked: say that once, not as every check's failure
            raise
        except ErroLab as exc:
            report.resultados.append(Resultado(nome, False, exc.mensagem, exc.dica or dica))
        except Exception as exc:  # a backend error is a failed check, not a crash
            code = client_error_code(exc) or exc.__class__.__name__
            report.resultados.append(Resultado(nome, False, f"erro ao consultar ({code}): {exc}", dica))
    return report


def verificar(lab: str, *, sessao: Sessao | None = None, espera: float | None = None,
              imprimir: bool = True) -> Relatorio:
    """Notebook entry point: run the checks and print the ✅/❌ table."""
    report = executar(lab, sessao=sessao, espera=espera)
    if imprimir:
        if _in_a_notebook():
            report._ipython_display_()
        else:
            print(report.tabela())
        report._just_shown = True
    return report


def _evidence(detail: str) -> str:
    """What a check saw (ids, names, AWS's own words) as code: it is quoted from the backend, not prose."""
    return f"<code>{escape(detail)}</code>" if detail else ""


def _in_a_notebook() -> bool:
    """Running in a Jupyter kernel (JupyterLab, or nbclient executing a lab for the site and the tests)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


def check(registry: list[Check], nome: str, dica: str) -> Callable[[Callable[[Contexto], str | None]], Any]:
    def register(fn: Callable[[Contexto], str | None]) -> Callable[[Contexto], str | None]:
        registry.append((nome, dica, fn))
        return fn
    return register


def require(condition: Any, message: str) -> None:
    if not condition:
        raise Falha(message)
