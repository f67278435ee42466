"""One simulated world per (account, region): moto's ECS backend plus its EC2, Auto Scaling, CloudWatch and
Application Auto Scaling neighbours."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from moto.applicationautoscaling.models import applicationautoscaling_backends
from moto.autoscaling import autoscaling_backends
from moto.cloudwatch.models import cloudwatch_backends
from moto.ec2 import ec2_backends
from moto.ecs import ecs_backends

from ecslab.behaviour import state
from ecslab.behaviour.clock import clock
from ecslab.behaviour.state import WorldSim


@dataclass
class World:
    ecs: Any

    @property
    def sim(self) -> WorldSim:
        record = state.get(self.ecs)
        if record is None:
            record = state.put(self.ecs, WorldSim(last_time=clock().now()))
        return record

    @property
    def ec2(self) -> Any:
        return ec2_backends[self.ecs.account_id][self.ecs.region_name]

    @property
    def autoscaling(self) -> Any:
        return autoscaling_backends[self.ecs.account_id][self.ecs.region_name]

    @property
    def cloudwatch(self) -> Any:
        return cloudwatch_backends[self.ecs.account_id][self.ecs.region_name]

    @property
    def application_autoscaling(self) -> Any:
        return applicationautoscaling_backends[self.ecs.account_id][self.ecs.region_name]

    def cluster_tasks(self, cluster_name: str) -> list[Any]:
        return list(self.ecs.tasks.get(cluster_name, {}).values())

    def instance(self, instance_id: str) -> Any:
        """The EC2 instance with this id, or None. moto's get_instance copies every reservation of the region to
        find one (a class's hot spot); here an index of the reservations is kept, built again when moto holds
        reservations it has not seen (moto never moves an instance from one reservation to another)."""
        index = self._instances()
        if instance_id not in index and len(index.reservations) != len(self.ec2.reservations):
            index = self._instances(rebuild=True)
        return index.get(instance_id)

    def _instances(self, rebuild: bool = False) -> _InstanceIndex:
        index = state.get(self.ec2)  # kept on moto's EC2 backend: a reset forgets it with the backend
        if index is None or rebuild:
            index = state.put(self.ec2, _InstanceIndex(self.ec2))
        return index


class _InstanceIndex(dict):
    def __init__(self, backend: Any):
        super().__init__()
        self.reservations = dict(backend.reservations)
        for reservation in self.reservations.values():
            for instance in reservation.instances:
                self[instance.id] = instance


def world_of(account_id: str, region_name: str) -> World:
    return World(ecs_backends[account_id][region_name])


def worlds() -> Iterator[World]:
    """Every ECS backend moto has created so far (a backend nobody asked for has nothing to simulate)."""
    for account in list(dict.values(ecs_backends)):
        for backend in list(dict.values(account)):
            yield World(backend)
