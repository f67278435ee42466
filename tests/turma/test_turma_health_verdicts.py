"""The load balancer's health verdicts on a class emulator: kept while other students write (one student's calls
cannot change another's network: the ownership guard), judged again after the owner's own change.

On a class emulator of one process, so that ana and bia share one simulated world.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ecslab.backends import emulador
from ecslab.endpoints import CLOCK_PATH
from ecslab.provision.labs import preparar_lab
from ecslab.provision.network import criar_rede
from ecslab.session import Sessao
from ecslab.wait import avancar_relogio


def states(s: Sessao, group_arn: str) -> list[tuple[str, str | None]]:
    found = s.client("elbv2").describe_target_health(TargetGroupArn=group_arn)["TargetHealthDescriptions"]
    return sorted((d["TargetHealth"]["State"], d["TargetHealth"].get("Reason")) for d in found)


def test_a_students_own_network_change_is_judged_again_and_a_classmates_writes_change_nothing(one_process_turma):
    turma = one_process_turma
    ana, bia, instructor = turma.student("ana"), turma.student("bia"), turma.base()
    built = preparar_lab("03", sessao=ana)
    group = built["alb"].grupo_destino_arn
    bias = criar_rede("02", sessao=bia)
    with paused_clock(turma, instructor):  # only the instructor's moves make time pass: no race with a busy machine
        avancar_relogio(300, sessao=instructor)
        assert states(ana, group) == [("healthy", None), ("healthy", None)]

        bia.client("ec2").authorize_security_group_ingress(  # a write of bia's on her own network
            GroupId=bias.sg_tarefas, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
                                                     "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
        avancar_relogio(60, sessao=instructor)
        assert states(ana, group) == [("healthy", None), ("healthy", None)]

        ec2 = ana.client("ec2")
        tasks_group = built["rede"].sg_tarefas
        rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [tasks_group]}])
        from_alb = [r["SecurityGroupRuleId"] for r in rules["SecurityGroupRules"]
                    if not r["IsEgress"] and r.get("ReferencedGroupInfo", {}).get("GroupId") == built["rede"].sg_alb]
        assert from_alb
        ec2.revoke_security_group_ingress(GroupId=tasks_group, SecurityGroupRuleIds=from_alb)
        seen = set()
        for _ in range(12):  # two simulated minutes, as the load balancer's checks would show them
            avancar_relogio(10, sessao=instructor)
            seen.update(states(ana, group))
        assert ("unhealthy", "Target.Timeout") in seen


@contextmanager
def paused_clock(turma, instructor: Sessao) -> Iterator[None]:
    emulador.call_endpoint(turma.endpoint, CLOCK_PATH, {"pausar": True}, access_key=instructor.access_key)
    try:
        yield
    finally:
        emulador.call_endpoint(turma.endpoint, CLOCK_PATH, {"pausar": False}, access_key=instructor.access_key)
