"""The pure pieces, in-process: clock, Fargate table, capacity-provider arithmetic, memberOf expressions."""

from __future__ import annotations

import math
import time

import pytest

from ecslab.behaviour import capacity, validation
from ecslab.behaviour.clock import (
    DEFAULT_SCALE,
    MAX_ADVANCE,
    Clock,
    InvalidClockInput,
    scale_from_env,
    scale_problem,
)


def test_scale_from_env(monkeypatch):
    monkeypatch.delenv("ECSLAB_ESCALA_TEMPO", raising=False)
    assert scale_from_env() == DEFAULT_SCALE == 20.0
    for raw, expected in (("50", 50.0), ("2,5", 2.5), (" 200 ", 200.0)):
        monkeypatch.setenv("ECSLAB_ESCALA_TEMPO", raw)
        assert scale_problem(raw) is None and scale_from_env() == expected


@pytest.mark.parametrize("raw", ["0", "-5", "rápido", "inf", "nan", "1e9"])
def test_an_unusable_scale_is_explained_in_portuguese(raw):
    problem = scale_problem(raw)
    assert problem is not None and f"ECSLAB_ESCALA_TEMPO={raw!r} não é uma escala de tempo válida" in problem
    assert "maior que 0" in problem


@pytest.mark.parametrize("seconds", [math.inf, -math.inf, math.nan, "10", None, True, MAX_ADVANCE + 1])
def test_the_clock_takes_only_finite_bounded_moves(seconds):
    clock = Clock(scale=1)
    with pytest.raises(InvalidClockInput, match="informe um número de segundos"):
        clock.advance(seconds)
    assert math.isfinite(clock.now()) and clock.now() < 60
    assert clock.advance(MAX_ADVANCE) >= MAX_ADVANCE


def test_clock_runs_scaled_and_only_forward():
    clock = Clock(scale=1000)
    start = clock.now()
    time.sleep(0.01)
    assert clock.now() - start >= 10 * 0.9
    before = clock.now()
    clock.advance(300)
    clock.advance(-50)
    assert clock.now() - before >= 300
    assert (clock.to_datetime(2000) - clock.to_datetime(1000)).total_seconds() == pytest.approx(1.0)


def test_fargate_table_edges():
    check = validation.check_task_definition
    assert check(["FARGATE"], "awsvpc", "0.25 vCPU", "0.5 GB") == ("256", "512")
    assert check(["FARGATE"], "awsvpc", "8192", "61440") == ("8192", "61440")
    with pytest.raises(Exception, match="No Fargate configuration exists for given values: 8192 CPU, 17408 memory"):
        check(["FARGATE"], "awsvpc", "8192", "17408")  # 8 vCPU steps by 4096
    assert check(["EC2"], "bridge", None, "3000") == (None, "3000")


@pytest.mark.parametrize(
    ("strategy", "count", "expected"),
    [
        ([{"capacityProvider": "A", "base": 1, "weight": 1}, {"capacityProvider": "B", "weight": 3}], 4,
         {"A": 1, "B": 3}),
        ([{"capacityProvider": "A", "base": 2, "weight": 0}, {"capacityProvider": "B", "weight": 1}], 5,
         {"A": 2, "B": 3}),
        ([{"capacityProvider": "A", "weight": 1}, {"capacityProvider": "B", "weight": 1}], 6, {"A": 3, "B": 3}),
        ([{"capacityProvider": "A", "weight": 2}, {"capacityProvider": "B", "weight": 1}], 9, {"A": 6, "B": 3}),
    ],
)
def test_capacity_provider_distribution(strategy, count, expected):
    chosen = capacity.distribute(strategy, count)
    assert {name: chosen.count(name) for name in set(chosen)} == expected


def test_member_of_expressions():
    from ecslab.behaviour.placement import Usage, member_of

    class Instance:
        attributes = {"ecs.instance-type": "t3.small", "ecs.availability-zone": "us-east-1a"}
        ec2_instance_id = "i-123"
        agent_connected = True
        version_info = {"agentVersion": "1.89.2"}

    ci, use = Instance(), Usage()
    assert member_of("attribute:ecs.instance-type == t3.small", ci, use)
    assert member_of("attribute:ecs.instance-type =~ t3.*", ci, use)
    assert not member_of("attribute:ecs.instance-type =~ m5.*", ci, use)
    assert member_of("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", ci, use)
    assert member_of("attribute:ecs.availability-zone not_in [us-east-1c]", ci, use)
    assert member_of("attribute:ecs.instance-type == m5.large or ec2InstanceId == i-123", ci, use)
    assert not member_of("attribute:ecs.instance-type == t3.small and runningTasksCount == 1", ci, use)
    assert member_of("attribute:ecs.os-type not_exists", ci, use)
