"""Lab 05 (escalabilidade): target tracking on CPU for a Fargate service, and the service scaling by itself."""

from __future__ import annotations

from typing import Any

from ecslab.checks import common
from ecslab.checks.framework import Check, Contexto, Falha, check, require
from ecslab.course import CPU_METRIC as METRIC
from ecslab.course import SCALING_DIMENSION as DIMENSION

CHECKS: list[Check] = []


def resource_id(ctx: Contexto) -> str:
    return f"service/{ctx.nome('cluster')}/{ctx.nome('web')}"


def scalable_target(ctx: Contexto) -> dict[str, Any]:
    def find() -> dict[str, Any]:
        found = ctx.client("application-autoscaling").describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[resource_id(ctx)], ScalableDimension=DIMENSION)["ScalableTargets"]
        if not found:
            raise Falha(f"nenhum destino escalável para {resource_id(ctx)}")
        return found[0]
    return ctx.cached("alvo", find)


def policies(ctx: Contexto) -> list[dict[str, Any]]:
    return ctx.cached("politicas", lambda: ctx.client("application-autoscaling").describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId=resource_id(ctx), ScalableDimension=DIMENSION)["ScalingPolicies"])


@check(CHECKS, "Serviço Fargate do laboratório criado",
       "Rode as células que criam o cluster e o serviço <aluno>-05-web.")
def service_exists(ctx: Contexto) -> str:
    return common.service(ctx)["serviceName"]


@check(CHECKS, "Destino escalável registrado com mínimo e máximo de tarefas",
       "application-autoscaling.register_scalable_target(ServiceNamespace='ecs', "
       "ResourceId='service/<cluster>/<serviço>', ScalableDimension='ecs:service:DesiredCount', "
       "MinCapacity=1, MaxCapacity=6)")
def target_registered(ctx: Contexto) -> str:
    target = scalable_target(ctx)
    low, high = target["MinCapacity"], target["MaxCapacity"]
    require(low >= 1, f"MinCapacity é {low}: deixe ao menos uma tarefa")
    require(high > low, f"MaxCapacity ({high}) não é maior que MinCapacity ({low}): o serviço não teria como crescer")
    return f"mínimo {low}, máximo {high}"


@check(CHECKS, "Política de rastreamento de destino na CPU média do serviço",
       "put_scaling_policy(PolicyType='TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration="
       "{'TargetValue': 50.0, 'PredefinedMetricSpecification': {'PredefinedMetricType': "
       "'ECSServiceAverageCPUUtilization'}})")
def target_tracking(ctx: Contexto) -> str:
    tracking = [p for p in policies(ctx) if p.get("PolicyType") == "TargetTrackingScaling"]
    require(tracking, "nenhuma política TargetTrackingScaling")
    conf = tracking[0].get("TargetTrackingScalingPolicyConfiguration") or {}
    metric = (conf.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
    require(metric == METRIC, f"a métrica é {metric!r}, não {METRIC}")
    value = float(conf.get("TargetValue", 0))
    require(10 <= value <= 90, f"TargetValue {value:.0f}% fora da faixa útil (10 a 90)")
    return f"{tracking[0]['PolicyName']}: CPU alvo {value:.0f}%"


@check(CHECKS, "Períodos de espera (cooldown): reduzir mais devagar do que aumentar",
       "ScaleOutCooldown menor que ScaleInCooldown, por exemplo 60 e 120 segundos.")
def cooldowns(ctx: Contexto) -> str:
    tracking = [p for p in policies(ctx) if p.get("PolicyType") == "TargetTrackingScaling"]
    require(tracking, "nenhuma política TargetTrackingScaling")
    conf = tracking[0].get("TargetTrackingScalingPolicyConfiguration") or {}
    out, inn = conf.get("ScaleOutCooldown"), conf.get("ScaleInCooldown")
    require(out is not None and inn is not None, "defina ScaleOutCooldown e ScaleInCooldown")
    require(out < inn, f"ScaleOutCooldown ({out}) não é menor que ScaleInCooldown ({inn})")
    return f"aumento {out} s, redução {inn} s"


@check(CHECKS, "O serviço escalou sozinho (há atividades de escalabilidade)",
       "Rode as células de carga: simular_carga(..., cpu=90), espere, depois cpu=10; "
       "describe_scaling_activities mostra o que aconteceu.")
def scaled(ctx: Contexto) -> str:
    def probe() -> str:
        try:
            activities = ctx.client("application-autoscaling").describe_scaling_activities(
                ServiceNamespace="ecs", ResourceId=resource_id(ctx), ScalableDimension=DIMENSION)["ScalingActivities"]
        except Exception as exc:
            raise Falha(f"atividades indisponíveis neste backend ({exc.__class__.__name__})") from None
        if not activities:
            raise Falha("nenhuma atividade de escalabilidade registrada")
        return f"{len(activities)} atividade(s)"
    return ctx.eventually(probe)


@check(CHECKS, "Todas as tarefas desejadas do serviço estão em execução",
       "Veja os eventos do serviço (describe_services → events).")
def service_running(ctx: Contexto) -> str:
    return common.running_matches_desired(ctx)
