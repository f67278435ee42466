"""NAT gateways start `pending` and become `available` a little later, as on AWS (moto makes them available at once).

On AWS a NAT gateway takes a few minutes; the emulator takes AVAILABLE_AFTER simulated seconds, enough for a lab to
see the state and for a task started too early to fail for want of a route.
"""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import state
from ecslab.behaviour.clock import clock
from ecslab.behaviour.world import World

AVAILABLE_AFTER = 60.0


def created(original: Any, backend: Any, *args: Any, **kwargs: Any) -> Any:
    """moto's create_nat_gateway, then `pending` until AVAILABLE_AFTER has passed."""
    gateway = original(backend, *args, **kwargs)
    gateway.private_ip = gateway._eni.private_ip_address  # drawn from the subnet (moto_patches: random_private_ip)
    gateway.state = "pending"
    state.put(gateway, clock().now() + AVAILABLE_AFTER)
    return gateway


def deleted(original: Any, backend: Any, nat_gateway_id: str) -> Any:
    """moto's delete_nat_gateway, and the gateway's network interface goes with it, as on AWS."""
    gateway = original(backend, nat_gateway_id)
    eni = getattr(gateway, "_eni", None)
    if eni is not None and eni.id in backend.enis:
        backend.delete_network_interface(eni.id)
    return gateway


def _pending(world: World) -> list[tuple[Any, float]]:
    return [(gateway, due) for gateway in world.ec2.nat_gateways.values()
            if gateway.state == "pending" and (due := state.get(gateway)) is not None]


def make_available(world: World, at: float) -> None:
    for gateway, due in _pending(world):
        if due <= at:
            gateway.state = "available"


def next_available(world: World, after: float) -> float | None:
    times = [due for _, due in _pending(world) if due > after]
    return min(times) if times else None
