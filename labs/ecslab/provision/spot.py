"""Spot: FARGATE_SPOT in a capacity-provider strategy, and an EC2 Spot ASG (mixed instances policy)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from ecslab import costs, naming
from ecslab.errors import ErroLab
from ecslab.provision.common import check_instance_count
from ecslab.provision.ec2_capacity import (
    DEFAULT_INSTANCE_TYPE,
    attach_capacity_providers,
    ecs_optimized_ami,
    ensure_asg,
    ensure_capacity_provider,
    ensure_launch_template,
    user_data,
)
from ecslab.provision.iam import criar_perfis_iam
from ecslab.provision.network import Rede, allow_ingress, ensure_security_group
from ecslab.provision.one_at_a_time import one_at_a_time
from ecslab.session import Sessao, resolve

SPOT_TYPES = ("t3.small", "t3a.small", "t3.medium")


def estrategia_spot(base: int = 1, peso_fargate: int = 1, peso_spot: int = 3) -> list[dict[str, Any]]:
    """FARGATE carries the base (and a share of the rest), FARGATE_SPOT the larger share."""
    for label, value in (("base", base), ("peso_fargate", peso_fargate), ("peso_spot", peso_spot)):
        if not isinstance(value, int) or value < 0 or (label != "base" and value > 1000) or value > 100000:
            raise ErroLab(f"Valor inválido para {label}: {value!r}.",
                          dica="base vai de 0 a 100000 e os pesos de 0 a 1000 (inteiros).")
    if peso_fargate == 0 and peso_spot == 0:
        raise ErroLab("Os dois pesos são 0: nenhuma tarefa além da base teria onde rodar.",
                      dica="Dê peso 1 ou mais a pelo menos um provedor (por exemplo peso_spot=3).")
    return [
        {"capacityProvider": "FARGATE", "base": base, "weight": peso_fargate},
        {"capacityProvider": "FARGATE_SPOT", "base": 0, "weight": peso_spot},
    ]


@one_at_a_time
def usar_fargate_spot(cluster: str, estrategia: list[dict[str, Any]] | None = None,
                      *, sessao: Sessao | None = None) -> list[dict[str, Any]]:
    """Attach FARGATE and FARGATE_SPOT to the cluster with this default strategy."""
    s = resolve(sessao)
    s.ensure_may_create()
    strategy = estrategia or estrategia_spot()
    attach_capacity_providers(s, cluster, ["FARGATE", "FARGATE_SPOT"], default=strategy)
    return strategy


@dataclass
class CapacidadeSpotEc2:
    launch_template_id: str
    asg_nome: str
    asg_arn: str
    provedor_capacidade: str


@one_at_a_time
def criar_capacidade_spot_ec2(lab: str, rede: Rede, cluster: str, *, instancias: int = 2,
                              tipos: tuple[str, ...] = SPOT_TYPES, sessao: Sessao | None = None) -> CapacidadeSpotEc2:
    """An ASG that buys only Spot (0% on demand above a base of 0), diversified over instance types."""
    lab = naming.lab_id(lab)
    if not tipos:
        raise ErroLab("Nenhum tipo de instância informado.",
                      dica="Diversifique: por exemplo ('t3.small', 't3a.small').")
    check_instance_count(instancias)
    s = resolve(sessao)
    s.ensure_may_create()
    cluster_name = cluster.rsplit("/", 1)[-1]
    roles = criar_perfis_iam(lab, sessao=s)
    sg = ensure_security_group(s, lab, rede.vpc_id, "sg-instancias-spot", "Instancias Spot: portas dinamicas do ALB")
    allow_ingress(s, sg, 32768, 65535, source_sg=rede.sg_alb, description="portas dinamicas do ALB")
    lt_id = ensure_launch_template(s, lab, "lt-spot", {
        "ImageId": ecs_optimized_ami(s),
        "InstanceType": DEFAULT_INSTANCE_TYPE,
        "IamInstanceProfile": {"Name": roles.perfil_instancia_nome},
        "SecurityGroupIds": [sg],
        "UserData": base64.b64encode(user_data(cluster_name, spot_draining=True).encode()).decode(),
    })
    asg_name = naming.name(s.aluno, lab, "asg-spot")
    if not s.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[asg_name])["AutoScalingGroups"]:
        s.announce_costs(costs.describe([(f"instância {tipos[0]} Spot", instancias,
                                          costs.instance_hourly(tipos[0], spot=True))]))
    asg = ensure_asg(s, lab, "asg-spot", {
        "MixedInstancesPolicy": {
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": lt_id, "Version": "$Latest"},
                "Overrides": [{"InstanceType": t} for t in tipos],
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": 0,
                "OnDemandPercentageAboveBaseCapacity": 0,
                "SpotAllocationStrategy": "price-capacity-optimized",
            },
        },
        "MinSize": 0, "MaxSize": max(instancias, 1) * 2, "DesiredCapacity": instancias,
        "VPCZoneIdentifier": ",".join(rede.subnets_privadas),
        "CapacityRebalance": True,
    })
    cp = ensure_capacity_provider(s, lab, "cp-spot", asg["AutoScalingGroupARN"], cluster_name, default_weight=None)
    return CapacidadeSpotEc2(lt_id, asg["AutoScalingGroupName"], asg["AutoScalingGroupARN"], cp)
