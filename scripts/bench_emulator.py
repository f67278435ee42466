"""Benchmark of the emulator's ECS behaviour layer, against its own emulator process on a free port, at the
default time scale (ECSLAB_ESCALA_TEMPO unset): start time, call latency with services running, and the wall
time a ten-task Fargate service takes to reach a steady state. The emulator's CPU per call is printed beside the
latency: on a busy machine the latency says more about the machine than about the emulator.

    .venv/bin/python scripts/bench_emulator.py [--chamadas 200]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import psutil
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lab_harness import free_port, scratch_emulator_env  # noqa: E402

TARGET_STEADY_S = 5.0
TARGET_MEDIAN_MS = 10.0


def clients(url: str) -> dict[str, Any]:
    options = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                   aws_secret_access_key="testing",
                   config=Config(retries={"max_attempts": 1}, connect_timeout=0.2, read_timeout=60))
    return {name: boto3.client(name, **options) for name in ("sts", "ecs", "ec2")}


def first_answer(call: Any, started: float, timeout: float = 60.0) -> float:
    while time.perf_counter() - started < timeout:
        try:
            call()
            return time.perf_counter() - started
        except (EndpointConnectionError, ConnectionError, ClientError):
            time.sleep(0.01)
    raise SystemExit(f"o emulador não respondeu em {timeout:.0f} s")


def prepare(c: dict[str, Any], cluster: str, name: str) -> dict[str, Any]:
    """A VPC with a public subnet, a cluster and a Fargate task definition; returns the service's network
    configuration (with a public IP: the tasks need a route out to pull their image)."""
    ec2, ecs = c["ec2"], c["ecs"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway)
    group = ec2.create_security_group(GroupName=f"sg-{name}", Description="bench", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(
        family=name, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx", "portMappings": [{"containerPort": 80}]}])
    return {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "ENABLED"}}


def create_service(ecs: Any, cluster: str, name: str, desired: int, network: dict[str, Any]) -> None:
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=name, desiredCount=desired,
                       launchType="FARGATE", networkConfiguration=network)


def steady(ecs: Any, cluster: str, name: str, desired: int, timeout: float = 60.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        service = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
        deployments = service["deployments"]
        if len(deployments) == 1 and deployments[0].get("rolloutState") == "COMPLETED" \
                and service["runningCount"] == desired:
            return time.perf_counter() - started
        time.sleep(0.02)
    raise SystemExit(f"o serviço {name} não ficou estável em {timeout:.0f} s")


def latencies(call: Any, count: int) -> list[float]:
    found = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        found.append((time.perf_counter() - started) * 1000)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chamadas", type=int, default=200, help="chamadas medidas por operação (padrão 200)")
    args = parser.parse_args()
    port = free_port()
    env = scratch_emulator_env()
    env.pop("ECSLAB_ESCALA_TEMPO", None)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "ecslab.emulator", "--porta", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        c = clients(f"http://127.0.0.1:{port}")
        sts_s = first_answer(c["sts"].get_caller_identity, started)
        ecs_s = first_answer(c["ecs"].list_clusters, started)
        print("Partida do emulador (processo iniciado → primeira resposta):")
        print(f"  STS get_caller_identity:  {sts_s:.2f} s")
        print(f"  ECS list_clusters:        {ecs_s:.2f} s")

        ecs = c["ecs"]
        create_service(ecs, "bench", "base", 2, prepare(c, "bench", "base"))
        steady(ecs, "bench", "base", 2)
        cpu = psutil.Process(process.pid)
        cpu_before = sum(cpu.cpu_times()[:2])
        describe = latencies(lambda: ecs.describe_services(cluster="bench", services=["base"]), args.chamadas)
        listing = latencies(lambda: ecs.list_tasks(cluster="bench", serviceName="base"), args.chamadas)
        cpu_ms = (sum(cpu.cpu_times()[:2]) - cpu_before) * 1000 / (len(describe) + len(listing))
        median = statistics.median(describe + listing)
        print(f"\nLatência com a camada de comportamento (serviço com 2 tarefas, {args.chamadas} chamadas cada):")
        print(f"  describe_services: mediana {statistics.median(describe):.1f} ms, "
              f"p95 {statistics.quantiles(describe, n=20)[-1]:.1f} ms")
        print(f"  list_tasks:        mediana {statistics.median(listing):.1f} ms, "
              f"p95 {statistics.quantiles(listing, n=20)[-1]:.1f} ms")
        print(f"  mediana geral:     {median:.1f} ms (meta ≤ {TARGET_MEDIAN_MS:.0f} ms)")
        print(f"  CPU do emulador:   {cpu_ms:.2f} ms por chamada")

        network = prepare(c, "dez", "web")
        created = time.perf_counter()
        create_service(ecs, "dez", "web", 10, network)
        steady(ecs, "dez", "web", 10)
        total = time.perf_counter() - created
        print("\nServiço Fargate com desiredCount=10 na escala de tempo padrão:")
        print(f"  create_service → estado estável: {total:.2f} s (meta ≤ {TARGET_STEADY_S:.0f} s)")
        ok = median <= TARGET_MEDIAN_MS and total <= TARGET_STEADY_S
        print("\n" + ("✅ metas atingidas" if ok else "❌ meta não atingida"))
        return 0 if ok else 1
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    sys.exit(main())
