"""ENIs for awsvpc tasks: one per task, with a free private IP from the chosen subnet's CIDR, deleted at STOPPED."""

from __future__ import annotations

import ipaddress
from typing import Any

from moto.ec2 import ec2_backends
from moto.ec2.utils import random_public_ip

_next_ip: str | None = None  # handed to moto's Task constructor through the patched random_private_ip


def ec2_backend_for(ecs_backend: Any) -> Any:
    return ec2_backends[ecs_backend.account_id][ecs_backend.region_name]


def free_ip(ec2: Any, subnet: Any) -> str:
    """The lowest free address of the subnet, skipping the five addresses AWS reserves."""
    used = {eni.private_ip_address for eni in ec2.enis.values() if getattr(eni.subnet, "id", None) == subnet.id}
    used.update(
        getattr(instance, "private_ip", None)
        for reservation in ec2.reservations.values()
        for instance in reservation.instances
    )
    net = ipaddress.IPv4Network(subnet.cidr_block)
    first, last = int(net.network_address) + 1, int(net.broadcast_address) - 1  # what net.hosts() gives
    if net.num_addresses <= 2:  # /31 and /32: every address is a host
        first, last = int(net.network_address), int(net.broadcast_address)
    candidates = range(first + 3, last) if last - first + 1 > 5 else range(first, last + 1)
    for number in candidates:  # counted, not listed: a /16 has 65,534 hosts
        address = str(ipaddress.IPv4Address(number))
        if address not in used:
            return address
    return str(ipaddress.IPv4Address(last))


def prepare_ip(ecs_backend: Any, subnet_id: str) -> None:
    """Choose the IP the next task ENI will get (moto would pick a random one, possibly outside the subnet)."""
    global _next_ip
    ec2 = ec2_backend_for(ecs_backend)
    _next_ip = free_ip(ec2, ec2.get_subnet(subnet_id))


def take_prepared_ip() -> str | None:
    global _next_ip
    ip, _next_ip = _next_ip, None
    return ip


def task_eni(ecs_backend: Any, task: Any) -> Any:
    """The ENI moto created for an awsvpc task, with the attachment details AWS shows."""
    if not task.attachments:
        return None
    attachment = task.attachments[0]
    details = {item["name"]: item["value"] for item in attachment["details"]}
    eni = ec2_backend_for(ecs_backend).enis.get(details.get("networkInterfaceId"))
    if eni is None:
        return None
    eni.description = f"arn:aws:ecs:{ecs_backend.region_name}:{ecs_backend.account_id}:attachment/{attachment['id']}"
    eni.requester_managed = True
    eni.interface_type = "interface"
    attachment["details"] = [item for item in attachment["details"] if item["value"] is not None]
    return eni


def release_task_eni(task: Any, eni_id: str | None) -> None:
    for attachment in task.attachments:
        attachment["status"] = "DELETED"
    if not eni_id:
        return
    ec2 = ec2_backends[task._account_id][task.region_name]
    ec2.enis.pop(eni_id, None)


def choose_subnet(subnets: list[str], load_by_subnet: dict[str, int]) -> str:
    """The subnet (of those given) holding the fewest of the group's tasks; ties go to the order given."""
    return min(subnets, key=lambda subnet: (load_by_subnet.get(subnet, 0), subnets.index(subnet)))


def default_vpc(original: Any, backend: Any) -> Any:
    """The default VPC as AWS makes it: an internet gateway and a main route table with 0.0.0.0/0 to it (its default
    subnets map public IPs on launch), so that AWS's own tutorials reach the internet there."""
    vpc = original(backend)
    gateway = backend.create_internet_gateway()
    backend.attach_internet_gateway(gateway.id, vpc.id)
    for table in backend.route_tables.values():
        if table.vpc_id == vpc.id and table.main_association_id is not None:
            backend.create_route(table.id, "0.0.0.0/0", gateway_id=gateway.id)
    return vpc


def assign_public_ip(eni: Any) -> None:
    """assignPublicIp=ENABLED: the task's ENI gets a public IPv4 address (DescribeNetworkInterfaces' Association)."""
    eni.public_ip = random_public_ip()
