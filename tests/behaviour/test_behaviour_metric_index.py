"""The metric_index speed-up: get_metric_statistics reads only the asked metric's datapoints, with the same answer
as moto's full scan, also as datapoints keep coming."""

from __future__ import annotations

from datetime import datetime, timedelta

from moto.cloudwatch.models import CloudWatchBackend

from ecslab.emulator.speedups import metric_index

START = datetime(2026, 1, 1, 12, 0, 0)
STATS = ("Average", "Maximum", "Minimum", "Sum", "SampleCount")


def put_minutes(backend, minutes, first=0):
    for minute in range(first, first + minutes):
        for cluster in ("ana-lab05-cluster", "bia-lab05-cluster"):
            for name, value in (("CPUUtilization", 10.0 + minute), ("MemoryUtilization", 30.0 - minute)):
                backend.put_metric_data("AWS/ECS", [{
                    "MetricName": name, "Value": value, "Unit": "Percent",
                    "Timestamp": START + timedelta(minutes=minute),
                    "Dimensions": [{"Name": "ClusterName", "Value": cluster}]}])
        backend.put_metric_data("Curso/Lab", [{"MetricName": "CPUUtilization", "Value": 1.0,
                                               "Timestamp": START + timedelta(minutes=minute)}])


def answers(backend, query):
    return [(s.timestamp, s.unit, [s.get_statistics_for_type(stat) for stat in STATS])
            for s in backend.get_metric_statistics(**query)]


def test_the_indexed_answer_is_moto_s_answer():
    backend = CloudWatchBackend("us-east-1", "123456789012")
    queries = [
        {"namespace": "AWS/ECS", "metric_name": "CPUUtilization", "start_time": START,
         "end_time": START + timedelta(hours=1), "period": 300,
         "stats": ["Average", "Maximum", "Minimum", "Sum", "SampleCount"],
         "dimensions": [{"Name": "ClusterName", "Value": "bia-lab05-cluster"}]},
        {"namespace": "AWS/ECS", "metric_name": "MemoryUtilization", "start_time": START + timedelta(minutes=3),
         "end_time": START + timedelta(minutes=9), "period": 60, "stats": ["Average"], "dimensions": []},
        {"namespace": "Curso/Lab", "metric_name": "CPUUtilization", "start_time": START,
         "end_time": START + timedelta(hours=1), "period": 600, "stats": ["Sum"], "dimensions": []},
    ]
    put_minutes(backend, 10)
    full = [answers(backend, q) for q in queries]
    for speedup_patch in metric_index.PATCHES:
        original = getattr(speedup_patch.owner, speedup_patch.name)
        try:
            setattr(speedup_patch.owner, speedup_patch.name, speedup_patch.replacement(original))
            assert [answers(backend, q) for q in queries] == full
            assert all(full)
            put_minutes(backend, 10, first=10)  # the index catches up with datapoints put after it was built
            grown = [answers(backend, q) for q in queries]
        finally:
            setattr(speedup_patch.owner, speedup_patch.name, original)
    assert [answers(backend, q) for q in queries] == grown != full
    assert "get_all_metrics" not in vars(backend)
