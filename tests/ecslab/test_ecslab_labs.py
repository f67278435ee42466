"""preparar_lab for labs 02-04: idempotent, and every check of the lab passes on the emulator."""

from __future__ import annotations

import pytest

from ecslab.checks.framework import executar
from ecslab.inventory import inventario
from ecslab.provision.labs import preparar_lab
from ecslab.wait import avancar_relogio

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


def test_lab04_stays_green_as_time_passes(sessao):
    """The class report runs the checks hours after a student finished. The EC2 Spot service keeps tasks on the
    Spot group's provider, so ECS managed scaling leaves the group its instances and lab 04 stays green. Without
    tasks the group is scaled in to MinSize 0 after about 15 minutes, as on AWS, and the check says why."""
    built = preparar_lab("04", sessao=sessao)
    assert executar("04", sessao=sessao).ok, executar("04", sessao=sessao, espera=0).tabela()
    avancar_relogio(20 * 60, sessao=sessao)  # past the 15 minutes managed scaling waits before a scale-in
    report = executar("04", sessao=sessao, espera=0)
    assert report.ok, report.tabela()

    sessao.client("ecs").update_service(cluster=built["cluster"], service=built["servico_ec2"], desiredCount=0)
    avancar_relogio(20 * 60, sessao=sessao)
    group = sessao.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[built["capacidade_spot_ec2"].asg_nome])["AutoScalingGroups"][0]
    assert (group["DesiredCapacity"], group["Instances"]) == (0, [])
    report = executar("04", sessao=sessao, espera=0)
    assert not report["Serviço com tarefas em execução no provedor do grupo Spot"].ok
    emptied = report["As instâncias do grupo são Spot"]
    assert not emptied.ok
    assert "nenhuma tarefa usa o provedor" in emptied.detalhe and "escalabilidade gerenciada" in emptied.detalhe
    assert f"{sessao.aluno}-04-web-ec2-spot" in emptied.dica


def test_lab00_environment_checks_pass(sessao):
    report = executar("00", sessao=sessao, espera=0)
    assert report.ok, report.tabela()


def test_checks_do_not_create_anything(sessao):
    for lab in ("00", "01", "02", "03", "04", "07", "99"):
        executar(lab, sessao=sessao, espera=0)
    assert inventario(sessao=sessao) == {}


def test_lab99_reports_leftovers(sessao):
    preparar_lab("01", sessao=sessao)
    report = executar("99", sessao=sessao, espera=0)
    assert not report["Nada restante em ec2"].ok
    assert "gateway-nat" in report["Nada restante em ec2"].detalhe
    assert report["Nada restante em ecs"].ok


def test_lab07_build_is_where_the_lab_starts(sessao):
    """`ecslab preparar 07` builds what lab 07 breaks (labs 02 and 03) and its repository, and breaks nothing:
    the service is steady and every breakage's check still asks for the notebook's work, with a hint."""
    first = preparar_lab("07", sessao=sessao)
    before = _ids(inventario(sessao=sessao))
    assert preparar_lab("07", sessao=sessao) == first
    assert _ids(inventario(sessao=sessao)) == before
    assert first["repositorio"].endswith(f"/{sessao.aluno}-07-web")
    report = executar("07", sessao=sessao)
    assert report.resultados[0].ok, report.tabela()
    assert [r.ok for r in report.resultados[1:]] == [False] * 5, report.tabela()
    assert all(r.dica for r in report.resultados[1:])
