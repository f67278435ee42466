"""Lab 04 (spot): FARGATE_SPOT with base/weight, and an EC2 Spot Auto Scaling group with a service on it.

The group's instances exist only while tasks use its capacity provider: with none, ECS managed scaling scales the
group in to MinSize (0), as on AWS. So the finished lab keeps the notebook's EC2 Spot service running, and the
instance check explains an emptied group instead of waiting for instances that will not come."""

from __future__ import annotations

from typing import Any

from ecslab.checks import common
from ecslab.checks.framework import Check, Contexto, Falha, check, require
from ecslab.errors import ErroLab

CHECKS: list[Check] = []
EC2_SERVICE = "web-ec2-spot"  # the notebook's bridge service on the Spot instances (step 2)


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
    group = common.asg(ctx, "asg-spot")
    policy = group.get("MixedInstancesPolicy")
    require(policy, "o grupo não tem MixedInstancesPolicy")
    dist = policy.get("InstancesDistribution", {})
    require(dist.get("OnDemandPercentageAboveBaseCapacity", 100) == 0, "há porcentagem sob demanda acima da base")
    require(dist.get("OnDemandBaseCapacity", 0) == 0, "há base sob demanda")
    types = {o.get("InstanceType") for o in policy.get("LaunchTemplate", {}).get("Overrides", [])}
    require(len(types) >= 2, f"só {len(types)} tipo(s) de instância: diversifique")
    return f"{dist.get('SpotAllocationStrategy', '?')}, tipos {', '.join(sorted(t for t in types if t))}"


@check(CHECKS, "Drenagem Spot ligada no agente (ECS_ENABLE_SPOT_INSTANCE_DRAINING)",
       "Nos dados do usuário: echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config")
def spot_draining(ctx: Contexto) -> str:
    text = common.user_data_text(common.launch_template(ctx, "lt-spot"))
    require("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" in text, "a variável não aparece nos dados do usuário")
    require(f"ECS_CLUSTER={common.cluster(ctx)['clusterName']}" in text, "ECS_CLUSTER não aponta para o cluster")
    return ""


def _spot_provider(ctx: Contexto) -> dict[str, Any]:
    return ctx.cached("cp-spot", lambda: common.capacity_provider_for(
        ctx, common.asg(ctx, "asg-spot")["AutoScalingGroupARN"]))


@check(CHECKS, "Provedor de capacidade do grupo Spot no cluster",
       "ecs.create_capacity_provider(autoScalingGroupProvider={'autoScalingGroupArn': <grupo Spot>, ...}) e "
       "put_cluster_capacity_providers mantendo FARGATE e FARGATE_SPOT.")
def spot_capacity_provider(ctx: Contexto) -> str:
    return _spot_provider(ctx)["name"]


@check(CHECKS, "Serviço com tarefas em execução no provedor do grupo Spot",
       "Rode a célula do passo 2 que cria <aluno>-04-web-ec2-spot (desiredCount=2, capacityProviderStrategy="
       "[{'capacityProvider': <provedor do grupo Spot>, 'weight': 1}]); se ele existe com 0 tarefas, "
       "ecs.update_service(..., desiredCount=2).")
def spot_ec2_service(ctx: Contexto) -> str:
    provider = _spot_provider(ctx)["name"]
    used = [s.get("capacityProvider") for s in common.service(ctx, EC2_SERVICE).get("capacityProviderStrategy") or []]
    require(provider in used, f"o serviço não usa o provedor {provider} (usa: {', '.join(used) or 'nenhum'})")
    return common.running_matches_desired(ctx, EC2_SERVICE)


def _tasks_on(ctx: Contexto, provider: str) -> int:
    """Tasks of the cluster not yet stopped whose capacity provider is PROVIDER (running or waiting for capacity)."""
    ecs, cluster = ctx.client("ecs"), common.cluster(ctx)["clusterArn"]
    arns = [a for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus="RUNNING")
            for a in page["taskArns"]]
    found = [t for i in range(0, len(arns), 100)
             for t in ecs.describe_tasks(cluster=cluster, tasks=arns[i:i + 100])["tasks"]]
    return sum(1 for t in found if t.get("capacityProviderName") == provider and t.get("lastStatus") != "STOPPED")


def _scaled_in(ctx: Contexto, group: dict[str, Any]) -> None:
    """An empty group with desired capacity 0: say why (managed scaling, no task on the provider) and what to do.

    Tasks waiting in PROVISIONING get a Falha (worth waiting for); none at all an ErroLab (nothing will change)."""
    try:
        provider = _spot_provider(ctx)["name"]
    except Falha:
        raise Falha("o grupo está com capacidade desejada 0 e sem instâncias") from None
    waiting = _tasks_on(ctx, provider)
    if waiting:  # managed scaling is about to scale out for them
        raise Falha(f"o grupo está sem instâncias; {waiting} tarefa(s) do provedor {provider} esperam a "
                    "escalabilidade gerenciada lançar instâncias")
    raise ErroLab(
        f"o grupo está com 0 instâncias: nenhuma tarefa usa o provedor {provider}, e a escalabilidade gerenciada "
        f"do ECS reduz o grupo ao mínimo (MinSize {group.get('MinSize', 0)}) para não pagar instâncias ociosas",
        dica=f"Mantenha o serviço {ctx.nome(EC2_SERVICE)} com tarefas no provedor (passo 2 do laboratório, "
             "desiredCount=2): as tarefas esperam em PROVISIONING, o grupo lança instâncias Spot em poucos minutos "
             "e esta verificação volta a passar.",
    )


@check(CHECKS, "As instâncias do grupo são Spot",
       "Com a política acima, o grupo compra Spot; confira InstanceLifecycle em describe_instances.")
def spot_instances(ctx: Contexto) -> str:
    def probe() -> str:
        group = common.asg(ctx, "asg-spot")
        ctx.forget(f"asg:{ctx.nome('asg-spot')}")
        ids = [i["InstanceId"] for i in group.get("Instances", [])]
        if not ids and not group.get("DesiredCapacity"):
            _scaled_in(ctx, group)
        if not ids:
            raise Falha(f"o grupo ainda não tem instâncias (capacidade desejada {group['DesiredCapacity']})")
        reservations = ctx.client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
        lifecycles = [i.get("InstanceLifecycle", "on-demand") for r in reservations for i in r["Instances"]]
        if any(x != "spot" for x in lifecycles):
            raise Falha(f"{lifecycles.count('spot')} de {len(lifecycles)} instância(s) Spot")
        return f"{len(lifecycles)} instância(s) Spot"
    return ctx.eventually(probe)
