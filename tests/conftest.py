"""Shared fixtures: one real graph store per backend for the session, reached through the driver.

Every test that uses the ``store`` fixture (directly or through another fixture) runs on
each backend chosen with ``--store``: ``embedded`` (ArcadeDB, started in a temporary
STAKEGRAPH_HOME), ``neo4j`` (a Neo4j Community server started from neo4j-launcher/, or the
server NEO4J_URI names: it is wiped, so never point it at data you care about) or ``both``
(the default). If Neo4j cannot start, its tests fail; they are never skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_scheduling import BACKENDS, StoreScheduling

from stakegraph.config import Settings
from stakegraph.graph.local_neo4j import LocalNeo4j, Neo4jEndpoint
from stakegraph.graph.store import GraphStore


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=(*BACKENDS, "both"),
        default="both",
        help="which graph store the store tests run on (default: both)",
    )


def selected_backends(config: pytest.Config) -> tuple[str, ...]:
    chosen = str(config.getoption("--store"))
    return BACKENDS if chosen == "both" else (chosen,)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize(
            "backend", selected_backends(metafunc.config), indirect=True, scope="session"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests of the embedded store's own machinery need no Neo4j; a test comparing the two
    # stores needs both.
    backends = set(selected_backends(config))
    keep, drop = [], []
    for item in items:
        needs = {m.args[0] for m in item.iter_markers("only_backend")}
        (keep if needs <= backends else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under ``-n 2 --dist loadscope`` (``make test``) each backend's tests run on one
    worker (tests/store_scheduling.py)."""
    if config.getvalue("dist") != "loadscope":
        return None  # another distribution asked for: xdist's own
    return StoreScheduling(config, log)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The backend this test runs on (``embedded`` or ``neo4j``), from ``--store``."""
    return str(request.param)


@pytest.fixture(scope="session")
def neo4j_endpoint() -> Iterator[Neo4jEndpoint]:
    """The Neo4j the tests use: NEO4J_URI's if set, else one started for this session."""
    if os.environ.get("NEO4J_URI"):
        yield Neo4jEndpoint(
            uri=os.environ["NEO4J_URI"],
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
        )
        return
    # 2 GB of heap: Neo4j caps all transactions together at 70% of it, and analyze's write
    # of the 60-account evaluation portfolio needs more than the 717 MiB of a 1 GB heap.
    with LocalNeo4j(heap="2g") as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def store_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stakegraph-home")


@pytest.fixture(scope="session")
def store_env(backend: str, store_home: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment variables that point a child process at the session's store."""
    env = {"STAKEGRAPH_HOME": str(store_home), "NEO4J_URI": ""}
    if backend == "neo4j":
        endpoint: Neo4jEndpoint = request.getfixturevalue("neo4j_endpoint")
        env |= {
            "NEO4J_URI": endpoint.uri,
            "NEO4J_USER": endpoint.user,
            "NEO4J_PASSWORD": endpoint.password,
        }
    return env


@pytest.fixture(scope="session")
def store_settings(store_env: dict[str, str]) -> Settings:
    """Settings that open the session's store of this backend."""
    return Settings(**store_env)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def store(store_settings: Settings) -> Iterator[GraphStore]:
    with GraphStore.open(store_settings) as opened:
        opened.driver.execute_query("MATCH (n) DETACH DELETE n", database_=opened.database)
        opened.ensure_schema()
        yield opened


@pytest.fixture(scope="session")
def neo4j_store(
    neo4j_endpoint: Neo4jEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GraphStore]:
    """The session's Neo4j on its own, for what only Neo4j has (mark the test
    ``only_backend("neo4j")``); it shares the server with ``store``'s Neo4j leg."""
    settings = Settings(  # type: ignore[call-arg]
        STAKEGRAPH_HOME=str(tmp_path_factory.mktemp("neo4j-only-home")),
        NEO4J_URI=neo4j_endpoint.uri,
        NEO4J_USER=neo4j_endpoint.user,
        NEO4J_PASSWORD=neo4j_endpoint.password,
    )
    with GraphStore.open(settings) as opened:
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
