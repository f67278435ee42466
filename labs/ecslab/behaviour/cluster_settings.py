"""A cluster's settings and the fields AWS always shows: UpdateClusterSettings (CloudWatch Container Insights),
the account's default for new clusters (PutAccountSettingDefault containerInsights), and the lists create-cluster
answers even when empty (capacityProviders, defaultCapacityProviderStrategy with each item's `base`, statistics,
tags).

Sources: UpdateClusterSettings and CreateCluster in the Amazon ECS API Reference
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateClusterSettings.html,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ClusterSetting.html): the only setting is
containerInsights, with the values enabled, enhanced and disabled; a cluster created without it takes the account's
default (PutAccountSettingDefault).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ecslab.behaviour import account_settings, api, aws_errors
from ecslab.behaviour.errors import ECS_INVALID

CONTAINER_INSIGHTS = "containerInsights"
CONTAINER_INSIGHTS_VALUES = ("enabled", "enhanced", "disabled")


def checked(settings: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    """The settings of an UpdateClusterSettings or CreateCluster call, as AWS validates them (its generic wording)."""
    for setting in settings or []:
        if setting.get("name") != CONTAINER_INSIGHTS or setting.get("value") not in CONTAINER_INSIGHTS_VALUES:
            raise aws_errors.InvalidParameter(ECS_INVALID[1])
    return [{"name": s["name"], "value": s["value"]} for s in settings or []]


def with_every_field(cluster: Any) -> Any:
    """The lists AWS answers on a cluster even when empty; each default strategy item with its base and weight."""
    cluster.capacity_providers = list(cluster.capacity_providers or [])
    cluster.default_capacity_provider_strategy = [
        {"capacityProvider": item["capacityProvider"], "weight": int(item.get("weight") or 0),
         "base": int(item.get("base") or 0)}
        for item in cluster.default_capacity_provider_strategy or []
    ]
    cluster.tags = list(cluster.tags or [])
    if getattr(cluster, "statistics", None) is None:
        cluster.statistics = []
    return cluster


def create_cluster(original: Callable[..., Any]) -> Any:
    """CreateCluster: the settings validated (or the account's default Container Insights), every field shown."""

    @functools.wraps(original)
    def action(self: Any) -> Any:
        asked = checked(self._get_param("settings"))
        result = original(self)
        cluster = self.ecs_backend.clusters[self._get_param("clusterName") or "default"]
        if not asked:
            default = account_settings.effective(self.ecs_backend, CONTAINER_INSIGHTS)
            cluster.settings = [{"name": CONTAINER_INSIGHTS, "value": default or "disabled"}]
        with_every_field(cluster)
        return result

    return action


def cluster_answer(original: Callable[..., Any]) -> Any:
    """An action that answers a cluster (PutClusterCapacityProviders, UpdateCluster): every field shown."""

    @functools.wraps(original)
    def action(self: Any) -> Any:
        result = original(self)
        name = (self._get_param("cluster") or "default").split("/")[-1]
        if name in self.ecs_backend.clusters:
            with_every_field(self.ecs_backend.clusters[name])
        return result

    return action


def update_cluster_settings(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    cluster = api.active_cluster(backend, params.get("cluster"))
    settings = checked(params.get("settings"))
    if not settings:
        raise aws_errors.InvalidParameter(ECS_INVALID[1])
    current = {s["name"]: s["value"] for s in cluster.settings or []}
    current.update({s["name"]: s["value"] for s in settings})
    cluster.settings = [{"name": name, "value": value} for name, value in current.items()]
    return {"cluster": with_every_field(cluster)}
