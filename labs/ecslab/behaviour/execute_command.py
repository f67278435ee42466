"""ExecuteCommand (ECS Exec): refused as AWS refuses it when the task was started without enableExecuteCommand;
otherwise refused because the emulator runs no container, so there is no shell to open.

Source: ExecuteCommand in the Amazon ECS API Reference
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommand.html) for the request and its errors
(InvalidParameterException, TargetNotConnectedException); the wording in messages.py (MESSAGES.md).
"""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import api, aws_errors, messages


class TargetNotConnected(aws_errors.AwsError):
    code = "TargetNotConnectedException"
    message = messages.EXECUTE_COMMAND_NO_SHELL


def execute_command(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    cluster = api.active_cluster(backend, params.get("cluster"))
    task = api.find_task(backend, cluster, params.get("task") or "")
    if not getattr(task, "enable_execute_command", False):
        raise aws_errors.InvalidParameter(messages.EXECUTE_COMMAND_NOT_ENABLED)
    raise TargetNotConnected()
