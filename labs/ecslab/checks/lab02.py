"""Lab 02 (ec2): cluster, EC2 capacity (launch template, ASG, capacity provider), bridge service behind an ALB."""

from __future__ import annotations

from ecslab.checks import common
from ecslab.checks.framework import Check, Contexto, Falha, check, require
from ecslab.course import AMI_PARAMETER, EXECUTION_POLICY, INSTANCE_POLICY

CHECKS: list[Check] = []


@check(CHECKS, "Cluster criado", "ecs.create_cluster(clusterName='<aluno>-02-cluster', tags=[...])")
def cluster_exists(ctx: Contexto) -> str:
    return common.cluster(ctx)["clusterName"]


@check(CHECKS, "O modelo de execução usa a AMI otimizada para o ECS (do SSM)",
       f"Leia a AMI com ssm.get_parameter(Name='{AMI_PARAMETER}') e use-a em ImageId.")
def lt_ami(ctx: Contexto) -> str:
    expected = ctx.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    image = common.launch_template(ctx).get("ImageId")
    require(image == expected, f"ImageId é {image}, a AMI recomendada é {expected}")
    return image


@check(CHECKS, "Os dados do usuário registram a instância no cluster (ECS_CLUSTER)",
       "UserData: echo ECS_CLUSTER=<nome do cluster> >> /etc/ecs/ecs.config (em base64).")
def lt_user_data(ctx: Contexto) -> str:
    text = common.user_data_text(common.launch_template(ctx))
    name = common.cluster(ctx)["clusterName"]
    require(f"ECS_CLUSTER={name}" in text, f"ECS_CLUSTER={name} não aparece nos dados do usuário")
    return ""


@check(CHECKS, "O perfil de instância tem a política do agente do ECS",
       "IamInstanceProfile do modelo deve conter um perfil (role) com AmazonEC2ContainerServiceforEC2Role.")
def lt_profile(ctx: Contexto) -> str:
    profile = (common.launch_template(ctx).get("IamInstanceProfile") or {})
    name = profile.get("Name") or (profile.get("Arn") or "").rsplit("/", 1)[-1]
    require(name, "o modelo de execução não tem IamInstanceProfile")
    roles = ctx.client("iam").get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]
    require(roles, f"o perfil de instância {name} não tem perfil (role)")
    require(common.role_has_policy(ctx, roles[0]["Arn"], INSTANCE_POLICY),
            f"{roles[0]['RoleName']} não tem AmazonEC2ContainerServiceforEC2Role")
    return name


@check(CHECKS, "O grupo Auto Scaling usa as sub-redes privadas das duas AZs",
       "VPCZoneIdentifier com as duas sub-redes privadas do laboratório 01.")
def asg_private(ctx: Contexto) -> str:
    group = common.asg(ctx)
    subnets = set(filter(None, group.get("VPCZoneIdentifier", "").split(",")))
    private = {s["SubnetId"] for s in common.split_subnets(ctx)[1]}
    require(subnets and subnets <= private, "o grupo usa sub-redes que não são as privadas")
    require(len(group.get("AvailabilityZones", [])) >= 2 or len(subnets) >= 2, "o grupo usa uma só AZ")
    require(group["MaxSize"] >= 1, "MaxSize é 0")
    return f"desejado {group['DesiredCapacity']}, máximo {group['MaxSize']}"


@check(CHECKS, "Provedor de capacidade do grupo Auto Scaling, com escalabilidade gerenciada, no cluster",
       "ecs.create_capacity_provider(autoScalingGroupProvider={'autoScalingGroupArn': ..., 'managedScaling': "
       "{'status': 'ENABLED', ...}}) e ecs.put_cluster_capacity_providers(...).")
def capacity_provider(ctx: Contexto) -> str:
    cp = common.capacity_provider_for(ctx, common.asg(ctx)["AutoScalingGroupARN"])
    scaling = (cp.get("autoScalingGroupProvider") or {}).get("managedScaling") or {}
    require(scaling.get("status") == "ENABLED", "a escalabilidade gerenciada está desligada")
    return cp["name"]


@check(CHECKS, "Instâncias de contêiner registradas e ACTIVE no cluster",
       "As instâncias do grupo precisam do agente do ECS com ECS_CLUSTER certo; confira os dados do usuário e o "
       "perfil de instância, e espere alguns minutos.")
def container_instances(ctx: Contexto) -> str:
    def probe() -> str:
        cluster = common.cluster(ctx)["clusterArn"]
        arns = ctx.client("ecs").list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]
        if not arns:
            raise Falha("nenhuma instância de contêiner ACTIVE (o agente ainda não registrou nenhuma)")
        return f"{len(arns)} instância(s)"
    return ctx.eventually(probe)


@check(CHECKS, "Definição de tarefa em modo bridge com porta dinâmica no host",
       "networkMode='bridge' e portMappings=[{'containerPort': 80, 'hostPort': 0}]: o ALB usa as portas dinâmicas.")
def bridge_task_definition(ctx: Contexto) -> str:
    td = common.task_definition(ctx, common.service(ctx)["taskDefinition"])
    require(td.get("networkMode") == "bridge", f"networkMode é {td.get('networkMode')}")
    mappings = [m for c in td["containerDefinitions"] for m in c.get("portMappings", [])]
    require(mappings, "nenhum portMappings")
    require(all(m.get("hostPort", 0) == 0 for m in mappings), "hostPort fixo: duas tarefas não cabem na instância")
    require(all(c.get("memory") or c.get("memoryReservation") or td.get("memory")
                for c in td["containerDefinitions"]), "contêiner sem memory nem memoryReservation")
    exec_role = td.get("executionRoleArn")
    require(exec_role and common.role_has_policy(ctx, exec_role, EXECUTION_POLICY),
            "sem perfil de execução com AmazonECSTaskExecutionRolePolicy")
    return td["taskDefinitionArn"].rsplit("/", 1)[-1]


@check(CHECKS, "O grupo das instâncias aceita as portas dinâmicas vindas do ALB",
       "No grupo das instâncias: TCP 32768-65535 com origem no grupo do ALB.")
def instances_sg(ctx: Contexto) -> str:
    groups = common.launch_template(ctx).get("SecurityGroupIds") or []
    require(groups, "o modelo de execução não define SecurityGroupIds")
    sg = ctx.client("ec2").describe_security_groups(GroupIds=groups)["SecurityGroups"]
    alb = common.security_group(ctx, "sg-alb", "01")["GroupId"]
    rules = [r for g in sg for r in common.ingress_rules(g)]
    require(any(src == alb and (f or 0) <= 32768 and (t or 0) >= 65535 for f, t, src in rules),
            "sem regra 32768-65535 a partir do grupo do ALB")
    return ""


@check(CHECKS, "Serviço ligado ao grupo de destino (tipo instance) e o ALB encaminha para ele",
       "create_service(loadBalancers=[{'targetGroupArn': ..., 'containerName': 'web', 'containerPort': 80}]) e um "
       "listener HTTP 80 com forward para o grupo.")
def service_alb(ctx: Contexto) -> str:
    svc = common.service(ctx)
    tg = common.target_group(ctx)
    require(tg["TargetType"] == "instance", f"o grupo de destino é do tipo {tg['TargetType']} (bridge usa instance)")
    require(any(lb.get("targetGroupArn") == tg["TargetGroupArn"] for lb in svc.get("loadBalancers", [])),
            "o serviço não usa o grupo de destino do laboratório")
    require(common.listener_forwards_to(ctx, common.load_balancer(ctx)["LoadBalancerArn"], tg["TargetGroupArn"]),
            "nenhum listener do ALB encaminha para o grupo de destino")
    return svc["serviceName"]


@check(CHECKS, "Todas as tarefas desejadas do serviço estão em execução",
       "Veja os eventos do serviço (describe_services → events): falta capacidade? instância sem registro?")
def service_running(ctx: Contexto) -> str:
    return common.running_matches_desired(ctx)


@check(CHECKS, "Alvos saudáveis no grupo de destino",
       "As tarefas registram-se sozinhas no grupo; confira a verificação de integridade e o grupo de segurança.")
def targets_healthy(ctx: Contexto) -> str:
    return common.healthy_targets(ctx, common.service(ctx).get("desiredCount", 1))
