"""Ownership on the class emulator, as the students' ABAC policy does on AWS: bia's writes on ana's resources are
refused with AccessDenied in each service's shape, ana's own still work, reads stay open; the emulator's own
endpoints follow the same rule and the clock is the instructor's; the audit log and the class report show the
refused attempt.

On a class emulator of one process, so that ana and bia share one simulated world (on several processes each could
be placed apart, and bia's calls would not even reach ana's resources).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from turma_testutil import Turma

from ecslab import naming
from ecslab.backends import emulador
from ecslab.config import Config
from ecslab.endpoints import CLOCK_PATH, DECISION_PATH
from ecslab.errors import ErroLab
from ecslab.provision.labs import preparar_lab
from ecslab.session import Sessao
from ecslab.turma.report import relatorio_turma
from ecslab.wait import aguardar, avancar_relogio

ANA, BIA = "ana", "bia"
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def turma(one_process_turma: Turma) -> Turma:
    return one_process_turma


@pytest.fixture(scope="module")
def ana(turma: Turma) -> Sessao:
    return turma.student(ANA)


@pytest.fixture(scope="module")
def bia(turma: Turma) -> Sessao:
    return turma.student(BIA)


@pytest.fixture(scope="module")
def built(ana: Sessao) -> dict[str, Any]:
    """Ana's lab 02: a network, a cluster, an Auto Scaling group and a service."""
    return preparar_lab("02", sessao=ana)


def service_name(built: dict[str, Any]) -> str:
    return built["servico"].rsplit("/", 1)[-1]


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def denied(who: str, action: str, resource: str) -> str:
    """The message AWS prints when no identity-based policy allows the action (an implicit deny)."""
    return (f"User: arn:aws:iam::{ACCOUNT}:user/{who} is not authorized to perform: {action} on resource: {resource} "
            f"because no identity-based policy allows the {action} action")


def audit_entries(turma: Turma) -> list[dict[str, Any]]:
    path = turma.state / f"emulador-{turma.port}-auditoria.jsonl"
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def test_bia_cannot_delete_anas_service_cluster_asg_or_security_group(built, ana, bia):
    cluster, service = built["cluster"].rsplit("/", 1)[-1], service_name(built)
    capacity = built["capacidade"]
    with pytest.raises(ClientError) as exc:
        bia.client("ecs").delete_service(cluster=cluster, service=service, force=True)
    assert error_of(exc) == (400, "AccessDeniedException", denied(
        BIA, "ecs:DeleteService", f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/{cluster}/{service}"))
    with pytest.raises(ClientError) as exc:
        bia.client("ecs").delete_cluster(cluster=cluster)
    assert error_of(exc) == (400, "AccessDeniedException", denied(
        BIA, "ecs:DeleteCluster", f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/{cluster}"))
    with pytest.raises(ClientError) as exc:
        bia.client("autoscaling").delete_auto_scaling_group(AutoScalingGroupName=capacity.asg_nome, ForceDelete=True)
    assert error_of(exc) == (403, "AccessDenied", denied(
        BIA, "autoscaling:DeleteAutoScalingGroup",
        f"arn:aws:autoscaling:us-east-1:{ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/{capacity.asg_nome}"))
    with pytest.raises(ClientError) as exc:
        bia.client("ec2").delete_security_group(GroupId=capacity.sg_instancias)
    assert error_of(exc) == (403, "UnauthorizedOperation", "You are not authorized to perform this operation.")

    # Reads stay open, and everything is still there.
    found = bia.client("ecs").describe_services(cluster=cluster, services=[service])["services"]
    assert [s["status"] for s in found] == ["ACTIVE"]
    assert bia.client("ecs").describe_clusters(clusters=[cluster])["clusters"][0]["status"] == "ACTIVE"
    groups = bia.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[capacity.asg_nome])
    assert len(groups["AutoScalingGroups"]) == 1
    assert bia.client("ec2").describe_security_groups(GroupIds=[capacity.sg_instancias])["SecurityGroups"]

    # Ana's own writes still work.
    updated = ana.client("ecs").update_service(cluster=cluster, service=service, desiredCount=1)["service"]
    assert updated["desiredCount"] == 1
    ana.client("ec2").create_tags(Resources=[capacity.sg_instancias], Tags=[{"Key": "Dono", "Value": ANA}])


def test_bia_cannot_create_in_anas_cluster_nor_tag_a_resource_as_anas(built, bia):
    with pytest.raises(ClientError) as exc:
        bia.client("ecs").run_task(cluster=built["cluster"], taskDefinition=built["definicao_tarefa"])
    assert error_of(exc)[:2] == (400, "AccessDeniedException")
    with pytest.raises(ClientError) as exc:
        bia.client("ec2").create_vpc(CidrBlock="10.99.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": naming.tags_kv(ANA, "01", "ana-01-falsa")}])
    assert error_of(exc)[:2] == (403, "UnauthorizedOperation")
    mine = bia.client("ec2").create_vpc(CidrBlock="10.98.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": naming.tags_kv(BIA, "01", "bia-01-vpc")}])["Vpc"]["VpcId"]
    bia.client("ec2").delete_vpc(VpcId=mine)


def test_bia_cannot_forge_anas_decision_or_load(built, ana, bia):
    record = {"carga": "web", "escolha": "fargate"}
    ana.backend.store_decision(ana, record)
    status, body = emulador.call_endpoint(bia.endpoint_url or "", DECISION_PATH,
                                          {"aluno": ANA, "registro": {"escolha": "forjada"}, "regiao": "us-east-1"},
                                          access_key=bia.access_key)
    assert status == 403 and "é de ana" in body["erro"]
    assert ana.backend.read_decision(bia, ANA) == record

    with pytest.raises(ErroLab, match="é de ana"):
        bia.backend.apply_load(bia, built["cluster"], service_name(built), cpu=95, duration=60, rate=None)
    assert ana.backend.apply_load(ana, built["cluster"], service_name(built), cpu=20, duration=60, rate=None)


def test_the_clock_is_the_instructors(turma, ana):
    base = turma.base()
    before = emulador.call_endpoint(turma.endpoint, CLOCK_PATH)[1]["agora"]
    with pytest.raises(ErroLab, match="relógio simulado é do instrutor"):
        avancar_relogio(3600, sessao=ana)
    aguardar(1, sessao=ana)  # a student's wait lets simulated time pass without moving the clock
    after_student = emulador.call_endpoint(turma.endpoint, CLOCK_PATH)[1]["agora"]
    assert after_student < before + 3600
    avancar_relogio(3600, sessao=base)
    assert emulador.call_endpoint(turma.endpoint, CLOCK_PATH)[1]["agora"] >= before + 3600


def test_the_audit_log_and_the_report_show_the_refused_attempt(turma, built, bia):
    cluster = built["cluster"]
    with pytest.raises(ClientError):
        bia.client("ecs").delete_cluster(cluster=cluster)
    refused = [e for e in audit_entries(turma) if e["quem"] == BIA and e["acao"] == "DeleteCluster"]
    assert refused and refused[-1]["permitido"] is False and refused[-1]["donos"] == [ANA]
    assert cluster in refused[-1]["recursos"]
    own = [e for e in audit_entries(turma) if e["quem"] == ANA and e["acao"] == "CreateCluster"]
    assert own and own[-1]["permitido"] is True

    # The instructor acts on ana's resources: allowed, and reported as a change by another identity.
    base = turma.base()
    base.for_student(ANA).client("ecs").update_service(cluster=cluster, service=service_name(built), desiredCount=2)

    quadro = relatorio_turma(base, alunos=[ANA, BIA], labs=["02"])
    text = quadro.tabela()
    assert "Tentativas recusadas" in text
    assert f"bia tentou ecs:DeleteCluster em {cluster} (de ana)" in text
    assert f"(instrutor) fez ecs:UpdateService em {cluster}, {service_name(built)} (de ana)" in text
    assert "bia tentou ecs:DeleteCluster" in quadro.html()


def test_students_cannot_read_the_audit_log(turma, bia):
    with pytest.raises(ErroLab, match="só o instrutor"):
        bia.backend.audit_entries(bia)


def test_two_spellings_of_one_name_are_told_apart(turma, monkeypatch):
    def open_as(written: str) -> Sessao:
        monkeypatch.setenv("ECSLAB_ALUNO", written)
        return Sessao(Config(backend="emulador", porta=turma.port, aluno="joao", endpoint=turma.endpoint)).open()

    assert open_as("João").aluno == "joao"
    assert open_as("joão").aluno == "joao"  # the same student, another day: the case does not matter
    with pytest.raises(ErroLab, match="já é de outro aluno desta turma, que o escreveu 'João'") as exc:
        open_as("joao")
    assert "ECSLAB_ALUNO" in exc.value.dica
