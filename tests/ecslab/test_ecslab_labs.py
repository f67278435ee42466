"""preparar_lab for labs 02-04: idempotent, and the checks moto can satisfy today pass."""

from __future__ import annotations

import pytest

from ecslab.checks.framework import executar
from ecslab.inventory import inventario
from ecslab.provision.labs import preparar_lab

# Checks that need the behaviour layer (tasks that start, agents that register, Spot instances, strategies kept
# on services). They run and report ❌ with a hint on moto alone; they are not asserted here.
NEEDS_BEHAVIOUR = {
    "02": {"Instâncias de contêiner registradas e ACTIVE no cluster",
           "Todas as tarefas desejadas do serviço estão em execução", "Alvos saudáveis no grupo de destino"},
    "03": {"Todas as tarefas desejadas do serviço estão em execução", "Alvos saudáveis no grupo de destino"},
    "04": {"O serviço usa a estratégia com FARGATE_SPOT", "Tarefas em execução divididas entre FARGATE e FARGATE_SPOT",
           "As instâncias do grupo são Spot"},
}


def _ids(inv):
    return {service: sorted(item["id"] for item in items) for service, items in inv.items()}


@pytest.mark.parametrize("lab", ["02", "03", "04"])
def test_lab_build_is_idempotent_and_checks_pass(sessao, lab):
    first = preparar_lab(lab, sessao=sessao)
    before = _ids(inventario(sessao=sessao))
    second = preparar_lab(lab, sessao=sessao)
    assert second == first
    assert _ids(inventario(sessao=sessao)) == before
    report = executar(lab, sessao=sessao, espera=0)
    for result in report.resultados:
        if result.nome not in NEEDS_BEHAVIOUR[lab]:
            assert result.ok, report.tabela()
        else:
            assert result.dica
    assert {r.nome for r in report.resultados} >= NEEDS_BEHAVIOUR[lab]


def test_lab00_environment_checks_pass(sessao):
    report = executar("00", sessao=sessao, espera=0)
    assert report.ok, report.tabela()


def test_checks_do_not_create_anything(sessao):
    for lab in ("00", "01", "02", "03", "04", "99"):
        executar(lab, sessao=sessao, espera=0)
    assert inventario(sessao=sessao) == {}


def test_lab99_reports_leftovers(sessao):
    preparar_lab("01", sessao=sessao)
    report = executar("99", sessao=sessao, espera=0)
    assert not report["Nada restante em ec2"].ok
    assert "gateway-nat" in report["Nada restante em ec2"].detalhe
    assert report["Nada restante em ecs"].ok
