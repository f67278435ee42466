"""Service Connect as far as the control plane records it: a service's serviceConnectConfiguration (its Cloud Map
namespace, or the cluster's default namespace) and ListServicesByNamespace. No traffic is proxied.

Source: ListServicesByNamespace in the Amazon ECS API Reference
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServicesByNamespace.html): the services, of any
cluster of the account and Region, that use Service Connect with the namespace given by name or ARN; pages of
maxResults (1-100, 10 by default) with nextToken.
"""

from __future__ import annotations

from typing import Any

from moto.servicediscovery.models import servicediscovery_backends

from ecslab.behaviour import aws_errors
from ecslab.behaviour.errors import ECS_INVALID

DEFAULT_PAGE, MAX_PAGE = 10, 100


def namespace_of(service: Any, cluster: Any) -> str | None:
    """The namespace a service's Service Connect uses: its own, else the cluster's default; None when disabled."""
    config = getattr(service, "service_connect_configuration", None) or {}
    if not config.get("enabled"):
        return None
    return config.get("namespace") or (getattr(cluster, "service_connect_defaults", None) or {}).get("namespace")


def _names_of(backend: Any, namespace: str) -> set[str]:
    """Every way to name the namespace (name, ARN, id) when Cloud Map knows it; else the name given."""
    names = {namespace}
    discovery = servicediscovery_backends[backend.account_id][backend.region_name]
    for known in discovery.namespaces.values():
        if namespace in (known.name, known.arn, known.id):
            names |= {known.name, known.arn, known.id}
    return names


def list_services_by_namespace(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    namespace = params.get("namespace")
    size = int(params.get("maxResults") or DEFAULT_PAGE)
    if not namespace or not 1 <= size <= MAX_PAGE:
        raise aws_errors.InvalidParameter(ECS_INVALID[1])
    names = _names_of(backend, namespace)
    arns = [service.arn for service in backend.services.values()
            if service.status != "INACTIVE"
            and namespace_of(service, backend.clusters.get(service.cluster_name)) in names]
    token = params.get("nextToken")
    start = int(token) if token and token.isdigit() else 0
    answer: dict[str, Any] = {"serviceArns": arns[start:start + size]}
    if start + size < len(arns):
        answer["nextToken"] = str(start + size)
    return answer
