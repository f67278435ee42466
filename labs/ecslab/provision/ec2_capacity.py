"""EC2 capacity for a cluster: ECS-optimized AMI from SSM, launch template, ASG, capacity provider."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from ecslab import costs, naming
from ecslab.course import AMI_PARAMETER
from ecslab.errors import ErroLab
from ecslab.provision.common import check_instance_count, tag_spec
from ecslab.provision.iam import criar_perfis_iam
from ecslab.provision.network import Rede, allow_ingress, ensure_security_group
from ecslab.provision.one_at_a_time import one_at_a_time
from ecslab.session import Sessao, client_error_code, resolve

DEFAULT_INSTANCE_TYPE = "t3.small"
EPHEMERAL_PORTS = (32768, 65535)


@dataclass
class CapacidadeEc2:
    ami_id: str
    sg_instancias: str
    launch_template_id: str
    asg_nome: str
    asg_arn: str
    provedor_capacidade: str


def ecs_optimized_ami(s: Sessao) -> str:
    try:
        return s.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    except Exception as exc:
        if client_error_code(exc) == "ParameterNotFound":
            raise ErroLab(
                f"O parâmetro público {AMI_PARAMETER} não existe na região {s.regiao}.",
                dica="Use uma região com AMIs otimizadas para o ECS, como us-east-1.",
            ) from None
        raise


def user_data(cluster_name: str, *, spot_draining: bool = True) -> str:
    lines = ["#!/bin/bash", f"echo ECS_CLUSTER={cluster_name} >> /etc/ecs/ecs.config"]
    if spot_draining:
        lines.append("echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config")
    return "\n".join(lines) + "\n"


def ensure_launch_template(s: Sessao, lab: str, suffix: str, data: dict[str, Any]) -> str:
    ec2 = s.client("ec2")
    lt_name = naming.name(s.aluno, lab, suffix)
    try:
        return ec2.describe_launch_templates(LaunchTemplateNames=[lt_name])["LaunchTemplates"][0]["LaunchTemplateId"]
    except Exception as exc:
        if client_error_code(exc) not in ("InvalidLaunchTemplateName.NotFoundException",
                                          "InvalidLaunchTemplateId.NotFound"):
            raise
    data = dict(data)
    data["TagSpecifications"] = [
        {"ResourceType": "instance", "Tags": naming.tags_kv(s.aluno, lab, naming.name(s.aluno, lab, "instancia"))}
    ]
    return ec2.create_launch_template(
        LaunchTemplateName=lt_name, LaunchTemplateData=data,
        TagSpecifications=tag_spec(s, lab, "launch-template", lt_name),
    )["LaunchTemplate"]["LaunchTemplateId"]


def asg_tags(s: Sessao, lab: str, asg_name: str) -> list[dict[str, Any]]:
    return [
        {"ResourceId": asg_name, "ResourceType": "auto-scaling-group", "Key": k, "Value": v,
         "PropagateAtLaunch": True}
        for k, v in naming.tag_dict(s.aluno, lab, asg_name).items()
    ]


def ensure_asg(s: Sessao, lab: str, suffix: str, request: dict[str, Any]) -> dict[str, Any]:
    autoscaling = s.client("autoscaling")
    asg_name = naming.name(s.aluno, lab, suffix)
    found = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[asg_name])["AutoScalingGroups"]
    if not found:
        autoscaling.create_auto_scaling_group(AutoScalingGroupName=asg_name, Tags=asg_tags(s, lab, asg_name), **request)
        found = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[asg_name])["AutoScalingGroups"]
    return found[0]


def ensure_capacity_provider(s: Sessao, lab: str, suffix: str, asg_arn: str, cluster: str,
                             *, default_weight: int | None = 1) -> str:
    ecs = s.client("ecs")
    cp_name = naming.name(s.aluno, lab, suffix)
    found = ecs.describe_capacity_providers(capacityProviders=[cp_name])["capacityProviders"]
    if not [cp for cp in found if cp.get("status") == "ACTIVE"]:
        ecs.create_capacity_provider(
            name=cp_name,
            autoScalingGroupProvider={
                "autoScalingGroupArn": asg_arn,
                "managedScaling": {"status": "ENABLED", "targetCapacity": 100, "minimumScalingStepSize": 1,
                                   "maximumScalingStepSize": 2, "instanceWarmupPeriod": 60},
                "managedTerminationProtection": "DISABLED",
            },
            tags=naming.tags_ecs(s.aluno, lab, cp_name),
        )
    attach_capacity_providers(s, cluster, [cp_name],
                              default=[{"capacityProvider": cp_name, "weight": default_weight, "base": 0}]
                              if default_weight else None)
    return cp_name


def attach_capacity_providers(s: Sessao, cluster: str, names: list[str],
                              default: list[dict[str, Any]] | None = None) -> None:
    """Add providers to a cluster, keeping those already there (PutClusterCapacityProviders replaces the list)."""
    ecs = s.client("ecs")
    current = ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    providers = list(current.get("capacityProviders") or [])
    strategy = list(current.get("defaultCapacityProviderStrategy") or [])
    wanted = providers + [n for n in names if n not in providers]
    new_strategy = strategy if strategy or not default else default
    if wanted != providers or new_strategy != strategy:
        ecs.put_cluster_capacity_providers(
            cluster=cluster, capacityProviders=wanted, defaultCapacityProviderStrategy=new_strategy
        )


@one_at_a_time
def criar_capacidade_ec2(lab: str, rede: Rede, cluster: str, *, instancias: int = 2,
                         tipo_instancia: str = DEFAULT_INSTANCE_TYPE, sessao: Sessao | None = None) -> CapacidadeEc2:
    """Launch template (ECS-optimized AMI, user data with ECS_CLUSTER), ASG in the private subnets,
    and an ASG capacity provider attached to the cluster as its default strategy."""
    lab = naming.lab_id(lab)
    check_instance_count(instancias)
    s = resolve(sessao)
    s.ensure_may_create()
    cluster_name = cluster.rsplit("/", 1)[-1]
    roles = criar_perfis_iam(lab, sessao=s)
    ami = ecs_optimized_ami(s)
    sg = ensure_security_group(s, lab, rede.vpc_id, "sg-instancias", "Instancias ECS: portas dinamicas vindas do ALB")
    allow_ingress(s, sg, *EPHEMERAL_PORTS, source_sg=rede.sg_alb, description="portas dinamicas do ALB")
    lt_id = ensure_launch_template(s, lab, "lt", {
        "ImageId": ami,
        "InstanceType": tipo_instancia,
        "IamInstanceProfile": {"Name": roles.perfil_instancia_nome},
        "SecurityGroupIds": [sg],
        "UserData": base64.b64encode(user_data(cluster_name).encode()).decode(),
        "MetadataOptions": {"HttpTokens": "required"},
    })
    asg_name = naming.name(s.aluno, lab, "asg")
    if not s.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[asg_name])["AutoScalingGroups"]:
        s.announce_costs(costs.describe([(f"instância {tipo_instancia}", instancias,
                                          costs.instance_hourly(tipo_instancia))]))
    asg = ensure_asg(s, lab, "asg", {
        "LaunchTemplate": {"LaunchTemplateId": lt_id, "Version": "$Latest"},
        "MinSize": 0, "MaxSize": max(instancias, 1) * 2, "DesiredCapacity": instancias,
        "VPCZoneIdentifier": ",".join(rede.subnets_privadas),
        "HealthCheckGracePeriod": 60,
    })
    cp = ensure_capacity_provider(s, lab, "cp-ec2", asg["AutoScalingGroupARN"], cluster_name)
    return CapacidadeEc2(ami, sg, lt_id, asg["AutoScalingGroupName"], asg["AutoScalingGroupARN"], cp)
