"""Everything one lab builds, in one idempotent call (a notebook uses it to set up what earlier labs built)."""

from __future__ import annotations

from typing import Any

from ecslab import naming
from ecslab.course import CPU_METRIC, IMAGE, NETWORK_LAB, SCALING_DIMENSION
from ecslab.errors import ErroLab
from ecslab.provision.alb import criar_alb
from ecslab.provision.cluster import (
    criar_cluster,
    criar_grupo_logs,
    criar_repositorio_ecr,
    registrar_definicao_tarefa,
)
from ecslab.provision.ec2_capacity import criar_capacidade_ec2
from ecslab.provision.iam import criar_perfis_iam
from ecslab.provision.network import criar_rede
from ecslab.provision.one_at_a_time import one_at_a_time
from ecslab.provision.services import ensure_service
from ecslab.provision.spot import criar_capacidade_spot_ec2, estrategia_spot, usar_fargate_spot
from ecslab.session import Sessao, resolve

FARGATE_SIZE = ("256", "512")


def _logging(group: str, region: str) -> dict[str, Any]:
    return {"logDriver": "awslogs", "options": {
        "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": "web"}}


def definicao_bridge(aluno: str, lab: str, execution_role: str, group: str, region: str,
                     porta: int = 80) -> dict[str, Any]:
    return {
        "family": naming.name(aluno, lab, "web"),
        "requiresCompatibilities": ["EC2"],
        "networkMode": "bridge",
        "executionRoleArn": execution_role,
        "containerDefinitions": [{
            "name": "web", "image": IMAGE, "essential": True, "cpu": 256, "memory": 256,
            "portMappings": [{"containerPort": porta, "hostPort": 0, "protocol": "tcp"}],
            "logConfiguration": _logging(group, region),
        }],
    }


def definicao_fargate(aluno: str, lab: str, execution_role: str, group: str, region: str,
                      porta: int = 80, cpu: str = FARGATE_SIZE[0], memoria: str = FARGATE_SIZE[1]) -> dict[str, Any]:
    return {
        "family": naming.name(aluno, lab, "web"),
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": cpu,
        "memory": memoria,
        "executionRoleArn": execution_role,
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
        "containerDefinitions": [{
            "name": "web", "image": IMAGE, "essential": True,
            "portMappings": [{"containerPort": porta, "protocol": "tcp"}],
            "logConfiguration": _logging(group, region),
        }],
    }


def definicao_ec2_spot(aluno: str, execution_role: str) -> dict[str, Any]:
    """Lab 04's task for the EC2 Spot instances, as the notebook writes it (stopTimeout covers the draining)."""
    return {
        "family": naming.name(aluno, "04", "web-ec2"),
        "requiresCompatibilities": ["EC2"],
        "networkMode": "bridge",
        "executionRoleArn": execution_role,
        "containerDefinitions": [{
            "name": "web", "image": IMAGE, "essential": True, "cpu": 256, "memory": 256, "stopTimeout": 120,
            "portMappings": [{"containerPort": 80, "hostPort": 0, "protocol": "tcp"}],
        }],
    }


def _lab01(s: Sessao) -> dict[str, Any]:
    return {"rede": criar_rede(NETWORK_LAB, sessao=s)}


def _lab02(s: Sessao, desejadas: int = 2) -> dict[str, Any]:
    rede = criar_rede(NETWORK_LAB, sessao=s)
    cluster = criar_cluster("02", sessao=s)
    roles = criar_perfis_iam("02", sessao=s)
    group = criar_grupo_logs("02", sessao=s)
    capacity = criar_capacidade_ec2("02", rede, cluster, sessao=s)
    task_def = registrar_definicao_tarefa(
        "02", definicao_bridge(s.aluno, "02", roles.execucao_arn, group, s.regiao, rede.porta_container), sessao=s)
    alb = criar_alb("02", rede, tipo_alvo="instance", sessao=s)
    service = ensure_service(s, "02", cluster, "web", {
        "taskDefinition": task_def, "desiredCount": desejadas,
        "capacityProviderStrategy": [{"capacityProvider": capacity.provedor_capacidade, "weight": 1, "base": 0}],
        "loadBalancers": [{"targetGroupArn": alb.grupo_destino_arn, "containerName": "web",
                           "containerPort": rede.porta_container}],
        "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 200},
        "healthCheckGracePeriodSeconds": 30,
    })
    return {"rede": rede, "cluster": cluster, "perfis": roles, "grupo_logs": group, "capacidade": capacity,
            "definicao_tarefa": task_def, "alb": alb, "servico": service["serviceArn"]}


def _lab03(s: Sessao, desejadas: int = 2) -> dict[str, Any]:
    rede = criar_rede(NETWORK_LAB, sessao=s)
    cluster = criar_cluster("03", sessao=s)
    roles = criar_perfis_iam("03", sessao=s)
    group = criar_grupo_logs("03", sessao=s)
    repo = criar_repositorio_ecr("03", sessao=s)
    spec = definicao_fargate(s.aluno, "03", roles.execucao_arn, group, s.regiao, rede.porta_container)
    task_def = registrar_definicao_tarefa("03", spec, sessao=s)
    alb = criar_alb("03", rede, tipo_alvo="ip", sessao=s)
    service = ensure_service(s, "03", cluster, "web", {
        "taskDefinition": task_def, "desiredCount": desejadas, "launchType": "FARGATE",
        "platformVersion": "LATEST",
        "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": rede.subnets_privadas, "securityGroups": [rede.sg_tarefas], "assignPublicIp": "DISABLED"}},
        "loadBalancers": [{"targetGroupArn": alb.grupo_destino_arn, "containerName": "web",
                           "containerPort": rede.porta_container}],
        "deploymentConfiguration": {"minimumHealthyPercent": 100, "maximumPercent": 200},
        "healthCheckGracePeriodSeconds": 30,
    }, fargate_size=(int(spec["cpu"]), int(spec["memory"])))
    return {"rede": rede, "cluster": cluster, "perfis": roles, "grupo_logs": group, "repositorio": repo,
            "definicao_tarefa": task_def, "alb": alb, "servico": service["serviceArn"]}


def _lab04(s: Sessao, desejadas: int = 4, desejadas_ec2: int = 2) -> dict[str, Any]:
    rede = criar_rede(NETWORK_LAB, sessao=s)
    cluster = criar_cluster("04", sessao=s)
    roles = criar_perfis_iam("04", sessao=s)
    group = criar_grupo_logs("04", sessao=s)
    strategy = usar_fargate_spot(cluster, estrategia_spot(), sessao=s)
    spec = definicao_fargate(s.aluno, "04", roles.execucao_arn, group, s.regiao, rede.porta_container)
    task_def = registrar_definicao_tarefa("04", spec, sessao=s)
    service = ensure_service(s, "04", cluster, "web-spot", {
        "taskDefinition": task_def, "desiredCount": desejadas, "capacityProviderStrategy": strategy,
        "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": rede.subnets_privadas, "securityGroups": [rede.sg_tarefas], "assignPublicIp": "DISABLED"}},
    }, fargate_size=(int(spec["cpu"]), int(spec["memory"])), spot_share=0.75)
    spot_ec2 = criar_capacidade_spot_ec2("04", rede, cluster, sessao=s)
    # The notebook's small bridge service on the Spot instances. Besides showing the draining, it keeps the group
    # in use: with no task on its provider, managed scaling scales the group in to MinSize (0) after ~15 minutes.
    ec2_task_def = registrar_definicao_tarefa("04", definicao_ec2_spot(s.aluno, roles.execucao_arn), sessao=s)
    ec2_service = ensure_service(s, "04", cluster, "web-ec2-spot", {
        "taskDefinition": ec2_task_def, "desiredCount": desejadas_ec2,
        "capacityProviderStrategy": [{"capacityProvider": spot_ec2.provedor_capacidade, "weight": 1}],
        "placementStrategy": [{"type": "spread", "field": "instanceId"}],
    })
    return {"rede": rede, "cluster": cluster, "perfis": roles, "grupo_logs": group, "estrategia": strategy,
            "definicao_tarefa": task_def, "servico": service["serviceArn"], "capacidade_spot_ec2": spot_ec2,
            "definicao_tarefa_ec2": ec2_task_def, "servico_ec2": ec2_service["serviceArn"]}


def _lab05(s: Sessao) -> dict[str, Any]:
    rede = criar_rede(NETWORK_LAB, sessao=s)
    cluster = criar_cluster("05", sessao=s)
    roles = criar_perfis_iam("05", sessao=s)
    group = criar_grupo_logs("05", sessao=s)
    spec = definicao_fargate(s.aluno, "05", roles.execucao_arn, group, s.regiao, rede.porta_container)
    task_def = registrar_definicao_tarefa("05", spec, sessao=s)
    service = ensure_service(s, "05", cluster, "web", {
        "taskDefinition": task_def, "desiredCount": 1, "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": rede.subnets_privadas, "securityGroups": [rede.sg_tarefas], "assignPublicIp": "DISABLED"}},
    }, fargate_size=(int(spec["cpu"]), int(spec["memory"])))
    resource = f"service/{cluster.rsplit('/', 1)[-1]}/{service['serviceName']}"
    scaling = s.client("application-autoscaling")
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=resource,
                                     ScalableDimension=SCALING_DIMENSION, MinCapacity=1, MaxCapacity=6)
    policy = scaling.put_scaling_policy(
        PolicyName=naming.name(s.aluno, "05", "cpu-alvo"), ServiceNamespace="ecs", ResourceId=resource,
        ScalableDimension=SCALING_DIMENSION, PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 50.0, "ScaleOutCooldown": 60, "ScaleInCooldown": 120,
            "PredefinedMetricSpecification": {"PredefinedMetricType": CPU_METRIC}},
    )
    return {"rede": rede, "cluster": cluster, "perfis": roles, "grupo_logs": group, "definicao_tarefa": task_def,
            "servico": service["serviceArn"], "destino_escalavel": resource, "politica": policy["PolicyARN"]}


def _lab07(s: Sessao) -> dict[str, Any]:
    """What lab 07 starts from: lab 03's service behind the ALB, lab 02's cluster with its instances and lab 07's
    ECR repository. The breakages are the lab itself (one visible call each in the notebook), so nothing here
    breaks anything, and lab 07's checks stay red until the notebook is done."""
    return {"laboratorio_03": _lab03(s), "laboratorio_02": _lab02(s),
            "repositorio": criar_repositorio_ecr("07", sessao=s)}


BUILDERS = {"01": _lab01, "02": _lab02, "03": _lab03, "04": _lab04, "05": _lab05, "07": _lab07}


@one_at_a_time
def preparar_lab(lab: str, *, sessao: Sessao | None = None) -> dict[str, Any]:
    """Build (or complete) everything a lab ends with; returns the ids. Safe to run twice."""
    lab = naming.lab_id(lab)
    if lab not in BUILDERS:
        raise ErroLab(f"O laboratório {lab} não tem montagem automática.",
                      dica="Há montagem para os laboratórios " + ", ".join(list(BUILDERS)[:-1])
                           + f" e {list(BUILDERS)[-1]}.")
    return BUILDERS[lab](resolve(sessao))
