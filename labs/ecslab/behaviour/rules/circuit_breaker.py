"""The deployment circuit breaker (`deploymentCircuitBreaker` of a service's deployment configuration).

A deployment fails when `threshold` of its tasks fail: tasks that stop before RUNNING (stage 1), and tasks that
fail their container or load balancer health checks (stage 2). By default the threshold is half the desired count,
rounded up, at least 3 and at most 200 (the API reference of ServiceDeploymentCircuitBreaker). `thresholdConfiguration`
changes it (API_ThresholdConfiguration): COUNT uses `value` itself; BOUNDED_PERCENT takes `value` percent of the
desired count within those bounds (the default, 50); UNBOUNDED_PERCENT the same without them. With `resetOnHealthyTask`
(on by default) a task that becomes healthy sets the count back to 0. A failed deployment stops launching tasks;
with `rollback` the service goes back to the last deployment that completed.
"""

from __future__ import annotations

import math

MINIMUM, MAXIMUM = 3, 200
TYPES = ("COUNT", "BOUNDED_PERCENT", "UNBOUNDED_PERCENT")
DEFAULT = {"type": "BOUNDED_PERCENT", "value": 50}


def threshold(desired_count: int, configuration: dict | None = None) -> int:
    kind = (configuration or DEFAULT)["type"]
    value = int((configuration or DEFAULT)["value"])
    if kind == "COUNT":
        return max(1, value)
    share = math.ceil(value * desired_count / 100)
    return max(1, share) if kind == "UNBOUNDED_PERCENT" else min(MAXIMUM, max(MINIMUM, share))


def tripped(failures: int, desired_count: int, configuration: dict | None = None) -> bool:
    return failures >= threshold(desired_count, configuration)
