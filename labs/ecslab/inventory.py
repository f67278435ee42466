"""What a student has left on the backend, found by describe/list calls per service.

The tagging API misses many types (EIPs, launch templates, capacity providers, ECR, IAM, ASGs) and, on moto, still
lists deleted objects, so every service is asked directly, by tags where it filters by tag, by name otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecslab import naming
from ecslab.provision.cluster import LOG_PREFIX
from ecslab.provision.common import has_tags
from ecslab.session import Sessao, client_error_code, resolve

SERVICE_ORDER = ("ecs", "autoscaling", "elbv2", "ec2", "iam", "logs", "ecr", "application-autoscaling",
                 "cloudwatch", "fis")
Inventario = dict[str, list[dict[str, Any]]]


def _pages(client: Any, method: str, key: str, **kwargs: Any) -> Iterator[Any]:
    if client.can_paginate(method):
        for page in client.get_paginator(method).paginate(**kwargs):
            yield from page.get(key, [])
    else:
        yield from getattr(client, method)(**kwargs).get(key, [])


def _item(tipo: str, ident: str, nome: str, lab: str | None, **extra: Any) -> dict[str, Any]:
    return {"tipo": tipo, "id": ident, "nome": nome, "lab": lab or "", **extra}


def _tags_lab(tags: list[dict[str, str]] | None) -> tuple[str, str]:
    values = naming.tags_from_kv(tags)
    return values.get(naming.TAG_ALUNO, ""), values.get(naming.TAG_LAB, "")


def _ec2(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    ec2 = s.client("ec2")
    filters = naming.tag_filters(s.aluno, lab)
    out: list[dict[str, Any]] = []

    def name_of(obj: dict[str, Any]) -> str:
        return naming.tags_from_kv(obj.get("Tags")).get("Name", "")

    def lab_of(obj: dict[str, Any]) -> str:
        return _tags_lab(obj.get("Tags"))[1]

    def ours(objs: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Post-filter: moto ignores tag filters on some types (NAT gateways).
        return [o for o in objs if has_tags(o, s.aluno, lab)]

    for res in _pages(ec2, "describe_instances", "Reservations", Filters=filters):
        for inst in ours(res["Instances"]):
            if inst["State"]["Name"] not in ("terminated", "shutting-down"):
                out.append(_item("instancia", inst["InstanceId"], name_of(inst), lab_of(inst),
                                 vpc=inst.get("VpcId", "")))
    for nat in ours(_pages(ec2, "describe_nat_gateways", "NatGateways", Filter=filters)):
        if nat["State"] not in ("deleted", "deleting", "failed"):
            out.append(_item("gateway-nat", nat["NatGatewayId"], name_of(nat), lab_of(nat), vpc=nat.get("VpcId", "")))
    for addr in ours(ec2.describe_addresses(Filters=filters)["Addresses"]):
        out.append(_item("ip-elastico", addr["AllocationId"], name_of(addr), lab_of(addr)))
    # By tag: moto answers at most 15 templates with no NextToken when unfiltered (a class holds more).
    for lt in _pages(ec2, "describe_launch_templates", "LaunchTemplates", Filters=filters):
        owner = naming.owner(lt["LaunchTemplateName"])
        if owner and owner[0] == s.aluno and (lab is None or owner[1] == lab):
            out.append(_item("modelo-de-execucao", lt["LaunchTemplateId"], lt["LaunchTemplateName"], owner[1]))
    for igw in ours(_pages(ec2, "describe_internet_gateways", "InternetGateways", Filters=filters)):
        out.append(_item("gateway-internet", igw["InternetGatewayId"], name_of(igw), lab_of(igw),
                         vpcs=[a["VpcId"] for a in igw.get("Attachments", [])]))
    for rt in ours(_pages(ec2, "describe_route_tables", "RouteTables", Filters=filters)):
        out.append(_item("tabela-de-rotas", rt["RouteTableId"], name_of(rt), lab_of(rt), vpc=rt["VpcId"]))
    for sg in ours(_pages(ec2, "describe_security_groups", "SecurityGroups", Filters=filters)):
        if sg.get("GroupName") != "default":
            out.append(_item("grupo-de-seguranca", sg["GroupId"], name_of(sg) or sg["GroupName"], lab_of(sg),
                             vpc=sg.get("VpcId", "")))
    for subnet in ours(_pages(ec2, "describe_subnets", "Subnets", Filters=filters)):
        out.append(_item("sub-rede", subnet["SubnetId"], name_of(subnet), lab_of(subnet), vpc=subnet["VpcId"]))
    for vpc in ours(_pages(ec2, "describe_vpcs", "Vpcs", Filters=filters)):
        out.append(_item("vpc", vpc["VpcId"], name_of(vpc), lab_of(vpc)))
    return out


def _mine(s: Sessao, name: str, lab: str | None) -> str | None:
    owner = naming.owner(name)
    if owner and owner[0] == s.aluno and (lab is None or owner[1] == lab):
        return owner[1]
    return None


def _elbv2(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    elb = s.client("elbv2")
    out = []
    for lb in _pages(elb, "describe_load_balancers", "LoadBalancers"):
        found = _mine(s, lb["LoadBalancerName"], lab)
        if found:
            out.append(_item("load-balancer", lb["LoadBalancerArn"], lb["LoadBalancerName"], found))
    for tg in _pages(elb, "describe_target_groups", "TargetGroups"):
        found = _mine(s, tg["TargetGroupName"], lab)
        if found:
            out.append(_item("grupo-de-destino", tg["TargetGroupArn"], tg["TargetGroupName"], found))
    return out


def _autoscaling(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    out = []
    for asg in _pages(s.client("autoscaling"), "describe_auto_scaling_groups", "AutoScalingGroups",
                      Filters=naming.tag_filters(s.aluno, lab)):
        found = _tags_lab(asg.get("Tags"))[1] or _mine(s, asg["AutoScalingGroupName"], lab)
        if found:
            out.append(_item("grupo-auto-scaling", asg["AutoScalingGroupARN"], asg["AutoScalingGroupName"], found,
                             instancias=[i["InstanceId"] for i in asg.get("Instances", [])]))
    return out


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def capacity_providers(s: Sessao) -> list[dict[str, Any]]:
    """Every capacity provider (paged on AWS; the emulator answers the no-argument call through our patch)."""
    ecs = s.client("ecs")
    out: list[dict[str, Any]] = []
    token = None
    while True:
        page = ecs.describe_capacity_providers(**({"nextToken": token} if token else {}))
        out.extend(page.get("capacityProviders", []))
        token = page.get("nextToken")
        if not token:
            return out


def _ecs(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    ecs = s.client("ecs")
    out = []
    # Only this student's clusters are described (a class's list holds every student's).
    arns = [arn for arn in _pages(ecs, "list_clusters", "clusterArns") if _mine(s, arn.rsplit("/", 1)[-1], lab)]
    clusters = []
    for chunk in _chunks(arns, 100):
        clusters += ecs.describe_clusters(clusters=chunk)["clusters"]
    for cluster in clusters:
        if cluster.get("status") != "ACTIVE":
            continue
        found = _mine(s, cluster["clusterName"], lab)
        if not found:
            continue
        out.append(_item("cluster", cluster["clusterArn"], cluster["clusterName"], found))
        services = list(_pages(ecs, "list_services", "serviceArns", cluster=cluster["clusterArn"]))
        for chunk in _chunks(services, 10):
            for svc in ecs.describe_services(cluster=cluster["clusterArn"], services=chunk)["services"]:
                if svc.get("status") == "ACTIVE":
                    out.append(_item("servico", svc["serviceArn"], svc["serviceName"], found,
                                     cluster=cluster["clusterArn"]))
        for task in _pages(ecs, "list_tasks", "taskArns", cluster=cluster["clusterArn"], desiredStatus="RUNNING"):
            out.append(_item("tarefa", task, task.rsplit("/", 1)[-1], found, cluster=cluster["clusterArn"]))
        for ci in _pages(ecs, "list_container_instances", "containerInstanceArns", cluster=cluster["clusterArn"]):
            out.append(_item("instancia-de-conteiner", ci, ci.rsplit("/", 1)[-1], found,
                             cluster=cluster["clusterArn"]))
    for cp in capacity_providers(s):
        if cp.get("status") == "ACTIVE" and cp["name"] not in ("FARGATE", "FARGATE_SPOT"):
            found = _mine(s, cp["name"], lab)
            if found:
                out.append(_item("provedor-de-capacidade", cp["capacityProviderArn"], cp["name"], found))
    for arn in _pages(ecs, "list_task_definitions", "taskDefinitionArns", status="ACTIVE"):
        family_rev = arn.rsplit("/", 1)[-1]
        found = _mine(s, family_rev.split(":")[0], lab)
        if found:
            out.append(_item("definicao-de-tarefa", arn, family_rev, found))
    return out


def _iam(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    iam = s.client("iam")
    out = []
    path = naming.iam_path(s.aluno)  # the labs create roles and profiles under the student's path
    for profile in _pages(iam, "list_instance_profiles", "InstanceProfiles", PathPrefix=path):
        found = _mine(s, profile["InstanceProfileName"], lab)
        if found:
            out.append(_item("perfil-de-instancia", profile["Arn"], profile["InstanceProfileName"], found,
                             roles=[r["RoleName"] for r in profile.get("Roles", [])]))
    for role in _pages(iam, "list_roles", "Roles", PathPrefix=path):
        found = _mine(s, role["RoleName"], lab)
        if found:
            out.append(_item("perfil-iam", role["Arn"], role["RoleName"], found))
    return out


def _logs(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    out = []
    for group in _pages(s.client("logs"), "describe_log_groups", "logGroups",
                        logGroupNamePrefix=LOG_PREFIX + naming.prefix(s.aluno, lab)):
        found = _mine(s, group["logGroupName"][len(LOG_PREFIX):], lab)
        if found:
            out.append(_item("grupo-de-logs", group["logGroupName"], group["logGroupName"], found))
    return out


def _ecr(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    out = []
    for repo in _pages(s.client("ecr"), "describe_repositories", "repositories"):
        found = _mine(s, repo["repositoryName"], lab)
        if found:
            out.append(_item("repositorio-ecr", repo["repositoryArn"], repo["repositoryName"], found))
    return out


def _app_autoscaling(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    out = []
    for target in _pages(s.client("application-autoscaling"), "describe_scalable_targets", "ScalableTargets",
                         ServiceNamespace="ecs"):
        parts = target["ResourceId"].split("/")  # service/<cluster>/<service>
        found = _mine(s, parts[1], lab) if len(parts) == 3 else None
        if found:
            out.append(_item("destino-escalavel", target["ResourceId"], parts[2], found,
                             dimensao=target["ScalableDimension"]))
    return out


def _cloudwatch(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    out = []
    for alarm in _pages(s.client("cloudwatch"), "describe_alarms", "MetricAlarms",
                        AlarmNamePrefix=naming.prefix(s.aluno, lab)):
        found = _mine(s, alarm["AlarmName"], lab)
        if found:
            out.append(_item("alarme", alarm["AlarmArn"], alarm["AlarmName"], found))
    return out


def _fis(s: Sessao, lab: str | None) -> list[dict[str, Any]]:
    """AWS FIS experiment templates `ecslab simular` left behind (it deletes its own unless it was killed).
    Only real AWS has FIS here: neither the emulator nor LocalStack is asked."""
    if not s.backend.has_fis:
        return []
    out = []
    for template in _pages(s.client("fis"), "list_experiment_templates", "experimentTemplates"):
        tags = template.get("tags") or {}  # FIS tags are a plain {key: value}
        found = tags.get(naming.TAG_LAB, "")
        if tags.get(naming.TAG_ALUNO) == s.aluno and (lab is None or found == lab):
            out.append(_item("modelo-de-experimento-fis", template["id"],
                             tags.get("Name") or template.get("description", ""), found))
    return out


COLLECTORS = {
    "ecs": _ecs, "autoscaling": _autoscaling, "elbv2": _elbv2, "ec2": _ec2, "iam": _iam, "logs": _logs,
    "ecr": _ecr, "application-autoscaling": _app_autoscaling, "cloudwatch": _cloudwatch, "fis": _fis,
}


def inventario(lab: str | None = None, *, sessao: Sessao | None = None) -> Inventario:
    """{service: [resources]} of what this student (and lab, if given) has on the backend; empty lists dropped."""
    s = resolve(sessao)
    lab_id = naming.lab_id(lab) if lab is not None else None
    result: Inventario = {}
    for service in SERVICE_ORDER:
        try:
            items = COLLECTORS[service](s, lab_id)
        except Exception as exc:
            if client_error_code(exc) in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
                items = [_item("sem-permissao", service, f"sem permissão para listar {service}", None)]
            else:
                raise
        if items:
            result[service] = items
    return result


def total(inv: Inventario) -> int:
    return sum(len(v) for v in inv.values())


def format_table(inv: Inventario) -> str:
    if not inv:
        return "✅ Nada restante: inventário vazio."
    lines = [f"Recursos restantes: {total(inv)}"]
    for service, items in inv.items():
        lines.append(f"\n{service} ({len(items)})")
        for it in items:
            lab = f" [lab {it['lab']}]" if it.get("lab") else ""
            lines.append(f"  - {it['tipo']}: {it['nome'] or it['id']}{lab}")
    return "\n".join(lines)
