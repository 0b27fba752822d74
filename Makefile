# `make run` and `make test` install everything they need into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck unit seed schema bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m api

test: lint typecheck unit

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

# Load the seed articles into MONGODB_URI (or the embedded database) without serving.
seed: install
	$(BIN)/python -m seed

# Rewrite schema.graphql from the served schema (then review the diff).
schema: install
	$(BIN)/python -m schema.export > schema.graphql

# The scale benchmark (bench/README.md): sizes S and L, API against the hand-written floor.
# The first run generates and loads each corpus (L takes about half an hour); later runs
# reuse them from .data/bench. BENCH_ARGS='--size S --duration 3' for a quick look.
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench.scale --json bench/results/scale.json --markdown bench/results/scale.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
