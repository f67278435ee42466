"""Lookups shared by the lab checks (cached per run)."""

from __future__ import annotations

import base64
from typing import Any

from ecslab import naming
from ecslab.checks.framework import Contexto, Falha, require
from ecslab.course import FARGATE_PROVIDERS
from ecslab.naming import has_tags
from ecslab.session import client_error_code


def vpc(ctx: Contexto, lab: str = "01") -> dict[str, Any]:
    def find() -> dict[str, Any]:
        vpcs = ctx.client("ec2").describe_vpcs(Filters=naming.tag_filters(ctx.aluno, lab))["Vpcs"]
        vpcs = [v for v in vpcs if has_tags(v, ctx.aluno, lab)]
        if not vpcs:
            raise Falha(f"nenhuma VPC com as tags ecslab:aluno={ctx.aluno} e ecslab:lab={lab}")
        return vpcs[0]
    return ctx.cached(f"vpc{lab}", find)


def subnets(ctx: Contexto, lab: str = "01") -> list[dict[str, Any]]:
    vpc_id = vpc(ctx, lab)["VpcId"]
    return ctx.cached(f"subnets{lab}", lambda: ctx.client("ec2").describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"])


def route_tables(ctx: Contexto, lab: str = "01") -> list[dict[str, Any]]:
    vpc_id = vpc(ctx, lab)["VpcId"]
    return ctx.cached(f"rts{lab}", lambda: ctx.client("ec2").describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"])


def default_target(rt: dict[str, Any]) -> str:
    for route in rt.get("Routes", []):
        if route.get("DestinationCidrBlock") == "0.0.0.0/0" and route.get("State", "active") == "active":
            return route.get("GatewayId") or route.get("NatGatewayId") or route.get("InstanceId") or ""
    return ""


def subnet_route_table(ctx: Contexto, subnet_id: str, lab: str = "01") -> dict[str, Any] | None:
    tables = route_tables(ctx, lab)
    for rt in tables:
        if any(a.get("SubnetId") == subnet_id for a in rt.get("Associations", [])):
            return rt
    for rt in tables:
        if any(a.get("Main") for a in rt.get("Associations", [])):
            return rt
    return None


def split_subnets(ctx: Contexto, lab: str = "01") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(public, private): public routes 0.0.0.0/0 to an internet gateway, private to a NAT gateway."""
    public, private = [], []
    for subnet in subnets(ctx, lab):
        rt = subnet_route_table(ctx, subnet["SubnetId"], lab)
        target = default_target(rt) if rt else ""
        if target.startswith("igw-"):
            public.append(subnet)
        elif target.startswith("nat-"):
            private.append(subnet)
    return public, private


def security_group(ctx: Contexto, suffix: str, lab: str = "01") -> dict[str, Any]:
    group_name = naming.name(ctx.aluno, lab, suffix)

    def find() -> dict[str, Any]:
        groups = ctx.client("ec2").describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc(ctx, "01")["VpcId"]]},
                     {"Name": "group-name", "Values": [group_name]}])["SecurityGroups"]
        if not groups:
            raise Falha(f"grupo de segurança {group_name} não encontrado")
        return groups[0]
    return ctx.cached(f"sg:{group_name}", find)


def cluster(ctx: Contexto) -> dict[str, Any]:
    cluster_name = ctx.nome("cluster")

    def find() -> dict[str, Any]:
        found = ctx.client("ecs").describe_clusters(clusters=[cluster_name], include=["SETTINGS"])["clusters"]
        active = [c for c in found if c.get("status") == "ACTIVE"]
        if not active:
            raise Falha(f"cluster {cluster_name} não existe ou não está ACTIVE")
        return active[0]
    return ctx.cached("cluster", find)


def service(ctx: Contexto, suffix: str = "web", *, fresh: bool = False) -> dict[str, Any]:
    service_name = ctx.nome(suffix)
    key = f"svc:{service_name}"
    if fresh:
        ctx.forget(key)

    def find() -> dict[str, Any]:
        found = ctx.client("ecs").describe_services(cluster=cluster(ctx)["clusterArn"],
                                                    services=[service_name])["services"]
        active = [svc for svc in found if svc.get("status") == "ACTIVE"]
        if not active:
            raise Falha(f"serviço {service_name} não existe ou não está ACTIVE")
        return active[0]
    return ctx.cached(key, find)


def task_definition(ctx: Contexto, arn: str) -> dict[str, Any]:
    return ctx.cached(f"td:{arn}", lambda: ctx.client("ecs").describe_task_definition(
        taskDefinition=arn)["taskDefinition"])


def target_group(ctx: Contexto) -> dict[str, Any]:
    tg_name = ctx.nome("tg")

    def find() -> dict[str, Any]:
        try:
            return ctx.client("elbv2").describe_target_groups(Names=[tg_name])["TargetGroups"][0]
        except Exception as exc:
            if client_error_code(exc) == "TargetGroupNotFound":
                raise Falha(f"grupo de destino {tg_name} não encontrado") from None
            raise
    return ctx.cached("tg", find)


def load_balancer(ctx: Contexto) -> dict[str, Any]:
    alb_name = ctx.nome("alb")

    def find() -> dict[str, Any]:
        try:
            return ctx.client("elbv2").describe_load_balancers(Names=[alb_name])["LoadBalancers"][0]
        except Exception as exc:
            if client_error_code(exc) == "LoadBalancerNotFound":
                raise Falha(f"load balancer {alb_name} não encontrado") from None
            raise
    return ctx.cached("alb", find)


def role_has_policy(ctx: Contexto, role_arn: str, policy_arn: str) -> bool:
    role_name = role_arn.rsplit("/", 1)[-1]
    attached = ctx.client("iam").list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    return any(p["PolicyArn"] == policy_arn for p in attached)


def ingress_rules(sg: dict[str, Any]) -> list[tuple[int | None, int | None, str]]:
    """[(from, to, source)] where source is a CIDR or a security group id."""
    out = []
    for perm in sg.get("IpPermissions", []):
        for r in perm.get("IpRanges", []):
            out.append((perm.get("FromPort"), perm.get("ToPort"), r["CidrIp"]))
        for r in perm.get("Ipv6Ranges", []):
            out.append((perm.get("FromPort"), perm.get("ToPort"), r["CidrIpv6"]))
        for p in perm.get("UserIdGroupPairs", []):
            out.append((perm.get("FromPort"), perm.get("ToPort"), p["GroupId"]))
    return out


def listener_forwards_to(ctx: Contexto, alb_arn: str, tg_arn: str) -> bool:
    for lst in ctx.client("elbv2").describe_listeners(LoadBalancerArn=alb_arn)["Listeners"]:
        for action in lst.get("DefaultActions", []):
            if action.get("TargetGroupArn") == tg_arn:
                return True
            for tg in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
                if tg.get("TargetGroupArn") == tg_arn:
                    return True
    return False


def running_matches_desired(ctx: Contexto, suffix: str = "web") -> str:
    def probe() -> str:
        svc = service(ctx, suffix, fresh=True)
        desired, running = svc.get("desiredCount", 0), svc.get("runningCount", 0)
        if desired < 1:
            raise Falha(f"desiredCount é {desired}")
        if running != desired:
            raise Falha(f"{running} de {desired} tarefas em execução")
        return f"{running}/{desired} tarefas em execução"
    return ctx.eventually(probe)


def healthy_targets(ctx: Contexto, minimum: int) -> str:
    def probe() -> str:
        health = ctx.client("elbv2").describe_target_health(
            TargetGroupArn=target_group(ctx)["TargetGroupArn"])["TargetHealthDescriptions"]
        healthy = [h for h in health if h["TargetHealth"]["State"] == "healthy"]
        if len(healthy) < max(minimum, 1):
            raise Falha(f"{len(healthy)} alvo(s) saudável(is) no grupo de destino (esperado: {max(minimum, 1)})")
        return f"{len(healthy)} alvo(s) saudável(is)"
    return ctx.eventually(probe)


def launch_template(ctx: Contexto, suffix: str = "lt") -> dict[str, Any]:
    lt_name = ctx.nome(suffix)

    def find() -> dict[str, Any]:
        try:
            versions = ctx.client("ec2").describe_launch_template_versions(
                LaunchTemplateName=lt_name, Versions=["$Latest"])["LaunchTemplateVersions"]
        except Exception as exc:
            if "NotFound" in client_error_code(exc):
                raise Falha(f"modelo de execução {lt_name} não encontrado") from None
            raise
        return versions[0]["LaunchTemplateData"]
    return ctx.cached(f"lt:{lt_name}", find)


def asg(ctx: Contexto, suffix: str = "asg") -> dict[str, Any]:
    asg_name = ctx.nome(suffix)

    def find() -> dict[str, Any]:
        found = ctx.client("autoscaling").describe_auto_scaling_groups(
            AutoScalingGroupNames=[asg_name])["AutoScalingGroups"]
        require(found, f"grupo Auto Scaling {asg_name} não encontrado")
        return found[0]
    return ctx.cached(f"asg:{asg_name}", find)


def user_data_text(data: dict[str, Any]) -> str:
    raw = data.get("UserData") or ""
    try:
        return base64.b64decode(raw).decode()
    except ValueError:
        return raw


def capacity_provider_for(ctx: Contexto, asg_arn: str) -> dict[str, Any]:
    names = [n for n in cluster(ctx).get("capacityProviders", []) if n not in FARGATE_PROVIDERS]
    require(names, "o cluster não tem provedores de capacidade de Auto Scaling")
    providers = ctx.client("ecs").describe_capacity_providers(capacityProviders=names)["capacityProviders"]
    for cp in providers:
        if (cp.get("autoScalingGroupProvider") or {}).get("autoScalingGroupArn") == asg_arn:
            return cp
    raise Falha("nenhum provedor de capacidade do cluster aponta para o grupo Auto Scaling")
