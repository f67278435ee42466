"""ECS Express Mode (Create/Describe/Update/DeleteExpressGatewayService), kept simple: what AWS creates, in the
emulator's terms, and the answers in the API's shapes.

AWS ("Resources created by Amazon ECS Express Mode services",
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html) creates the default cluster
if missing, a task definition, a service, an Application Load Balancer with its listener and target group, security
groups, an auto scaling target and policy, a log group, an alarm and an ACM certificate. The emulator creates the
cluster, the task definition (Fargate, awsvpc), a security group, an internet-facing ALB with an HTTP listener on
port 80 (no HTTPS, no certificate) and its target group, and a Fargate service behind it with minTaskCount tasks.
It creates no scaling policy, log group, alarm nor certificate (docs/laboratorios/emulador.md). Deleting the
Express service deletes the ECS service; the load balancer, target group and security group stay (tagged as the
request asked), for `ecslab limpar`.

Request and answer shapes: the Amazon ECS API Reference, CreateExpressGatewayService, DescribeExpressGatewayService,
UpdateExpressGatewayService and DeleteExpressGatewayService
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateExpressGatewayService.html and siblings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moto.elbv2 import elbv2_backends

from ecslab.behaviour import api, aws_errors, moto_terms, service_deployments, tasks
from ecslab.behaviour.clock import clock
from ecslab.behaviour.errors import ECS_INVALID
from ecslab.behaviour.world import World

DEFAULT_CPU, DEFAULT_MEMORY = "1024", "2048"
DEFAULT_PORT, DEFAULT_HEALTH_CHECK_PATH = 80, "/"
DEFAULT_SCALING = {"minTaskCount": 1, "maxTaskCount": 20, "autoScalingMetric": "AVERAGE_CPU",
                   "autoScalingTargetValue": 60}
CONTAINER_NAME = "Main"


@dataclass
class ExpressService:
    """What ECS keeps of an Express service beyond the ECS service itself."""

    service_arn: str
    infrastructure_role_arn: str
    tags: list[dict[str, str]]
    created_at: float
    updated_at: float
    endpoint: str
    configurations: list[dict[str, Any]] = field(default_factory=list)


def _records(backend: Any) -> dict[str, ExpressService]:
    if not hasattr(backend, "ecslab_express_services"):
        backend.ecslab_express_services = {}
    return backend.ecslab_express_services


def _record(backend: Any, service_arn: str | None) -> tuple[ExpressService, Any]:
    record = _records(backend).get(service_arn or "")
    if record is None:
        raise aws_errors.ServiceNotFound()
    cluster, name = service_arn.split(":service/")[1].split("/")
    return record, backend._get_service(cluster, name)


def _cluster(backend: Any, name: str | None) -> Any:
    name = (name or "default").split("/")[-1]
    if name not in backend.clusters or backend.clusters[name].status != "ACTIVE":
        backend.create_cluster(name, capacity_providers=["FARGATE", "FARGATE_SPOT"])
    return api.active_cluster(backend, name)


def _network(world: World, given: dict[str, Any] | None, name: str, port: int,
             tags: dict[str, str]) -> dict[str, Any]:
    """The subnets and security groups asked for, else the default VPC's subnets and a new security group shared by
    the load balancer and the tasks: HTTP from anywhere to the listener, the container port from the group itself."""
    subnets = list((given or {}).get("subnets") or [])
    if not subnets:
        vpc = world.ec2.get_default_vpc() or world.ec2.create_default_vpc()
        subnets = [s.id for s in world.ec2.describe_subnets(filters={"vpc-id": [vpc.id]})]
    groups = list((given or {}).get("securityGroups") or [])
    if not groups:
        vpc_id = world.ec2.get_subnet(subnets[0]).vpc_id
        group = world.ec2.create_security_group(f"ecs-express-{name}-{moto_terms.random_hex(6)}",
                                                f"Express service {name}", vpc_id, tags=tags)
        world.ec2.authorize_security_group_ingress(group.id, "tcp", "80", "80", [{"CidrIp": "0.0.0.0/0"}])
        world.ec2.authorize_security_group_ingress(group.id, "tcp", str(port), str(port), [],
                                                   source_groups=[{"GroupId": group.id}])
        groups = [group.id]
    return {"subnets": subnets, "securityGroups": groups}


def _load_balancer(world: World, name: str, network: dict[str, Any], port: int, health_check_path: str,
                   tags: list[dict[str, str]]) -> tuple[str, str]:
    """(target group ARN, the ALB's DNS name): an internet-facing ALB forwarding HTTP :80 to the tasks."""
    elbv2 = elbv2_backends[world.ecs.account_id][world.ecs.region_name]
    short = f"ecs-express-{name}"[:26] + "-" + moto_terms.random_hex(5)
    vpc_id = world.ec2.get_subnet(network["subnets"][0]).vpc_id
    group = elbv2.create_target_group(short, protocol="HTTP", port=port, vpc_id=vpc_id, target_type="ip",
                                      healthcheck_path=health_check_path, tags=tags or None)
    balancer = elbv2.create_load_balancer(short, network["securityGroups"], network["subnets"], tags=tags or None)
    elbv2.create_listener(balancer.arn, "HTTP", 80, None, None,
                          [{"Type": "forward", "TargetGroupArn": group.arn}])
    return group.arn, balancer.dns_name


def _container(primary: dict[str, Any]) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "name": CONTAINER_NAME, "image": primary["image"], "essential": True,
        "portMappings": [{"containerPort": int(primary.get("containerPort") or DEFAULT_PORT), "protocol": "tcp"}],
    }
    for key in ("command", "environment", "secrets", "repositoryCredentials"):
        if primary.get(key):
            definition[key] = primary[key]
    logs = primary.get("awsLogsConfiguration")
    if logs:
        definition["logConfiguration"] = {"logDriver": "awslogs", "options": {
            "awslogs-group": logs["logGroup"], "awslogs-stream-prefix": logs["logStreamPrefix"]}}
    return definition


def _task_definition(backend: Any, name: str, config: dict[str, Any]) -> Any:
    return backend.register_task_definition(
        name, [_container(config["primaryContainer"])], network_mode="awsvpc",
        requires_compatibilities=["FARGATE"], cpu=config["cpu"], memory=config["memory"],
        task_role_arn=config.get("taskRoleArn"), execution_role_arn=config.get("executionRoleArn"),
        runtime_platform={"cpuArchitecture": config.get("cpuArchitecture") or "X86_64",
                          "operatingSystemFamily": "LINUX"},
    )


def _configuration(service: Any, record: ExpressService, config: dict[str, Any], at: float) -> dict[str, Any]:
    primary = {**config["primaryContainer"],
               "containerPort": int(config["primaryContainer"].get("containerPort") or DEFAULT_PORT)}
    return {
        "serviceRevisionArn": service_deployments.revision_arn(service, service.deployments[0]["id"]),
        "executionRoleArn": config.get("executionRoleArn"),
        "taskRoleArn": config.get("taskRoleArn"),
        "taskDefinitionArn": service.task_definition,
        "cpu": config["cpu"],
        "memory": config["memory"],
        "cpuArchitecture": config.get("cpuArchitecture") or "X86_64",
        "networkConfiguration": config["networkConfiguration"],
        "healthCheckPath": config["healthCheckPath"],
        "primaryContainer": primary,
        "scalingTarget": config["scalingTarget"],
        "ingressPaths": [{"accessType": "PUBLIC", "endpoint": record.endpoint}],
        "createdAt": tasks.ts(at),
    }


def _answer(backend: Any, record: ExpressService, service: Any) -> dict[str, Any]:
    return {
        "cluster": backend.clusters[service.cluster_name].arn,
        "serviceName": service.name,
        "serviceArn": service.arn,
        "infrastructureRoleArn": record.infrastructure_role_arn,
        "status": {"statusCode": service.status},
        "currentDeployment": (service_deployments.deployment_arn(service, service.deployments[0]["id"])
                              if service.deployments else None),
        "activeConfigurations": record.configurations[-1:],
        "tags": record.tags,
        "createdAt": tasks.ts(record.created_at),
        "updatedAt": tasks.ts(record.updated_at),
    }


def _settings(params: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The configuration asked for, over `base` (the current one) or the defaults."""
    base = base or {"cpu": DEFAULT_CPU, "memory": DEFAULT_MEMORY, "healthCheckPath": DEFAULT_HEALTH_CHECK_PATH,
                    "scalingTarget": DEFAULT_SCALING}
    config = dict(base)
    for key in ("executionRoleArn", "taskRoleArn", "cpu", "memory", "cpuArchitecture", "healthCheckPath",
                "primaryContainer", "networkConfiguration"):
        if params.get(key) is not None:
            config[key] = params[key]
    if params.get("scalingTarget") is not None:
        config["scalingTarget"] = {**base.get("scalingTarget", DEFAULT_SCALING), **params["scalingTarget"]}
    return config


def create_express_gateway_service(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    primary = params.get("primaryContainer") or {}
    if not primary.get("image") or not params.get("infrastructureRoleArn"):  # the API model's required members
        raise aws_errors.InvalidParameter(ECS_INVALID[1])
    world = World(backend)
    cluster = _cluster(backend, params.get("cluster"))
    name = params.get("serviceName") or (
        primary["image"].split("/")[-1].split(":")[0].split("@")[0] + "-" + moto_terms.random_hex(4))
    api.check_new_service_name(backend, cluster, name)
    request_tags = list(params.get("tags") or [])
    config = _settings(params)
    port = int(primary.get("containerPort") or DEFAULT_PORT)
    config["networkConfiguration"] = _network(world, params.get("networkConfiguration"), name, port,
                                              {t["key"]: t["value"] for t in request_tags})
    elb_tags = [{"Key": t["key"], "Value": t["value"]} for t in request_tags]
    group_arn, endpoint = _load_balancer(world, name, config["networkConfiguration"], port,
                                         config["healthCheckPath"], elb_tags)
    task_definition = _task_definition(backend, name, config)
    service = api.create_service(backend, {
        "cluster": cluster.name, "serviceName": name, "taskDefinition": task_definition.arn,
        "desiredCount": int(config["scalingTarget"]["minTaskCount"]), "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {**config["networkConfiguration"],
                                                         "assignPublicIp": "ENABLED"}},
        "loadBalancers": [{"targetGroupArn": group_arn, "containerName": CONTAINER_NAME, "containerPort": port}],
        "tags": request_tags,
    })
    now = clock().now()
    record = ExpressService(service.arn, params["infrastructureRoleArn"], request_tags, now, now, endpoint)
    record.configurations.append(_configuration(service, record, config, now))
    _records(backend)[service.arn] = record
    return {"service": _answer(backend, record, service)}


def describe_express_gateway_service(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    record, service = _record(backend, params.get("serviceArn"))
    answer = _answer(backend, record, service)
    if "TAGS" not in (params.get("include") or []):
        answer.pop("tags")
    return {"service": answer}


def update_express_gateway_service(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    """A new task definition revision and a new deployment of the service when the configuration changed."""
    record, service = _record(backend, params.get("serviceArn"))
    if service.status != "ACTIVE":
        raise aws_errors.ServiceNotActive()
    current = record.configurations[-1]
    config = _settings(params, current)
    update: dict[str, Any] = {"cluster": service.cluster_name, "service": service.name}
    if any(config.get(key) != current.get(key) for key in
           ("executionRoleArn", "taskRoleArn", "cpu", "memory", "cpuArchitecture", "primaryContainer")):
        update["taskDefinition"] = _task_definition(backend, service.name.split("/")[-1], config).arn
    if config["networkConfiguration"] != current["networkConfiguration"]:
        update["networkConfiguration"] = {"awsvpcConfiguration": {**config["networkConfiguration"],
                                                                  "assignPublicIp": "ENABLED"}}
    api.update_service(backend, update)
    now = clock().now()
    record.updated_at = now
    record.configurations.append(_configuration(service, record, config, now))
    return {"service": {
        "serviceArn": service.arn, "cluster": backend.clusters[service.cluster_name].arn, "serviceName": service.name,
        "status": {"statusCode": service.status}, "targetConfiguration": record.configurations[-1],
        "createdAt": tasks.ts(record.created_at), "updatedAt": tasks.ts(now),
    }}


def delete_express_gateway_service(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    record, service = _record(backend, params.get("serviceArn"))
    if service.status == "ACTIVE":
        service = backend.delete_service(service.cluster_name, service.name, True)
    record.updated_at = clock().now()
    return {"service": _answer(backend, record, service)}
