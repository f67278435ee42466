"""The simulation pass touches only what changed: a write naming one cluster converges that cluster's services, not
the whole class's (in-process, on moto's backends, in an account of its own)."""

from __future__ import annotations

import pytest

ACCOUNT, REGION = "123456789077", "us-east-1"
CLUSTERS = ("pass-a", "pass-b", "pass-c")


@pytest.fixture
def converged(monkeypatch):
    """The behaviour layer installed, one EC2 service (nowhere to run) per cluster, one full pass made; yields the
    list the clusters of every service converge are appended to."""
    from moto.ecs.models import ecs_backends

    from ecslab.behaviour import api, install, scheduler, simulation_pass

    install()
    backend = ecs_backends[ACCOUNT][REGION]
    backend.register_task_definition("pass-web", [{"name": "web", "image": "nginx", "memory": 128}])
    for name in CLUSTERS:
        backend.create_cluster(name)
        api.create_service(backend, {"cluster": name, "serviceName": "web", "taskDefinition": "pass-web",
                                     "desiredCount": 1, "launchType": "EC2"})
    simulation_pass.note_write()
    simulation_pass.reconcile()
    seen: list[str] = []
    original = scheduler.converge

    def converge(world, service, at, known_tasks=None):
        if world.ecs.account_id == ACCOUNT:
            seen.append(service.cluster_name)
        return original(world, service, at, known_tasks)

    monkeypatch.setattr(scheduler, "converge", converge)
    yield seen
    for name in CLUSTERS:
        backend.services.pop(f"{name}:web", None)
        backend.clusters.pop(name, None)


def test_a_write_naming_a_cluster_converges_only_that_cluster(converged):
    from ecslab.behaviour import simulation_pass

    simulation_pass.note_write("pass-b", outside_ecs=False)
    simulation_pass.reconcile()
    assert set(converged) == {"pass-b"}


def test_a_write_naming_no_cluster_converges_every_cluster(converged):
    from ecslab.behaviour import simulation_pass

    simulation_pass.note_write()
    simulation_pass.reconcile()
    assert set(converged) == set(CLUSTERS)


def test_no_write_and_nothing_due_converges_nothing(converged):
    from ecslab.behaviour import simulation_pass

    simulation_pass.reconcile()
    assert converged == []
