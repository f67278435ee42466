"""The health of a load balancer target, as Elastic Load Balancing reports it (DescribeTargetHealth).

A registered target starts `initial` while the first checks run. After `HealthyThresholdCount` checks in a row
succeed it is `healthy`; after `UnhealthyThresholdCount` in a row fail it is `unhealthy`. A check succeeds when the
load balancer reaches the target (its security groups let the load balancer's groups in on the health check port)
and the simulated application answers the health check path with a code the matcher accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecslab.behaviour.rules import application

INITIAL = ("initial", "Elb.InitialHealthChecking", "Initial health checks in progress")
HEALTHY = ("healthy", None, None)
TIMEOUT = ("unhealthy", "Target.Timeout", "Request timed out")


@dataclass(frozen=True)
class Check:
    path: str
    port: int  # the port the check goes to (the target's own port for "traffic-port")
    interval: int
    healthy_threshold: int
    unhealthy_threshold: int
    matcher: str


@dataclass(frozen=True)
class Target:
    listening: tuple[int, ...]  # ports the application answers on (at the target's address)
    reachable: bool  # the target's security groups let the load balancer in on the check port


def mismatch(code: int) -> tuple[str, str, str]:
    return ("unhealthy", "Target.ResponseCodeMismatch", f"Health checks failed with these codes: [{code}]")


def outcome(check: Check, target: Target) -> tuple[str, str | None, str | None]:
    """What the checks conclude once they have run enough times: HEALTHY, TIMEOUT or a code mismatch."""
    if not target.reachable or check.port not in target.listening:
        return TIMEOUT
    code = application.status_for(check.path)
    return HEALTHY if application.matcher_accepts(check.matcher, code) else mismatch(code)


def decided_after(check: Check, result: tuple[str, str | None, str | None]) -> float:
    count = check.healthy_threshold if result[0] == "healthy" else check.unhealthy_threshold
    return float(check.interval * count)


def state(check: Check, target: Target, registered_for: float) -> tuple[str, str | None, str | None]:
    """(State, Reason, Description) `registered_for` seconds after registration."""
    result = outcome(check, target)
    return result if registered_for >= decided_after(check, result) else INITIAL
