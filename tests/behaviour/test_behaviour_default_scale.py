"""At the default time scale a Fargate service of ten tasks reaches a steady state in about two wall seconds."""

from __future__ import annotations

import time

import pytest
from behaviour_testutil import Sim, start_emulator, stop_emulator


@pytest.fixture(scope="module")
def default_sim(tmp_path_factory):
    process, url = start_emulator("", tmp_path_factory.mktemp("default") / "stderr.log")
    yield Sim(url)
    stop_emulator(process)


def test_ten_fargate_tasks_steady_in_seconds(default_sim):
    sim = default_sim
    assert sim.advance(0) >= 0
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.fargate_task_definition()
    started = time.monotonic()
    sim.ecs.create_service(cluster="lab", serviceName="web", taskDefinition="web", desiredCount=10,
                           launchType="FARGATE", networkConfiguration=net["awsvpc"])
    seen: list[str] = []
    while True:
        arns = sim.ecs.list_tasks(cluster="lab")["taskArns"]
        if arns:
            status = sim.ecs.describe_tasks(cluster="lab", tasks=arns[:1])["tasks"][0]["lastStatus"]
            if not seen or seen[-1] != status:
                seen.append(status)
        service = sim.service("lab", "web")
        if len(service["deployments"]) == 1 and service["runningCount"] == 10:
            break
        assert time.monotonic() - started < 10, f"not steady after 10 s: {service['runningCount']} running"
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    task = sim.tasks("lab", serviceName="web")[0]
    if seen[-1] != task["lastStatus"]:
        seen.append(task["lastStatus"])
    order = ["PROVISIONING", "PENDING", "RUNNING"]
    assert seen[-1] == "RUNNING" and seen == sorted(seen, key=order.index), seen
    assert (task["pullStartedAt"] - task["createdAt"]).total_seconds() == pytest.approx(0.5, abs=0.01)
    assert (task["startedAt"] - task["createdAt"]).total_seconds() == pytest.approx(1.5, abs=0.01)
    assert 1.0 <= elapsed <= 6.0, f"{elapsed:.2f} s"  # 1.5 s on an idle machine: 30 simulated seconds at 20x
