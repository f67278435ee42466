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
