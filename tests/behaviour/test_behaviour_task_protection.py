"""Task scale-in protection, seen through boto3: UpdateTaskProtection and GetTaskProtection on the simulated clock.

The emulator's clock runs `escala` times faster than the wall clock, and its timestamps are the wall-clock moments
simulated instants stand for: N simulated minutes show as N * 60 / escala seconds between two timestamps."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from behaviour_testutil import create_fargate_service
from botocore.exceptions import ClientError


def scale(sim) -> float:
    return json.loads(urllib.request.urlopen(f"{sim.url}/ecslab/relogio", timeout=30).read())["escala"]


def running_service_tasks(sim, desired=2):
    net = sim.network()
    create_fargate_service(sim, net, desired=desired)
    sim.stable("lab", "web")
    return net, sim.tasks("lab", serviceName="web")


def error_code(call, **params):
    with pytest.raises(ClientError) as error:
        call(**params)
    return error.value.response["Error"]["Code"]


def test_protection_lasts_120_simulated_minutes_by_default(sim):
    _, (first, second) = running_service_tasks(sim)
    started = time.monotonic()
    answer = sim.ecs.update_task_protection(cluster="lab", tasks=[first["taskArn"]], protectionEnabled=True)
    assert answer["failures"] == []
    (protected,) = answer["protectedTasks"]
    assert protected["taskArn"] == first["taskArn"] and protected["protectionEnabled"] is True
    by_default = protected["expirationDate"]
    (one_hour,) = sim.ecs.update_task_protection(cluster="lab", tasks=[second["taskArn"]], protectionEnabled=True,
                                                 expiresInMinutes=60)["protectedTasks"]
    between = time.monotonic() - started  # wall seconds between the two calls, at most
    minute = 60 / scale(sim)  # a simulated minute, in the timestamps' seconds

    # 120 and 60 minutes from two instants at most `between` apart (timestamps are cut to the millisecond)
    gap = (by_default - one_hour["expirationDate"]).total_seconds()
    assert 60 * minute - between - 0.002 <= gap <= 60 * minute + 0.002
    assert (by_default - first["startedAt"]).total_seconds() >= 120 * minute - 0.002

    got = sim.ecs.get_task_protection(cluster="lab", tasks=[first["taskArn"], second["taskArn"]])
    assert got["failures"] == []
    assert got["protectedTasks"] == [
        {"taskArn": first["taskArn"], "protectionEnabled": True, "expirationDate": by_default},
        {"taskArn": second["taskArn"], "protectionEnabled": True, "expirationDate": one_hour["expirationDate"]},
    ]
    # without `tasks`: every task of the cluster's services
    everything = sim.ecs.get_task_protection(cluster="lab")["protectedTasks"]
    assert sorted(p["taskArn"] for p in everything) == sorted([first["taskArn"], second["taskArn"]])

    sim.advance(61 * 60)  # the one-hour protection lapses, the default one does not
    got = {p["taskArn"]: p for p in sim.ecs.get_task_protection(
        cluster="lab", tasks=[first["taskArn"], second["taskArn"]])["protectedTasks"]}
    assert got[second["taskArn"]] == {"taskArn": second["taskArn"], "protectionEnabled": False}
    assert got[first["taskArn"]]["protectionEnabled"] is True

    (cleared,) = sim.ecs.update_task_protection(cluster="lab", tasks=[first["taskArn"]],
                                                protectionEnabled=False)["protectedTasks"]
    assert cleared == {"taskArn": first["taskArn"], "protectionEnabled": False}
    (read,) = sim.ecs.get_task_protection(cluster="lab", tasks=[first["taskArn"].split("/")[-1]])["protectedTasks"]
    assert read == cleared


def test_a_new_call_resets_the_expiration(sim):
    _, (task, _) = running_service_tasks(sim)
    arn = task["taskArn"]
    (long,) = sim.ecs.update_task_protection(cluster="lab", tasks=[arn], protectionEnabled=True,
                                             expiresInMinutes=2880)["protectedTasks"]
    (short,) = sim.ecs.update_task_protection(cluster="lab", tasks=[arn], protectionEnabled=True,
                                              expiresInMinutes=1)["protectedTasks"]
    assert short["expirationDate"] < long["expirationDate"]
    sim.advance(2 * 60)
    (read,) = sim.ecs.get_task_protection(cluster="lab", tasks=[arn])["protectedTasks"]
    assert read == {"taskArn": arn, "protectionEnabled": False}


def test_protection_is_bounded_as_aws(sim):
    _, tasks = running_service_tasks(sim, desired=1)
    arn = tasks[0]["taskArn"]
    for minutes in (0, 2881, -5):
        assert error_code(sim.ecs.update_task_protection, cluster="lab", tasks=[arn], protectionEnabled=True,
                          expiresInMinutes=minutes) == "InvalidParameterException"
    eleven = [arn] + [f"naoexiste{i}" for i in range(10)]
    assert error_code(sim.ecs.update_task_protection, cluster="lab", tasks=eleven,
                      protectionEnabled=True) == "InvalidParameterException"
    assert error_code(sim.ecs.update_task_protection, cluster="lab", tasks=[],
                      protectionEnabled=True) == "InvalidParameterException"
    assert error_code(sim.ecs.get_task_protection, cluster="lab",
                      tasks=[f"t{i}" for i in range(101)]) == "InvalidParameterException"
    assert error_code(sim.ecs.update_task_protection, cluster="nada", tasks=[arn],
                      protectionEnabled=True) == "ClusterNotFoundException"
    # nothing was protected by the rejected calls
    (read,) = sim.ecs.get_task_protection(cluster="lab", tasks=[arn])["protectedTasks"]
    assert read["protectionEnabled"] is False
    for minutes in (1, 2880):
        (ok,) = sim.ecs.update_task_protection(cluster="lab", tasks=[arn], protectionEnabled=True,
                                               expiresInMinutes=minutes)["protectedTasks"]
        assert ok["protectionEnabled"] is True


def test_unknown_and_standalone_tasks_are_failures(sim):
    net, (task,) = running_service_tasks(sim, desired=1)
    standalone = sim.ecs.run_task(cluster="lab", taskDefinition=sim.fargate_task_definition(family="avulsa"),
                                  launchType="FARGATE", networkConfiguration=net["awsvpc"])["tasks"][0]["taskArn"]
    region_account = task["taskArn"].split(":task/")[0]
    answer = sim.ecs.update_task_protection(cluster="lab", tasks=[task["taskArn"], "naoexiste", standalone],
                                            protectionEnabled=True)
    assert [p["taskArn"] for p in answer["protectedTasks"]] == [task["taskArn"]]
    assert answer["failures"] == [
        {"arn": f"{region_account}:task/lab/naoexiste", "reason": "MISSING"},
        {"arn": standalone, "reason": "TASK_NOT_VALID"},
    ]
    got = sim.ecs.get_task_protection(cluster="lab", tasks=[standalone, "naoexiste"])
    assert got["protectedTasks"] == []
    assert {f["reason"] for f in got["failures"]} == {"MISSING", "TASK_NOT_VALID"}


def test_a_stopped_task_cannot_be_protected(sim):
    _, (task,) = running_service_tasks(sim, desired=1)
    sim.ecs.stop_task(cluster="lab", task=task["taskArn"], reason="fim")
    answer = sim.ecs.update_task_protection(cluster="lab", tasks=[task["taskArn"]], protectionEnabled=True)
    assert answer["protectedTasks"] == []
    assert answer["failures"] == [{"arn": task["taskArn"], "reason": "TASK_NOT_VALID"}]
