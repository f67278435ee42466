"""The private IPv4 addresses of a subnet, as Amazon VPC hands them out.

AWS reserves five addresses of every subnet CIDR block: the first four (network address, VPC router, DNS, future
use) and the last (broadcast), so a /24 has 251 usable addresses and a /28 has 11 (Amazon VPC User Guide, "Subnet
CIDR blocks"). Every network interface in the subnet (an awsvpc task's, an instance's, a NAT gateway's) holds one.
A new interface gets the lowest free usable address; when none is left, EC2 answers InsufficientFreeAddressesInSubnet:
an awsvpc task that needed it fails to start, RunInstances is refused (fewer free addresses than MinCount), and an
Auto Scaling group's launch fails as a scaling activity, the instance not created.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection

RESERVED_AT_START = 4
RESERVED_AT_END = 1


def _usable_range(cidr: str) -> range:
    net = ipaddress.IPv4Network(cidr, strict=False)
    first, last = int(net.network_address), int(net.broadcast_address)
    return range(first + RESERVED_AT_START, last - RESERVED_AT_END + 1)


def usable_count(cidr: str) -> int:
    """2^(32 - prefix) - 5."""
    return len(_usable_range(cidr))


def free_count(cidr: str, used: Collection[str]) -> int:
    """How many more network interfaces (an instance's, a task's) the subnet can hold."""
    return max(0, usable_count(cidr) - len(set(used)))


def first_free(cidr: str, used: Collection[str], above: str | None = None) -> str | None:
    """The lowest usable address not in `used` (and above `above`, when given: where the previous search ended);
    None when the subnet has none left."""
    usable = _usable_range(cidr)
    if len(set(used)) >= len(usable):  # every interface holds one, even one whose address is out of the usable range
        return None
    start = max(usable.start, _number(above) + 1) if above is not None else usable.start
    for number in range(start, usable.stop):  # counted, not listed: a /16 has 65,531 usable addresses
        address = str(ipaddress.IPv4Address(number))
        if address not in used:
            return address
    return None


def _number(address: str) -> int:
    try:
        return int(ipaddress.IPv4Address(address))
    except ValueError:
        return -1
