"""Two provisionings of one student at the same time (two `ecslab preparar`, or a notebook and a terminal) run one
after the other, so the second finds what the first made instead of making it again."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from ecslab.config import Config
from ecslab.provision.one_at_a_time import student_lock
from ecslab.session import Sessao


def test_two_preparar_at_once_leave_one_network(emulator_port, state_dir, sessao):
    env = {**os.environ, "ECSLAB_ESTADO": str(state_dir), "ECSLAB_ALUNO": sessao.aluno, "ECSLAB_BACKEND": "emulador",
           "ECSLAB_PORTA": str(emulator_port)}
    runs = [subprocess.Popen([sys.executable, "-m", "ecslab.cli", "preparar", "01"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, out + err
    sessao.ensure_may_create()  # so the fixture cleans up what the two runs made
    ec2 = sessao.client("ec2")
    mine = [{"Name": "tag:ecslab:aluno", "Values": [sessao.aluno]}]
    assert len(ec2.describe_vpcs(Filters=mine)["Vpcs"]) == 1
    assert len(ec2.describe_subnets(Filters=mine)["Subnets"]) == 4
    assert len(ec2.describe_nat_gateways(Filter=mine)["NatGateways"]) == 1


def test_the_lock_is_per_student_and_taken_once_by_nested_helpers(emulator_port, state_dir):
    ana, bia = (Sessao(Config(backend="emulador", porta=emulator_port, aluno=name)) for name in ("ana", "bia"))
    order: list[str] = []
    with student_lock(ana):
        with student_lock(ana):  # a helper calling another: no deadlock
            order.append("ana")
        def again() -> None:
            with student_lock(ana):
                order.append("ana again")

        other = threading.Thread(target=again)
        other.start()
        with student_lock(bia):  # another student is not held up
            order.append("bia")
        time.sleep(0.3)
        assert order == ["ana", "bia"]  # ana's second holder still waits
    other.join(timeout=5)
    assert order == ["ana", "bia", "ana again"]
