"""A security group in use cannot be deleted (moto deletes it anyway).

AWS (DeleteSecurityGroup, Amazon EC2 API Reference,
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html): "If you attempt to delete a
security group that is associated with an instance or network interface [...] the operation fails with
DependencyViolation"; the message is "resource <group id> has a dependent object". A terminated instance keeps its
network interface, and so its groups, while it shuts down: the emulator keeps it ENI_RELEASE simulated seconds
after TerminateInstances, then the group can go.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import DependencyViolationError

from ecslab.behaviour.clock import clock

ENI_RELEASE = 60.0  # simulated seconds between TerminateInstances and the instance's interface being deleted


def terminate_instances(original: Any, backend: Any, instance_ids: list[str]) -> Any:
    """Note when each instance was terminated (on the simulated clock)."""
    result = original(backend, instance_ids)
    now = clock().now()
    for instance, _ in result:
        if getattr(instance, "ecslab_terminated_at", None) is None:
            instance.ecslab_terminated_at = now
    return result


def holds_interface(instance: Any, now: float) -> bool:
    """An instance has its network interface (its address, its groups) until ENI_RELEASE after its termination."""
    if instance.state != "terminated":
        return True
    terminated_at = getattr(instance, "ecslab_terminated_at", None)
    return terminated_at is not None and now - terminated_at < ENI_RELEASE


def _instance_holds(instance: Any, group_id: str, now: float) -> bool:
    return group_id in {group.id for group in getattr(instance, "security_groups", None) or []} \
        and holds_interface(instance, now)


def in_use(backend: Any, group_id: str) -> bool:
    """A network interface or an instance (running, or terminated a moment ago) still uses the group. An
    instance's own interface is the instance's: moto keeps it after termination, AWS deletes it with the instance."""
    if any(group_id in {group.id for group in eni.group_set}
           for eni in backend.enis.values() if getattr(eni, "instance", None) is None):
        return True
    now = clock().now()
    return any(_instance_holds(instance, group_id, now)
               for reservation in backend.reservations.values() for instance in reservation.instances)


def delete_security_group(original: Any, backend: Any, name: str | None = None, group_id: str | None = None) -> Any:
    group = backend.get_security_group_by_name_or_id(group_id or name) if (group_id or name) else None
    if group is not None and in_use(backend, group.id):
        raise DependencyViolationError(f"resource {group.id} has a dependent object")
    return original(backend, name, group_id)
