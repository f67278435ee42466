"""Lab 06 (custos e decisão): the student's workload, its monthly cost per option and the chosen option.

Nothing is created on AWS: the decision is kept in a small JSON file in the ecslab state directory, which the
lab 06 check reads. The backend may keep it too (the emulator does, POST /ecslab/decisao), so that an
instructor's report on a class emulator sees the decisions made on the students' machines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ecslab import costs
from ecslab.config import state_dir
from ecslab.errors import ErroLab
from ecslab.session import Sessao, resolve
from ecslab.validation import check_fargate_size

OPCOES = {
    "ec2": "EC2 sob demanda",
    "ec2-spot": "EC2 Spot",
    "fargate": "Fargate",
    "fargate-spot": "Fargate com FARGATE_SPOT",
}


def decision_file(aluno: str) -> Path:
    return state_dir() / f"decisao-06-{aluno}.json"


def opcoes_permitidas(carga: dict[str, Any]) -> dict[str, str]:
    """The options the decision matrix allows for this workload, each with the reason when it is excluded."""
    excluded: dict[str, str] = {}
    if carga.get("precisa_gpu") or carga.get("privilegiado"):
        reason = "o Fargate não oferece GPU nem contêineres privilegiados"
        excluded["fargate"] = excluded["fargate-spot"] = reason
    if not carga.get("tolera_interrupcao"):
        reason = "a carga não tolera interrupção (Spot pode ser reclamado com aviso de dois minutos)"
        excluded.setdefault("ec2-spot", reason)
        excluded.setdefault("fargate-spot", reason)
    return excluded


def registrar_decisao(carga: dict[str, Any], custos: dict[str, float], escolha: str,
                      *, sessao: Sessao | None = None) -> Path:
    """Save the workload, the monthly costs computed in the notebook and the chosen option."""
    if escolha not in OPCOES:
        raise ErroLab(f"Opção desconhecida: {escolha!r}.", dica="Use uma destas: " + ", ".join(OPCOES) + ".")
    s = resolve(sessao)
    path = decision_file(s.aluno)
    record = {"aluno": s.aluno, "carga": carga, "custos": {k: round(float(v), 2) for k, v in custos.items()},
              "escolha": escolha, "precos": costs.PRICES_DATE}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2))
    where = f"arquivo {path.name}"
    elsewhere = s.backend.store_decision(s, record)
    if elsewhere:
        where += f" e {elsewhere}"
    print(f"📝 Decisão registrada: {OPCOES[escolha]} ({where}).")
    return path


def ler_decisao(aluno: str, sessao: Sessao | None = None) -> dict[str, Any] | None:
    """The decision in this machine's file, or else the one the emulator of `sessao` keeps (a class emulator
    holds those made on the students' machines)."""
    path = decision_file(aluno)
    if path.exists():
        try:
            return json.loads(path.read_text())
        except ValueError:
            pass
    return sessao.backend.read_decision(sessao, aluno) if sessao is not None else None


def recompute(carga: dict[str, Any]) -> dict[str, float]:
    cpu, memory = check_fargate_size(carga.get("cpu"), carga.get("memoria"))
    return costs.workload_monthly_usd(cpu, memory, int(carga["tarefas"]), str(carga["tipo_instancia"]),
                                      float(carga.get("horas_por_mes", costs.HOURS_PER_MONTH)))
