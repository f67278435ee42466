"""CloudWatch's get_metric_statistics reading only the datapoints of the metric asked for.

moto scans every datapoint of the region for each query (`get_all_metrics()`, then a filter per datapoint). The
simulation puts two AWS/ECS datapoints per service and per cluster every simulated minute, so in a class one
student's query read the whole class's hours of data (hundreds of milliseconds). An index by (namespace, metric
name), kept up to date from the append-only `metric_data` list, gives moto's own code only that metric's datapoints,
in their original order: the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend

from ecslab.behaviour.patching import Patch, wrap

INDEX = "_ecslab_metric_index"


def datapoints_of(backend: Any, namespace: str, metric_name: str) -> list[Any]:
    """The stored datapoints of one metric, in the order they were put (indexed as `metric_data` grows)."""
    data = backend.metric_data
    index = backend.__dict__.get(INDEX)
    if index is None or index["list"] is not data or index["seen"] > len(data):
        index = {"list": data, "seen": 0, "by_metric": {}}
        setattr(backend, INDEX, index)
    by_metric = index["by_metric"]
    for datum in data[index["seen"]:]:
        by_metric.setdefault((datum.namespace, datum.name), []).append(datum)
    index["seen"] = len(data)
    return by_metric.get((namespace, metric_name), [])


def narrowed(original: Callable[..., Any], backend: Any, namespace: str, metric_name: str, *args: Any,
             **kwargs: Any) -> Any:
    candidates = datapoints_of(backend, namespace, metric_name) + [
        datum for datum in backend.aws_metric_data if datum.namespace == namespace and datum.name == metric_name]
    backend.get_all_metrics = lambda: candidates  # what moto's filter reads, for this call only (under the lock)
    try:
        return original(backend, namespace, metric_name, *args, **kwargs)
    finally:
        del backend.get_all_metrics


PATCHES: tuple[Patch, ...] = (
    Patch(CloudWatchBackend, "get_metric_statistics",
          "(self, namespace: str, metric_name: str, start_time: datetime.datetime, end_time: datetime.datetime, "
          "period: int, stats: list[str], dimensions: list[dict[str, str]], unit: str | None = None) "
          "-> list[moto.cloudwatch.models.Statistics]",
          wrap(narrowed), "moto's scan of every datapoint of the region for each query"),
)
