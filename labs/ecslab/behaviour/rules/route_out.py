"""Can a network interface reach an AWS service? The route out of a subnet, as the VPC documentation describes it.

A subnet uses the route table explicitly associated with it, or else its VPC's main table. Traffic to an AWS
service's public endpoint leaves the VPC when one of these holds:

- the table routes 0.0.0.0/0 to an internet gateway attached to the VPC, and the interface has a public IP;
- the table routes 0.0.0.0/0 to a NAT gateway that is `available` and sits in a subnet whose own table routes
  0.0.0.0/0 to an internet gateway (the NAT gateway has its own Elastic IP);
- an interface VPC endpoint for that service exists in the VPC, `available`, with private DNS on (its name then
  resolves inside the VPC); for S3, a gateway endpoint associated with the subnet's route table.

The interface's security groups must also let HTTPS (TCP 443) out (security_groups.https_out).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class Route:
    destination: str  # a CIDR
    target: str  # igw-..., nat-..., vpce-..., "local", ...


@dataclass(frozen=True)
class Endpoint:
    service: str  # the short name: "ecr.api", "ecr.dkr", "logs", "s3", "ecs", ...
    kind: str  # "Interface" | "Gateway"
    state: str
    private_dns: bool
    route_table_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Network:
    """One VPC, as the rule needs it."""

    route_tables: dict[str, tuple[Route, ...]]  # route table id -> routes
    table_of_subnet: dict[str, str]  # subnet id -> its route table (explicit association or the main table)
    internet_gateways: frozenset[str]  # attached to this VPC
    nat_gateways: dict[str, tuple[str, str]]  # NAT gateway id -> (state, subnet id)
    endpoints: tuple[Endpoint, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Way:
    """How an interface reaches the internet, if it does: "igw", "nat" or None."""

    through: str | None
    reason: str = ""  # why not, for a maintainer reading the emulator's log


def default_route(network: Network, subnet_id: str) -> str | None:
    table = network.table_of_subnet.get(subnet_id)
    for route in network.route_tables.get(table, ()):
        if route.destination == ANYWHERE:
            return route.target
    return None


def internet(network: Network, subnet_id: str, public_ip: bool) -> Way:
    target = default_route(network, subnet_id)
    if target is None:
        return Way(None, "no 0.0.0.0/0 route")
    if target in network.internet_gateways:
        return Way("igw") if public_ip else Way(None, "internet gateway route without a public IP")
    if target in network.nat_gateways:
        state, nat_subnet = network.nat_gateways[target]
        if state != "available":
            return Way(None, f"NAT gateway {target} is {state}")
        if default_route(network, nat_subnet) not in network.internet_gateways:
            return Way(None, f"NAT gateway {target} sits in a subnet without an internet gateway route")
        return Way("nat")
    return Way(None, f"0.0.0.0/0 goes to {target}")


def endpoint_reaches(network: Network, subnet_id: str, service: str) -> bool:
    table = network.table_of_subnet.get(subnet_id)
    for endpoint in network.endpoints:
        if endpoint.service != service or endpoint.state != "available":
            continue
        if endpoint.kind == "Gateway" and table in endpoint.route_table_ids:
            return True
        if endpoint.kind == "Interface" and endpoint.private_dns:
            return True
    return False


def unreachable(network: Network, subnet_id: str, public_ip: bool, services: list[str]) -> list[str]:
    """The services (in the order given) this interface cannot reach."""
    if internet(network, subnet_id, public_ip).through is not None:
        return []
    return [service for service in services if not endpoint_reaches(network, subnet_id, service)]
