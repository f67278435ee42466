# ECS na prática: `make serve` and `make test` are the two set-up commands of the README.
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test lint diagrams bench clean

setup:
	@bash scripts/setup.sh

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup
	$(BIN)/mkdocs build --strict

diagrams: setup
	$(BIN)/python scripts/diagram_hook.py --force

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python scripts/bench_build.py

clean:
	rm -rf site build .cache
