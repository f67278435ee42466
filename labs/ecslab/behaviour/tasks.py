"""Task lifecycle: PROVISIONING -> PENDING -> RUNNING, and on stop STOPPING -> DEPROVISIONING -> STOPPED.

Tasks are moto's own `Task` objects; the simulation adds timestamps, real containers for every container
definition, an ENI from the subnet's CIDR for awsvpc tasks, and moves them through the states over simulated time.
"""

from __future__ import annotations

from typing import Any

from moto.ecs.models import Container, Task

from ecslab.behaviour import failures, loadbalancing, messages, moto_terms, network, state
from ecslab.behaviour.clock import clock
from ecslab.behaviour.events import post_event
from ecslab.behaviour.state import TaskSim

# Simulated seconds spent in each state (AWS: Fargate takes roughly 30-60 s to start a small task).
STARTING_AWSVPC = (("PROVISIONING", 10.0), ("PENDING", 20.0))
STARTING_HOST = (("PENDING", 12.0),)
STOPPING_AWSVPC = (("STOPPING", 5.0), ("DEPROVISIONING", 5.0))
STOPPING_HOST = (("STOPPING", 5.0),)
AGENT_REACTION = 1.0  # between a stop request and the task leaving its current state
STOPPED_RETENTION_WALL = 3600.0  # AWS keeps stopped tasks visible for at least an hour; a student needs that too

ALIVE = "RUNNING"


def ts(at: float) -> Any:
    return clock().to_datetime(at)


def is_awsvpc(task: Task) -> bool:
    return bool(task.attachments) or getattr(task, "network_mode", None) == "awsvpc"


def is_alive(task: Task) -> bool:
    """Still wanted by ECS: desiredStatus RUNNING."""
    return task.desired_status == ALIVE


def sim(task: Task) -> TaskSim:
    """The task's simulation record; tasks made by moto alone (start_task) are taken as already running."""
    record = state.get(task)
    if record is None:
        record = state.put(task, TaskSim(created_at=clock().now(), next_at=None,
                                         cluster=getattr(task, "cluster_name", None)))
    return record


LATEST_LINUX_PLATFORM = "1.4.0"  # AWS: "The latest Linux platform version is 1.4.0" (Fargate platform versions)


def resolved_platform_version(asked: str | None) -> str:
    """The Fargate platform version a task or deployment runs on: LATEST (or none given) is the latest one."""
    return asked if asked not in (None, "LATEST") else LATEST_LINUX_PLATFORM


def create_task(
    backend: Any,
    cluster: Any,
    task_definition: Any,
    *,
    at: float,
    launch_type: str,
    capacity_provider_name: str | None = None,
    container_instance: Any = None,
    network_configuration: dict[str, Any] | None = None,
    group: str,
    started_by: str | None = None,
    overrides: dict[str, Any] | None = None,
    tags: list[dict[str, str]] | None = None,
    platform_version: str | None = None,
    service_key: str | None = None,
    cpu: int = 0,
    memory: int = 0,
    host_ports: list[int] | None = None,
    availability_zone: str | None = None,
    awaiting_capacity: bool = False,
    enable_execute_command: bool = False,
    has_address: bool = True,
) -> Task:
    """`has_address`: False when no subnet of an awsvpc task had a free address: the task stops at the end of
    PROVISIONING (InsufficientFreeAddressesInSubnet)."""
    awsvpc = task_definition.network_mode == "awsvpc"
    task = Task(
        cluster,
        task_definition,
        container_instance.container_instance_arn if container_instance is not None else None,
        {"CPU": cpu, "MEMORY": memory, "PORTS": list(host_ports or []), "PORTS_UDP": []},
        backend=backend,
        group=group,
        launch_type=launch_type,
        overrides=overrides or {},
        started_by=started_by or None,
        tags=tags or [],
        networking_configuration=network_configuration if awsvpc else None,
        platform_version=platform_version,
        capacity_provider_name=capacity_provider_name,
    )
    steps = STARTING_AWSVPC if awsvpc else STARTING_HOST
    task.network_mode = task_definition.network_mode
    task.last_status = steps[0][0]
    task.created_at = ts(at)
    task.version = 1
    task.cpu = str(task_definition.cpu or cpu)
    task.memory = str(task_definition.memory or memory)
    task.health_status = "UNKNOWN"
    task.stopped_reason = None
    task.enable_execute_command = enable_execute_command
    task.platform_family = "Linux" if launch_type == "FARGATE" else None
    task.platform_version = resolved_platform_version(platform_version) if launch_type == "FARGATE" else None
    task.capacity_provider_name = capacity_provider_name
    if not has_address:
        network.drop_task_eni(backend, task)
    eni = network.task_eni(backend, task)
    if eni is not None:
        availability_zone = eni.subnet.availability_zone
        config = (network_configuration or {}).get("awsvpcConfiguration") or {}
        if launch_type == "FARGATE" and config.get("assignPublicIp") == "ENABLED":
            network.assign_public_ip(eni)
    task.availability_zone = availability_zone
    task.containers = build_containers(task, task_definition, eni, container_instance, host_ports or [])
    state.put(
        task,
        TaskSim(
            created_at=at,
            next_at=at + steps[0][1],
            cpu=cpu,
            memory=memory,
            host_ports=list(host_ports or []),
            service_key=service_key,
            eni_id=eni.id if eni is not None else None,
            cluster=cluster.name,
        ),
    )
    state.touch(cluster.name)
    if awaiting_capacity:
        task.last_status = "PROVISIONING"
        record = state.get(task)
        record.next_at, record.awaiting_capacity = None, True
    elif task.last_status == "PENDING":
        enter_pending(task, at)
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return task


def build_containers(task: Task, task_definition: Any, eni: Any, container_instance: Any, host_ports: list[int]):
    containers = []
    for definition in task_definition.container_definitions:
        container = Container(task_definition)
        container.container_arn = task.task_arn.replace(":task/", ":container/", 1) + "/" + moto_terms.uuid4()
        container.task_arn = task.task_arn
        container.name = definition.get("name")
        container.image = definition.get("image")
        container.cpu = str(definition.get("cpu", 0))
        container.memory = str(definition["memory"]) if definition.get("memory") else None
        container.memory_reservation = (
            str(definition["memoryReservation"]) if definition.get("memoryReservation") else None
        )
        container.last_status = "PENDING"
        container.exitCode = None
        container.health_status = "UNKNOWN"
        container.network_interfaces = []
        if eni is not None:
            attachment_id = task.attachments[0]["id"] if task.attachments else None
            container.network_interfaces = [
                {"attachmentId": attachment_id, "privateIpv4Address": eni.private_ip_address}
            ]
        container.network_bindings = []
        containers.append(container)
    task.containers = containers
    if container_instance is not None:
        bind_ports(task, task_definition, host_ports)
    return containers


def bind_ports(task: Task, task_definition: Any, host_ports: list[int]) -> None:
    """networkBindings for bridge and host mode: fixed host ports as defined, the others from `host_ports`."""
    if task_definition.network_mode not in ("bridge", "host", None):
        return
    fixed = set()
    for definition in task_definition.container_definitions:
        for mapping in definition.get("portMappings") or []:
            port = mapping.get("hostPort") or (mapping.get("containerPort") if task_definition.network_mode == "host"
                                               else None)
            if port:
                fixed.add(int(port))
    dynamic = [port for port in host_ports if port not in fixed]
    for container, definition in zip(task.containers, task_definition.container_definitions, strict=False):
        container.network_bindings = []
        for mapping in definition.get("portMappings") or []:
            container_port = mapping.get("containerPort")
            if container_port is None:
                continue
            host_port = mapping.get("hostPort") or (container_port if task_definition.network_mode == "host" else None)
            if not host_port:
                host_port = dynamic.pop(0) if dynamic else container_port
            container.network_bindings.append(
                {"bindIP": "0.0.0.0", "containerPort": container_port, "hostPort": int(host_port),
                 "protocol": mapping.get("protocol", "tcp")}
            )


def assign_instance(task: Task, task_definition: Any, ci: Any, host_ports: list[int], at: float) -> None:
    """A task that waited for capacity gets its container instance and starts."""
    record = sim(task)
    record.awaiting_capacity = False
    record.host_ports = list(host_ports)
    task.container_instance_arn = ci.container_instance_arn
    task.availability_zone = ci.attributes.get("ecs.availability-zone")
    bind_ports(task, task_definition, host_ports)
    if is_awsvpc(task):
        record.next_at = at + STARTING_AWSVPC[0][1]
    else:
        task.last_status = "PENDING"
        enter_pending(task, at)
        record.next_at = at + STARTING_HOST[0][1]


def enter_pending(task: Task, at: float) -> None:
    task.pull_started_at = ts(at)
    task.connectivity = "CONNECTED"
    task.connectivity_at = ts(at)


def set_containers(task: Task, status: str, exit_code: int | None = None) -> None:
    for container in task.containers:
        container.last_status = status
        if exit_code is not None and container.exitCode is None:
            container.exitCode = exit_code
        if status == "RUNNING":
            container.runtime_id = f"{task.id}-{moto_terms.random_hex(10)}"
            container.health_status = "UNKNOWN"


def advance(task: Task, at: float, world: Any = None) -> None:
    """Take the task's next lifecycle step (its `next_at` has come)."""
    record = sim(task)
    record.next_at = None
    task.version = getattr(task, "version", 1) + 1
    if task.desired_status == ALIVE:
        if task.last_status == "RUNNING":
            _running_events(world, task, record, at)
            return
        steps = STARTING_AWSVPC if is_awsvpc(task) else STARTING_HOST
        names = [name for name, _ in steps]
        index = names.index(task.last_status) if task.last_status in names else len(names)
        if task.last_status == "PROVISIONING" and network.lacks_address(task):
            fail(task, at, failures.Failure(messages.INSUFFICIENT_FREE_ADDRESSES, messages.STOP_FAILED_TO_START))
            return
        if index + 1 < len(names):
            task.last_status = names[index + 1]
            record.next_at = at + steps[index + 1][1]
            if task.last_status == "PENDING":
                enter_pending(task, at)
            return
        failure = failures.start_failure(world, task) if world is not None else None
        if failure is not None:
            fail(task, at, failure)
            return
        task.last_status = "RUNNING"
        task.pull_stopped_at = ts(at)
        task.started_at = ts(at)
        set_containers(task, "RUNNING")
        record.running_at = at
        record.fate = failures.fates(failures.definitions(world, task)) if world is not None else []
        record.next_at = failures.next_running_event(record)
        loadbalancing.register(task, at)
        return
    if record.targets:
        task.last_status = "DEACTIVATING"
        record.next_at = at + loadbalancing.drain(task, at)
        return
    steps = STOPPING_AWSVPC if is_awsvpc(task) else STOPPING_HOST
    names = [name for name, _ in steps]
    if task.last_status in names:
        index = names.index(task.last_status) + 1
    else:
        index = 0
        if task.last_status in ("RUNNING", "DEACTIVATING"):
            set_containers(task, "STOPPED", exit_code=0)
        else:
            set_containers(task, "STOPPED")
    if index < len(names):
        task.last_status = names[index]
        record.next_at = at + steps[index][1]
        if task.last_status == "DEPROVISIONING":
            task.execution_stopped_at = ts(at)
        return
    finish_stop(task, at)


def fail(task: Task, at: float, failure: failures.Failure) -> None:
    """The task cannot go on: its containers stop as the failure says, and ECS stops the task with its reason."""
    for container in task.containers:
        if failure.exit_codes and container.name in failure.exit_codes:
            container.exitCode = failure.exit_codes[container.name]
        if failure.container_reason:
            container.reason = failure.container_reason
    set_containers(task, "STOPPED")
    if request_stop(task, at, failure.reason, failure.code):
        sim(task).failed = True


def _running_events(world: Any, task: Task, record: TaskSim, at: float) -> None:
    """Containers whose process ends or whose health check decides now."""
    by_name = {container.name: container for container in task.containers}
    for fate in record.fate:
        container = by_name.get(fate.name)
        if container is None:
            continue
        if fate.ends_after is not None and fate.name not in record.exited and record.running_at + fate.ends_after <= at:
            record.exited.add(fate.name)
            container.last_status, container.exitCode = "STOPPED", fate.exit_code
            if fate.essential:
                stopped = request_stop(task, at, messages.ESSENTIAL_CONTAINER_EXITED, messages.STOP_ESSENTIAL_EXITED)
                record.failed = stopped and fate.exit_code != 0
        if fate.health is not None and fate.name not in record.judged and record.running_at + fate.health.after <= at:
            record.judged.add(fate.name)
            container.health_status = "HEALTHY" if fate.health.healthy else "UNHEALTHY"
    task.health_status = failures.task_health(record.fate, record.judged)
    if task.desired_status == ALIVE and record.service_key and failures.unhealthy_essential(record.fate, record.judged):
        if request_stop(task, at, messages.CONTAINER_HEALTH_FAILED, messages.STOP_SCHEDULER):
            record.failed = True
            service = task._backend.services.get(record.service_key)
            if service is not None:
                post_event(service, messages.failed_container_health(service.name, task.id), at)
    if task.desired_status == ALIVE:
        record.next_at = failures.next_running_event(record)


def finish_stop(task: Task, at: float) -> None:
    record = sim(task)
    task.last_status = "STOPPED"
    task.stopped_at = ts(at)
    if getattr(task, "execution_stopped_at", None) is None:
        task.execution_stopped_at = ts(at)
    record.next_at = None
    network.release_task_eni(task, record.eni_id)


def request_stop(task: Task, at: float, reason: str, code: str) -> bool:
    """Ask the agent to stop the task. Returns False if it was already stopping (AWS keeps the first reason)."""
    if task.desired_status != ALIVE:
        return False
    record = sim(task)
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = code
    task.stopping_at = ts(at)
    task.version = getattr(task, "version", 1) + 1
    record.stop_requested_at = at
    record.next_at = at + AGENT_REACTION
    return True


def stop_now(task: Task, at: float, reason: str, code: str) -> None:
    """The task is gone at once (its host disappeared)."""
    request_stop(task, at, reason, code)
    loadbalancing.drain(task, at)
    if task.last_status != "STOPPED":
        set_containers(task, "STOPPED", exit_code=137 if task.last_status == "RUNNING" else None)
        finish_stop(task, at)


def purge_old(backend: Any, now: float, cluster_name: str | None = None) -> None:
    """Forget tasks stopped more than an hour (of wall time) ago, as AWS does (of one cluster; None: every one)."""
    names = list(backend.tasks) if cluster_name is None else [cluster_name]
    for cluster_tasks in [backend.tasks.get(name) or {} for name in names]:
        for arn in [arn for arn, task in cluster_tasks.items() if _forgotten(task, now)]:
            del cluster_tasks[arn]


def forget_at(task: Task) -> float | None:
    record = state.get(task)
    if record is None or record.stop_requested_at is None or state.status(task) != "STOPPED":
        return None
    return record.stop_requested_at + STOPPED_RETENTION_WALL * clock().scale


def _forgotten(task: Task, now: float) -> bool:
    at = forget_at(task)
    return at is not None and now > at


def by_reference(backend: Any, cluster: Any, wanted: list[str]) -> tuple[list[Task], list[dict[str, str]]]:
    """The cluster's tasks by ARN or id, in the order asked; unknown ones as MISSING failures (moto matched
    substrings anywhere)."""
    by_id = {task.id: task for task in backend.tasks.get(cluster.name, {}).values()}
    found, failures = [], []
    for item in wanted:
        task = by_id.get(item.split("/")[-1])
        if task is not None:
            found.append(task)
        else:
            arn = item if item.startswith("arn:") else (
                f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:task/{cluster.name}/{item}"
            )
            failures.append({"arn": arn, "reason": "MISSING"})
    return found, failures
