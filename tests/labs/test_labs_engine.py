"""The pieces of the lab engine the notebooks added: the price table, the decision rules, the simulations."""

from __future__ import annotations

import pytest

from ecslab import costs
from ecslab.config import Config
from ecslab.decision import opcoes_permitidas, recompute
from ecslab.errors import ErroLab
from ecslab.session import Sessao
from ecslab.spot_and_load import simular_carga, simular_interrupcao_spot


def test_price_table_is_dated_and_sourced():
    assert costs.PRICES_DATE and costs.PRICES_REGION == "us-east-1"
    assert all(url.startswith("https://aws.amazon.com/") for url in costs.PRICES_SOURCES.values())
    assert set(costs.INSTANCE_SPECS) <= set(costs.HOURLY_USD)
    assert all(price.startswith("US$ ") or price.endswith("%") for _, price in costs.price_table())


def test_tasks_fit_on_instances_by_cpu_and_memory():
    assert costs.tasks_per_instance("m5.large", 512, 1024) == 4  # CPU bound: 2048 / 512
    assert costs.tasks_per_instance("t3.small", 256, 512) == 3   # memory bound: (2048 - 256) // 512
    with pytest.raises(ErroLab):
        costs.tasks_per_instance("x9.enorme", 256, 512)


def test_monthly_costs_per_option():
    month = costs.workload_monthly_usd(512, 1024, 6, "m5.large")
    assert month["fargate"] == pytest.approx(6 * costs.fargate_hourly(512, 1024) * 730)
    assert month["ec2"] == pytest.approx(2 * costs.HOURLY_USD["m5.large"] * 730)
    assert month["fargate-spot"] < month["fargate"] and month["ec2-spot"] < month["ec2"]
    with pytest.raises(ErroLab):
        costs.workload_monthly_usd(4096, 16384, 1, "t3.small")


def test_numbers_are_written_the_brazilian_way():
    assert costs.numero(1234.5) == "1.234,50"
    assert costs.usd(0.0208, 4) == "US$ 0,0208"


def test_decision_matrix_rules():
    base = {"cpu": 256, "memoria": 512, "tarefas": 2, "tipo_instancia": "t3.small"}
    assert opcoes_permitidas({**base, "tolera_interrupcao": True, "precisa_gpu": False}) == {}
    no_spot = opcoes_permitidas({**base, "tolera_interrupcao": False, "precisa_gpu": False})
    assert set(no_spot) == {"ec2-spot", "fargate-spot"}
    gpu = opcoes_permitidas({**base, "tolera_interrupcao": True, "precisa_gpu": True})
    assert set(gpu) == {"fargate", "fargate-spot"}
    with pytest.raises(ErroLab):
        recompute({**base, "memoria": 4096})


def test_simulations_explain_themselves_off_the_emulator():
    s = Sessao(Config(backend="aws", regiao="us-east-1", aluno="teste"))
    with pytest.raises(ErroLab, match="Id de instância inválido"):  # refused before any AWS call
        simular_interrupcao_spot(instancia="i-123", sessao=s)
    with pytest.raises(ErroLab, match="FIS"):  # FIS has no Spot interruption for Fargate tasks
        simular_interrupcao_spot(tarefa="arn:aws:ecs:us-east-1:123456789012:task/c/abc", sessao=s)
    with pytest.raises(ErroLab):
        simular_interrupcao_spot(sessao=s)
    with pytest.raises(ErroLab):
        simular_carga("c", "s", 150, sessao=s)


def test_a_line_printed_in_pieces_reads_as_one_line():
    """The kernel may send one print as two stream outputs (it flushed between the pieces): the executed notebook,
    which the site shows and the tests read, has it as one text."""
    import os

    import nbformat
    from lab_harness import execute, output_text

    cell = nbformat.v4.new_code_cell(
        "import sys, time\nsys.stdout.write('no cluster:'); sys.stdout.flush(); time.sleep(0.5); print(' ACTIVE')")
    nb, _ = execute(nbformat.v4.new_notebook(cells=[cell]), dict(os.environ))
    assert [out["text"] for out in nb.cells[0].outputs] == ["no cluster: ACTIVE\n"]
    assert "no cluster: ACTIVE" in output_text(nb)
