"""Attacks on the analysts' read-only Cypher: none changes the store or reads a file.

Each case runs twice: through the whole read-only path, and with the lexical layer
switched off, so the store's own enforcement (a user without write rights, READ access
mode, LOAD CSV configuration) is what is tested. After every case the store's content,
labels, indexes and constraints are compared with what they were before.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import stakegraph.graph.readonly as readonly
from stakegraph.graph.readonly import (
    MAX_CONCURRENT_QUERIES,
    QueryTimeoutError,
    ReadOnlyQueryError,
    ResultTooLargeError,
    run_read_only,
)
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

SECRET = "stakegraph-secret-marker-7f3a"

# Every character some Cypher lexer ends a line comment at, and the usual ones.
LINE_TERMINATORS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c"]

WRITES = [
    "CREATE (:Probe {t: 1})",
    "CREATE (:Person {id: 'intruder'})",
    "MATCH (p:Person) SET p.name = 'changed'",
    "MATCH (p:Person) SET p:Hacked",
    "MATCH (p:Person) REMOVE p.name",
    "MATCH (n) DETACH DELETE n",
    "MATCH (:Person)-[r]->() DELETE r",
    "MERGE (:Person {id: 'merged'})",
    "MATCH (a:Person), (b:Organization) CREATE (a)-[:PROBE]->(b)",
    "FOREACH (i IN [1] | CREATE (:Probe {t: i}))",
    "UNWIND [1] AS i CALL (i) { CREATE (:Probe {t: i}) } IN TRANSACTIONS RETURN 1 AS done",
    "MATCH (p:Person) CALL (p) { SET p.name = 'changed' } IN TRANSACTIONS RETURN 1 AS done",
    "CALL { CREATE (:Probe) } IN TRANSACTIONS OF 1 ROW",
    "CALL { MATCH (p:Person) SET p.name = 'x' } IN 2 CONCURRENT TRANSACTIONS",
    "CREATE INDEX probe_index IF NOT EXISTS FOR (p:Person) ON (p.probe)",
    "CREATE CONSTRAINT probe_unique IF NOT EXISTS FOR (p:Probe) REQUIRE p.id IS UNIQUE",
    "DROP CONSTRAINT person_id_unique",
    "DROP INDEX person_email IF EXISTS",
]

HIDDEN_WRITES = [
    # text after a line terminator that a naive check takes as still inside the comment
    *(
        f"WITH 1 AS x //{t}UNWIND [1] AS i CALL (i) {{ CREATE (:Probe {{t: i}}) }} "
        f"IN TRANSACTIONS\nRETURN 1 AS done"
        for t in LINE_TERMINATORS
    ),
    *(f"RETURN 1 AS x //{t}'\nCREATE (:Probe) //'" for t in LINE_TERMINATORS),
    "RETURN 1 AS x /* a comment */ CREATE (:Probe)",
    "RETURN '\\'' AS x CREATE (:Probe)",
    'RETURN "\\"" AS x CREATE (:Probe)',
    "RETURN `a``b` AS x CREATE (:Probe)",
    "MATCH (p:Person) RETURN p; CREATE (:Probe)",
    "cReAtE (:Probe)",
]

PROCEDURES = [
    "CALL `do.when`(true, 'CREATE (:Probe)', '')",
    "CALL `apoc.cypher.doIt`('CREATE (:Probe) RETURN 1', {})",
    "CALL apoc.cypher.doIt('CREATE (:Probe) RETURN 1', {})",
    "CALL `apoc`.`create`.`node`(['Probe'], {})",
    "CALL db.createLabel('Probe')",
    "CALL db . createLabel('Probe')",
    "CALL dbms.security.createUser('intruder', 'secret', false)",
    "CALL db.index.fulltext.createNodeIndex('probe', ['Person'], ['name'])",
]

# Only the friendly layer refuses these: they read, but about the store, not the graph.
ADMINISTRATION = [
    "SHOW DATABASES",
    "SHOW TRANSACTIONS",
    "SHOW USERS",
    "SHOW SETTINGS",
    "SHOW SERVERS",
    "TERMINATE TRANSACTIONS 'q1'",
    "USE system SHOW USERS",
    "EXPLAIN CREATE (:Probe)",
    "PROFILE MATCH (n) RETURN n",
    "START DATABASE neo4j",
]


def _load_csv_urls(secret_file: Path) -> list[str]:
    return [
        secret_file.as_uri(),
        f"file://{secret_file}",
        f"file:{secret_file}",
        str(secret_file),
        "file:///etc/passwd",
        "../credentials.json",
        "credentials.json",
        "http://127.0.0.1:7474/",
        "http://localhost:1/",
        "http://[::1]:1/",
        "https://127.0.0.1:1/",
    ]


@pytest.fixture
def seeded(clean_store: GraphStore) -> Iterator[GraphStore]:
    clean_store.driver.execute_query(
        "CREATE (a:Person {id: 'a', name: 'Ada'})-[:HOLDS_ROLE {title: 'CTO'}]->"
        "(o:Organization:Account {id: 'o', name: 'Acme'})",
        database_=clean_store.database,
    )
    yield clean_store


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.csv"
    path.write_text(f"{SECRET},1\n")
    path.chmod(0o644)
    return path


def fingerprint(store: GraphStore) -> dict[str, Any]:
    """Everything an attack could change: content, labels, types, indexes, constraints."""

    def rows(query: str) -> list[Any]:
        records, _, _ = store.driver.execute_query(query, database_=store.database)
        return sorted(repr(r.data()) for r in records)

    return {
        "nodes": rows("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"),
        "relationships": rows("MATCH ()-[r]->() RETURN type(r) AS type, properties(r) AS p"),
        "labels": rows("CALL db.labels() YIELD label RETURN label"),
        "types": rows("CALL db.relationshipTypes() YIELD relationshipType RETURN *"),
        "indexes": rows("SHOW INDEXES YIELD name RETURN name"),
        "constraints": rows("SHOW CONSTRAINTS YIELD name RETURN name"),
    }


def attempt(store: GraphStore, statement: str, **params: Any) -> str:
    """Run an attack; it must be refused. Returns everything the caller got to see."""
    with pytest.raises(ReadOnlyQueryError) as refused:
        result = run_read_only(store, statement, params, timeout_s=20)
        pytest.fail(f"not refused: {statement!r} returned {result.rows!r}")
    return str(refused.value)


@pytest.mark.parametrize("statement", WRITES + HIDDEN_WRITES + PROCEDURES + ADMINISTRATION)
def test_every_attack_is_refused_and_changes_nothing(seeded: GraphStore, statement: str) -> None:
    before = fingerprint(seeded)
    attempt(seeded, statement)
    assert fingerprint(seeded) == before


@pytest.mark.parametrize("statement", WRITES + PROCEDURES)
def test_the_store_alone_refuses_every_write(
    seeded: GraphStore, statement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the lexical layer off, the store's enforcement still holds."""
    monkeypatch.setattr(readonly, "check_statement", lambda statement: None)
    before = fingerprint(seeded)
    attempt(seeded, statement)
    assert fingerprint(seeded) == before


@pytest.mark.parametrize("statement", HIDDEN_WRITES)
def test_the_store_alone_lets_no_hidden_write_land(
    seeded: GraphStore, statement: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text the store reads as a comment is no write; text it reads as code is refused."""
    monkeypatch.setattr(readonly, "check_statement", lambda statement: None)
    before = fingerprint(seeded)
    with contextlib.suppress(ReadOnlyQueryError):
        run_read_only(seeded, statement, timeout_s=20)
    assert fingerprint(seeded) == before


@pytest.mark.parametrize("lexical_layer", [True, False], ids=["whole path", "store alone"])
def test_load_csv_reads_no_file_and_no_local_address(
    seeded: GraphStore,
    secret_file: Path,
    lexical_layer: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not lexical_layer:
        monkeypatch.setattr(readonly, "check_statement", lambda statement: None)
    for url in _load_csv_urls(secret_file):
        for statement in (
            "LOAD CSV FROM $url AS row RETURN row",
            f"LOAD CSV FROM '{url}' AS row RETURN row",
            f"RETURN 1 AS x //\r LOAD CSV FROM '{url}' AS row RETURN row",
        ):
            seen = attempt(seeded, statement, url=url)
            assert SECRET not in seen and "root:" not in seen, (url, seen)


def test_a_timed_out_query_is_stopped_in_the_store_and_frees_its_slot(
    seeded: GraphStore,
) -> None:
    slow = (
        "UNWIND range(1, 30000) AS a UNWIND range(1, 30000) AS b "
        "WITH a, b WHERE (a * b) % 7 = 99 RETURN count(*) AS n"
    )

    def times_out(_: int) -> str:
        with pytest.raises(QueryTimeoutError) as info:
            run_read_only(seeded, slow, timeout_s=1.0)
        return str(info.value)

    with concurrent.futures.ThreadPoolExecutor(MAX_CONCURRENT_QUERIES) as pool:
        timed_out = list(pool.map(times_out, range(MAX_CONCURRENT_QUERIES)))
    assert len(timed_out) == MAX_CONCURRENT_QUERIES
    records, _, _ = seeded.driver.execute_query(
        "SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery", database_=seeded.database
    )
    # Its own statements only: a statement that ended in an error thrown inside ArcadeDB
    # stays listed (docs/architecture.md), and other tests of the session leave those.
    assert not [r for r in records if slow in (r["currentQuery"] or "")]
    # Both slots are free again: a quick query runs at once.
    assert run_read_only(seeded, "MATCH (p:Person) RETURN p.name AS name").rows == [{"name": "Ada"}]


def test_results_are_capped_in_bytes(seeded: GraphStore) -> None:
    with pytest.raises(ResultTooLargeError, match="byte result cap"):
        run_read_only(seeded, "RETURN range(1, 2000000) AS r")
    capped = run_read_only(
        seeded, "UNWIND range(1, 500) AS i RETURN i, range(1, 100) AS pad", max_bytes=20_000
    )
    assert capped.truncated
    assert 0 < len(capped.rows) < 500
    assert [row["i"] for row in capped.rows] == list(range(1, len(capped.rows) + 1))


# Functions need no CALL, so the procedure allow-list does not see them; ArcadeDB's
# `sql.*` bridge reaches every SQL function, `sql.eval` parses an SQL condition (which may
# hold a statement in parentheses). None may change the store.
FUNCTION_WRITES = [
    "RETURN sql.eval('1 IN (INSERT INTO Person SET id = \"sqlprobe\")') AS x",
    "RETURN sql.eval('1 IN (CREATE VERTEX Person SET id = \"sqlprobe\")') AS x",
    "RETURN sql.eval('1 IN (UPDATE Person SET name = \"changed\")') AS x",
    "RETURN sql.eval('1 IN (DELETE FROM Person)') AS x",
    "RETURN sql.eval('1 IN (CREATE PROPERTY Person.probe STRING)') AS x",
]


@pytest.mark.parametrize("statement", FUNCTION_WRITES)
def test_sql_functions_reached_from_cypher_change_nothing(
    seeded: GraphStore, statement: str
) -> None:
    before = fingerprint(seeded)
    with contextlib.suppress(ReadOnlyQueryError):
        run_read_only(seeded, statement, timeout_s=20)
    assert fingerprint(seeded) == before
