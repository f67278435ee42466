"""Simulation state kept on moto's own objects, so that `POST /moto-api/reset` forgets it with them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

ATTR = "_ecslab"
TIMERS = frozenset({"next_at", "health_due", "healthy_at", "protected_until"})

# Clusters something changed in outside the pass's own walk of them (a task timer set, a service's desired count, an
# instance registered or gone): the next pass looks at them (simulation_pass). Names only: a name shared by two
# accounts or regions makes both look, which costs time, never correctness.
touched: set[str] = set()
# Calls that may have changed something outside ECS (a network, a security group, a load balancer): the load
# balancer health verdicts kept by loadbalancing are judged again after one. A student's call on a class emulator
# counts only for that student (`outside_writes_by`): the ownership guard lets it change nothing of another's; any
# other call (the instructor's, a student's own emulator's, the simulation's) counts for everyone.
outside_writes = 0
outside_writes_by: dict[str, int] = {}


def note_outside_write(writer: str | None) -> None:
    global outside_writes
    if writer is None:
        outside_writes += 1
    else:
        outside_writes_by[writer] = outside_writes_by.get(writer, 0) + 1


def outside_writes_seen_by(owner: str | None) -> tuple[int, int]:
    """What a verdict about `owner`'s resources was judged after: the writes of everyone and of `owner`."""
    return outside_writes, outside_writes_by.get(owner, 0) if owner else 0


def touch(cluster: str | None) -> None:
    if cluster:
        touched.add(cluster)


@dataclass
class TaskSim:
    created_at: float
    next_at: float | None  # when the task takes its next lifecycle step; None when it waits for nothing
    cpu: int = 0
    memory: int = 0
    host_ports: list[int] = field(default_factory=list)
    service_key: str | None = None  # "cluster:service" for service tasks
    eni_id: str | None = None
    stop_requested_at: float | None = None
    awaiting_capacity: bool = False  # PROVISIONING until its capacity provider's ASG brings an instance
    targets: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (target group ARN, target)
    running_at: float | None = None  # when the task reached RUNNING
    fate: list[Any] = field(default_factory=list)  # failures.ContainerFate: what its containers will do
    exited: set[str] = field(default_factory=set)  # containers whose process has ended
    judged: set[str] = field(default_factory=set)  # containers whose health check has decided
    health_due: float | None = None  # when ECS stops it for failing its load balancer health checks
    healthy_at: float | None = None  # when its load balancer targets pass their checks (None: not yet known)
    unhealthy_since: dict[str, float] = field(default_factory=dict)  # target group ARN -> first seen unhealthy
    failed: bool = False  # stopped by a failure the deployment circuit breaker counts
    counted: bool = False  # its failure was counted by the scheduler's retry throttle
    protected_until: float | None = None  # UpdateTaskProtection: not stopped by scale-in until then
    cluster: str | None = None  # its cluster's name: setting one of its TIMERS touches the cluster

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in TIMERS and value is not None:
            touch(self.__dict__.get("cluster"))


@dataclass
class ServiceSim:
    created_at: float
    minimum_healthy_percent: int = 100
    maximum_percent: int = 200
    placement_strategy: list[dict[str, Any]] = field(default_factory=list)
    placement_constraints: list[dict[str, Any]] = field(default_factory=list)
    capacity_provider_strategy: list[dict[str, Any]] = field(default_factory=list)
    steady: bool = False
    quiet: tuple | None = None  # the inputs of the last converge that had nothing to start or stop (see scheduler)
    last_problem: str | None = None
    last_problem_at: float = -1e18
    load_cpu: float | None = None  # the service's CPU load (%) set through /ecslab/carga; None: the default load
    load_tasks: int = 1  # the desired count when the load was set: the load spreads over the running tasks
    load_until: float | None = None  # back to the default load then (None: until changed)
    circuit_breaker: dict[str, Any] = field(default_factory=dict)  # deploymentCircuitBreaker as the caller set it
    history: list[dict[str, Any]] = field(default_factory=list)  # service deployments, oldest first
    failures_in_a_row: int = 0  # tasks that failed to start since one ran: the scheduler's retry throttle
    breaker_reset_at: dict[str, float] = field(default_factory=dict)  # deployment id -> last task proven healthy
    retry_at: float = -1e18  # the throttled scheduler launches again then


@dataclass
class ProviderSim:
    """Managed scaling of one ASG capacity provider: a change waits until it has been wanted long enough."""

    wanted: int | None = None
    wanted_since: float = 0.0
    last_change_at: float = -1e18


@dataclass
class InstanceSim:
    seen_at: float
    cluster: str | None
    registered: bool = False
    gone: bool = False
    interrupt_at: float | None = None  # a Spot interruption notice ends then


@dataclass
class WorldSim:
    """Per (account, region): what the simulation remembers between two reconcile steps."""

    last_time: float
    instances: dict[str, InstanceSim] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(20141113))
    last_tick: float = -1e18  # the last simulated minute whose metrics were published and alarms evaluated
    series: dict[tuple, list[tuple[float, float]]] = field(default_factory=dict)  # metric -> [(minute start, value)]
    alarm_history: list[dict[str, Any]] = field(default_factory=list)  # CloudWatch alarm history, oldest first
    activities: list[dict[str, Any]] = field(default_factory=list)  # Application Auto Scaling, oldest first
    last_scaling: dict[tuple[str, str], float] = field(default_factory=dict)  # (resource id, "out"|"in") -> time
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)  # lab 06, by student (decision.py)
    writes_seen: int = -1  # simulation_pass._writes when the last full pass ended
    next_due: float | None = None  # the earliest event after the last full pass (None: nothing pending)
    cluster_due: dict[str, float] = field(default_factory=dict)  # a cluster's earliest event, when it has one
    measured: set[str] = field(default_factory=set)  # clusters with a service task RUNNING (metrics.active)
    waiting: set[str] = field(default_factory=set)  # clusters with tasks waiting for capacity (managed_scaling)
    network_writes_seen: int = -1  # state.outside_writes when the target verdicts were last kept
    verdicts: dict[tuple, tuple] = field(default_factory=dict)  # load balancer health, kept (loadbalancing)
    world_parts_writes: int = -1  # simulation_pass._writes when the world-level parts last ran
    fleet_changed: bool = True  # the simulation changed an Auto Scaling group's capacity since they last ran


def get(obj: Any) -> Any:
    return getattr(obj, ATTR, None)


def status(task: Any) -> str:
    """A task's lastStatus (the speed-up "task_status" reads it without moto's state manager)."""
    return task.last_status


def put(obj: Any, value: Any) -> Any:
    setattr(obj, ATTR, value)
    return value
