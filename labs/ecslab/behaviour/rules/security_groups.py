"""Security group rules as the traffic sees them: a rule allows a protocol and a port range to or from CIDRs or
other security groups; traffic passes when any rule of any of the interface's groups allows it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

HTTPS = 443


@dataclass(frozen=True)
class Rule:
    protocol: str  # "-1" (all), "tcp", "udp", "icmp" or a number
    from_port: int | None
    to_port: int | None
    cidrs: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # security group ids (the other side of a group-to-group rule)


def _port_in(rule: Rule, port: int) -> bool:
    if rule.protocol == "-1":
        return True
    if rule.protocol not in ("tcp", "6"):
        return False
    low = rule.from_port if rule.from_port is not None else 0
    high = rule.to_port if rule.to_port is not None else 65535
    return low <= port <= high


def _covers(cidr: str, address: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def https_out(egress: list[Rule], endpoint_address: str = "52.94.0.1") -> bool:
    """Do the egress rules let TCP 443 out to an AWS endpoint (a public address, or an interface endpoint inside
    the VPC when `endpoint_address` is private)?"""
    return any(_port_in(rule, HTTPS) and any(_covers(cidr, endpoint_address) for cidr in rule.cidrs)
               for rule in egress)


def ingress_allows(ingress: list[Rule], port: int, *, from_groups: frozenset[str], from_address: str) -> bool:
    """Does any ingress rule let TCP `port` in from a sender in `from_groups` at `from_address`?"""
    for rule in ingress:
        if not _port_in(rule, port):
            continue
        if from_groups.intersection(rule.groups) or any(_covers(cidr, from_address) for cidr in rule.cidrs):
            return True
    return False
