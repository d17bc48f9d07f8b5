# Two entry points: `make demo` (set up, then run the whole pipeline on the embedded store)
# and `make test` (set up, then lint, type-check and run the full test suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/stakegraph demo

lint: $(STAMP)
	$(BIN)/ruff check stakegraph tests bench
	$(BIN)/ruff format --check stakegraph tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .stakegraph .pytest_cache .mypy_cache .ruff_cache
