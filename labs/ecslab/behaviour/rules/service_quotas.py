"""Amazon ECS's bounds on a service's task count and on how fast its scheduler launches tasks.

- "Tasks per service: the maximum number of tasks per service (the desired count)", default quota 5,000 (Amazon ECS
  service quotas). CreateService and UpdateService refuse a desiredCount above it with InvalidParameterException
  "Desired count exceeds limit."; a negative desiredCount is refused too.
- "Rate of tasks launched by a service on AWS Fargate": 500 tasks per service per minute (same page). The service
  scheduler here launches every service's tasks at that rate, on Fargate and on EC2 alike: at most LAUNCH_BATCH tasks
  at a time, the next batch LAUNCH_INTERVAL simulated seconds later. A service of a few tasks starts them at once,
  as before; one of thousands converges over many simulation steps, as on AWS.
"""

from __future__ import annotations

TASKS_PER_SERVICE = 5000
LAUNCHES_PER_MINUTE = 500
LAUNCH_BATCH = 50
LAUNCH_INTERVAL = 60.0 * LAUNCH_BATCH / LAUNCHES_PER_MINUTE  # 6 simulated seconds

DESIRED_COUNT_ABOVE_QUOTA = "Desired count exceeds limit."
DESIRED_COUNT_NEGATIVE = "Desired count can not be less than 0."


def desired_count_error(desired: int) -> str | None:
    """The InvalidParameterException message for a desiredCount ECS refuses, or None when it is within bounds."""
    if desired < 0:
        return DESIRED_COUNT_NEGATIVE
    if desired > TASKS_PER_SERVICE:
        return DESIRED_COUNT_ABOVE_QUOTA
    return None


def launch_batch(wanted: int) -> int:
    """How many of the `wanted` tasks the scheduler launches now (the rest wait LAUNCH_INTERVAL)."""
    return max(0, min(wanted, LAUNCH_BATCH))
