"""Capacity-provider strategies: base first, then weight; each task shows its provider and launch type."""

from __future__ import annotations

STRATEGY = [
    {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
]


def providers(tasks):
    names = [t["capacityProviderName"] for t in tasks]
    return {name: names.count(name) for name in set(names)}


def cluster_with_fargate(sim, default=None):
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.put_cluster_capacity_providers(
        cluster="lab", capacityProviders=["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy=default or [],
    )


def test_service_strategy_honours_base_and_weight(sim):
    net = sim.network()
    cluster_with_fargate(sim)
    sim.fargate_task_definition()
    created = sim.ecs.create_service(cluster="lab", serviceName="web", taskDefinition="web", desiredCount=5,
                                     capacityProviderStrategy=STRATEGY, networkConfiguration=net["awsvpc"])["service"]
    assert "launchType" not in created
    assert created["capacityProviderStrategy"] == STRATEGY
    sim.stable("lab", "web")
    tasks = sim.tasks("lab", serviceName="web")
    assert providers(tasks) == {"FARGATE": 2, "FARGATE_SPOT": 3}
    assert {t["launchType"] for t in tasks} == {"FARGATE"}

    sim.ecs.update_service(cluster="lab", service="web", desiredCount=9)
    sim.stable("lab", "web")
    assert providers(sim.tasks("lab", serviceName="web")) == {"FARGATE": 3, "FARGATE_SPOT": 6}


def test_run_task_with_a_strategy(sim):
    net = sim.network()
    cluster_with_fargate(sim)
    sim.fargate_task_definition()
    result = sim.ecs.run_task(cluster="lab", taskDefinition="web", count=4, capacityProviderStrategy=STRATEGY,
                              networkConfiguration=net["awsvpc"])
    assert providers(result["tasks"]) == {"FARGATE": 1, "FARGATE_SPOT": 3}


def test_the_cluster_default_strategy_applies_without_a_launch_type(sim):
    net = sim.network()
    cluster_with_fargate(sim, default=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
    sim.fargate_task_definition()
    result = sim.ecs.run_task(cluster="lab", taskDefinition="web", count=2, networkConfiguration=net["awsvpc"])
    assert providers(result["tasks"]) == {"FARGATE_SPOT": 2}
    explicit = sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE",
                                networkConfiguration=net["awsvpc"])["tasks"][0]
    assert explicit["launchType"] == "FARGATE" and "capacityProviderName" not in explicit


def test_a_strategy_cannot_mix_fargate_and_asg_providers(sim):
    net = sim.network()
    cluster_with_fargate(sim)
    sim.fargate_task_definition()
    mixed = [{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "cp-ec2", "weight": 1}]
    try:
        sim.ecs.run_task(cluster="lab", taskDefinition="web", capacityProviderStrategy=mixed,
                         networkConfiguration=net["awsvpc"])
    except sim.ecs.exceptions.InvalidParameterException:
        return
    raise AssertionError("a mixed strategy was accepted")
