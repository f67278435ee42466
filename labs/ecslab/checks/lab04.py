"""Lab 04 (spot): FARGATE_SPOT with base/weight, and an EC2 Spot Auto Scaling group."""

from __future__ import annotations

from ecslab.checks import common
from ecslab.checks.framework import Check, Contexto, Falha, check, require
from ecslab.checks.lab02 import asg, capacity_provider_for, launch_template, user_data_text

CHECKS: list[Check] = []


@check(CHECKS, "Cluster com os provedores FARGATE e FARGATE_SPOT",
       "ecs.put_cluster_capacity_providers(cluster=..., capacityProviders=['FARGATE', 'FARGATE_SPOT'], ...)")
def providers(ctx: Contexto) -> str:
    attached = common.cluster(ctx).get("capacityProviders", [])
    missing = [p for p in ("FARGATE", "FARGATE_SPOT") if p not in attached]
    require(not missing, "faltam: " + ", ".join(missing))
    return ", ".join(attached)


def _strategy_ok(strategy: list[dict], where: str) -> str:
    by_name = {s["capacityProvider"]: s for s in strategy}
    require("FARGATE_SPOT" in by_name and by_name["FARGATE_SPOT"].get("weight", 0) > 0,
            f"{where}: FARGATE_SPOT ausente ou com peso 0")
    require("FARGATE" in by_name and by_name["FARGATE"].get("base", 0) >= 1,
            f"{where}: sem base em FARGATE (sob demanda) para as tarefas mínimas")
    return ", ".join(f"{n} base {s.get('base', 0)} peso {s.get('weight', 0)}" for n, s in by_name.items())


@check(CHECKS, "Estratégia padrão do cluster: base em FARGATE e peso em FARGATE_SPOT",
       "defaultCapacityProviderStrategy=[{'capacityProvider': 'FARGATE', 'base': 1, 'weight': 1}, "
       "{'capacityProvider': 'FARGATE_SPOT', 'weight': 3}]")
def cluster_strategy(ctx: Contexto) -> str:
    return _strategy_ok(common.cluster(ctx).get("defaultCapacityProviderStrategy") or [], "cluster")


@check(CHECKS, "O serviço usa a estratégia com FARGATE_SPOT",
       "create_service(capacityProviderStrategy=[...]) sem launchType (os dois não se misturam).")
def service_strategy(ctx: Contexto) -> str:
    svc = common.service(ctx, "web-spot")
    return _strategy_ok(svc.get("capacityProviderStrategy") or [], "serviço")


@check(CHECKS, "Tarefas em execução divididas entre FARGATE e FARGATE_SPOT",
       "Com base 1 e pesos 1:3, de 4 tarefas 1 fica em FARGATE e 3 em FARGATE_SPOT; veja os eventos do serviço.")
def tasks_split(ctx: Contexto) -> str:
    def probe() -> str:
        cluster = common.cluster(ctx)["clusterArn"]
        svc = common.service(ctx, "web-spot", fresh=True)
        arns = ctx.client("ecs").list_tasks(cluster=cluster, serviceName=svc["serviceName"],
                                            desiredStatus="RUNNING")["taskArns"]
        if not arns:
            raise Falha("nenhuma tarefa em execução")
        tasks = ctx.client("ecs").describe_tasks(cluster=cluster, tasks=arns)["tasks"]
        counts: dict[str, int] = {}
        for task in tasks:
            if task.get("lastStatus") == "RUNNING":
                key = task.get("capacityProviderName") or "?"
                counts[key] = counts.get(key, 0) + 1
        if not counts.get("FARGATE") or not counts.get("FARGATE_SPOT"):
            raise Falha("tarefas por provedor: " + (", ".join(f"{k}={v}" for k, v in counts.items()) or "nenhuma"))
        return ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    return ctx.eventually(probe)


@check(CHECKS, "Grupo Auto Scaling só Spot, diversificado em tipos de instância",
       "MixedInstancesPolicy com OnDemandBaseCapacity=0, OnDemandPercentageAboveBaseCapacity=0, "
       "SpotAllocationStrategy='price-capacity-optimized' e dois ou mais tipos em Overrides.")
def spot_asg(ctx: Contexto) -> str:
    group = asg(ctx, "asg-spot")
    policy = group.get("MixedInstancesPolicy")
    require(policy, "o grupo não tem MixedInstancesPolicy")
    dist = policy.get("InstancesDistribution", {})
    require(dist.get("OnDemandPercentageAboveBaseCapacity", 100) == 0, "há porcentagem sob demanda acima da base")
    require(dist.get("OnDemandBaseCapacity", 0) == 0, "há base sob demanda")
    types = {o.get("InstanceType") for o in policy.get("LaunchTemplate", {}).get("Overrides", [])}
    require(len(types) >= 2, f"só {len(types)} tipo(s) de instância: diversifique")
    return f"{dist.get('SpotAllocationStrategy', '?')}, tipos {', '.join(sorted(t for t in types if t))}"


@check(CHECKS, "As instâncias do grupo são Spot",
       "Com a política acima, o grupo compra Spot; confira InstanceLifecycle em describe_instances.")
def spot_instances(ctx: Contexto) -> str:
    def probe() -> str:
        ids = [i["InstanceId"] for i in asg(ctx, "asg-spot").get("Instances", [])]
        ctx.forget(f"asg:{ctx.nome('asg-spot')}")
        if not ids:
            raise Falha("o grupo ainda não tem instâncias")
        reservations = ctx.client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
        lifecycles = [i.get("InstanceLifecycle", "on-demand") for r in reservations for i in r["Instances"]]
        if any(x != "spot" for x in lifecycles):
            raise Falha(f"{lifecycles.count('spot')} de {len(lifecycles)} instância(s) Spot")
        return f"{len(lifecycles)} instância(s) Spot"
    return ctx.eventually(probe)


@check(CHECKS, "Drenagem Spot ligada no agente (ECS_ENABLE_SPOT_INSTANCE_DRAINING)",
       "Nos dados do usuário: echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config")
def spot_draining(ctx: Contexto) -> str:
    text = user_data_text(launch_template(ctx, "lt-spot"))
    require("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" in text, "a variável não aparece nos dados do usuário")
    require(f"ECS_CLUSTER={common.cluster(ctx)['clusterName']}" in text, "ECS_CLUSTER não aponta para o cluster")
    return ""


@check(CHECKS, "Provedor de capacidade do grupo Spot no cluster",
       "ecs.create_capacity_provider(autoScalingGroupProvider={'autoScalingGroupArn': <grupo Spot>, ...}) e "
       "put_cluster_capacity_providers mantendo FARGATE e FARGATE_SPOT.")
def spot_capacity_provider(ctx: Contexto) -> str:
    return capacity_provider_for(ctx, asg(ctx, "asg-spot")["AutoScalingGroupARN"])["name"]
