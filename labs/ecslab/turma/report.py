"""The class report: every student × every lab, from the labs' own read-only checks, run with no waiting.

A cell is ``ok`` (every check of the lab passes), ``falha`` (the lab was started and some check fails) or
``nao_iniciado``. A lab counts as started when the student has something of that lab on the backend now (a resource
tagged ``ecslab:lab`` or named ``<aluno>-<lab>-``); the labs that create nothing have their own evidence:

- 00 (ambiente): the student appears on the backend (any resource of any lab), now or earlier (``conhecidos``);
  its checks only prove the backend answers, which is as true for an absent student;
- 06 (custos): a decision is recorded (``ecslab.registrar_decisao``): on the emulator, which keeps every student's
  (so a class emulator's report sees the decisions made on the students' machines), or in the ecslab state
  directory of this machine (on AWS or LocalStack the decision is only in the file of the machine that ran it);
- 99 (limpeza): the student appeared earlier (``conhecidos``) and has nothing left now; while anything is left the
  cleanup has not been done, so the lab is not started rather than failed.

On a class emulator the report also lists what its audit log found (behaviour.audit): the writes refused because
they named another student's resources, and the changes made to a student's resources by another identity (the
instructor included).

A not-started lab is never ``ok``, even when its checks would pass (an absent student has "nothing left"). Only
started labs are checked: the checks find a lab's resources by the same tags and names, so without them they could
not pass, and the class report stays affordable (a full lab 99 check alone is some 25 calls per student).
"""

from __future__ import annotations

import csv
import html
import importlib
import io
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecslab import naming
from ecslab.checks.framework import CHECK_MODULES, Relatorio, executar
from ecslab.config import normalize_student
from ecslab.decision import ler_decisao
from ecslab.session import Sessao
from ecslab.turma.roster import labs_by_student

OK, FALHA, NAO_INICIADO = "ok", "falha", "nao_iniciado"
SIMBOLOS = {OK: "✅", FALHA: "❌", NAO_INICIADO: "—"}
# On the page: text glyphs every common font has (a projector's laptop may lack an emoji font), in colour.
MARCAS = {OK: "✔", FALHA: "✘", NAO_INICIADO: "—"}
NOMES = {OK: "concluído", FALHA: "com falha", NAO_INICIADO: "não iniciado"}
LEGENDA = {
    OK: "concluído: todas as verificações do laboratório passam",
    FALHA: "começou, mas alguma verificação falha (\"onde parou\" mostra a primeira)",
    NAO_INICIADO: "não iniciado: nada desse laboratório no backend",
}
REGRA = ("Um laboratório conta como iniciado quando o aluno tem algum recurso dele no backend (tag ecslab:lab ou "
         "nome <aluno>-<lab>-). 00: o aluno já apareceu no backend; 06: há uma decisão registrada (no emulador ou, na "
         "AWS, nesta máquina); "
         "99: o aluno já apareceu antes e não tem mais nada (enquanto sobra algo, a limpeza não começou).")
WORKERS = 4


@dataclass
class Celula:
    """One student × one lab."""

    aluno: str
    lab: str
    estado: str
    passaram: int = 0
    total: int = 0
    falhas: list[str] = field(default_factory=list)  # names of the failing checks, in order
    detalhe: str = ""  # what the first failing check found

    @property
    def simbolo(self) -> str:
        return SIMBOLOS[self.estado]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


@dataclass
class QuadroTurma:
    """The student × lab table at one moment; shown in the terminal, as an HTML page, or as CSV records."""

    momento: datetime
    backend: str
    labs: list[str]
    alunos: list[str]
    celulas: dict[tuple[str, str], Celula]
    vistos: list[str] = field(default_factory=list)  # the students with something on the backend now
    ocorrencias: list[dict[str, Any]] = field(default_factory=list)  # the audit log's notable entries, oldest first

    @property
    def recusadas(self) -> list[dict[str, Any]]:
        return [o for o in self.ocorrencias if not o.get("permitido", True)]

    @property
    def alteradas_por_outros(self) -> list[dict[str, Any]]:
        return [o for o in self.ocorrencias if o.get("permitido", True)]

    def secoes_auditoria(self) -> list[tuple[str, list[str]]]:
        """(title, lines) of the audit log's findings, only those with something to show."""
        sections = [(f"Tentativas recusadas ({len(self.recusadas)}): alguém tentou mudar um recurso de outro aluno",
                     [descrever(o) for o in self.recusadas]),
                    (f"Alterações feitas por outra identidade ({len(self.alteradas_por_outros)}) nos recursos de um "
                     "aluno", [descrever(o) for o in self.alteradas_por_outros])]
        return [(title, lines) for title, lines in sections if lines]

    def celula(self, aluno: str, lab: str) -> Celula:
        return self.celulas[(aluno, naming.lab_id(lab))]

    def estado(self, aluno: str, lab: str) -> str:
        return self.celula(aluno, lab).estado

    def linha(self, aluno: str) -> dict[str, str]:
        """{lab: state} for one student."""
        return {lab: self.celulas[(aluno, lab)].estado for lab in self.labs}

    def onde_parou(self, aluno: str) -> str:
        """The first failing check, or where the student goes next."""
        cells = [self.celulas[(aluno, lab)] for lab in self.labs]
        for cell in cells:
            if cell.estado == FALHA:
                return f"{cell.lab} · {cell.falhas[0]}" if cell.falhas else f"{cell.lab} · com falha"
        if all(c.estado == OK for c in cells):
            return "concluiu"
        if any(c.lab == "99" and c.estado == OK for c in cells):
            return "concluiu e limpou tudo"
        started = [i for i, c in enumerate(cells) if c.estado != NAO_INICIADO]
        if not started:
            return "não começou"
        after = [c for c in cells[started[-1] + 1:] if c.estado == NAO_INICIADO]
        nxt = after[0] if after else next(c for c in cells if c.estado == NAO_INICIADO)
        return f"próximo: {nxt.lab} ({naming.LABS[nxt.lab]})"

    def _momento(self) -> str:
        return self.momento.strftime("%d/%m/%Y %H:%M:%S")

    def tabela(self) -> str:
        name_w = max([len("aluno"), *(len(a) for a in self.alunos)])
        head = _pad("aluno", name_w) + "  " + " ".join(self.labs) + "  onde parou"
        lines = [f"Turma: {len(self.alunos)} aluno(s), backend {self.backend}, {self._momento()}", "", head]
        for aluno in self.alunos:
            cells = " ".join(_pad(self.celulas[(aluno, lab)].simbolo, 2) for lab in self.labs)
            lines.append(f"{_pad(aluno, name_w)}  {cells}  {self.onde_parou(aluno)}")
        if not self.alunos:
            lines.append("(nenhum aluno com recursos no backend ainda)")
        lines += ["", "   ".join(f"{SIMBOLOS[s]} {NOMES[s]}" for s in (OK, FALHA, NAO_INICIADO))]
        for title, found in self.secoes_auditoria():
            lines += ["", f"{title}:", *(f"  {line}" for line in found)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.tabela()

    def csv(self, cabecalho: bool = True) -> str:
        """One row per student × lab: moment, student, lab, state, checks passed/total, failing checks."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if cabecalho:
            writer.writerow(["momento", "aluno", "lab", "titulo", "estado", "passaram", "total", "falhas"])
        stamp = self.momento.isoformat(timespec="seconds")
        for aluno in self.alunos:
            for lab in self.labs:
                c = self.celulas[(aluno, lab)]
                writer.writerow([stamp, aluno, lab, naming.LABS[lab], c.estado, c.passaram, c.total,
                                 " | ".join(c.falhas)])
        return out.getvalue()

    def como_dict(self) -> dict[str, Any]:
        return {
            "momento": self.momento.isoformat(timespec="seconds"), "backend": self.backend, "labs": self.labs,
            "ocorrencias": self.ocorrencias,
            "alunos": [{"aluno": a, "onde_parou": self.onde_parou(a), "labs": {
                lab: {"estado": c.estado, "passaram": c.passaram, "total": c.total, "falhas": c.falhas}
                for lab in self.labs for c in [self.celulas[(a, lab)]]}} for a in self.alunos],
        }

    def html(self, atualizar_segundos: int | None = 30) -> str:
        """A self-contained page (inline CSS, no script, nothing fetched) that reloads itself every
        `atualizar_segundos` seconds (never, with None or 0), readable on a projector."""
        e = html.escape
        refresh = (f'<meta http-equiv="refresh" content="{int(atualizar_segundos)}">\n'
                   if atualizar_segundos else "")
        heads = "".join(f'<th scope="col"><span class="num">{lab}</span><span class="tit">{e(naming.LABS[lab])}'
                        "</span></th>" for lab in self.labs)
        rows = []
        for aluno in self.alunos:
            cells = []
            for lab in self.labs:
                c = self.celulas[(aluno, lab)]
                tip = f"{aluno} · {lab} {naming.LABS[lab]}: {NOMES[c.estado]}"
                if c.total and c.estado != NAO_INICIADO:
                    tip += f" ({c.passaram}/{c.total} verificações)"
                if c.estado == FALHA and c.falhas:
                    tip += f" — primeira falha: {c.falhas[0]}"
                cells.append(f'<td class="{c.estado}" title="{e(tip)}"><span aria-hidden="true">{MARCAS[c.estado]}'
                             f'</span><span class="sr">{e(NOMES[c.estado])}</span></td>')
            rows.append(f'<tr><th scope="row">{e(aluno)}</th>{"".join(cells)}'
                        f'<td class="onde">{e(self.onde_parou(aluno))}</td></tr>')
        if not self.alunos:
            rows.append(f'<tr><td class="vazio" colspan="{len(self.labs) + 2}">Nenhum aluno com recursos no '
                        "backend ainda.</td></tr>")
        totals = "".join(
            f"<td>{sum(self.celulas[(a, lab)].estado == OK for a in self.alunos)}/{len(self.alunos)}</td>"
            for lab in self.labs)
        legend = "".join(f'<li><span class="chip {s}" aria-hidden="true">{MARCAS[s]}</span> {e(LEGENDA[s])}</li>'
                         for s in (OK, FALHA, NAO_INICIADO))
        audit = "".join(f'<section class="auditoria"><h2>{e(title)}</h2><ul>'
                        f'{"".join(f"<li>{e(line)}</li>" for line in found)}</ul></section>'
                        for title, found in self.secoes_auditoria())
        every = (f" · a página se atualiza sozinha a cada {int(atualizar_segundos)} s" if atualizar_segundos else "")
        return f"""<!DOCTYPE html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{refresh}<title>Progresso da turma — ECS na prática</title>
<style>
:root {{ color-scheme: light; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 1.5rem 2rem; font: 20px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu,
  "Helvetica Neue", Arial, sans-serif; color: #111; background: #fff; }}
h1 {{ font-size: 1.8rem; margin: 0 0 .25rem; }}
.meta {{ margin: 0 0 1rem; color: #333; }}
table {{ border-collapse: collapse; font-size: 1.2rem; }}
th, td {{ border: 1px solid #999; padding: .35rem .6rem; text-align: center; }}
thead th {{ background: #1f2937; color: #fff; position: sticky; top: 0; }}
thead th .num {{ display: block; font-size: 1.3rem; }}
thead th .tit {{ display: block; font-size: .75rem; font-weight: normal; }}
tbody th {{ text-align: left; font-family: ui-monospace, "DejaVu Sans Mono", Consolas, monospace; }}
td.ok, .chip.ok {{ background: #d1fadf; color: #14532d; font-weight: bold; }}
td.falha, .chip.falha {{ background: #fee2e2; color: #991b1b; font-weight: bold; }}
td.nao_iniciado, .chip.nao_iniciado {{ background: #f3f4f6; color: #444; }}
td.onde {{ text-align: left; font-size: 1rem; max-width: 28rem; }}
td.vazio {{ text-align: left; font-style: italic; }}
tfoot td, tfoot th {{ font-size: 1rem; background: #f9fafb; }}
.sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
.legenda {{ margin-top: 1.25rem; font-size: 1rem; }}
.legenda ul {{ list-style: none; padding: 0; margin: .25rem 0; }}
.legenda li {{ margin: .2rem 0; }}
.chip {{ display: inline-block; min-width: 2.2rem; text-align: center; padding: 0 .3rem; border: 1px solid #999; }}
.regra {{ color: #333; max-width: 60rem; }}
.auditoria {{ margin-top: 1.25rem; font-size: 1rem; border-left: .4rem solid #b45309; padding-left: .75rem; }}
.auditoria h2 {{ font-size: 1.2rem; }}
</style>
</head>
<body>
<main>
<h1>Progresso da turma</h1>
<p class="meta">Atualizado em {e(self._momento())} · {len(self.alunos)} aluno(s) · backend {e(self.backend)}{every}</p>
<table>
<caption class="sr">Alunos nas linhas, laboratórios nas colunas</caption>
<thead><tr><th scope="col">Aluno</th>{heads}<th scope="col">Onde parou</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
<tfoot><tr><th scope="row">concluíram</th>{totals}<td></td></tr></tfoot>
</table>
<section class="legenda" aria-label="Legenda">
<h2 class="sr">Legenda</h2>
<ul>{legend}</ul>
<p class="regra">{e(REGRA)}</p>
</section>
{audit}
</main>
</body>
</html>
"""


def descrever(entry: dict[str, Any]) -> str:
    """One line of the audit log for the instructor: when, who, what, on whose resources."""
    when = str(entry.get("quando", ""))[:19].replace("T", " ")
    verb = "tentou" if not entry.get("permitido", True) else "fez"
    owners = [o for o in entry.get("donos") or () if o != entry.get("quem")]
    whose = f" (de {', '.join(owners)})" if owners else ""
    what = ", ".join(entry.get("recursos") or ()) or "?"
    action = f"{entry.get('servico', '?')}:{entry.get('acao', '?')}"
    return f"{when}  {entry.get('quem', '?')} {verb} {action} em {what}{whose}"


def _started(lab: str, aluno: str, present: set[str], known: set[str], s: Sessao) -> bool:
    """The rule in the module docstring."""
    if lab == "00":
        return lab in present or aluno in known
    if lab == "06":
        return lab in present or ler_decisao(aluno, s) is not None
    if lab == "99":
        return aluno in known and not present
    return lab in present


def _cell(aluno: str, lab: str, report: Relatorio) -> Celula:
    failing = [r for r in report.resultados if not r.ok]
    return Celula(aluno, lab, OK if report.ok else FALHA, passaram=len(report.resultados) - len(failing),
                  total=len(report.resultados), falhas=[r.nome for r in failing],
                  detalhe=failing[0].detalhe if failing else "")


def _unique(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        clean = normalize_student(name)
        if clean not in out:
            out.append(clean)
    return out


def relatorio_turma(sessao_base: Sessao, alunos: Iterable[str] | None = None, labs: Iterable[str] | None = None,
                    *, conhecidos: Iterable[str] = ()) -> QuadroTurma:
    """Run every lab's checks (read-only, no waiting) for every student and build the student × lab table.

    `alunos`: the students to show (default: everyone seen on the backend now, as ecslab.turma.alunos_vistos,
    plus `conhecidos`). `labs`: the labs to show (default: every lab with checks). `conhecidos`: students known to
    have worked earlier (a report that refreshes remembers them), so that lab 99 shows who cleaned everything up.
    `sessao_base` gives the backend and endpoint; its own student does not matter.
    """
    sessao_base.clientes()  # every client made once here, then shared by the per-student sessions (threads)
    lab_ids = [naming.lab_id(lab) for lab in labs] if labs is not None else list(CHECK_MODULES)
    for lab in lab_ids:
        importlib.import_module(CHECK_MODULES[lab])
    present = labs_by_student(sessao_base)
    known = set(_unique(conhecidos)) | set(present)
    students = _unique(alunos) if alunos is not None else sorted(known)
    momento = datetime.now().astimezone()

    def one(aluno: str) -> dict[tuple[str, str], Celula]:
        s = sessao_base.for_student(aluno)
        mine = present.get(aluno, set())
        return {(aluno, lab): _cell(aluno, lab, executar(lab, sessao=s, espera=0))
                if _started(lab, aluno, mine, known, s) else Celula(aluno, lab, NAO_INICIADO) for lab in lab_ids}

    cells: dict[tuple[str, str], Celula] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(WORKERS, len(students)))) as pool:
        for part in pool.map(one, students):
            cells.update(part)
    return QuadroTurma(momento, sessao_base.backend.name, lab_ids, students, cells, vistos=sorted(present),
                       ocorrencias=concerning(sessao_base.backend.audit_entries(sessao_base), students, alunos))


def concerning(entries: list[dict[str, Any]], students: list[str], chosen: list[str] | None) -> list[dict[str, Any]]:
    """The audit entries of a report about `chosen` students (`--aluno`): those they made or whose resources were
    theirs; every entry when the report is about the whole class (`chosen` None)."""
    if chosen is None:
        return entries
    shown = set(students)
    return [entry for entry in entries if entry.get("quem") in shown or shown & set(entry.get("donos") or ())]
