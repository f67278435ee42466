"""criar_rede: idempotent, completes a half-built network, rejects bad input before any call."""

from __future__ import annotations

import pytest

from ecslab.checks.framework import executar
from ecslab.errors import ErroLab
from ecslab.inventory import inventario
from ecslab.provision.network import criar_rede, obter_rede


def _ids(inv):
    return {service: sorted(item["id"] for item in items) for service, items in inv.items()}


def test_network_is_idempotent(sessao):
    first = criar_rede(sessao=sessao)
    before = _ids(inventario(sessao=sessao))
    second = criar_rede(sessao=sessao)
    assert second == first
    assert _ids(inventario(sessao=sessao)) == before
    kinds = sorted(item["tipo"] for item in inventario(sessao=sessao)["ec2"])
    assert kinds == sorted(["vpc", "sub-rede", "sub-rede", "sub-rede", "sub-rede", "gateway-internet",
                            "gateway-nat", "ip-elastico", "tabela-de-rotas", "tabela-de-rotas",
                            "grupo-de-seguranca", "grupo-de-seguranca"])
    assert obter_rede(sessao=sessao) == first


def test_network_checks_all_pass(sessao):
    criar_rede(sessao=sessao)
    report = executar("01", sessao=sessao, espera=0)
    assert report.ok, report.tabela()
    assert len(report.resultados) == 11


def test_checks_fail_with_hints_when_nothing_exists(sessao):
    report = executar("01", sessao=sessao, espera=0)
    assert not report.ok
    assert all(not r.ok for r in report.resultados)
    assert all(r.dica for r in report.resultados)
    assert "nenhuma VPC" in report["VPC criada com as tags do curso"].detalhe


def test_half_built_network_is_completed(sessao):
    rede = criar_rede(sessao=sessao)
    ec2 = sessao.client("ec2")
    # Break it: private routes gone, NAT deleted, task SG rule revoked, IGW detached.
    rt = ec2.describe_route_tables(RouteTableIds=[rede.rota_privada])["RouteTables"][0]
    for assoc in rt["Associations"]:
        ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
    ec2.delete_route_table(RouteTableId=rede.rota_privada)
    ec2.delete_nat_gateway(NatGatewayId=rede.nat_id)
    ec2.detach_internet_gateway(InternetGatewayId=rede.igw_id, VpcId=rede.vpc_id)
    rules = ec2.describe_security_groups(GroupIds=[rede.sg_tarefas])["SecurityGroups"][0]["IpPermissions"]
    ec2.revoke_security_group_ingress(GroupId=rede.sg_tarefas, IpPermissions=rules)
    broken = executar("01", sessao=sessao, espera=0)
    failed = {r.nome for r in broken.resultados if not r.ok}
    assert "Gateway da internet anexado à VPC" in failed
    assert "Rotas privadas saem pelo NAT" in failed
    assert "O grupo das tarefas só aceita a porta do contêiner, vinda do grupo do ALB" in failed

    fixed = criar_rede(sessao=sessao)
    assert fixed.vpc_id == rede.vpc_id and fixed.subnets_privadas == rede.subnets_privadas
    assert fixed.nat_id != rede.nat_id
    nats = [i for i in inventario(sessao=sessao)["ec2"] if i["tipo"] == "gateway-nat"]
    assert [n["id"] for n in nats] == [fixed.nat_id]
    assert criar_rede(sessao=sessao) == fixed
    report = executar("01", sessao=sessao, espera=0)
    assert report.ok, report.tabela()


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"cidr": "10.0.0.0/33"}, "CIDR inválido"),
    ({"cidr": "10.0.0.0/24"}, "entre /16 e /20"),
    ({"porta_container": 70000}, "Porta do contêiner inválida"),
    ({"lab": "42"}, "Laboratório desconhecido"),
])
def test_bad_input_is_refused_and_nothing_is_created(sessao, kwargs, fragment):
    with pytest.raises(ErroLab, match=fragment):
        criar_rede(sessao=sessao, **kwargs)
    assert inventario(sessao=sessao) == {}
