"""moto's terms that behaviour modules need without touching moto themselves: identifiers and choices drawn from
moto's random source (seeded with moto's, so that a seeded run gives the same ids), the key moto files a scaling
policy under, and Application Auto Scaling's service namespaces."""

from __future__ import annotations

from moto.applicationautoscaling.models import FakeApplicationAutoscalingPolicy, ServiceNamespaceValueSet
from moto.moto_api._internal import mock_random

SERVICE_NAMESPACES = tuple(n.value for n in ServiceNamespaceValueSet)
ECS_NAMESPACE = ServiceNamespaceValueSet.ECS.value


def uuid4() -> str:
    return str(mock_random.uuid4())


def random_zone(zones: list[str]) -> str:
    """The zone moto would pick for an instance launched without a subnet."""
    return mock_random.choice(zones)


def random_hex(length: int) -> str:
    """`length` hexadecimal digits, as in the suffix of a generated name or a container's runtime id."""
    return mock_random.get_random_hex(length)


def deployment_number() -> int:
    """The number in an ECS deployment id (ecs-svc/<19 digits>)."""
    return mock_random.randint(10**18, 10**19 - 1)


def policy_key(service_namespace: str, resource_id: str, scalable_dimension: str, policy_name: str) -> str:
    return FakeApplicationAutoscalingPolicy.formulate_key(service_namespace, resource_id, scalable_dimension,
                                                          policy_name)
