"""The public parameters of the ECS-optimized AMIs, as AWS publishes them.

moto loads `/aws/service/ecs/optimized-ami/.../recommended` (Amazon Linux 2, 2023, arm64, GPU…) from a tree whose
value there is a dict, and answers its Python text (`{'image_id': ...}`): AWS's tutorials read it with
`jq -r .image_id` and broke. On AWS the value is a JSON document (keys image_id, image_name, image_version, os,
ecs_agent_version, ecs_runtime_version, schema_version, source_image_name): "Retrieving Amazon ECS-optimized Linux
AMI metadata", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

ECS_AMI_PREFIX = "/aws/service/ecs/optimized-ami"


def as_json_document(value: Any) -> Any:
    """A parameter value moto holds as a dict, as the JSON text AWS answers (compact, as AWS writes it)."""
    return json.dumps(value, separators=(",", ":")) if isinstance(value, dict) else value


def tree_loaded(original: Callable[..., Any], parameters: Any, path: str) -> None:
    """moto's ParameterDict._load_tree_parameters, then the ECS AMI parameters' dict values as JSON documents."""
    original(parameters, path)
    for name, versions in list(parameters.items()):
        if name.startswith(ECS_AMI_PREFIX):
            for parameter in versions:
                parameter.value = as_json_document(parameter.value)
