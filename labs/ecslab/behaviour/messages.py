"""Strings exactly as Amazon ECS writes them (service events, stop reasons, placement failures)."""

from __future__ import annotations

TROUBLESHOOTING = "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."


def task_ids(tasks: list) -> str:
    return " ".join(f"(task {task.id})" for task in tasks)


def started_tasks(service: str, tasks: list) -> str:
    return f"(service {service}) has started {len(tasks)} tasks: {task_ids(tasks)}."


def stopped_tasks(service: str, tasks: list) -> str:
    return f"(service {service}) has stopped {len(tasks)} running tasks: {task_ids(tasks)}."


def steady_state(service: str) -> str:
    return f"(service {service}) has reached a steady state."


def deployment_completed(service: str, deployment_id: str) -> str:
    return f"(service {service}) (deployment {deployment_id}) deployment completed."


def unable_to_place(service: str, detail: str) -> str:
    return (
        f"(service {service}) was unable to place a task because no container instance met all of its "
        f"requirements. {detail} {TROUBLESHOOTING}"
    )


def registered_targets(service: str, count: int, target_group_arn: str) -> str:
    return f"(service {service}) registered {count} targets in (target-group {target_group_arn})"


def deregistered_targets(service: str, count: int, target_group_arn: str) -> str:
    return f"(service {service}) deregistered {count} targets in (target-group {target_group_arn})"


def draining_connections(service: str, count: int) -> str:
    return f"(service {service}) has begun draining connections on {count} tasks."


NO_CONTAINER_INSTANCES = "No Container Instances were found in your cluster."
REASON_NO_INSTANCES = f"Reason: {NO_CONTAINER_INSTANCES}"


def closest_match(container_instance_id: str, reason: str) -> str:
    what = {
        "RESOURCE:CPU": "has insufficient CPU units available.",
        "RESOURCE:MEMORY": "has insufficient memory available.",
        "RESOURCE:PORTS": "is already using a port required by your task.",
        "ATTRIBUTE": "is missing an attribute required by your task.",
        "DISTINCT": "is already running a task from this group.",
    }.get(reason, "does not meet the requirements of your task.")
    return f"The closest matching (container-instance {container_instance_id}) {what}"


def scaling_activity(deployment_id: str) -> str:
    return f"Scaling activity initiated by (deployment {deployment_id})"


def host_terminated(instance_id: str) -> str:
    return f"Host EC2 (instance {instance_id}) terminated."


def rollout_in_progress(deployment_id: str) -> str:
    return f"ECS deployment {deployment_id} in progress."


def rollout_completed(deployment_id: str) -> str:
    return f"ECS deployment {deployment_id} completed."


SPOT_TASK_INTERRUPTED = "Your Spot Task was interrupted."
USER_STOPPED = "Task stopped by user"
STOP_USER = "UserInitiated"
STOP_SCHEDULER = "ServiceSchedulerInitiated"
STOP_TERMINATION = "TerminationNotice"
STOP_SPOT = "SpotInterruption"


# --- failures (see MESSAGES.md for each string's source) ---------------------------------------------------------

STOP_FAILED_TO_START = "TaskFailedToStart"
STOP_ESSENTIAL_EXITED = "EssentialContainerExited"
ESSENTIAL_CONTAINER_EXITED = "Essential container in task exited"
CONTAINER_HEALTH_FAILED = "Task failed container health checks"


def elb_health_failed(target_group_arn: str) -> str:
    return f"Task failed ELB health checks in (target-group {target_group_arn})"


def unhealthy_target(service: str, task_id: str, port: int, target_group_arn: str, description: str) -> str:
    return (f"(service {service}) (task {task_id}) (port {port}) is unhealthy in (target-group {target_group_arn}) "
            f"due to (reason {description}).")


def failed_container_health(service: str, task_id: str) -> str:
    return f"(service {service}) (task {task_id}) failed container health checks."


def unable_to_start(service: str) -> str:
    return f"(service {service}) is unable to consistently start tasks successfully. {TROUBLESHOOTING}"


def deployment_failed(service: str, deployment_id: str) -> str:
    return f"(service {service}) (deployment {deployment_id}) deployment failed: tasks failed to start."


def rolling_back(service: str, deployment_id: str) -> str:
    return f"(service {service}) rolling back to deployment {deployment_id}."


CIRCUIT_BREAKER_FAILED = "ECS deployment circuit breaker: tasks failed to start."


def circuit_breaker_rolling_back(deployment_id: str) -> str:
    return f"ECS deployment circuit breaker: rolling back to deploymentId {deployment_id}."


def _address(seed: int) -> str:
    return f"52.94.{seed % 250 + 1}.{(seed * 7) % 250 + 1}"


_INIT = "ResourceInitializationError: unable to pull secrets or registry auth: "


def registry_auth_unreachable(region: str, seed: int) -> str:
    return (f"{_INIT}The task cannot pull registry auth from Amazon ECR: There is a connection issue between the "
            "task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, "
            "exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send "
            f"failed, Post \"https://api.ecr.{region}.amazonaws.com/\": dial tcp {_address(seed)}:443: i/o timeout")


def registry_auth_denied(account: str, role: str, task_id: str) -> str:
    return (f"{_INIT}execution resource retrieval failed: unable to retrieve ecr registry auth: service call has "
            "been retried 1 time(s): operation error ECR: GetAuthorizationToken, https response error StatusCode: "
            f"400, RequestID: {task_id[:8]}-0000-4000-8000-{task_id[-12:]}, api error AccessDeniedException: User: "
            f"arn:aws:sts::{account}:assumed-role/{role}/{task_id} is not authorized to perform: "
            "ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the "
            "ecr:GetAuthorizationToken action")


def secrets_unreachable(service: str) -> str:
    if service == "secretsmanager":
        return (f"{_INIT}unable to retrieve secret from asm: There is a connection issue between the task and AWS "
                "Secrets Manager. Check your task network configuration. operation error Secrets Manager: "
                "GetSecretValue, https response error StatusCode: 0, RequestID: , canceled, context deadline exceeded.")
    return (f"{_INIT}unable to retrieve secrets from ssm: The task cannot pull secrets from AWS Systems Manager. "
            "There is a connection issue between the task and AWS Systems Manager Parameter Store. Check your task "
            "network configuration. RequestCanceled: request context canceled caused by: context deadline exceeded")


LOGS_UNREACHABLE = (
    "ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log "
    "group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. "
    "Check your network configuration. : signal: killed"
)


INSUFFICIENT_FREE_ADDRESSES = (
    "InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the "
    "request."
)


def image_unreachable(reference: str, registry: str, seed: int) -> str:
    path = reference.split("/", 1)[1] if "/" in reference else reference
    name, tag = (path.split("@")[0], path.split("@")[1]) if "@" in path else path.rsplit(":", 1)
    host = "registry-1.docker.io" if registry == "docker.io" else registry
    return (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
            f"{reference}: failed to do request: Head \"https://{host}/v2/{name}/manifests/{tag}\": dial tcp "
            f"{_address(seed)}:443: i/o timeout")


def image_not_found(reference: str) -> str:
    return (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
            f"{reference}: {reference}: not found")


# ExecuteCommand (execute_command.py)
EXECUTE_COMMAND_NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was run or the execute "
    "command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again."
)
EXECUTE_COMMAND_NO_SHELL = (
    "O emulador não executa contêineres, então não há shell para o ECS Exec abrir. Use ECSLAB_BACKEND=aws para "
    "rodar comandos dentro de uma tarefa de verdade."
)
