"""limpar: from complete and half-built states to an empty inventory, twice without error, per lab."""

from __future__ import annotations

import pytest

from ecslab.checks.framework import executar
from ecslab.cleanup import limpar
from ecslab.errors import ErroLab
from ecslab.inventory import inventario
from ecslab.provision.cluster import criar_cluster, registrar_definicao_tarefa
from ecslab.provision.ec2_capacity import criar_capacidade_ec2
from ecslab.provision.labs import preparar_lab
from ecslab.provision.network import criar_rede


def test_full_build_cleans_to_empty_twice(sessao):
    for lab in ("02", "03", "04"):
        preparar_lab(lab, sessao=sessao)
    assert sum(len(v) for v in inventario(sessao=sessao).values()) > 40
    removed = limpar(sessao=sessao)
    assert removed
    assert inventario(sessao=sessao) == {}
    assert limpar(sessao=sessao) == []
    assert executar("99", sessao=sessao, espera=0).ok


def test_half_built_states_clean_to_empty(sessao):
    rede = criar_rede(sessao=sessao)
    cluster = criar_cluster("02", sessao=sessao)
    criar_capacidade_ec2("02", rede, cluster, sessao=sessao)
    registrar_definicao_tarefa("02", {"family": "web", "containerDefinitions": [
        {"name": "web", "image": "nginx", "memory": 128}]}, sessao=sessao)
    # Someone already deleted some pieces by hand: the ASG and the cluster.
    sessao.client("autoscaling").delete_auto_scaling_group(
        AutoScalingGroupName=f"{sessao.aluno}-02-asg", ForceDelete=True)
    sessao.client("ecs").delete_cluster(cluster=cluster)
    limpar(sessao=sessao)
    assert inventario(sessao=sessao) == {}


def test_interrupted_network_cleans_to_empty(sessao):
    ec2 = sessao.client("ec2")
    rede = criar_rede(sessao=sessao)
    # As if criar_rede had stopped half-way: no route tables, no NAT yet.
    for rt_id in (rede.rota_publica, rede.rota_privada):
        rt = ec2.describe_route_tables(RouteTableIds=[rt_id])["RouteTables"][0]
        for assoc in rt["Associations"]:
            ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
        ec2.delete_route_table(RouteTableId=rt_id)
    ec2.delete_nat_gateway(NatGatewayId=rede.nat_id)
    limpar(sessao=sessao)
    assert inventario(sessao=sessao) == {}


def test_clean_one_lab_at_a_time(sessao):
    preparar_lab("03", sessao=sessao)
    preparar_lab("02", sessao=sessao)
    before = inventario(sessao=sessao)
    with pytest.raises(ErroLab) as err:
        limpar("01", sessao=sessao)
    assert "ainda é usada pelos laboratórios 02, 03" in str(err.value)
    assert inventario(sessao=sessao) == before  # refused before touching anything

    limpar("02", sessao=sessao)
    assert inventario("02", sessao=sessao) == {}
    assert inventario("03", sessao=sessao) == {k: v for k, v in
                                               ((k, [i for i in v if i["lab"] == "03"]) for k, v in before.items())
                                               if v}
    assert executar("01", sessao=sessao, espera=0).ok
    limpar("03", sessao=sessao)
    limpar("01", sessao=sessao)
    assert inventario(sessao=sessao) == {}
