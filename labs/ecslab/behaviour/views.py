"""Plain views of moto's EC2, ECR, IAM and ELB objects: the inputs of the failure rules (behaviour.rules).

This is the only place the rules' inputs touch moto: each function reads moto's models and returns the frozen
dataclasses and plain values a rule takes.
"""

from __future__ import annotations

import json
from typing import Any

from moto.ecr.models import ecr_backends
from moto.iam.models import iam_backends

from ecslab.behaviour.rules import images, route_out, security_groups, target_health

INTERFACE_PREFIX = "com.amazonaws."
# What AWS managed policies allow, for the statements the rules look at (moto may not have loaded them)
MANAGED_POLICIES = {
    "AmazonECSTaskExecutionRolePolicy": [{"Effect": "Allow", "Action": [
        "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}],
    "AmazonEC2ContainerRegistryReadOnly": [{"Effect": "Allow", "Action": ["ecr:*Get*", "ecr:Describe*",
                                                                           "ecr:List*"], "Resource": "*"}],
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def network(ec2: Any, vpc_id: str) -> route_out.Network:
    tables: dict[str, tuple[route_out.Route, ...]] = {}
    table_of_subnet: dict[str, str] = {}
    main = None
    for table in ec2.route_tables.values():
        if table.vpc_id != vpc_id:
            continue
        tables[table.id] = tuple(route_out.Route(route.destination_cidr_block or "", _route_target(route))
                                 for route in table.routes)
        if table.main_association_id is not None:
            main = table.id
        for item in table.associations:
            if item.get("SubnetId"):
                table_of_subnet[item["SubnetId"]] = table.id
    for subnet in _subnets(ec2, vpc_id):
        table_of_subnet.setdefault(subnet.id, main)
    gateways = frozenset(igw.id for igw in ec2.internet_gateways.values()
                         if igw.vpc is not None and igw.vpc.id == vpc_id)
    nats = {nat.id: (nat.state, nat.subnet_id) for nat in ec2.nat_gateways.values() if nat.vpc_id == vpc_id}
    endpoints = tuple(
        route_out.Endpoint(
            service=_short_service(endpoint.service_name), kind=endpoint.vpc_endpoint_type or "Gateway",
            state=endpoint.state, private_dns=bool(endpoint.private_dns_enabled),
            route_table_ids=frozenset(endpoint.route_table_ids or ()),
        )
        for endpoint in ec2.vpc_end_points.values() if endpoint.vpc_id == vpc_id
    )
    return route_out.Network(tables, table_of_subnet, gateways, nats, endpoints)


def _subnets(ec2: Any, vpc_id: str) -> list[Any]:
    return [subnet for zone in ec2.subnets.values() for subnet in zone.values() if subnet.vpc_id == vpc_id]


def _route_target(route: Any) -> str:
    if route.local:
        return "local"
    for value in (route.gateway, route.nat_gateway, route.instance, route.interface, route.vpc_pcx,
                  route.transit_gateway, route.egress_only_igw, route.carrier_gateway):
        if value is not None:
            return getattr(value, "id", str(value))
    return route.vpc_endpoint_id or ""


def _short_service(name: str) -> str:
    """com.amazonaws.us-east-1.ecr.dkr -> ecr.dkr"""
    if name.startswith(INTERFACE_PREFIX):
        return name[len(INTERFACE_PREFIX):].split(".", 1)[1] if "." in name[len(INTERFACE_PREFIX):] else name
    return name


def _rules(moto_rules: list[Any]) -> list[security_groups.Rule]:
    return [
        security_groups.Rule(
            protocol=str(rule.ip_protocol), from_port=_port(rule.from_port), to_port=_port(rule.to_port),
            cidrs=(rule.ip_range["CidrIp"],) if rule.ip_range.get("CidrIp") else (),
            groups=(rule.source_group["GroupId"],) if rule.source_group.get("GroupId") else (),
        )
        for rule in moto_rules
    ]


def _port(value: Any) -> int | None:
    try:
        return int(value) if value is not None and int(value) >= 0 else None
    except (TypeError, ValueError):
        return None


def _groups(ec2: Any, vpc_id: str, group_ids: list[str]) -> list[Any]:
    """The groups by id; none given means the VPC's default security group, as AWS applies it."""
    in_vpc = ec2.groups.get(vpc_id, {})
    if not group_ids:
        return [group for group in in_vpc.values() if group.name == "default"]
    found = []
    for group_id in group_ids:
        group = in_vpc.get(group_id) or ec2.get_security_group_from_id(group_id)
        if group is not None:
            found.append(group)
    return found


def egress(ec2: Any, vpc_id: str, group_ids: list[str]) -> list[security_groups.Rule]:
    return [rule for group in _groups(ec2, vpc_id, group_ids) for rule in _rules(group.egress_rules)]


def ingress(ec2: Any, vpc_id: str, group_ids: list[str]) -> list[security_groups.Rule]:
    return [rule for group in _groups(ec2, vpc_id, group_ids) for rule in _rules(group.ingress_rules)]


def repository(account: str, region: str, name: str) -> images.Repository | None:
    try:
        repo = ecr_backends[account][region].repositories.get(name)
    except KeyError:
        return None
    if repo is None:
        return None
    tags, digests = set(), set()
    for image in repo.images:
        tags.update(image.image_tags or ([image.image_tag] if image.image_tag else []))
        digests.add(image.get_image_digest())
    return images.Repository(frozenset(tags), frozenset(digests))


def role_statements(account: str, role_arn: str | None) -> list[dict] | None:
    """Every statement of the role's identity policies; None when there is no such role."""
    if not role_arn:
        return None
    backend = iam_backends[account]["global"]
    try:
        role = backend.get_role_by_arn(role_arn)
    except Exception:  # moto raises its IAM NotFound for a role that is gone
        return None
    statements: list[dict] = []
    for document in role.policies.values():
        statements += _statements(document)
    for arn, policy in role.managed_policies.items():
        known = MANAGED_POLICIES.get(arn.rsplit("/", 1)[-1])
        if known is not None:
            statements += known
            continue
        for version in getattr(policy, "versions", []):
            if version.is_default:
                statements += _statements(version.document)
    return statements


def _statements(document: Any) -> list[dict]:
    try:
        parsed = json.loads(document) if isinstance(document, str) else dict(document)
    except (TypeError, ValueError):
        return []
    found = parsed.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def health_check(group: Any, target_port: int) -> target_health.Check:
    port = group.health_check_port
    check_port = target_port if port in (None, "traffic-port") else int(port)
    matcher = getattr(group, "matcher", None)
    matcher = matcher.get("HttpCode", "200") if isinstance(matcher, dict) else "200"
    return target_health.Check(
        path=group.health_check_path or "/", port=check_port,
        interval=int(group.health_check_interval_seconds or 30),
        healthy_threshold=int(group.healthy_threshold_count or 5),
        unhealthy_threshold=int(group.unhealthy_threshold_count or 2), matcher=matcher,
    )


def balancer_groups(elbv2: Any, target_group: Any) -> frozenset[str]:
    """The security groups of the load balancers that send traffic to the target group."""
    found: set[str] = set()
    for arn in target_group.load_balancer_arns:
        balancer = elbv2.load_balancers.get(arn)
        if balancer is not None:
            found.update(balancer.security_groups or [])
    return frozenset(found)
