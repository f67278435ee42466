"""Capacity-provider strategies: `base` tasks first on one provider, the rest shared by `weight`."""

from __future__ import annotations

from typing import Any

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def launch_type_of(provider: str) -> str:
    return "FARGATE" if provider in FARGATE_PROVIDERS else "EC2"


def next_provider(strategy: list[dict[str, Any]], counts: dict[str, int]) -> str:
    """The provider the next task goes to, given how many tasks each provider already has."""
    for item in strategy:
        base = int(item.get("base") or 0)
        if base and counts.get(item["capacityProvider"], 0) < base:
            return item["capacityProvider"]
    weighted = [item for item in strategy if int(item.get("weight") or 0) > 0] or strategy[:1]

    def load(item: dict[str, Any]) -> tuple[float, int, int]:
        name = item["capacityProvider"]
        weight = max(int(item.get("weight") or 0), 1)
        beyond_base = counts.get(name, 0) - int(item.get("base") or 0)
        return ((max(beyond_base, 0) + 1) / weight, -weight, strategy.index(item))

    return min(weighted, key=load)["capacityProvider"]


def distribute(strategy: list[dict[str, Any]], count: int, counts: dict[str, int] | None = None) -> list[str]:
    """Providers for `count` new tasks, in order."""
    counts = dict(counts or {})
    chosen = []
    for _ in range(count):
        provider = next_provider(strategy, counts)
        counts[provider] = counts.get(provider, 0) + 1
        chosen.append(provider)
    return chosen


def effective_strategy(launch_type: str | None, strategy: list[dict[str, Any]] | None, cluster: Any) -> list:
    """The strategy a request uses: its own, else the cluster's default unless it names a launch type."""
    if launch_type:
        return []
    if strategy:
        return strategy
    return list(cluster.default_capacity_provider_strategy or [])


def managed_scaling_enabled(backend: Any, provider_name: str) -> bool:
    provider = backend.capacity_providers.get(provider_name)
    settings = (provider.auto_scaling_group_provider or {}).get("managedScaling") or {} if provider else {}
    return settings.get("status") == "ENABLED"
