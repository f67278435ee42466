"""preparar_lab for labs 02-04: idempotent, and every check of the lab passes on the emulator."""

from __future__ import annotations

import pytest

from ecslab.checks.framework import executar
from ecslab.inventory import inventario
from ecslab.provision.labs import preparar_lab

# Started and registered by ECS itself while the lab settles, not created by the lab's helpers.
MANAGED_BY_ECS = (":task/", ":container-instance/")


def _ids(inv):
    return {service: sorted(item["id"] for item in items if not any(m in item["id"] for m in MANAGED_BY_ECS))
            for service, items in inv.items()}


@pytest.mark.parametrize("lab", ["02", "03", "04"])
def test_lab_build_is_idempotent_and_checks_pass(sessao, lab):
    first = preparar_lab(lab, sessao=sessao)
    before = _ids(inventario(sessao=sessao))
    second = preparar_lab(lab, sessao=sessao)
    assert second == first
    assert _ids(inventario(sessao=sessao)) == before
    report = executar(lab, sessao=sessao)
    assert report.ok, report.tabela()


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
