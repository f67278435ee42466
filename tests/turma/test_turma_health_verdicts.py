"""The load balancer's health verdicts on a class emulator: kept while other students write (one student's calls
cannot change another's network: the ownership guard), judged again after the owner's own change.

On a class emulator of one process, so that ana and bia share one simulated world.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from turma_testutil import Turma, class_emulator

from ecslab.config import Config
from ecslab.provision.labs import preparar_lab
from ecslab.provision.network import criar_rede
from ecslab.session import Sessao
from ecslab.wait import avancar_relogio


@pytest.fixture(scope="module")
def turma(tmp_path_factory) -> Iterator[Turma]:
    with class_emulator(tmp_path_factory, processes=1) as found:
        yield found


def student(turma: Turma, aluno: str) -> Sessao:
    return Sessao(Config(backend="emulador", porta=turma.port, aluno=aluno, endpoint=turma.endpoint)).open()


def states(s: Sessao, group_arn: str) -> list[tuple[str, str | None]]:
    found = s.client("elbv2").describe_target_health(TargetGroupArn=group_arn)["TargetHealthDescriptions"]
    return sorted((d["TargetHealth"]["State"], d["TargetHealth"].get("Reason")) for d in found)


def test_a_students_own_network_change_is_judged_again_and_a_classmates_writes_change_nothing(turma):
    ana, bia, instructor = student(turma, "ana"), student(turma, "bia"), turma.base()
    built = preparar_lab("03", sessao=ana)
    group = built["alb"].grupo_destino_arn
    avancar_relogio(300, sessao=instructor)
    assert states(ana, group) == [("healthy", None), ("healthy", None)]

    criar_rede("02", sessao=bia)  # bia's writes: a VPC, subnets, routes, security groups of her own
    avancar_relogio(60, sessao=instructor)
    assert states(ana, group) == [("healthy", None), ("healthy", None)]

    ec2 = ana.client("ec2")
    tasks_group = built["rede"].sg_tarefas
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [tasks_group]}])
    from_alb = [r["SecurityGroupRuleId"] for r in rules["SecurityGroupRules"]
                if not r["IsEgress"] and r.get("ReferencedGroupInfo", {}).get("GroupId") == built["rede"].sg_alb]
    assert from_alb
    ec2.revoke_security_group_ingress(GroupId=tasks_group, SecurityGroupRuleIds=from_alb)
    avancar_relogio(120, sessao=instructor)
    assert ("unhealthy", "Target.Timeout") in states(ana, group)
