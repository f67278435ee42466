"""ECS API calls whose moto 5.2.5 version we replace or complete (wired in by moto_patches.py)."""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import InvalidSubnetIdError
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import CapacityProvider

from ecslab.behaviour import agent, aws_errors, capacity, messages, scheduler, tags, tasks, validation
from ecslab.behaviour.clock import clock
from ecslab.behaviour.launch import LaunchRequest, launch
from ecslab.behaviour.rules import circuit_breaker, service_quotas
from ecslab.behaviour.rules.required_attributes import TaskDefinitionFeatures, required_attributes
from ecslab.behaviour.world import World

NOT_IDEMPOTENT = "Creation of service was not idempotent."
TASK_NOT_FOUND = "The referenced task was not found."


def active_cluster(backend: Any, name: str | None) -> Any:
    cluster = backend._get_cluster(name or "default")
    validation.check_active_cluster(cluster)
    return cluster


def check_subnets(world: World, network_configuration: dict[str, Any] | None) -> None:
    config = (network_configuration or {}).get("awsvpcConfiguration") or {}
    subnets = config.get("subnets") or []
    if not subnets:
        raise InvalidParameterException("subnets can not be empty.")
    try:
        world.ec2.describe_subnets(subnet_ids=subnets)
    except InvalidSubnetIdError as exc:
        subnet_id = exc.message.split("'")[1]
        raise InvalidParameterException(
            f"Error retrieving subnet information for [{subnet_id}]: {exc.message} (ErrorCode: {exc.code})"
        ) from None


def with_default_security_group(world: World, network_configuration: dict[str, Any] | None) -> Any:
    """awsvpc without securityGroups: AWS uses the default security group of the subnets' VPC (moto: KeyError)."""
    config = (network_configuration or {}).get("awsvpcConfiguration")
    if not config or config.get("securityGroups") or not config.get("subnets"):
        return network_configuration
    vpc_id = world.ec2.get_subnet(config["subnets"][0]).vpc_id
    default = world.ec2.get_default_security_group(vpc_id)
    return {**network_configuration,
            "awsvpcConfiguration": {**config, "securityGroups": [default.id] if default else []}}


def check_strategy(strategy: list[dict[str, Any]], task_definition: Any, backend: Any) -> None:
    names = [item.get("capacityProvider") for item in strategy]
    fargate = [name for name in names if name in capacity.FARGATE_PROVIDERS]
    if fargate and len(fargate) != len(names):
        raise InvalidParameterException(
            "The specified capacity provider strategy cannot contain a capacity provider that is not associated "
            "with the cluster. Associate the capacity provider with the cluster or specify a valid capacity "
            "provider and try again."
        )
    if sum(1 for item in strategy if int(item.get("base") or 0) > 0) > 1:
        raise InvalidParameterException("Capacity provider strategy can have only one provider with a base.")
    if fargate:
        validation.check_launch_type("FARGATE", task_definition)


def check_launch(world: World, task_definition: Any, launch_type: str | None, strategy: list,
                 network_configuration: dict[str, Any] | None) -> None:
    validation.check_launch_type(launch_type, task_definition)
    if strategy:
        check_strategy(strategy, task_definition, world.ecs)
    validation.check_network_configuration(task_definition, network_configuration)
    if task_definition.network_mode == "awsvpc":
        check_subnets(world, network_configuration)


# --- tasks -------------------------------------------------------------------------------------------------


def run_task(backend: Any, params: dict[str, Any]) -> tuple[list[Any], list[dict[str, str]]]:
    world = World(backend)
    cluster = active_cluster(backend, params.get("cluster"))
    launch_type = params.get("launchType")
    strategy = params.get("capacityProviderStrategy") or []
    if launch_type and strategy:
        raise InvalidParameterException("Specify either Launch Type or Capacity Provider Strategy, but not both.")
    task_definition = backend.describe_task_definition(params["taskDefinition"])
    strategy = capacity.effective_strategy(launch_type, strategy, cluster)
    if not strategy:
        launch_type = launch_type or "EC2"
    check_launch(world, task_definition, launch_type, strategy, params.get("networkConfiguration"))
    params["networkConfiguration"] = with_default_security_group(world, params.get("networkConfiguration"))
    count = int(params.get("count") or 1)
    if not 1 <= count <= 10:
        raise InvalidParameterException("The count must be between 1 and 10.")
    request = LaunchRequest(
        cluster=cluster,
        task_definition=task_definition,
        count=count,
        group=params.get("group") or f"family:{task_definition.family}",
        launch_type=launch_type if not strategy else None,
        strategy=strategy,
        network_configuration=params.get("networkConfiguration"),
        placement_strategy=params.get("placementStrategy"),
        placement_constraints=params.get("placementConstraints"),
        started_by=params.get("startedBy") or None,
        overrides=params.get("overrides"),
        tags=tags.task_tags(params.get("tags"), params.get("propagateTags"), task_definition.tags),
        platform_version=params.get("platformVersion"),
        enable_execute_command=bool(params.get("enableExecuteCommand")),
    )
    result = launch(world, request, clock().now())
    return result.tasks, result.failures


def find_task(backend: Any, cluster: Any, task_str: str) -> Any:
    task_id = (task_str or "").split("/")[-1]
    for arn, task in backend.tasks.get(cluster.name, {}).items():
        if arn == task_str or task.id == task_id:
            return task
    raise InvalidParameterException(TASK_NOT_FOUND)


def describe_tasks(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Tasks of this cluster by ARN or id; unknown ones as MISSING failures (moto matches substrings anywhere)."""
    cluster = backend._get_cluster(params.get("cluster") or "default")
    wanted = params.get("tasks") or []
    if not wanted:
        raise InvalidParameterException("Tasks cannot be empty.")
    found, failures = tasks.by_reference(backend, cluster, wanted)
    return {"tasks": found, "failures": failures}


def stop_task(backend: Any, cluster_str: str, task_str: str, reason: str | None) -> Any:
    cluster = backend._get_cluster(cluster_str or "default")
    task = find_task(backend, cluster, task_str)
    tasks.request_stop(task, clock().now(), reason or messages.USER_STOPPED, messages.STOP_USER)
    return task


def list_tasks(backend: Any, params: dict[str, Any]) -> list[Any]:
    cluster = backend._get_cluster(params.get("cluster") or "default")
    found = list(backend.tasks.get(cluster.name, {}).values())
    wanted_status = params.get("desiredStatus") or "RUNNING"
    found = [t for t in found if t.desired_status == wanted_status]
    if params.get("containerInstance"):
        instance_id = params["containerInstance"].split("/")[-1]
        found = [t for t in found if (t.container_instance_arn or "").split("/")[-1] == instance_id]
    if params.get("family"):
        found = [t for t in found if t.task_definition_arn.split("/")[-1].split(":")[0] == params["family"]]
    if params.get("startedBy"):
        found = [t for t in found if t.started_by == params["startedBy"]]
    if params.get("serviceName"):
        name = params["serviceName"].split("/")[-1]
        found = [t for t in found if t.group == f"service:{name}"]
    if params.get("launchType"):
        found = [t for t in found if t.launch_type == params["launchType"]]
    return found


# --- services ----------------------------------------------------------------------------------------------


def checked_desired_count(value: Any) -> int:
    """desiredCount within ECS's bounds (rules.service_quotas), or InvalidParameterException."""
    desired = int(value)
    error = service_quotas.desired_count_error(desired)
    if error is not None:
        raise InvalidParameterException(error)
    return desired


def create_service(backend: Any, params: dict[str, Any]) -> Any:
    world = World(backend)
    cluster = active_cluster(backend, params.get("cluster"))
    name = params["serviceName"]
    desired = checked_desired_count(params.get("desiredCount") or 0)
    check_new_service_name(backend, cluster, name)
    task_definition = backend.describe_task_definition(params["taskDefinition"])
    launch_type = params.get("launchType")
    strategy = params.get("capacityProviderStrategy") or []
    if launch_type and strategy:
        raise InvalidParameterException("Specify either Launch Type or Capacity Provider Strategy, but not both.")
    strategy = capacity.effective_strategy(launch_type, strategy, cluster)
    if not strategy:
        launch_type = launch_type or "EC2"
    check_launch(world, task_definition, launch_type, strategy, params.get("networkConfiguration"))
    params["networkConfiguration"] = with_default_security_group(world, params.get("networkConfiguration"))
    minimum, maximum = validation.check_deployment_configuration(params.get("deploymentConfiguration"))
    service = backend.create_service(
        cluster.name,
        name,
        desired,
        task_definition.arn,
        params.get("loadBalancers"),
        params.get("schedulingStrategy"),
        params.get("tags"),
        params.get("deploymentController"),
        launch_type or "EC2",
        network_configuration=params.get("networkConfiguration"),
        service_registries=params.get("serviceRegistries"),
        platform_version=params.get("platformVersion"),
        propagate_tags=params.get("propagateTags") or "NONE",
        role_arn=params.get("role"),
    )
    now = clock().now()
    record = scheduler.sim(service)
    record.created_at = now
    record.minimum_healthy_percent, record.maximum_percent = minimum, maximum
    record.placement_strategy = params.get("placementStrategy") or []
    record.placement_constraints = params.get("placementConstraints") or []
    record.capacity_provider_strategy = strategy
    describe_service_settings(service, params, minimum, maximum, strategy, launch_type, task_definition)
    service.created_at = tasks.ts(now)
    service.running_count = 0
    service.pending_count = 0
    service.deployments = []
    scheduler.new_deployment(service, now)
    return service


def check_new_service_name(backend: Any, cluster: Any, name: str) -> None:
    existing = backend.services.get(f"{cluster.name}:{name}")
    if existing is not None and existing.status != "INACTIVE":
        raise InvalidParameterException(NOT_IDEMPOTENT)


def describe_service_settings(service: Any, params: dict[str, Any], minimum: int, maximum: int, strategy: list,
                              launch_type: str | None, task_definition: Any) -> None:
    """The fields moto drops, as AWS shows them."""
    service.launch_type = None if strategy else launch_type
    service.capacity_provider_strategy = strategy or None
    service.placement_strategy = scheduler.sim(service).placement_strategy or None
    service.placement_constraints = scheduler.sim(service).placement_constraints or None
    breaker = circuit_breaker_of(params.get("deploymentConfiguration"))
    scheduler.sim(service).circuit_breaker = breaker
    service.deployment_configuration = {
        "deploymentCircuitBreaker": breaker,
        "maximumPercent": maximum,
        "minimumHealthyPercent": minimum,
    }
    if "FARGATE" in (task_definition.requires_compatibilities or []) and (
        launch_type == "FARGATE" or any(item["capacityProvider"] in capacity.FARGATE_PROVIDERS for item in strategy)
    ):
        service.platform_version = service.platform_version or "LATEST"
        service.platform_family = "Linux"
    service.health_check_grace_period_seconds = int(params.get("healthCheckGracePeriodSeconds") or 0)
    service.network_configuration = params.get("networkConfiguration") or None
    service.enable_ecs_managed_tags = bool(params.get("enableECSManagedTags"))
    service.enable_execute_command = bool(params.get("enableExecuteCommand"))
    service.service_connect_configuration = params.get("serviceConnectConfiguration")
    service.created_by = f"arn:aws:iam::{service._account_id}:root"


def circuit_breaker_of(configuration: dict[str, Any] | None) -> dict[str, Any]:
    """deploymentCircuitBreaker as AWS shows it: enable and rollback, off unless asked for."""
    given = (configuration or {}).get("deploymentCircuitBreaker") or {}
    breaker = {"enable": bool(given.get("enable")), "rollback": bool(given.get("rollback"))}
    if given.get("resetOnHealthyTask") is not None:
        breaker["resetOnHealthyTask"] = bool(given["resetOnHealthyTask"])
    threshold = given.get("thresholdConfiguration")
    if threshold is not None:
        if threshold.get("type") not in circuit_breaker.TYPES:
            raise InvalidParameterException(
                f"thresholdConfiguration.type must be one of {', '.join(circuit_breaker.TYPES)}.")
        value = threshold.get("value")
        high = 200 if threshold["type"] == "COUNT" else 100
        if not isinstance(value, int) or not 1 <= value <= high:
            raise InvalidParameterException(f"thresholdConfiguration.value must be between 1 and {high}.")
        breaker["thresholdConfiguration"] = {"type": threshold["type"], "value": value}
    return breaker


def update_service(backend: Any, params: dict[str, Any]) -> Any:
    world = World(backend)
    cluster = active_cluster(backend, params.get("cluster"))
    service = backend._get_service(cluster.name, params["service"].split("/")[-1])
    if service.status != "ACTIVE":
        raise aws_errors.ServiceNotActive()
    desired = None if params.get("desiredCount") is None else checked_desired_count(params["desiredCount"])
    record = scheduler.sim(service)
    redeploy = bool(params.get("forceNewDeployment"))
    task_definition = backend.describe_task_definition(params.get("taskDefinition") or service.task_definition)
    if task_definition.arn != service.task_definition:
        redeploy = True
    strategy = params.get("capacityProviderStrategy")
    if strategy is not None and strategy != record.capacity_provider_strategy:
        redeploy = True
    launch_type = None if (strategy if strategy is not None else record.capacity_provider_strategy) \
        else (service.launch_type or "EC2")
    network = params.get("networkConfiguration")
    check_launch(world, task_definition, launch_type, strategy if strategy is not None
                 else record.capacity_provider_strategy, network or service.network_configuration)
    network = with_default_security_group(world, network)
    if network is not None and network != service.network_configuration:
        redeploy = True
    if params.get("deploymentConfiguration") is not None:
        current = {"minimumHealthyPercent": record.minimum_healthy_percent, "maximumPercent": record.maximum_percent}
        current.update(params["deploymentConfiguration"])
        record.minimum_healthy_percent, record.maximum_percent = validation.check_deployment_configuration(current)
        service.deployment_configuration.update(
            {"minimumHealthyPercent": record.minimum_healthy_percent, "maximumPercent": record.maximum_percent}
        )
        if "deploymentCircuitBreaker" in params["deploymentConfiguration"]:
            record.circuit_breaker = circuit_breaker_of(params["deploymentConfiguration"])
            service.deployment_configuration["deploymentCircuitBreaker"] = record.circuit_breaker
    if desired is not None:
        service.desired_count = desired
    if params.get("loadBalancers") is not None and params["loadBalancers"] != (service.load_balancers or []):
        service.load_balancers = params["loadBalancers"]  # [] takes the service out of its target groups
        redeploy = True
    if params.get("placementStrategy") is not None:
        record.placement_strategy = params["placementStrategy"]
        service.placement_strategy = record.placement_strategy or None
    if params.get("placementConstraints") is not None:
        record.placement_constraints = params["placementConstraints"]
        service.placement_constraints = record.placement_constraints or None
    if params.get("platformVersion") and params["platformVersion"] != service.platform_version:
        service.platform_version = params["platformVersion"]
        redeploy = True
    if params.get("healthCheckGracePeriodSeconds") is not None:
        service.health_check_grace_period_seconds = params["healthCheckGracePeriodSeconds"]
    if params.get("enableExecuteCommand") is not None:
        service.enable_execute_command = bool(params["enableExecuteCommand"])  # tasks started from now on
    if params.get("serviceConnectConfiguration") is not None:
        service.service_connect_configuration = params["serviceConnectConfiguration"]
        redeploy = True
    service.task_definition = task_definition.arn
    if strategy is not None:
        record.capacity_provider_strategy = strategy
        service.capacity_provider_strategy = strategy or None
        service.launch_type = launch_type
    if network is not None:
        service.network_configuration = network
    if redeploy:
        scheduler.new_deployment(service, clock().now())
    else:
        service.deployments[0]["desiredCount"] = service.desired_count
    return service


def delete_service(original: Any, backend: Any, cluster_name: str, service_name: str, force: bool) -> Any:
    service = backend._get_service(cluster_name or "default", service_name)
    if service.status != "ACTIVE":
        raise aws_errors.ServiceNotActive()
    service = original(backend, cluster_name or "default", service_name, force)
    service.status = "DRAINING"
    service.desired_count = 0
    return service


# --- clusters and container instances ------------------------------------------------------------------------


def delete_cluster(original: Any, backend: Any, cluster_str: str) -> Any:
    cluster = backend._get_cluster(cluster_str)
    name = cluster.name
    if any(s.cluster_name == name and s.status != "INACTIVE" for s in backend.services.values()):
        raise aws_errors.ClusterContainsServices()
    if backend.container_instances.get(name):
        raise aws_errors.ClusterContainsContainerInstances()
    if any(t.last_status != "STOPPED" for t in backend.tasks.get(name, {}).values()):
        raise aws_errors.ClusterContainsTasks()
    cluster = original(backend, cluster_str)
    backend.tasks.pop(name, None)
    backend.container_instances.pop(name, None)
    for key in [key for key, s in backend.services.items() if s.cluster_name == name]:
        del backend.services[key]
    return cluster


def register_container_instance(original: Any, backend: Any, cluster_str: str, ec2_instance_id: str) -> Any:
    name = (cluster_str or "default").split("/")[-1]
    if name not in backend.clusters:
        raise aws_errors.ClusterNotFound()
    world = World(backend)
    existing = agent.find(world, name, ec2_instance_id)
    if existing is not None:
        return existing
    ci = original(backend, cluster_str, ec2_instance_id)
    now = clock().now()
    instance = world.ec2.get_instance(ec2_instance_id)
    agent.describe(world, ci, instance, now)
    record = world.sim.instances.get(ec2_instance_id)
    if record is None:
        record = world.sim.instances[ec2_instance_id] = agent.InstanceSim(seen_at=now, cluster=name)
    record.cluster, record.registered = name, True
    return ci


def deregister_container_instance(original: Any, backend: Any, cluster_str: str, container_instance_str: str,
                                  force: bool) -> Any:
    cluster = backend._get_cluster(cluster_str or "default")
    instance_id = (container_instance_str or "").split("/")[-1]
    ci = backend.container_instances.get(cluster.name, {}).get(instance_id)
    if ci is None:
        raise InvalidParameterException("Container instance not found.")
    result = original(backend, cluster_str, container_instance_str, force)
    backend.container_instances.pop("orphaned", None)
    record = World(backend).sim.instances.get(ci.ec2_instance_id)
    if record is not None:
        record.gone = True
    ci.status = "INACTIVE"
    ci.agent_connected = False
    return result


def list_services(original: Any, backend: Any, cluster_str: str, *args: Any, **kwargs: Any) -> list[str]:
    """AWS lists ACTIVE and DRAINING services, not INACTIVE ones."""
    listed = original(backend, cluster_str, *args, **kwargs)
    inactive = {s.arn for s in backend.services.values() if s.status == "INACTIVE"}
    return [arn for arn in listed if arn not in inactive]


def list_clusters(original: Any, backend: Any) -> list[str]:
    """A deleted (INACTIVE) cluster is no longer listed."""
    return [cluster.arn for cluster in backend.clusters.values() if cluster.status == "ACTIVE"]


def describe_capacity_providers(original: Any, backend: Any, names: list[str] | None = None) -> Any:
    """No names: every provider, FARGATE and FARGATE_SPOT included (they exist in every account)."""
    builtin = {name: _builtin_provider(backend, name) for name in capacity.FARGATE_PROVIDERS}
    if not names:
        names = list(builtin) + [provider.name for provider in backend.capacity_providers.values()]
    own = [name for name in names if name.split("/")[-1] not in builtin]
    providers, failures = original(backend, own) if own else ([], [])
    found = [builtin[name.split("/")[-1]] for name in names if name.split("/")[-1] in builtin]
    return found + providers, failures


def _builtin_provider(backend: Any, name: str) -> Any:
    provider = CapacityProvider(backend.account_id, backend.region_name, name, {}, [])
    provider.auto_scaling_group_provider = None
    return provider


def register_task_definition(original: Any, backend: Any, family: str, container_definitions: list,
                             *args: Any, **kwargs: Any) -> Any:
    cpu, memory = validation.check_task_definition(
        kwargs.get("requires_compatibilities"), kwargs.get("network_mode"), kwargs.get("cpu"), kwargs.get("memory")
    )
    if kwargs.get("cpu") is not None:
        kwargs["cpu"] = cpu
    if kwargs.get("memory") is not None:
        kwargs["memory"] = memory
    task_definition = original(backend, family, container_definitions, *args, **kwargs)
    containers = task_definition.container_definitions
    task_definition.requires_attributes = [{"name": name} for name in required_attributes(TaskDefinitionFeatures(
        network_mode=task_definition.network_mode,
        task_role=bool(getattr(task_definition, "task_role_arn", None)),
        execution_role=bool(getattr(task_definition, "execution_role_arn", None)),
        log_drivers=tuple((c.get("logConfiguration") or {}).get("logDriver") or "" for c in containers),
        images=tuple(c.get("image") or "" for c in containers),
        health_checks=any(c.get("healthCheck") for c in containers),
    ))]
    return task_definition
