"""The service scheduler, seen through boto3: tasks start, counts follow, deployments roll, events read as AWS's."""

from __future__ import annotations

import ipaddress

import pytest
from behaviour_testutil import create_fargate_service


def test_create_service_starts_tasks_and_reaches_steady_state(sim):
    net = sim.network()
    created = create_fargate_service(sim, net, desired=3)
    assert created["runningCount"] == 0 and created["pendingCount"] == 0
    assert [d["status"] for d in created["deployments"]] == ["PRIMARY"]
    assert created["deployments"][0]["rolloutState"] == "IN_PROGRESS"

    sim.ecs.get_waiter("services_stable").wait(
        cluster="lab", services=["web"], WaiterConfig={"Delay": 0.1, "MaxAttempts": 100}
    )
    service = sim.stable("lab", "web")
    deployment = service["deployments"][0]
    assert (service["runningCount"], service["pendingCount"]) == (3, 0)
    assert deployment["rolloutState"] == "COMPLETED"
    assert deployment["rolloutStateReason"] == f"ECS deployment {deployment['id']} completed."

    tasks = sim.tasks("lab", serviceName="web")
    assert len(tasks) == 3
    assert {t["group"] for t in tasks} == {"service:web"}
    assert {t["startedBy"] for t in tasks} == {deployment["id"]}
    assert {t["lastStatus"] for t in tasks} == {"RUNNING"}
    assert {t["launchType"] for t in tasks} == {"FARGATE"}

    messages = [e["message"] for e in service["events"]]
    started = [m for m in messages if m.startswith("(service web) has started 3 tasks: ")]
    assert len(started) == 1 and started[0].endswith(").")
    for task in tasks:
        assert f"(task {task['taskArn'].split('/')[-1]})" in started[0]
    assert messages[0] == "(service web) has reached a steady state."
    created_times = [e["createdAt"] for e in service["events"]]
    assert created_times == sorted(created_times, reverse=True)


def test_task_timestamps_follow_the_lifecycle(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=1)
    sim.stable("lab", "web")
    task = sim.tasks("lab", serviceName="web")[0]
    assert task["createdAt"] < task["pullStartedAt"] < task["pullStoppedAt"] <= task["startedAt"]
    assert task["connectivity"] == "CONNECTED"
    assert task["containers"][0]["lastStatus"] == "RUNNING"


def test_fargate_tasks_get_an_eni_from_their_subnet_spread_over_azs(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=4)
    sim.stable("lab", "web")
    cidrs = {s["SubnetId"]: ipaddress.ip_network(s["CidrBlock"]) for s in net["subnets"]}
    zones = {s["SubnetId"]: s["AvailabilityZone"] for s in net["subnets"]}
    seen_ips, seen_subnets = set(), []
    for task in sim.tasks("lab", serviceName="web"):
        (attachment,) = task["attachments"]
        assert attachment["type"] == "ElasticNetworkInterface" and attachment["status"] == "ATTACHED"
        details = {d["name"]: d["value"] for d in attachment["details"]}
        ip = details["privateIPv4Address"]
        assert ipaddress.ip_address(ip) in cidrs[details["subnetId"]]
        assert task["availabilityZone"] == zones[details["subnetId"]]
        assert task["containers"][0]["networkInterfaces"] == [
            {"attachmentId": attachment["id"], "privateIpv4Address": ip}
        ]
        eni = sim.ec2.describe_network_interfaces(NetworkInterfaceIds=[details["networkInterfaceId"]])
        assert eni["NetworkInterfaces"][0]["PrivateIpAddress"] == ip
        seen_ips.add(ip)
        seen_subnets.append(details["subnetId"])
    assert len(seen_ips) == 4
    assert sorted(seen_subnets.count(s) for s in cidrs) == [2, 2]


def test_update_service_scales_up_and_down(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=2)
    sim.stable("lab", "web")
    sim.ecs.update_service(cluster="lab", service="web", desiredCount=5)
    service = sim.stable("lab", "web")
    assert service["runningCount"] == 5 and len(sim.tasks("lab", serviceName="web")) == 5

    sim.ecs.update_service(cluster="lab", service="web", desiredCount=1)
    service = sim.stable("lab", "web")
    assert service["runningCount"] == 1
    stopped = sim.tasks("lab", serviceName="web", desiredStatus="STOPPED")
    assert len(stopped) == 4
    deployment_id = service["deployments"][0]["id"]
    for task in stopped:
        assert task["stopCode"] == "ServiceSchedulerInitiated"
        assert task["stoppedReason"] == f"Scaling activity initiated by (deployment {deployment_id})"
    sim.wait(lambda: {t["lastStatus"] for t in sim.tasks("lab", serviceName="web", desiredStatus="STOPPED")}
             == {"STOPPED"})
    assert any(e["message"].startswith("(service web) has stopped 4 running tasks: ") for e in service["events"])


def test_a_stopped_service_task_is_replaced(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=2)
    sim.stable("lab", "web")
    victim = sim.tasks("lab", serviceName="web")[0]["taskArn"]
    stopped = sim.ecs.stop_task(cluster="lab", task=victim, reason="teste de resiliência")["task"]
    assert stopped["desiredStatus"] == "STOPPED"
    sim.ecs.get_waiter("tasks_stopped").wait(cluster="lab", tasks=[victim], WaiterConfig={"Delay": 0.1})
    (task,) = sim.ecs.describe_tasks(cluster="lab", tasks=[victim])["tasks"]
    assert task["stoppedReason"] == "teste de resiliência" and task["stopCode"] == "UserInitiated"
    assert task["lastStatus"] == "STOPPED" and "stoppedAt" in task
    sim.stable("lab", "web")
    running = sim.tasks("lab", serviceName="web")
    assert len(running) == 2 and victim not in {t["taskArn"] for t in running}


def test_stopping_a_task_twice_is_not_an_error(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=1)
    sim.stable("lab", "web")
    arn = sim.tasks("lab", serviceName="web")[0]["taskArn"]
    first = sim.ecs.stop_task(cluster="lab", task=arn, reason="primeira")["task"]
    second = sim.ecs.stop_task(cluster="lab", task=arn, reason="segunda")["task"]
    assert first["taskArn"] == second["taskArn"] and second["stoppedReason"] == "primeira"


@pytest.mark.parametrize(("minimum", "maximum"), [(100, 200), (50, 100)])
def test_new_revision_rolls_within_the_deployment_limits(sim, minimum, maximum):
    net = sim.network()
    desired = 4
    create_fargate_service(
        sim, net, desired=desired,
        deploymentConfiguration={"minimumHealthyPercent": minimum, "maximumPercent": maximum},
    )
    first = sim.stable("lab", "web")["deployments"][0]
    revision2 = sim.fargate_task_definition(image="nginx:1.28")
    updated = sim.ecs.update_service(cluster="lab", service="web", taskDefinition=revision2)["service"]
    assert [d["status"] for d in updated["deployments"]] == ["PRIMARY", "ACTIVE"]
    assert updated["deployments"][0]["taskDefinition"] == revision2
    assert updated["deployments"][1]["id"] == first["id"]

    ceiling, floor = desired * maximum // 100, desired * minimum // 100
    for _ in range(40):
        alive = sim.tasks("lab", serviceName="web")
        assert len(alive) <= ceiling
        healthy = [t for t in alive if t["lastStatus"] == "RUNNING"]
        service = sim.service("lab", "web")
        if len(service["deployments"]) == 1 and service["runningCount"] == desired:
            break
        assert len(healthy) >= floor or service["runningCount"] >= floor
        sim.advance(5)
    service = sim.stable("lab", "web")
    (deployment,) = service["deployments"]
    assert deployment["status"] == "PRIMARY" and deployment["taskDefinition"] == revision2
    assert deployment["rolloutState"] == "COMPLETED" and deployment["id"] != first["id"]
    assert service["taskDefinition"] == revision2
    assert {t["taskDefinitionArn"] for t in sim.tasks("lab", serviceName="web")} == {revision2}
    assert {t["startedBy"] for t in sim.tasks("lab", serviceName="web")} == {deployment["id"]}
    old = sim.tasks("lab", serviceName="web", desiredStatus="STOPPED")
    assert len(old) == desired and {t["startedBy"] for t in old} == {first["id"]}
    assert any(e["message"] == f"(service web) (deployment {deployment['id']}) deployment completed."
               for e in service["events"])


def test_force_new_deployment_replaces_every_task(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=2)
    sim.stable("lab", "web")
    before = {t["taskArn"] for t in sim.tasks("lab", serviceName="web")}
    sim.ecs.update_service(cluster="lab", service="web", forceNewDeployment=True)
    sim.stable("lab", "web")
    after = {t["taskArn"] for t in sim.tasks("lab", serviceName="web")}
    assert len(after) == 2 and not before & after


def test_list_tasks_filters(sim):
    net = sim.network()
    create_fargate_service(sim, net, name="a", desired=2)
    create_fargate_service(sim, net, name="b", desired=1)
    sim.stable("lab", "a")
    sim.stable("lab", "b")
    assert len(sim.ecs.list_tasks(cluster="lab", serviceName="a")["taskArns"]) == 2
    assert len(sim.ecs.list_tasks(cluster="lab", serviceName="b")["taskArns"]) == 1
    assert len(sim.ecs.list_tasks(cluster="lab")["taskArns"]) == 3
    assert len(sim.ecs.list_tasks(cluster="lab", launchType="EC2")["taskArns"]) == 0
    assert len(sim.ecs.list_tasks(cluster="lab", family="web")["taskArns"]) == 3
    assert sim.ecs.list_tasks(cluster="lab", desiredStatus="STOPPED")["taskArns"] == []


def test_deleting_a_service_drains_it(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=2)
    sim.stable("lab", "web")
    deleted = sim.ecs.delete_service(cluster="lab", service="web", force=True)["service"]
    assert deleted["status"] == "DRAINING"
    sim.ecs.get_waiter("services_inactive").wait(cluster="lab", services=["web"], WaiterConfig={"Delay": 0.1})
    assert sim.ecs.list_tasks(cluster="lab")["taskArns"] == []
    assert len(sim.ecs.list_tasks(cluster="lab", desiredStatus="STOPPED")["taskArns"]) == 2


def test_service_names_are_unique_while_active(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=0)
    with pytest.raises(sim.ecs.exceptions.InvalidParameterException, match="not idempotent"):
        create_fargate_service(sim, net, desired=0)


def test_describe_tasks_reports_unknown_tasks_as_missing(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=1)
    arn = sim.wait(lambda: sim.ecs.list_tasks(cluster="lab")["taskArns"])[0]
    result = sim.ecs.describe_tasks(cluster="lab", tasks=[arn, "0000aaaa1111bbbb"])
    assert [t["taskArn"] for t in result["tasks"]] == [arn]
    assert result["failures"][0]["reason"] == "MISSING" and result["failures"][0]["arn"].endswith("0000aaaa1111bbbb")
    sim.ecs.create_cluster(clusterName="other")
    assert sim.ecs.describe_tasks(cluster="other", tasks=[arn])["tasks"] == []


def test_one_big_clock_jump_plays_a_whole_rollout_in_order(sim):
    net = sim.network()
    create_fargate_service(sim, net, desired=3, deploymentConfiguration={"minimumHealthyPercent": 100,
                                                                          "maximumPercent": 134})
    sim.stable("lab", "web")
    revision2 = sim.fargate_task_definition(image="nginx:1.28")
    sim.ecs.update_service(cluster="lab", service="web", taskDefinition=revision2)
    sim.advance(3600)
    service = sim.service("lab", "web")
    assert len(service["deployments"]) == 1 and service["deployments"][0]["rolloutState"] == "COMPLETED"
    messages = [e["message"] for e in reversed(service["events"])]
    started = [i for i, m in enumerate(messages) if "has started 1 tasks" in m]
    stopped = [i for i, m in enumerate(messages) if "has stopped 1 running tasks" in m]
    assert len(started) == 3 and len(stopped) == 3  # at most one extra task (134%): one in, one out, three times
    assert all(start < stop for start, stop in zip(started, stopped, strict=True))
