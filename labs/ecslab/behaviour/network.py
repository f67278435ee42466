"""ENIs for awsvpc tasks: one per task, with a free private IP from the chosen subnet's CIDR, deleted at STOPPED."""

from __future__ import annotations

from typing import Any

from moto.ec2 import ec2_backends
from moto.ec2.utils import random_public_ip

from ecslab.behaviour.aws_errors import InsufficientFreeAddresses
from ecslab.behaviour.clock import clock
from ecslab.behaviour.rules import subnet_addresses
from ecslab.behaviour.security_group_dependencies import holds_interface

_next_ip: str | None = None  # handed to moto's Task constructor through the patched random_private_ip


def ec2_backend_for(ecs_backend: Any) -> Any:
    return ec2_backends[ecs_backend.account_id][ecs_backend.region_name]


def addresses_in_use(ec2: Any, subnet: Any) -> set[str]:
    """The private addresses the subnet's network interfaces hold (tasks, instances, NAT gateways...) and those of
    its instances. A terminated instance's interface goes ENI_RELEASE after it (moto keeps it for good)."""
    now = clock().now()

    def held(owner: Any) -> bool:
        return owner is None or holds_interface(owner, now)

    used = {address["PrivateIpAddress"] for eni in ec2.enis.values()
            if getattr(eni.subnet, "id", None) == subnet.id and held(getattr(eni, "instance", None))
            for address in (eni.private_ip_addresses or [{"PrivateIpAddress": eni.private_ip_address}])}
    used.update(instance.private_ip for reservation in ec2.reservations.values() for instance in reservation.instances
                if getattr(instance, "subnet_id", None) == subnet.id and getattr(instance, "private_ip", None)
                and held(instance))
    return used


def free_addresses(ec2: Any, subnet_id: str) -> int:
    """How many more network interfaces the subnet can hold (rules.subnet_addresses)."""
    return available_address_count(ec2.get_subnet(subnet_id))


def available_address_count(subnet: Any) -> int:
    """A subnet's AvailableIpAddressCount: the free addresses of rules.subnet_addresses (moto counted every interface
    it keeps, a terminated instance's included)."""
    return subnet_addresses.free_count(subnet.cidr_block, addresses_in_use(subnet.ec2_backend, subnet))


def lowest_free_address(ec2: Any, subnet: Any) -> str:
    """The address a new network interface gets in `subnet`: the lowest free usable one (rules.subnet_addresses).
    Moto drew an instance's from a counter of the subnet's own, blind to task interfaces, and any other interface's
    at random in the CIDR: an instance could get a running task's address, an interface a reserved one."""
    address = subnet_addresses.first_free(subnet.cidr_block, addresses_in_use(ec2, subnet))
    if address is None:
        raise InsufficientFreeAddresses()
    return address


def instance_address(original: Any, subnet: Any, instance: Any) -> str:
    """Subnet.get_available_subnet_ip: an instance's primary address (kept in moto's register of the subnet too)."""
    address = lowest_free_address(subnet.ec2_backend, subnet)
    subnet._subnet_ips[address] = instance
    return address


def interface_address(original: Any, eni: Any, ec2_backend: Any, subnet: Any, private_ip_address: Any,
                      private_ip_addresses: Any = None, **kwargs: Any) -> None:
    """NetworkInterface.__init__: an interface created without an address (a NAT gateway's, CreateNetworkInterface's)
    gets the subnet's lowest free one."""
    if subnet is not None and getattr(subnet, "cidr_block", None) and not private_ip_address \
            and not private_ip_addresses:
        private_ip_address = lowest_free_address(ec2_backend, subnet)
    original(eni, ec2_backend, subnet, private_ip_address, private_ip_addresses, **kwargs)


def run_instances(original: Any, ec2: Any, image_id: str, count: int, user_data: Any, security_group_names: Any,
                  **kwargs: Any) -> Any:
    """RunInstances (and every launch of the emulator's own: Auto Scaling groups) needs a free address in the subnet
    for each instance: else EC2's InsufficientFreeAddressesInSubnet, and nothing is launched."""
    subnet_id = kwargs.get("subnet_id") or next(
        (nic["SubnetId"] for nic in kwargs.get("nics") or [] if isinstance(nic, dict) and nic.get("SubnetId")), None)
    if subnet_id and free_addresses(ec2, subnet_id) < int(count or 1):  # an unknown subnet: moto's own error
        raise InsufficientFreeAddresses()
    return original(ec2, image_id, count, user_data, security_group_names, **kwargs)


class AddressBook:
    """The free addresses of the subnets one launch uses, read from moto once: a batch of tasks would otherwise walk
    every network interface of the region for each task."""

    def __init__(self, ecs_backend: Any):
        self.ec2 = ec2_backend_for(ecs_backend)
        self.used: dict[str, set[str]] = {}
        self.last: dict[str, str] = {}  # subnet id -> the last address handed out (the next search starts above it)

    def prepare(self, subnets: list[str]) -> str | None:
        """Choose the IP the next task ENI will get (moto would pick a random one, possibly outside the subnet), in
        the first of `subnets` with a free address. Returns that subnet, or None when every one is full."""
        global _next_ip
        for subnet_id in subnets:
            subnet = self.ec2.get_subnet(subnet_id)
            used = self.used.get(subnet_id)
            if used is None:
                used = self.used[subnet_id] = addresses_in_use(self.ec2, subnet)
            address = subnet_addresses.first_free(subnet.cidr_block, used, self.last.get(subnet_id))
            if address is not None:
                used.add(address)
                self.last[subnet_id] = _next_ip = address
                return subnet_id
        return None


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


def drop_task_eni(ecs_backend: Any, task: Any) -> None:
    """No address was free in the task's subnets: the ENI moto made for it is not created (EC2 refused it), and the
    attachment stays PRECREATED with only its subnet until the task stops."""
    attachment = task.attachments[0]
    details = {item["name"]: item["value"] for item in attachment["details"]}
    ec2_backend_for(ecs_backend).enis.pop(details.get("networkInterfaceId"), None)
    attachment["status"] = "PRECREATED"
    attachment["details"] = [{"name": "subnetId", "value": details.get("subnetId")}]


def lacks_address(task: Any) -> bool:
    """An awsvpc task whose ENI could not be created (drop_task_eni)."""
    return any(attachment.get("status") == "PRECREATED" and not any(
        item["name"] == "networkInterfaceId" for item in attachment["details"]) for attachment in task.attachments)


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
