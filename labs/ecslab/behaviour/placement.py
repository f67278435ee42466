"""Placement of EC2-launch tasks on container instances: resources, ports, constraints and strategies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ecslab.behaviour import state, tasks
from ecslab.behaviour.tasks import is_alive

# instance type -> (CPU units, MiB the agent registers: the instance's memory minus what the OS and agent keep)
INSTANCE_RESOURCES: dict[str, tuple[int, int]] = {
    "t2.micro": (1024, 982),
    "t2.small": (1024, 1993),
    "t2.medium": (2048, 3943),
    "t3.micro": (2048, 904),
    "t3.small": (2048, 1904),
    "t3.medium": (2048, 3828),
    "t3.large": (2048, 7838),
    "t3.xlarge": (4096, 15788),
    "m5.large": (2048, 7680),
    "m5.xlarge": (4096, 15576),
    "m5.2xlarge": (8192, 31410),
    "c5.large": (2048, 3650),
    "c5.xlarge": (4096, 7467),
    "m1.small": (1024, 1692),
}
DEFAULT_RESOURCES = (2048, 3828)
RESERVED_PORTS = ["22", "2375", "2376", "51678", "51679"]
# Dynamic host ports (hostPort 0 or none, bridge mode) come from the instance's ephemeral range (Linux's
# ip_local_port_range, 32768-60999) and, as AWS's PortMapping reference says, "do not count toward the 100 reserved
# ports limit of a container instance": remainingResources PORTS lists only the reserved and the fixed host ports.
EPHEMERAL_PORTS = range(32768, 61000)
DEFAULT_STRATEGY = [
    {"type": "spread", "field": "attribute:ecs.availability-zone"},
    {"type": "spread", "field": "instanceId"},
]


def resources_for(instance_type: str) -> tuple[int, int]:
    return INSTANCE_RESOURCES.get(instance_type, DEFAULT_RESOURCES)


def resource_list(cpu: int, memory: int, ports: list[str]) -> list[dict[str, Any]]:
    def integer(name: str, value: int) -> dict[str, Any]:
        return {"name": name, "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": value}

    def string_set(name: str, values: list[str]) -> dict[str, Any]:
        return {"name": name, "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0,
                "stringSetValue": values}

    return [integer("CPU", cpu), integer("MEMORY", memory), string_set("PORTS", ports), string_set("PORTS_UDP", [])]


def registered(ci: Any) -> tuple[int, int]:
    values = {item["name"]: item.get("integerValue", 0) for item in ci.registered_resources}
    return values.get("CPU", 0), values.get("MEMORY", 0)


@dataclass
class Requirements:
    cpu: int
    memory: int
    fixed_ports: list[int] = field(default_factory=list)
    dynamic_ports: int = 0


def requirements(task_definition: Any) -> Requirements:
    from ecslab.behaviour.validation import cpu_units, memory_mib

    containers = task_definition.container_definitions
    cpu = cpu_units(task_definition.cpu) or sum(int(c.get("cpu") or 0) for c in containers)
    memory = memory_mib(task_definition.memory) or sum(
        int(c.get("memory") or c.get("memoryReservation") or 0) for c in containers
    )
    fixed: list[int] = []
    dynamic = 0
    if task_definition.network_mode in ("bridge", "host", None):
        for container in containers:
            for mapping in container.get("portMappings") or []:
                host_port = mapping.get("hostPort")
                if task_definition.network_mode == "host":
                    host_port = host_port or mapping.get("containerPort")
                if host_port:
                    fixed.append(int(host_port))
                elif mapping.get("containerPort"):
                    dynamic += 1
    return Requirements(max(cpu, 0), max(memory, 0), fixed, dynamic)


@dataclass
class Usage:
    cpu: int = 0
    memory: int = 0
    ports: set[int] = field(default_factory=set)
    running: int = 0
    pending: int = 0
    groups: dict[str, int] = field(default_factory=dict)


def usage_by_instance_id(backend: Any, cluster_name: str) -> dict[str, Usage]:
    """usage_by_instance keyed by the container instance's id (the ARN's last part): moto computes an instance's ARN
    anew at every read, and the simulation's passes read every instance."""
    return {arn.rsplit("/", 1)[-1]: use for arn, use in usage_by_instance(backend, cluster_name).items()}


def usage_by_instance(backend: Any, cluster_name: str) -> dict[str, Usage]:
    """What the tasks not yet STOPPED use on each container instance (keyed by container instance ARN)."""
    result: dict[str, Usage] = {}
    for task in backend.tasks.get(cluster_name, {}).values():
        arn = task.container_instance_arn
        if not arn or state.status(task) == "STOPPED":
            continue
        record = tasks.sim(task)
        use = result.setdefault(arn, Usage())
        use.cpu += record.cpu
        use.memory += record.memory
        use.ports.update(record.host_ports)
        if state.status(task) == "RUNNING":
            use.running += 1
        else:
            use.pending += 1
        if is_alive(task):
            use.groups[task.group] = use.groups.get(task.group, 0) + 1
    return result


def container_instances(backend: Any, cluster_name: str) -> list[Any]:
    return list(backend.container_instances.get(cluster_name, {}).values())


# --- constraints -------------------------------------------------------------------------------------------

_TERM = re.compile(r"^\s*(?P<lhs>\S+)\s+(?P<op>==|!=|=~|!~|not_in|in|exists|not_exists)\s*(?P<rhs>.*?)\s*$")


def _instance_value(ci: Any, name: str, use: Usage) -> Any:
    if name.startswith("attribute:"):
        return ci.attributes.get(name[len("attribute:"):])
    if name == "ec2InstanceId":
        return ci.ec2_instance_id
    if name == "runningTasksCount":
        return str(use.running)
    if name == "agentConnected":
        return str(ci.agent_connected).lower()
    if name == "agentVersion":
        return ci.version_info.get("agentVersion")
    return None


def _values(rhs: str) -> list[str]:
    rhs = rhs.strip()
    if rhs[:1] in "[(" and rhs[-1:] in "])":
        rhs = rhs[1:-1]
    return [item.strip().strip("'\"") for item in rhs.split(",") if item.strip()]


def _term_holds(term: str, ci: Any, use: Usage) -> bool:
    match = _TERM.match(term)
    if not match:
        return False
    lhs, op, rhs = match["lhs"], match["op"], match["rhs"]
    if lhs.startswith("task:group"):
        groups = set(use.groups)
        wanted = set(_values(rhs))
        return bool(groups & wanted) if op in ("==", "in") else not (groups & wanted)
    value = _instance_value(ci, lhs, use)
    if op == "exists":
        return value is not None
    if op == "not_exists":
        return value is None
    if value is None:
        return op in ("!=", "!~", "not_in")
    values = _values(rhs)
    if op == "==":
        return value == (values[0] if values else "")
    if op == "!=":
        return value != (values[0] if values else "")
    if op in ("=~", "!~"):
        pattern = (values[0] if values else "").replace(".", r"\.").replace("*", ".*")
        found = re.fullmatch(pattern, str(value)) is not None
        return found if op == "=~" else not found
    if op == "in":
        return value in values
    return value not in values


def member_of(expression: str, ci: Any, use: Usage) -> bool:
    return any(
        all(_term_holds(term, ci, use) for term in re.split(r"\s+and\s+", alternative))
        for alternative in re.split(r"\s+or\s+", expression)
    )


def constraint_failure(constraints: list[dict[str, Any]], ci: Any, use: Usage, group: str) -> str | None:
    for constraint in constraints:
        kind = constraint.get("type")
        if kind == "distinctInstance" and use.groups.get(group, 0) > 0:
            return "DISTINCT"
        if kind == "memberOf" and not member_of(constraint.get("expression", ""), ci, use):
            return "ATTRIBUTE"
    return None


def resource_failure(ci: Any, use: Usage, need: Requirements) -> str | None:
    cpu, memory = registered(ci)
    if need.cpu > cpu - use.cpu:
        return "RESOURCE:CPU"
    if need.memory > memory - use.memory:
        return "RESOURCE:MEMORY"
    if any(port in use.ports or str(port) in RESERVED_PORTS for port in need.fixed_ports):
        return "RESOURCE:PORTS"
    return None


# --- strategies -------------------------------------------------------------------------------------------


def _field_value(ci: Any, name: str) -> str:
    if name in ("instanceId", "host"):
        return ci.container_instance_arn
    if name.startswith("attribute:"):
        return str(ci.attributes.get(name[len("attribute:"):]))
    return ""


def order(candidates: list[Any], strategy: list[dict[str, Any]], usage: dict[str, Usage], group: str,
          everyone: list[Any], rng: Any) -> list[Any]:
    """Candidates sorted best first; strategies apply in order, each breaking the previous one's ties."""
    spread_counts: list[dict[str, int]] = []
    for item in strategy:
        counts: dict[str, int] = {}
        if item.get("type") == "spread":
            for ci in everyone:
                key = _field_value(ci, item.get("field", "instanceId"))
                use = usage.get(ci.container_instance_arn, Usage())
                counts[key] = counts.get(key, 0) + use.groups.get(group, 0)
        spread_counts.append(counts)
    draws = {ci.container_instance_arn: rng.random() for ci in candidates}

    def key(ci: Any) -> tuple:
        use = usage.get(ci.container_instance_arn, Usage())
        cpu, memory = registered(ci)
        parts: list[float] = []
        for item, counts in zip(strategy, spread_counts, strict=True):
            kind = item.get("type")
            if kind == "spread":
                parts.append(counts.get(_field_value(ci, item.get("field", "instanceId")), 0))
            elif kind == "binpack":
                if (item.get("field") or "memory").lower() == "cpu":
                    parts.append(cpu - use.cpu)
                else:
                    parts.append(memory - use.memory)
            elif kind == "random":
                parts.append(draws[ci.container_instance_arn])
        return tuple(parts)

    return sorted(candidates, key=key)


@dataclass
class Placement:
    container_instance: Any
    host_ports: list[int]


def place(
    backend: Any,
    cluster_name: str,
    task_definition: Any,
    count: int,
    *,
    group: str,
    strategy: list[dict[str, Any]] | None,
    constraints: list[dict[str, Any]] | None,
    capacity_provider: str | None = None,
    rng: Any,
) -> tuple[list[Placement], dict[str, str]]:
    """Choose an instance for each of `count` tasks. Returns the placements and, when some could not be placed,
    the reason each container instance was refused (container instance ARN -> reason)."""
    need = requirements(task_definition)
    constraints = list(task_definition.placement_constraints or []) + list(constraints or [])
    strategy = strategy or DEFAULT_STRATEGY
    usage = usage_by_instance(backend, cluster_name)
    everyone = [
        ci for ci in container_instances(backend, cluster_name)
        if ci.status == "ACTIVE" and ci.agent_connected
        and (capacity_provider is None or getattr(ci, "capacity_provider_name", None) == capacity_provider)
    ]
    placements: list[Placement] = []
    refused: dict[str, str] = {}
    for _ in range(count):
        candidates = []
        for ci in everyone:
            use = usage.setdefault(ci.container_instance_arn, Usage())
            reason = constraint_failure(constraints, ci, use, group) or resource_failure(ci, use, need)
            if reason:
                refused[ci.container_instance_arn] = reason
            else:
                candidates.append(ci)
        if not candidates:
            break
        chosen = order(candidates, strategy, usage, group, everyone, rng)[0]
        use = usage[chosen.container_instance_arn]
        ports = list(need.fixed_ports) + _dynamic_ports(use, need.dynamic_ports)
        use.cpu += need.cpu
        use.memory += need.memory
        use.ports.update(ports)
        use.pending += 1
        use.groups[group] = use.groups.get(group, 0) + 1
        placements.append(Placement(chosen, ports))
    if len(placements) == count:
        refused = {}
    return placements, refused


def _dynamic_ports(use: Usage, count: int) -> list[int]:
    ports = []
    for port in EPHEMERAL_PORTS:
        if len(ports) == count:
            break
        if port not in use.ports:
            ports.append(port)
    return ports


def refresh_instance(ci: Any, use: Usage) -> None:
    """Keep remainingResources and task counts as AWS shows them."""
    cpu, memory = registered(ci)
    ports = sorted(set(RESERVED_PORTS) | {str(port) for port in use.ports if port not in EPHEMERAL_PORTS}, key=int)
    ci.remaining_resources = resource_list(cpu - use.cpu, memory - use.memory, ports)
    ci.running_tasks_count = use.running
    ci.pending_tasks_count = use.pending

