# `make run` and `make test` install everything they need into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck unit seed schema clean

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

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
