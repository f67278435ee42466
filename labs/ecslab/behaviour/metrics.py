"""`AWS/ECS` service metrics: one CPUUtilization and one MemoryUtilization datapoint per simulated minute, per
service (dimensions ClusterName, ServiceName) and per cluster (ClusterName), while the service has running tasks.

Datapoints go into moto's CloudWatch backend (what get_metric_statistics answers) and into a per-world series
keyed by metric, which the alarm evaluation reads without scanning CloudWatch's whole list.
"""

from __future__ import annotations

import bisect
import math

from ecslab.behaviour import load, scheduler, state
from ecslab.behaviour.clock import clock
from ecslab.behaviour.world import World

NAMESPACE = "AWS/ECS"
MINUTE = 60.0
CATCH_UP = 3 * 3600.0  # after a long idle stretch only the last three simulated hours are replayed minute by minute
KEEP = 24 * 3600.0  # the series keeps one simulated day (the longest alarm window a lab uses is 15 minutes)


def key(namespace: str, metric_name: str, dimensions: dict[str, str]) -> tuple:
    return (namespace, metric_name, tuple(sorted(dimensions.items())))


def active(world: World) -> bool:
    """Anything to measure or evaluate: a service task running (the pass keeps which clusters have one:
    WorldSim.measured), or an alarm."""
    return bool(world.cloudwatch.alarms) or bool(world.sim.measured)


def next_tick(world: World, after: float) -> float | None:
    """The next whole simulated minute not yet measured, when there is something to measure."""
    if not active(world):
        return None
    tick = math.ceil(after / MINUTE) * MINUTE
    return tick if tick > world.sim.last_tick else world.sim.last_tick + MINUTE


def skip_idle(world: World, now: float) -> None:
    """A clock far ahead of the last measured minute replays at most CATCH_UP seconds."""
    horizon = math.floor((now - CATCH_UP) / MINUTE) * MINUTE
    if world.sim.last_tick < horizon:
        world.sim.last_tick = horizon


def due(world: World, at: float) -> bool:
    return at > world.sim.last_tick and at % MINUTE == 0


def publish(world: World, at: float) -> None:
    """The datapoints of the minute ending at `at` (timestamped at its start, as CloudWatch does)."""
    world.sim.last_tick = at
    start = at - MINUTE
    by_cluster: dict[str, list[tuple[float, float, int]]] = {}
    data: list[tuple[dict[str, str], str, float]] = []
    for service in list(world.ecs.services.values()):
        if service.status == "INACTIVE":
            continue
        running = sum(1 for t in scheduler.service_tasks(world, service) if state.status(t) == "RUNNING")
        if not running:
            continue
        cpu = load.cpu_per_task(service, running, at)
        memory = load.memory_per_task(service, cpu, at)
        dimensions = {"ClusterName": service.cluster_name, "ServiceName": service.name}
        data += [(dimensions, "CPUUtilization", cpu), (dimensions, "MemoryUtilization", memory)]
        by_cluster.setdefault(service.cluster_name, []).append((cpu, memory, running))
    for cluster_name, samples in by_cluster.items():
        count = sum(n for _, _, n in samples)
        dimensions = {"ClusterName": cluster_name}
        data.append((dimensions, "CPUUtilization", round(sum(c * n for c, _, n in samples) / count, 2)))
        data.append((dimensions, "MemoryUtilization", round(sum(m * n for _, m, n in samples) / count, 2)))
    if not data:
        return
    timestamp = clock().to_datetime(start).replace(tzinfo=None)  # moto compares naive UTC datetimes
    world.cloudwatch.put_metric_data(NAMESPACE, [
        {"MetricName": name, "Value": value, "Unit": "Percent", "Timestamp": timestamp,
         "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]}
        for dimensions, name, value in data
    ])
    for dimensions, name, value in data:
        points = world.sim.series.setdefault(key(NAMESPACE, name, dimensions), [])
        points.append((start, value))
        if points[0][0] < start - KEEP:
            del points[: bisect.bisect_left(points, (start - KEEP, -math.inf))]


def values(world: World, metric: tuple, start: float, end: float) -> list[float]:
    """Datapoints whose minute starts in [start, end)."""
    points = world.sim.series.get(metric) or []
    low = bisect.bisect_left(points, (start, -math.inf))
    high = bisect.bisect_left(points, (end, -math.inf))
    return [value for _, value in points[low:high]]
