"""The sizes of an Auto Scaling group, as EC2 Auto Scaling validates them: MinSize ≤ DesiredCapacity ≤ MaxSize.

CreateAutoScalingGroup and UpdateAutoScalingGroup refuse a desired capacity outside the bounds and a maximum below
the minimum; SetDesiredCapacity refuses a value above the maximum or below the minimum (a scaling policy, instead,
stops at the bounds). Each check returns AWS's ValidationError message, or None when the sizes are valid.
"""

from __future__ import annotations


def bounds_error(min_size: int, max_size: int) -> str | None:
    if max_size < min_size:
        return f"Max bound, {max_size}, must be greater than or equal to min bound, {min_size}"
    return None


def sizes_error(min_size: int, max_size: int, desired: int | None) -> str | None:
    """Create/UpdateAutoScalingGroup: the group's sizes once the request applies."""
    error = bounds_error(min_size, max_size)
    if error is None and desired is not None and not min_size <= desired <= max_size:
        error = (f"Desired capacity:{desired} must be between the specified min size:{min_size} "
                 f"and max size:{max_size}")
    return error


def set_desired_error(value: int, min_size: int, max_size: int) -> str | None:
    """SetDesiredCapacity."""
    if value > max_size:
        return f"New SetDesiredCapacity value {value} is above max value {max_size} for the AutoScalingGroup."
    if value < min_size:
        return f"New SetDesiredCapacity value {value} is below min value {min_size} for the AutoScalingGroup."
    return None
