"""Lab 03 (fargate): an awsvpc service in the private subnets behind an ALB."""

from __future__ import annotations

from ecslab.checks import common
from ecslab.checks.framework import Check, Contexto, check, require
from ecslab.course import EXECUTION_POLICY
from ecslab.validation import check_fargate_size

CHECKS: list[Check] = []


@check(CHECKS, "Cluster criado", "ecs.create_cluster(clusterName='<aluno>-03-cluster', tags=[...])")
def cluster_exists(ctx: Contexto) -> str:
    return common.cluster(ctx)["clusterName"]


@check(CHECKS, "Definição de tarefa Fargate válida (awsvpc, cpu/memória da tabela)",
       "requiresCompatibilities=['FARGATE'], networkMode='awsvpc' e um par cpu/memory válido, como '256'/'512'.")
def fargate_task_definition(ctx: Contexto) -> str:
    td = common.task_definition(ctx, common.service(ctx)["taskDefinition"])
    require("FARGATE" in (td.get("requiresCompatibilities") or []), "requiresCompatibilities não contém FARGATE")
    require(td.get("networkMode") == "awsvpc", f"networkMode é {td.get('networkMode')}")
    check_fargate_size(td.get("cpu"), td.get("memory"))
    return f"{td['taskDefinitionArn'].rsplit('/', 1)[-1]}: cpu {td.get('cpu')}, memória {td.get('memory')}"


@check(CHECKS, "Perfil de execução com AmazonECSTaskExecutionRolePolicy",
       "executionRoleArn: um perfil que confia em ecs-tasks.amazonaws.com com a política gerenciada anexada "
       "(é ele que puxa a imagem e envia os logs).")
def execution_role(ctx: Contexto) -> str:
    td = common.task_definition(ctx, common.service(ctx)["taskDefinition"])
    role = td.get("executionRoleArn")
    require(role, "a definição de tarefa não tem executionRoleArn")
    require(common.role_has_policy(ctx, role, EXECUTION_POLICY), f"{role} sem AmazonECSTaskExecutionRolePolicy")
    return role.rsplit("/", 1)[-1]


@check(CHECKS, "Logs do contêiner vão para um grupo do CloudWatch Logs que existe",
       "logConfiguration={'logDriver': 'awslogs', 'options': {'awslogs-group': ..., 'awslogs-region': ..., "
       "'awslogs-stream-prefix': 'web'}} e crie o grupo antes.")
def logs(ctx: Contexto) -> str:
    td = common.task_definition(ctx, common.service(ctx)["taskDefinition"])
    configs = [c.get("logConfiguration") or {} for c in td["containerDefinitions"]]
    require(all(c.get("logDriver") == "awslogs" for c in configs), "contêiner sem logDriver awslogs")
    group = configs[0].get("options", {}).get("awslogs-group", "")
    found = ctx.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    require(any(g["logGroupName"] == group for g in found), f"o grupo de logs {group} não existe")
    return group


@check(CHECKS, "Serviço Fargate nas sub-redes privadas, sem IP público, com o grupo das tarefas",
       "launchType='FARGATE' e networkConfiguration.awsvpcConfiguration com as sub-redes privadas, "
       "securityGroups=[grupo das tarefas] e assignPublicIp='DISABLED'.")
def service_network(ctx: Contexto) -> str:
    svc = common.service(ctx)
    strategy = [s.get("capacityProvider") for s in svc.get("capacityProviderStrategy") or []]
    require(svc.get("launchType") == "FARGATE" or "FARGATE" in strategy,
            f"launchType é {svc.get('launchType')!r}")
    conf = (svc.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    private = {s["SubnetId"] for s in common.split_subnets(ctx, "01")[1]}
    subnets = set(conf.get("subnets") or [])
    require(subnets and subnets <= private, "o serviço usa sub-redes que não são as privadas")
    require(conf.get("assignPublicIp", "DISABLED") == "DISABLED", "assignPublicIp está ENABLED")
    tasks_sg = common.security_group(ctx, "sg-tarefas", "01")["GroupId"]
    require(conf.get("securityGroups") == [tasks_sg], "o serviço não usa (só) o grupo das tarefas")
    return f"{len(subnets)} sub-redes privadas"


@check(CHECKS, "ALB público nas sub-redes públicas encaminhando para um grupo de destino do tipo ip",
       "create_target_group(TargetType='ip', ...) (awsvpc registra IPs), ALB internet-facing nas sub-redes "
       "públicas e um listener HTTP 80 com forward.")
def alb(ctx: Contexto) -> str:
    lb = common.load_balancer(ctx)
    tg = common.target_group(ctx)
    require(tg["TargetType"] == "ip", f"o grupo de destino é do tipo {tg['TargetType']} (awsvpc usa ip)")
    require(lb.get("Scheme") == "internet-facing", f"o ALB é {lb.get('Scheme')}")
    public = {s["SubnetId"] for s in common.split_subnets(ctx, "01")[0]}
    lb_subnets = {z["SubnetId"] for z in lb.get("AvailabilityZones", [])}
    require(lb_subnets and lb_subnets <= public, "o ALB não está (só) nas sub-redes públicas")
    require(common.listener_forwards_to(ctx, lb["LoadBalancerArn"], tg["TargetGroupArn"]),
            "nenhum listener do ALB encaminha para o grupo de destino")
    svc = common.service(ctx)
    require(any(x.get("targetGroupArn") == tg["TargetGroupArn"] for x in svc.get("loadBalancers", [])),
            "o serviço não usa o grupo de destino do laboratório")
    return lb["DNSName"]


@check(CHECKS, "Todas as tarefas desejadas do serviço estão em execução",
       "Veja os eventos do serviço: imagem inacessível (falta NAT ou endpoints?), perfil de execução, logs.")
def service_running(ctx: Contexto) -> str:
    return common.running_matches_desired(ctx)


@check(CHECKS, "Alvos saudáveis no grupo de destino",
       "O grupo das tarefas precisa aceitar a porta do contêiner vinda do grupo do ALB.")
def targets_healthy(ctx: Contexto) -> str:
    return common.healthy_targets(ctx, common.service(ctx).get("desiredCount", 1))
