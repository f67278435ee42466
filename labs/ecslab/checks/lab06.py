"""Lab 06 (custos e decisão): the workload, its monthly costs from the price table and a choice the matrix allows."""

from __future__ import annotations

from typing import Any

from ecslab import costs
from ecslab.checks.framework import Check, Contexto, Falha, check, require
from ecslab.decision import OPCOES, ler_decisao, opcoes_permitidas, recompute
from ecslab.validation import check_fargate_size

CHECKS: list[Check] = []
REQUIRED = ("cpu", "memoria", "tarefas", "tipo_instancia", "tolera_interrupcao", "precisa_gpu")


def decision(ctx: Contexto) -> dict[str, Any]:
    def find() -> dict[str, Any]:
        found = ler_decisao(ctx.aluno, ctx.s)
        if not found:
            raise Falha("nenhuma decisão registrada para este aluno")
        return found
    return ctx.cached("decisao", find)


@check(CHECKS, "Carga de trabalho registrada", "Rode a célula com ecslab.registrar_decisao(carga, custos, escolha).")
def workload(ctx: Contexto) -> str:
    carga = decision(ctx)["carga"]
    missing = [k for k in REQUIRED if k not in carga]
    require(not missing, "faltam campos: " + ", ".join(missing))
    require(int(carga["tarefas"]) >= 1, "a carga precisa de pelo menos uma tarefa")
    return f"{carga['tarefas']} tarefa(s) de {carga['cpu']} CPU / {carga['memoria']} MiB"


@check(CHECKS, "O tamanho da tarefa é válido no Fargate",
       "Escolha cpu e memória da tabela de tamanhos do Fargate (por exemplo 512 e 1024).")
def valid_size(ctx: Contexto) -> str:
    carga = decision(ctx)["carga"]
    cpu, memory = check_fargate_size(carga.get("cpu"), carga.get("memoria"))
    return f"{cpu}/{memory}"


@check(CHECKS, "Os custos mensais conferem com a tabela de preços do curso",
       f"Calcule com a tabela de ecslab.costs (preços {costs.PRICES_REGION} de {costs.PRICES_DATE}) e "
       f"{costs.HOURS_PER_MONTH} horas por mês; rode de novo a célula do cálculo e a do registro.")
def costs_match(ctx: Contexto) -> str:
    record = decision(ctx)
    expected = recompute(record["carga"])
    saved = record.get("custos") or {}
    wrong = [k for k, v in expected.items() if abs(float(saved.get(k, -1)) - v) > max(0.02, v * 0.01)]
    require(not wrong, "valores diferentes do esperado em: " + ", ".join(
        f"{k} (registrado {saved.get(k)}, esperado {expected[k]:.2f})" for k in wrong))
    cheapest = min(expected, key=expected.__getitem__)
    return f"mais barata: {OPCOES[cheapest]} (US$ {expected[cheapest]:.2f}/mês)"


@check(CHECKS, "A escolha respeita a matriz de decisão",
       "Releia o guia de decisão: sem tolerância a interrupção, nada de Spot; com GPU ou contêiner privilegiado, "
       "nada de Fargate.")
def choice_allowed(ctx: Contexto) -> str:
    record = decision(ctx)
    choice = record.get("escolha")
    require(choice in OPCOES, f"opção desconhecida: {choice!r}")
    excluded = opcoes_permitidas(record["carga"])
    require(choice not in excluded, f"{OPCOES[choice]} não serve: {excluded.get(choice)}")
    return OPCOES[choice]
