"""An Application Load Balancer in the public subnets, a target group and an HTTP listener."""

from __future__ import annotations

from dataclasses import dataclass

from ecslab import costs, naming
from ecslab.errors import ErroLab
from ecslab.provision.network import Rede
from ecslab.provision.one_at_a_time import one_at_a_time
from ecslab.session import Sessao, client_error_code, resolve


@dataclass
class Alb:
    alb_arn: str
    dns: str
    grupo_destino_arn: str
    listener_arn: str


@one_at_a_time
def criar_alb(lab: str, rede: Rede, *, tipo_alvo: str = "ip", porta: int | None = None,
              caminho_saude: str = "/", sessao: Sessao | None = None) -> Alb:
    """ALB ``<aluno>-<lab>-alb`` → target group ``<aluno>-<lab>-tg`` (type ip for awsvpc, instance for bridge)."""
    lab = naming.lab_id(lab)
    if tipo_alvo not in ("ip", "instance"):
        raise ErroLab(f"Tipo de alvo inválido: {tipo_alvo!r}.",
                      dica="Use 'ip' (awsvpc/Fargate) ou 'instance' (bridge).")
    s = resolve(sessao)
    s.ensure_may_create()
    elb = s.client("elbv2")
    port = porta or rede.porta_container
    alb_name = naming.name(s.aluno, lab, "alb")
    tg_name = naming.name(s.aluno, lab, "tg")
    try:
        alb = elb.describe_load_balancers(Names=[alb_name])["LoadBalancers"][0]
    except Exception as exc:
        if client_error_code(exc) != "LoadBalancerNotFound":
            raise
        s.announce_costs(costs.describe([
            (costs.LABELS["alb"], 1, costs.HOURLY_USD["alb"]),
            (costs.LABELS["ipv4"] + " (nós do ALB)", 2, costs.HOURLY_USD["ipv4"]),
        ]))
        alb = elb.create_load_balancer(
            Name=alb_name, Subnets=rede.subnets_publicas, SecurityGroups=[rede.sg_alb], Scheme="internet-facing",
            Type="application", IpAddressType="ipv4", Tags=naming.tags_kv(s.aluno, lab, alb_name),
        )["LoadBalancers"][0]
    try:
        tg = elb.describe_target_groups(Names=[tg_name])["TargetGroups"][0]
    except Exception as exc:
        if client_error_code(exc) != "TargetGroupNotFound":
            raise
        tg = elb.create_target_group(
            Name=tg_name, Protocol="HTTP", Port=port, VpcId=rede.vpc_id, TargetType=tipo_alvo,
            HealthCheckPath=caminho_saude, HealthCheckIntervalSeconds=10, HealthyThresholdCount=2,
            Tags=naming.tags_kv(s.aluno, lab, tg_name),
        )["TargetGroups"][0]
        elb.modify_target_group_attributes(
            TargetGroupArn=tg["TargetGroupArn"],
            Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}],
        )
    listeners = elb.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    http = [lst for lst in listeners if lst["Port"] == 80]
    if http:
        listener_arn = http[0]["ListenerArn"]
    else:
        listener_arn = elb.create_listener(
            LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTP", Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
            Tags=naming.tags_kv(s.aluno, lab, naming.name(s.aluno, lab, "http")),
        )["Listeners"][0]["ListenerArn"]
    return Alb(alb["LoadBalancerArn"], alb["DNSName"], tg["TargetGroupArn"], listener_arn)
