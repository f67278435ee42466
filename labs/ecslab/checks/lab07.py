"""Lab 07 (diagnóstico): five breakages of lab 03's service (and one task of lab 02's cluster), each seen and fixed.

Lab 07 builds little of its own: it breaks lab 03's Fargate service behind the ALB, reads the evidence where an
operator reads it, and fixes it. So each check looks for both halves of one exercise on the backend:
the evidence of the failure (a stopped task with AWS's stopCode and stoppedReason, a deployment the circuit
breaker stopped, the RESOURCE:MEMORY-sized task definition) and the state after the fix (the route back, the
image in ECR, the health check path, a later deployment that completed, a task that fits and ran).

Stopped tasks stay visible for about an hour on AWS (a simulated day on the emulator): run the checks after the
lab, not the next day; running the lab's cells again brings the evidence back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecslab.checks import common
from ecslab.checks.framework import Check, Contexto, Falha, check, require
from ecslab.session import client_error_code

CHECKS: list[Check] = []
SERVICE_LAB, EC2_LAB = "03", "02"
COMPLETED = ("SUCCESSFUL", "ROLLBACK_SUCCESSFUL")
NOT_FAILED = ("SUCCESSFUL", "IN_PROGRESS", "PENDING")
SERVED_PATHS = ("/", "/index.html")  # what the lab's nginx answers with 200


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def cluster03(ctx: Contexto) -> str:
    return ctx.nome("cluster", SERVICE_LAB)


def service03(ctx: Contexto, *, fresh: bool = False) -> dict[str, Any]:
    name = ctx.nome("web", SERVICE_LAB)
    if fresh:
        ctx.forget("svc03")

    def find() -> dict[str, Any]:
        try:
            found = ctx.client("ecs").describe_services(cluster=cluster03(ctx), services=[name])["services"]
        except Exception as exc:
            if client_error_code(exc) in ("ClusterNotFoundException", "ClientException"):
                found = []
            else:
                raise
        active = [s for s in found if s.get("status") == "ACTIVE"]
        if not active:
            raise Falha(f"o serviço {name} (laboratório 03) não existe: rode a primeira célula do laboratório 07, "
                        "que o monta")
        return active[0]
    return ctx.cached("svc03", find)


def _tasks(ctx: Contexto, cluster: str, status: str, **filters: Any) -> list[dict[str, Any]]:
    ecs = ctx.client("ecs")
    arns: list[str] = []
    for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus=status, **filters):
        arns += page.get("taskArns", [])
    out: list[dict[str, Any]] = []
    for chunk in _chunks(arns, 100):
        out += ecs.describe_tasks(cluster=cluster, tasks=chunk)["tasks"]
    return out


def service_tasks(ctx: Contexto) -> list[dict[str, Any]]:
    """Every task of lab 03's service still visible: the running ones and the stopped ones."""
    def find() -> list[dict[str, Any]]:
        name = service03(ctx)["serviceName"]
        return [t for status in ("STOPPED", "RUNNING")
                for t in _tasks(ctx, cluster03(ctx), status, serviceName=name)]
    return ctx.cached("tasks03", find)


def stopped(ctx: Contexto) -> list[dict[str, Any]]:
    return [t for t in service_tasks(ctx) if t.get("lastStatus") == "STOPPED"]


def deployments(ctx: Contexto) -> list[dict[str, Any]]:
    """The service's deployment history (ListServiceDeployments), oldest first, each with the task definition of
    its target service revision (DescribeServiceRevisions) under "taskDefinition"."""
    def find() -> list[dict[str, Any]]:
        ecs = ctx.client("ecs")
        svc = service03(ctx)
        out: list[dict[str, Any]] = []
        token = None
        while True:
            page = ecs.list_service_deployments(cluster=cluster03(ctx), service=svc["serviceName"],
                                                **({"nextToken": token} if token else {}))
            out += page.get("serviceDeployments", [])
            token = page.get("nextToken")
            if not token:
                break
        revisions = sorted({d["targetServiceRevisionArn"] for d in out if d.get("targetServiceRevisionArn")})
        definition: dict[str, str] = {}
        for chunk in _chunks(revisions, 20):
            for rev in ecs.describe_service_revisions(serviceRevisionArns=chunk).get("serviceRevisions", []):
                definition[rev["serviceRevisionArn"]] = rev.get("taskDefinition", "")
        out = [dict(d, taskDefinition=definition.get(d.get("targetServiceRevisionArn", ""), "")) for d in out]
        return sorted(out, key=lambda d: d.get("createdAt") or d.get("startedAt"))
    return ctx.cached("deployments03", find)


def _deployment_id(arn: str | None) -> str:
    """'7772183299047540082' from a service-deployment ARN."""
    return (arn or "").rsplit("/", 1)[-1]


def failed_then_completed(ctx: Contexto, tasks: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A deployment of these tasks' task definition that did not succeed (the circuit breaker stopped it), and the
    deployment that completed after it: the rollback, or a later one. On AWS the rollback is part of the failed
    service deployment itself (its status becomes ROLLBACK_SUCCESSFUL)."""
    definitions = {t["taskDefinitionArn"] for t in tasks}
    history = deployments(ctx)
    failed = [d for d in history if d["taskDefinition"] in definitions and d.get("status") not in NOT_FAILED]
    require(failed, "nenhuma implantação dessa revisão foi parada pelo disjuntor de implantação (ligue "
                    "deploymentCircuitBreaker com enable e rollback)")
    for bad in failed:
        if bad.get("status") == "ROLLBACK_SUCCESSFUL":
            return bad, bad
        later = [d for d in history[history.index(bad) + 1:] if d.get("status") in COMPLETED]
        if later:
            return bad, later[0]
    raise Falha("a implantação que falhou não foi seguida por uma que terminou (SUCCESSFUL ou ROLLBACK_SUCCESSFUL)")


def _reason(task: dict[str, Any]) -> str:
    return task.get("stoppedReason") or ""


@check(CHECKS, "O serviço do laboratório 03 está estável, de volta à definição de tarefa dele",
       "Rode a última célula do laboratório 07 (voltar_ao_laboratorio_03()): ela devolve a definição de tarefa "
       "<aluno>-03-web, o caminho '/' da verificação de integridade e espera o serviço estabilizar; se não "
       "estabilizar, leia os eventos do serviço.")
def steady(ctx: Contexto) -> str:
    def probe() -> str:
        svc = service03(ctx, fresh=True)
        running, desired = svc.get("runningCount", 0), svc.get("desiredCount", 0)
        deployments_now = svc.get("deployments", [])
        require(desired >= 1, f"desiredCount é {desired}")
        require(running == desired, f"{running} de {desired} tarefas em execução")
        require(len(deployments_now) == 1 and deployments_now[0].get("rolloutState", "COMPLETED") == "COMPLETED",
                f"{len(deployments_now)} implantações em andamento")
        family = svc["taskDefinition"].rsplit("/", 1)[-1]
        require(family.startswith(ctx.nome("web", SERVICE_LAB) + ":"),
                f"o serviço ainda usa {family}, não a definição de tarefa do laboratório 03")
        return f"{running}/{desired} tarefas, {family}"
    return ctx.eventually(probe)


@check(CHECKS, "1. Sem rota para fora: você viu ResourceInitializationError e devolveu a rota para o NAT",
       "Leia o `stoppedReason` da tarefa parada (describe_tasks): `TaskFailedToStart` com "
       "`ResourceInitializationError ... connection issue` é rede, a tarefa não alcança o CloudWatch Logs nem o "
       "ECR. Rode o passo 1: ele remove a rota 0.0.0.0/0 das sub-redes privadas e a devolve com "
       "ec2.create_route(RouteTableId=rede.rota_privada, DestinationCidrBlock='0.0.0.0/0', "
       "NatGatewayId=rede.nat_id).")
def no_route_out(ctx: Contexto) -> str:
    seen = [t for t in stopped(ctx) if t.get("stopCode") == "TaskFailedToStart"
            and ("ResourceInitializationError" in _reason(t) or "i/o timeout" in _reason(t))]
    require(seen, "nenhuma tarefa parada do serviço com TaskFailedToStart e ResourceInitializationError (as "
                  "tarefas paradas ficam visíveis por cerca de uma hora)")
    tables = [rt for rt in common.route_tables(ctx, "01")
              if any(t.get("Key") == "Name" and t.get("Value") == ctx.nome("rotas-privadas", "01")
                     for t in rt.get("Tags", []))]
    require(tables, f"a tabela de rotas {ctx.nome('rotas-privadas', '01')} não existe")
    target = common.default_target(tables[0])
    require(target.startswith("nat-"), "a tabela de rotas privada não tem a rota 0.0.0.0/0 para o gateway NAT")
    nat = ctx.client("ec2").describe_nat_gateways(NatGatewayIds=[target])["NatGateways"]
    require(nat and nat[0].get("State") == "available", f"o gateway NAT {target} não está available")
    return f"{len(seen)} tarefa(s) com ResourceInitializationError; 0.0.0.0/0 → {target} de novo"


@check(CHECKS, "2. Imagem inexistente: CannotPullContainerError, reversão pelo disjuntor e a imagem publicada",
       "Leia o `stoppedReason`: `CannotPullContainerError ... not found` quer dizer que a tag não existe no "
       "repositório (confira com ecr.describe_images). Rode o passo 2: a implantação com o disjuntor "
       "(deploymentCircuitBreaker enable e rollback) falha e volta sozinha; depois "
       "ecslab.publicar_imagem(REPOSITORIO, 'v9') e update_service com a mesma revisão.")
def missing_image(ctx: Contexto) -> str:
    seen = [t for t in stopped(ctx) if "CannotPullContainerError" in _reason(t) and "not found" in _reason(t)]
    require(seen, "nenhuma tarefa parada do serviço com CannotPullContainerError ... not found")
    bad, good = failed_then_completed(ctx, seen)
    definition = seen[0]["taskDefinitionArn"]
    image = next((c.get("image") for c in seen[0].get("containers", []) if c.get("image")), "")
    if not image:  # describe_tasks may leave the image out: read it from the task definition
        td = common.task_definition(ctx, definition)
        image = td["containerDefinitions"][0].get("image", "")
    repository, _, tag = image.rsplit("/", 1)[-1].partition(":")
    try:
        found = ctx.client("ecr").describe_images(repositoryName=repository,
                                                  imageIds=[{"imageTag": tag or "latest"}])["imageDetails"]
    except Exception as exc:
        if client_error_code(exc) not in ("ImageNotFoundException", "RepositoryNotFoundException"):
            raise
        found = []
    require(found, f"a imagem {repository}:{tag} ainda não existe no ECR (publique-a)")
    ran = [t for t in service_tasks(ctx) if t["taskDefinitionArn"] == definition and t.get("startedAt")]
    require(ran, f"nenhuma tarefa da revisão {definition.rsplit('/', 1)[-1]} chegou a RUNNING depois da "
                 "publicação (implante de novo)")
    return (f"{repository}:{tag}: implantação {_deployment_id(bad['serviceDeploymentArn'])} {bad.get('status')}, "
            f"depois {good.get('status')}; {len(ran)} tarefa(s) rodaram com a imagem publicada")


@check(CHECKS, "3. Caminho de verificação errado: Task failed ELB health checks e o caminho de volta",
       "Leia elbv2.describe_target_health: `Target.ResponseCodeMismatch` com `[404]` quer dizer que a "
       "aplicação respondeu, mas não com 200, naquele caminho. Rode o passo 3 e devolva o caminho com "
       "elbv2.modify_target_group(TargetGroupArn=..., HealthCheckPath='/').")
def health_check_path(ctx: Contexto) -> str:
    seen = [t for t in stopped(ctx) if _reason(t).startswith("Task failed ELB health checks")]
    require(seen, "nenhuma tarefa parada do serviço com 'Task failed ELB health checks'")
    name = ctx.nome("tg", SERVICE_LAB)
    try:
        group = ctx.client("elbv2").describe_target_groups(Names=[name])["TargetGroups"][0]
    except Exception as exc:
        if client_error_code(exc) == "TargetGroupNotFound":
            raise Falha(f"grupo de destino {name} não encontrado") from None
        raise
    path = group.get("HealthCheckPath") or "/"
    require(path in SERVED_PATHS, f"HealthCheckPath ainda é {path!r}, que a aplicação responde com 404")
    desired = service03(ctx).get("desiredCount", 1)

    def probe() -> str:
        health = ctx.client("elbv2").describe_target_health(
            TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
        healthy = [h for h in health if h["TargetHealth"]["State"] == "healthy"]
        if len(healthy) < max(desired, 1):
            raise Falha(f"{len(healthy)} alvo(s) saudável(is) no grupo de destino (esperado: {max(desired, 1)})")
        return f"{len(seen)} tarefa(s) reprovadas; caminho {path!r}, {len(healthy)} alvo(s) saudável(is)"
    return ctx.eventually(probe)


@check(CHECKS, "4. Contêiner que termina com código 1: EssentialContainerExited e a reversão",
       "Leia o `stopCode` (`EssentialContainerExited`) e o `exitCode` de cada contêiner em describe_tasks: 1 é "
       "erro da aplicação. Rode o passo 4 (command ['sh', '-c', 'exit 1'] com o disjuntor e a reversão) e leia "
       "ecs.list_service_deployments: a implantação parada e a reversão que terminou.")
def container_exit(ctx: Contexto) -> str:
    seen = [t for t in stopped(ctx) if t.get("stopCode") == "EssentialContainerExited"
            and any(c.get("exitCode") not in (None, 0) for c in t.get("containers", []))]
    require(seen, "nenhuma tarefa parada do serviço com EssentialContainerExited e exitCode diferente de 0")
    bad, good = failed_then_completed(ctx, seen)
    codes = sorted({c.get("exitCode") for t in seen for c in t.get("containers", []) if c.get("exitCode")})
    return (f"exitCode {', '.join(map(str, codes))}; implantação {_deployment_id(bad['serviceDeploymentArn'])} "
            f"{bad.get('status')}, depois {good.get('status')}")


def _memory(td: dict[str, Any]) -> int:
    if td.get("memory"):
        return int(td["memory"])
    return sum(int(c.get("memory") or c.get("memoryReservation") or 0) for c in td.get("containerDefinitions", []))


@check(CHECKS, "5. Tarefa grande demais: RESOURCE:MEMORY no cluster do laboratório 02 e uma tarefa que cabe",
       "run_task devolve `failures` com `RESOURCE:MEMORY` quando nenhuma instância de contêiner tem a memória "
       "pedida: compare com remainingResources de describe_container_instances. Rode o passo 5: a definição "
       "<aluno>-07-lote-grande (64000 MiB) não cabe; <aluno>-07-lote (256 MiB) cabe, roda e termina.")
def too_big(ctx: Contexto) -> str:
    ecs = ctx.client("ecs")
    cluster = ctx.nome("cluster", EC2_LAB)
    try:
        instances = ecs.list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]
    except Exception as exc:
        if client_error_code(exc) in ("ClusterNotFoundException", "ClientException"):
            raise Falha(f"o cluster {cluster} (laboratório 02) não existe") from None
        raise
    require(instances, f"o cluster {cluster} não tem instâncias de contêiner ACTIVE")
    largest = 0
    for ci in ecs.describe_container_instances(cluster=cluster, containerInstances=instances)["containerInstances"]:
        for res in ci.get("registeredResources", []):
            if res.get("name") == "MEMORY":
                largest = max(largest, int(res.get("integerValue") or 0))
    families: list[str] = []
    for page in ecs.get_paginator("list_task_definition_families").paginate(familyPrefix=ctx.nome("", ctx.lab),
                                                                           status="ACTIVE"):
        families += page.get("families", [])
    definitions: list[str] = []
    for family in families:  # familyPrefix of ListTaskDefinitions is a whole family name
        for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix=family):
            definitions += page.get("taskDefinitionArns", [])
    ec2_defs = [td for td in (common.task_definition(ctx, arn) for arn in definitions)
                if "EC2" in (td.get("requiresCompatibilities") or td.get("compatibilities") or [])]
    big = [td for td in ec2_defs if _memory(td) > largest]
    require(big, f"nenhuma definição de tarefa EC2 do laboratório 07 pede mais que os {largest} MiB da maior "
                 "instância do cluster")
    fitting = {td["taskDefinitionArn"] for td in ec2_defs if 0 < _memory(td) <= largest}
    ran = [t for status in ("RUNNING", "STOPPED") for t in _tasks(ctx, cluster, status)
           if t["taskDefinitionArn"] in fitting and t.get("startedAt")]
    require(ran, "nenhuma tarefa do laboratório 07 que cabe chegou a RUNNING no cluster do laboratório 02")
    return (f"{big[0]['family']} pede {_memory(big[0])} MiB (maior instância: {largest} MiB); "
            f"{ran[0]['taskDefinitionArn'].rsplit('/', 1)[-1]} rodou")
