"""Shared bits of the provisioning helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ecslab import naming
from ecslab.errors import ErroLab
from ecslab.naming import has_tags
from ecslab.session import Sessao, client_error_code

MAX_INSTANCES = 10  # per lab ASG: enough to see placement and Spot, small enough to stay cheap on AWS


def ec2_find(sessao: Sessao, kind: str, lab: str, resource_name: str, extra: list[dict] | None = None) -> list[dict]:
    """Describe EC2 objects of one kind carrying our tags and this Name."""
    ec2 = sessao.client("ec2")
    filters = naming.tag_filters(sessao.aluno, lab) + [{"Name": "tag:Name", "Values": [resource_name]}]
    filters += extra or []
    method, key = {
        "vpc": ("describe_vpcs", "Vpcs"),
        "subnet": ("describe_subnets", "Subnets"),
        "igw": ("describe_internet_gateways", "InternetGateways"),
        "rt": ("describe_route_tables", "RouteTables"),
        "sg": ("describe_security_groups", "SecurityGroups"),
        "nat": ("describe_nat_gateways", "NatGateways"),
        "eip": ("describe_addresses", "Addresses"),
    }[kind]
    param = "Filter" if kind == "nat" else "Filters"
    found = getattr(ec2, method)(**{param: filters})[key]
    # Post-filter: moto ignores tag filters on some types (NAT gateways), and isolation must not depend on it.
    found = [obj for obj in found if has_tags(obj, sessao.aluno, lab, resource_name)]
    if kind == "nat":
        gone = ("deleted", "deleting", "failed")
        found = [n for n in found if n["State"] not in gone]
    return found


def tag_spec(sessao: Sessao, lab: str, resource_type: str, resource_name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": naming.tags_kv(sessao.aluno, lab, resource_name)}]


def ignore_codes(fn: Callable[[], Any], *codes: str) -> Any:
    try:
        return fn()
    except Exception as exc:
        if client_error_code(exc) in codes:
            return None
        raise


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def poll_interval(sessao: Sessao) -> float:
    return sessao.backend.timings.poll


def check_instance_count(instancias: Any) -> None:
    """The number of instances a lab's Auto Scaling group asks for: an integer from 0 to MAX_INSTANCES."""
    if not isinstance(instancias, int) or not 0 <= instancias <= MAX_INSTANCES:
        raise ErroLab(f"Número de instâncias inválido: {instancias!r}.",
                      dica=f"Use um inteiro entre 0 e {MAX_INSTANCES}.")
