# Two entry points: `make demo` (set up, then run the whole pipeline on the embedded store)
# and `make test` (set up, then lint, type-check and run the full test suite on both stores:
# the embedded ArcadeDB and a Neo4j Community server that the tests start themselves).
# `make neo4j` runs that Neo4j in the foreground for local work (Java 17 and Maven needed).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

STORE ?= both
# Two test workers: one runs the embedded store's tests, the other Neo4j's, and the tests
# that need no store fill in on both (tests/conftest.py, StoreScheduling). WORKERS=0: one process.
WORKERS ?= 2

.PHONY: setup demo test lint bench neo4j neo4j-jars clean

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

# STORE=embedded or STORE=neo4j runs the store tests on one backend only.
test: lint neo4j-jars
	$(BIN)/pytest --store=$(STORE) -n $(WORKERS) --dist loadscope

# Neo4j's jars from Maven Central into neo4j-launcher/lib (once; kept until a pom's content changes).
neo4j-jars: $(STAMP)
	$(BIN)/python -c 'from stakegraph.graph.local_neo4j import fetch_jars; fetch_jars()'

# Neo4j on bolt://127.0.0.1:7687, data in neo4j-launcher/data; it prints NEO4J_URI,
# NEO4J_USER and NEO4J_PASSWORD. Ctrl-C (or Ctrl-D) stops it.
neo4j: $(STAMP)
	$(BIN)/python -m stakegraph.graph.local_neo4j

bench: $(STAMP) neo4j-jars
	$(BIN)/python bench/ingest.py --store both

clean:
	rm -rf $(VENV) .stakegraph .pytest_cache .mypy_cache .ruff_cache neo4j-launcher/lib
