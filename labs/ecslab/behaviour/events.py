"""Service events, newest first, as `describe_services` shows them."""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import moto_terms
from ecslab.behaviour.clock import clock

MAX_EVENTS = 100


def post_event(service: Any, message: str, at: float) -> None:
    service.events.insert(0, {"id": moto_terms.uuid4(), "createdAt": clock().to_datetime(at),
                              "message": message})
    del service.events[MAX_EVENTS:]
