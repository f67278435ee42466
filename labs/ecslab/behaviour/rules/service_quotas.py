"""Amazon ECS's bounds on a service's task count and on how fast its scheduler launches tasks.

- "Tasks per service: the maximum number of tasks per service (the desired count)", default quota 5,000 (Amazon ECS
  service quotas). CreateService and UpdateService refuse a desiredCount above it with InvalidParameterException
  "Desired count exceeds limit."; a negative desiredCount is refused too.
- Application Auto Scaling asks ECS for the same desiredCount, so a scaling policy or scheduled action that wants more
  than the quota gets ECS's refusal: its scaling activity fails ("Failed to set desired count to N", the wording of a
  failed activity in the ElastiCache User Guide's DescribeScalingActivities example, followed by ECS's message) and
  the count stays where it was ("when you reach the maximum number of capacity units allowed by a service, scaling
  out will stop", Quotas for Application Auto Scaling). RegisterScalableTarget accepts a larger MaxCapacity ("service
  quotas may impose lower limits", ScalableTargetAction and RegisterScalableTarget).
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


def scaling_failure(desired: int) -> str | None:
    """The StatusMessage of the failed scaling activity when Application Auto Scaling asks ECS for a desiredCount
    ECS refuses; None when ECS accepts it."""
    error = desired_count_error(desired)
    return None if error is None else f"Failed to set desired count to {desired}. {error}"
