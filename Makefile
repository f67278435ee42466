# ECS na prática: `make serve` and `make test` are the two set-up commands of the README.
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

LABS_PORT ?= 8888

.PHONY: setup setup-tests setup-labs serve labs build test lint diagrams bench lighthouse offline clean

setup:
	@bash scripts/setup.sh

# The labs need only Python (no Graphviz): see the README for macOS and Windows without make.
setup-labs:
	@bash scripts/setup.sh --labs

# The tests also need Chromium and Hunspell (pt-BR); `make serve` never installs them.
setup-tests:
	@bash scripts/setup.sh --testes

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# The labs: the emulator (started if needed) and JupyterLab on the notebooks, both on 127.0.0.1.
labs: setup-labs
	$(BIN)/ecslab emulador iniciar
	$(BIN)/jupyter lab --ip 127.0.0.1 --port $(LABS_PORT) --no-browser --notebook-dir labs $(if $(filter 0,$(shell id -u)),--allow-root) $(JUPYTER_ARGS)

build: setup
	$(BIN)/mkdocs build --strict

diagrams: setup
	$(BIN)/python scripts/diagram_hook.py --force

test: setup-tests
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Benchmarks print their figures; they are not tests.
bench: setup
	$(BIN)/python scripts/bench_build.py
	$(BIN)/python scripts/bench_ecslab.py
	$(BIN)/python scripts/bench_emulator.py
	$(BIN)/python scripts/bench_labs.py
	$(BIN)/python scripts/bench_turma.py

lighthouse: setup-tests
	$(BIN)/python scripts/bench_lighthouse.py

offline: setup
	$(BIN)/python scripts/build_offline.py

clean:
	rm -rf site build .cache
