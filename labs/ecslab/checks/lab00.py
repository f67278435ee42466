"""Lab 00 (ambiente): the backend answers and has what the labs need."""

from __future__ import annotations

from ecslab.checks.framework import Check, Contexto, check, require
from ecslab.course import AMI_PARAMETER, EXECUTION_POLICY

CHECKS: list[Check] = []


@check(CHECKS, "O backend responde e identifica a conta", "Confira ECSLAB_BACKEND e, na AWS, as credenciais.")
def backend(ctx: Contexto) -> str:
    account = ctx.client("sts").get_caller_identity()["Account"]
    return f"backend {ctx.s.backend}, conta {account}, região {ctx.s.regiao}"


@check(CHECKS, "O ECS responde", "Reinicie o emulador com `ecslab emulador reiniciar`.")
def ecs_answers(ctx: Contexto) -> str:
    clusters = ctx.client("ecs").list_clusters()["clusterArns"]
    return f"{len(clusters)} cluster(s) visíveis na conta"


@check(CHECKS, "A política gerenciada AmazonECSTaskExecutionRolePolicy existe",
       "No emulador, reinicie-o (`ecslab emulador reiniciar`): ele carrega as políticas gerenciadas ao iniciar.")
def managed_policy(ctx: Contexto) -> str:
    policy = ctx.client("iam").get_policy(PolicyArn=EXECUTION_POLICY)["Policy"]
    require(policy["PolicyName"] == "AmazonECSTaskExecutionRolePolicy", "política com outro nome")
    return ""


@check(CHECKS, "A AMI otimizada para o ECS é encontrada pelo SSM",
       "Use uma região com AMIs otimizadas para o ECS (por exemplo us-east-1).")
def ecs_ami(ctx: Contexto) -> str:
    value = ctx.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    require(value.startswith("ami-"), f"valor inesperado: {value}")
    return value


@check(CHECKS, "Há pelo menos duas zonas de disponibilidade", "Use uma região com duas ou mais AZs, como us-east-1.")
def zones(ctx: Contexto) -> str:
    found = ctx.client("ec2").describe_availability_zones()["AvailabilityZones"]
    require(len(found) >= 2, f"só {len(found)} zona(s)")
    return f"{len(found)} zonas"


@check(CHECKS, "Nada sobrando do exercício do laboratório 00",
       "Remova o que o exercício criou: ecslab.limpar('00') (ou `ecslab limpar --lab 00`).")
def nothing_left(ctx: Contexto) -> str:
    from ecslab.inventory import inventario

    left = [it for items in inventario("00", sessao=ctx.s).values() for it in items]
    require(not left, "restam: " + ", ".join(f"{it['tipo']} {it['nome'] or it['id']}" for it in left))
    return ""
