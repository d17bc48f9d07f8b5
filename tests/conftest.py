"""Shared fixtures: one real graph store for the whole session, reached through the driver.

The embedded ArcadeDB store is started once in a temporary STAKEGRAPH_HOME (or, with
NEO4J_URI set, the tests run against that Neo4j: it is wiped, so never point it at data
you care about).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from stakegraph.config import Settings
from stakegraph.graph.store import GraphStore


@pytest.fixture(scope="session")
def store_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stakegraph-home")


@pytest.fixture(scope="session")
def store(store_home: Path) -> Iterator[GraphStore]:
    settings = Settings(STAKEGRAPH_HOME=store_home, NEO4J_URI=os.environ.get("NEO4J_URI"))
    with GraphStore.open(settings) as opened:
        opened.ensure_schema()
        yield opened


@pytest.fixture
def empty_store(store: GraphStore) -> GraphStore:
    """The session's store with every node and relationship removed (schema kept)."""
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    return store


@pytest.fixture
def clean_store(store: GraphStore) -> GraphStore:
    """The session's store, emptied and with its schema ensured: tests stay independent."""
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    return store
