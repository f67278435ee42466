"""`ecslab simular ...` against the test emulator: the command reaches the behaviour layer and says so in pt-BR."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from behaviour_testutil import LABS
from test_behaviour_autoscaling import client


def run_cli(sim, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ECSLAB_BACKEND": "emulador", "PYTHONPATH": str(LABS)}
    port = str(urlparse(sim.url).port)
    return subprocess.run([sys.executable, "-m", "ecslab.cli", "--porta", port, "simular", *args],
                          env=env, capture_output=True, text=True, timeout=60)


def test_simular_carga_sets_the_service_load(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.create_service(cluster="lab", serviceName="web", taskDefinition=sim.fargate_task_definition(),
                           desiredCount=1, launchType="FARGATE", networkConfiguration=net["awsvpc"])
    sim.stable("lab", "web")
    result = run_cli(sim, "carga", "--cluster", "lab", "--servico", "web", "--cpu", "90", "--duracao", "120")
    assert result.returncode == 0, result.stderr
    assert "Carga simulada" in result.stdout and "90% de CPU por 120 s" in result.stdout
    sim.advance(120)
    points = client(sim, "cloudwatch").get_metric_data(
        MetricDataQueries=[{"Id": "cpu", "MetricStat": {"Metric": {
            "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
            "Dimensions": [{"Name": "ClusterName", "Value": "lab"}, {"Name": "ServiceName", "Value": "web"}]},
            "Period": 60, "Stat": "Maximum"}}],
        StartTime=datetime.now(UTC) - timedelta(hours=1), EndTime=datetime.now(UTC) + timedelta(hours=1),
    )["MetricDataResults"][0]["Values"]
    assert points and max(points) >= 85

    missing = run_cli(sim, "carga", "--cluster", "lab", "--servico", "outro", "--cpu", "50")
    assert missing.returncode == 2 and "não encontrado" in missing.stderr


def test_simular_interrupcao_spot_stops_a_fargate_spot_task(sim):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.put_cluster_capacity_providers(cluster="lab", capacityProviders=["FARGATE", "FARGATE_SPOT"],
                                           defaultCapacityProviderStrategy=[])
    (task,) = sim.ecs.run_task(cluster="lab", taskDefinition=sim.fargate_task_definition(),
                               capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
                               networkConfiguration=net["awsvpc"])["tasks"]
    result = run_cli(sim, "interrupcao-spot", "--tarefa", task["taskArn"])
    assert result.returncode == 0, result.stderr
    assert "Tarefa Fargate Spot interrompida" in result.stdout
    sim.ecs.get_waiter("tasks_stopped").wait(cluster="lab", tasks=[task["taskArn"]], WaiterConfig={"Delay": 0.1})
    (stopped,) = sim.ecs.describe_tasks(cluster="lab", tasks=[task["taskArn"]])["tasks"]
    assert stopped["stopCode"] == "SpotInterruption"

    nothing = run_cli(sim, "interrupcao-spot", "--tarefa", "arn:aws:ecs:us-east-1:123456789012:task/lab/nada")
    assert nothing.returncode == 1 and "Nada foi interrompido" in nothing.stdout
    unknown = run_cli(sim, "interrupcao-spot", "--instancia", "i-0123456789abcdef0")  # no such instance
    assert unknown.returncode == 1 and "Nada foi interrompido" in unknown.stdout, unknown.stdout + unknown.stderr
    assert "reiniciar" not in unknown.stdout + unknown.stderr
