"""Every lab notebook: committed clean, runs top to bottom on a fresh emulator, twice, and its checks pass."""

from __future__ import annotations

import json
import re
import sys

import nbformat
import pytest
from labs_testutil import LABS_DIR, NOTEBOOKS, Emulator, cell_sources, output_text, read_notebook, secrets_in

LABS = list(NOTEBOOKS)
SECTIONS = ("Visão geral", "Pré-requisitos", "Tempo estimado", "Custo na AWS real", "Exercício", "Resumo",
            "Próximos passos")


def test_every_lab_has_a_notebook():
    found = sorted(p.name for p in LABS_DIR.glob("[0-9][0-9]-*.ipynb"))
    assert found == sorted(NOTEBOOKS.values())


@pytest.mark.parametrize("lab", LABS)
def test_notebook_is_committed_clean(lab):
    raw = json.loads((LABS_DIR / NOTEBOOKS[lab]).read_text())
    nb = read_notebook(lab)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], "saídas gravadas no notebook"
            assert cell["execution_count"] is None, "contagem de execução gravada no notebook"


@pytest.mark.parametrize("lab", LABS)
def test_notebook_structure(lab):
    nb = read_notebook(lab)
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[0].source.startswith(f"# Laboratório {lab} — ")
    text = "\n".join(cell_sources(nb, "markdown"))
    missing = [s for s in SECTIONS if s not in text]
    assert not missing, f"seções ausentes: {missing}"
    code = cell_sources(nb, "code")
    check_cells = [i for i, src in enumerate(code) if f'ecslab.verificar("{lab}")' in src]
    assert check_cells, "sem célula de verificação"
    assert check_cells[-1] == len(code) - 1, "a verificação deve ser a última célula de código"


@pytest.mark.parametrize("lab", LABS)
def test_notebook_text_is_portuguese(lab):
    text = "\n".join(cell_sources(read_notebook(lab), "markdown"))
    # Accents present (pt-BR written properly) and no English section headings left behind.
    assert re.search(r"[áéíóúâêôãõç]", text)
    for english in ("## Overview", "## Prerequisites", "## Summary", "## Next steps"):
        assert english not in text


@pytest.mark.parametrize("lab", LABS)
def test_notebook_runs_and_checks_pass(emulador: Emulator, lab):
    run = emulador.run(lab)
    out = output_text(run.first)
    assert f"Laboratório {lab}" in out, "a célula de verificação não imprimiu o relatório"
    assert run.report.ok, run.report.tabela()


@pytest.mark.parametrize("lab", LABS)
def test_second_run_creates_nothing_new(emulador: Emulator, lab):
    run = emulador.run(lab)
    assert run.inventory_second == run.inventory_first


@pytest.mark.parametrize("lab", LABS)
def test_outputs_have_no_secrets(emulador: Emulator, lab):
    run = emulador.run(lab)
    for nb in (run.first, run.second):
        text = output_text(nb)
        assert not secrets_in(text)
        assert "Traceback" not in text


def test_kernel_is_this_venv(emulador: Emulator, novo_aluno):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys; print(sys.prefix)")]
    out = output_text(emulador.execute(nb, novo_aluno)).strip()
    assert out == sys.prefix


# What each lab shows of ECS reacting (what the labs are about).
ECS_REACTIONS = {
    "02": ["agente conectado: True", "unable to place a task", "insufficient memory",
           "no cluster: nenhuma instância de contêiner (ela não alcança a API do ECS)"],
    "03": ["A API recusou: ClientException", "healthy", "Parei a tarefa", "has started 1 tasks",
           "assignPublicIp=DISABLED", "stopCode:      TaskFailedToStart"],
    "04": ["Tarefas por provedor: {", "Your Spot Task was interrupted.", ": DRAINING"],
    "07": ["stopCode:      TaskFailedToStart", "ResourceInitializationError: failed to validate logger args",
           "CannotPullContainerError: pull image manifest has been retried", ":v9: not found",
           "deployment failed: tasks failed to start.", "rolling back to deployment", "ROLLBACK_SUCCESSFUL",
           "ECS deployment circuit breaker: tasks failed to start.", "ImageNotFoundException", "Push simulado",
           "Target.ResponseCodeMismatch", "Health checks failed with these codes: [404]",
           "Task failed ELB health checks in (target-group", "EssentialContainerExited", "exitCode 1",
           "RESOURCE:MEMORY", "exitCode 0"],
}


@pytest.mark.parametrize("lab", sorted(ECS_REACTIONS))
def test_outputs_show_the_ecs_reaction(emulador: Emulator, lab):
    out = output_text(emulador.run(lab).first)
    missing = [text for text in ECS_REACTIONS[lab] if text not in out]
    assert not missing, f"ausente na saída: {missing}"
