"""Benchmark of the ecslab emulator: cold start to the first answered call, and build + clean of the
full network + cluster (and of every lab), against a fresh emulator process on a free port.

    .venv/bin/python scripts/bench_ecslab.py [--repeticoes N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable

import boto3
from botocore.config import Config as BotoConfig
from lab_harness import free_port

from ecslab.backends import emulador
from ecslab.cleanup import limpar
from ecslab.config import Config
from ecslab.inventory import inventario
from ecslab.provision.cluster import criar_cluster
from ecslab.provision.labs import preparar_lab
from ecslab.provision.network import criar_rede
from ecslab.session import Sessao

TARGET_START_S = 1.5


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux); wall time depends on what else the machine runs."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[-1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def cold_start(port: int) -> tuple[float, float, float, float]:
    """Seconds from spawning `python -m ecslab.emulator` to: /ecslab/status answered, first STS call answered,
    first EC2 call answered (EC2 is warmed in the background); and the emulator's CPU seconds at the first STS
    answer."""
    sts = boto3.client("sts", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing",
                       config=BotoConfig(retries={"max_attempts": 1}, connect_timeout=0.2, read_timeout=30))
    ec2 = boto3.client("ec2", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ecslab.emulator", "--porta", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    status_at = sts_at = 0.0
    while not status_at:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ecslab/status", timeout=0.2).read()
            status_at = time.perf_counter() - started
        except OSError:
            time.sleep(0.01)
    while not sts_at:
        try:
            sts.get_caller_identity()
            sts_at = time.perf_counter() - started
        except Exception:
            time.sleep(0.01)
    cpu_at_sts = cpu_seconds(proc.pid)
    ec2.describe_vpcs()
    ec2_at = time.perf_counter() - started
    emulador.stop(port)
    proc.wait(timeout=10)
    return status_at, sts_at, ec2_at, cpu_at_sts


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark do emulador do ecslab.")
    parser.add_argument("--repeticoes", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("ECSLAB_ESTADO", tempfile.mkdtemp(prefix="ecslab-bench-"))

    starts = [cold_start(free_port()) for _ in range(args.repeticoes)]
    status = [s[0] for s in starts]
    sts = [s[1] for s in starts]
    ec2 = [s[2] for s in starts]
    print(f"Partida a frio do emulador ({args.repeticoes} repetições, mediana / pior):")
    print(f"  /ecslab/status respondido:     {statistics.median(status):.2f} s / {max(status):.2f} s")
    print(f"  primeira chamada AWS (STS):    {statistics.median(sts):.2f} s / {max(sts):.2f} s"
          f"  (meta ≤ {TARGET_START_S} s: {'ok' if max(sts) <= TARGET_START_S else 'ACIMA'})")
    print(f"  primeira chamada EC2:          {statistics.median(ec2):.2f} s / {max(ec2):.2f} s")
    cpu = [s[3] for s in starts]
    print(f"  CPU do emulador até o STS:     {statistics.median(cpu):.2f} s / {max(cpu):.2f} s"
          f"  (carga da máquina: {os.getloadavg()[0]:.1f} em {os.cpu_count()} núcleos)")

    port = free_port()
    emulador.start(port)
    try:
        s = Sessao(Config(backend="emulador", porta=port, aluno="bench"))
        s.client("ec2").describe_vpcs()
        while not emulador.probe(port).info.get("aquecido"):
            time.sleep(0.05)
        build = []
        again = []
        clean = []
        for _ in range(args.repeticoes):
            build.append(timed(lambda: (criar_rede(sessao=s), criar_cluster("02", sessao=s))))
            again.append(timed(lambda: (criar_rede(sessao=s), criar_cluster("02", sessao=s))))
            clean.append(timed(lambda: limpar(sessao=s)))
            assert inventario(sessao=s) == {}
        print("\nRede completa (VPC, 4 sub-redes, IGW, NAT, rotas, SGs) + cluster, emulador aquecido (mediana):")
        print(f"  criar:                 {statistics.median(build):.2f} s")
        print(f"  criar de novo (nada muda): {statistics.median(again):.2f} s")
        print(f"  limpar até inventário vazio: {statistics.median(clean):.2f} s")

        labs = timed(lambda: [preparar_lab(lab, sessao=s) for lab in ("02", "03", "04")])
        count = sum(len(v) for v in inventario(sessao=s).values())
        clean_all = timed(lambda: limpar(sessao=s))
        print(f"\nLaboratórios 01–04 completos ({count} recursos): montar {labs:.2f} s, limpar {clean_all:.2f} s")
    finally:
        emulador.stop(port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
