"""Starting tasks, for run_task and for the service scheduler alike: launch type or capacity provider, placement
on EC2 or a subnet on Fargate, then the task itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecslab.behaviour import capacity, messages, network, pass_budget, placement, tasks
from ecslab.behaviour.world import World


@dataclass
class LaunchRequest:
    cluster: Any
    task_definition: Any
    count: int
    group: str
    launch_type: str | None = None
    strategy: list[dict[str, Any]] = field(default_factory=list)  # capacity-provider strategy
    network_configuration: dict[str, Any] | None = None
    placement_strategy: list[dict[str, Any]] | None = None
    placement_constraints: list[dict[str, Any]] | None = None
    started_by: str | None = None  # AWS omits startedBy when nobody named a starter
    service_key: str | None = None
    overrides: dict[str, Any] | None = None
    tags: list[dict[str, str]] | None = None
    enable_execute_command: bool = False
    platform_version: str | None = None
    existing: list[Any] = field(default_factory=list)  # the group's tasks still alive (for base/weight, spread)


@dataclass
class Networks:
    """For one launch of awsvpc tasks: the group's tasks in each subnet and the subnets' free addresses, counted once
    and kept up to date as tasks are created."""

    loads: dict[str, int]
    addresses: network.AddressBook


@dataclass
class LaunchResult:
    tasks: list[Any] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    problem: str | None = None  # why a task could not be placed, in the words of a service event


def launch(world: World, request: LaunchRequest, at: float) -> LaunchResult:
    result = LaunchResult()
    networks = Networks(_subnet_loads(request.existing), network.AddressBook(world.ecs))
    for (launch_type, provider), count in _split(request).items():
        if launch_type == "FARGATE":
            for _ in range(count):
                result.tasks.append(_fargate_task(world, request, provider, at, networks))
        else:
            _ec2_tasks(world, request, launch_type, provider, count, at, result, networks)
    pass_budget.charge(len(result.tasks) * pass_budget.LAUNCH_COST)
    return result


def _split(request: LaunchRequest) -> dict[tuple[str, str | None], int]:
    """How many tasks go to each (launch type, capacity provider)."""
    if not request.strategy:
        return {(request.launch_type or "EC2", None): request.count}
    counts: dict[str, int] = {}
    for task in request.existing:
        name = task.capacity_provider_name
        if name:
            counts[name] = counts.get(name, 0) + 1
    split: dict[tuple[str, str | None], int] = {}
    for provider in capacity.distribute(request.strategy, request.count, counts):
        key = (capacity.launch_type_of(provider), provider)
        split[key] = split.get(key, 0) + 1
    return split


def _subnet_loads(existing: list[Any]) -> dict[str, int]:
    loads: dict[str, int] = {}
    for task in existing:
        for attachment in task.attachments:
            for detail in attachment["details"]:
                if detail["name"] == "subnetId":
                    loads[detail["value"]] = loads.get(detail["value"], 0) + 1
    return loads


def _network_for(request: LaunchRequest, networks: Networks) -> tuple[dict[str, Any] | None, bool]:
    """The task's network configuration, its subnet first (the one with the fewest of the group's tasks that still
    has a free address), and whether an address was free in any of its subnets."""
    if request.task_definition.network_mode != "awsvpc":
        return None, True
    config = dict(request.network_configuration["awsvpcConfiguration"])
    subnets = list(config["subnets"])
    chosen = network.choose_subnet(subnets, networks.loads)
    ordered = [chosen] + [s for s in subnets if s != chosen]
    with_address = networks.addresses.prepare(ordered)
    if with_address is not None:
        ordered = [with_address] + [s for s in ordered if s != with_address]
    networks.loads[ordered[0]] = networks.loads.get(ordered[0], 0) + 1
    config["subnets"] = ordered
    config.setdefault("securityGroups", [])
    return {"awsvpcConfiguration": config}, with_address is not None


def _create(world: World, request: LaunchRequest, launch_type: str, provider: str | None, at: float,
            networks: Networks, **extra: Any) -> Any:
    """One task of the request, with the arguments every launch path shares."""
    need = placement.requirements(request.task_definition)
    network_configuration, has_address = _network_for(request, networks)
    return tasks.create_task(
        world.ecs,
        request.cluster,
        request.task_definition,
        at=at,
        launch_type=launch_type,
        capacity_provider_name=provider,
        network_configuration=network_configuration,
        has_address=has_address,
        group=request.group,
        started_by=request.started_by,
        overrides=request.overrides,
        tags=request.tags,
        enable_execute_command=request.enable_execute_command,
        service_key=request.service_key,
        cpu=need.cpu,
        memory=need.memory,
        **extra,
    )


def _fargate_task(world: World, request: LaunchRequest, provider: str | None, at: float, networks: Networks) -> Any:
    return _create(world, request, "FARGATE", provider, at, networks, platform_version=request.platform_version)


def _ec2_tasks(world: World, request: LaunchRequest, launch_type: str, provider: str | None, count: int,
               at: float, result: LaunchResult, networks: Networks) -> None:
    placements, refused = placement.place(
        world.ecs,
        request.cluster.name,
        request.task_definition,
        count,
        group=request.group,
        strategy=request.placement_strategy,
        constraints=request.placement_constraints,
        capacity_provider=provider,
        rng=world.sim.rng,
    )
    for spot in placements:
        ci = spot.container_instance
        result.tasks.append(
            _create(world, request, launch_type, provider, at, networks, container_instance=ci,
                    host_ports=spot.host_ports, availability_zone=ci.attributes.get("ecs.availability-zone"))
        )
    if len(placements) == count:
        return
    if provider and capacity.managed_scaling_enabled(world.ecs, provider):
        for _ in range(count - len(placements)):  # they wait in PROVISIONING while managed scaling adds instances
            result.tasks.append(_create(world, request, launch_type, provider, at, networks,
                                        awaiting_capacity=True))
        return
    if not refused:
        result.failures.append({"reason": messages.NO_CONTAINER_INSTANCES})
        result.problem = messages.REASON_NO_INSTANCES
        return
    for arn, reason in refused.items():
        result.failures.append({"arn": arn, "reason": reason})
    closest_arn, closest_reason = next(iter(refused.items()))
    result.problem = messages.closest_match(closest_arn.split("/")[-1], closest_reason)
