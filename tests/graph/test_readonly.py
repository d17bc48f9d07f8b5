"""Read-only Cypher: reads run, everything else is refused and changes nothing."""

from __future__ import annotations

import pytest

from stakegraph.graph.readonly import (
    MAX_BRACKET_DEPTH,
    MAX_PATTERN_RELATIONSHIPS,
    ReadOnlyQueryError,
    check_statement,
    run_read_only,
)
from stakegraph.graph.store import GraphStore

REFUSED = [
    "CREATE (:Hack {id: 1})",
    "MATCH (p:Person) SET p.name = 'x'",
    "MATCH (p:Person) REMOVE p.name",
    "MATCH (n) DETACH DELETE n",
    "MATCH (p:Person) DELETE p",
    "MERGE (:Hack {id: 2})",
    "UNWIND [1, 2] AS i CREATE (:Hack {id: i})",
    "FOREACH (i IN [1] | CREATE (:Hack {id: i}))",
    "CREATE INDEX hack IF NOT EXISTS FOR (h:Hack) ON (h.id)",
    "CREATE CONSTRAINT hack IF NOT EXISTS FOR (h:Hack) REQUIRE h.id IS UNIQUE",
    "DROP CONSTRAINT person_id_unique",
    "DROP INDEX person_emails",
    "CALL db.createLabel('Hack')",
    "CALL apoc.create.node(['Hack'], {})",
    "CALL dbms.security.createUser('x', 'y', false)",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "SHOW USERS",
    "MATCH (p:Person) RETURN p; MATCH (n) DETACH DELETE n",
    "match (p:Person) set p.name = 'lower case too'",
    "MATCH (p:Person) CALL { WITH p SET p.x = 1 } RETURN p",
    # plugin functions: GDS builds a graph in the server's memory that outlives the statement
    "UNWIND [[1, 2]] AS e RETURN gds.graph.project('g', e[0], e[1]) AS g",
    "RETURN `gds.graph`.project('g', 1, 2)",
    "RETURN `gds.version`() AS v",
    "RETURN gds /* spaced */ . version ( ) AS v",
    "RETURN apoc.text.join(['a'], ',') AS s",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_lexical_layer_refuses_writes(statement: str) -> None:
    with pytest.raises(ReadOnlyQueryError):
        check_statement(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "MATCH (p:Person) RETURN p.name AS name",
        "MATCH (p:Person) WHERE p.name = 'CREATE (x)' RETURN p",  # keywords inside literals
        "MATCH (p:Person) // SET in a comment\nRETURN count(p) AS n",
        "CALL db.labels()",
        "MATCH (p:Person {id: $id}) RETURN p.`created` AS c",
        # Cypher's own namespaced functions
        "RETURN date.truncate('week', date()) AS w, duration.between(date(), date()) AS d",
        "RETURN point.distance(point({x: 0, y: 0}), point({x: 3, y: 4})) AS d",
        "MATCH (p:Person) RETURN p {.name, .id}, toUpper(p.name) AS n",
    ],
)
def test_lexical_layer_lets_reads_through(statement: str) -> None:
    check_statement(statement)


def _nested(opening: str, closing: str, depth: int) -> str:
    return "RETURN " + opening * depth + "1" + closing * depth + " AS x"


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("(", ")"), ("[", "]"), ("{a: ", "}"), ("abs(", ")"), ("([{a: ", "}])")],
)
def test_brackets_nested_past_the_limit_are_refused_before_the_store(
    opening: str, closing: str
) -> None:
    """A resource limit: on Neo4j 400 nested parentheses ran past a 15 s time limit in the
    parser, and 5,000 past the 10 s one (ArcadeDB refuses past 200 itself)."""
    levels = MAX_BRACKET_DEPTH // sum(c in "([{" for c in opening)
    check_statement(_nested(opening, closing, levels))  # at the limit: let through
    with pytest.raises(ReadOnlyQueryError, match="nested deeper than 100 levels"):
        check_statement(_nested(opening, closing, levels + 1))
    with pytest.raises(ReadOnlyQueryError, match="nested deeper"):
        check_statement(_nested(opening, closing, 5000))
    # Brackets inside strings and comments are not the statement's.
    check_statement("RETURN '" + "(" * 5000 + "' AS s /* " + "[" * 5000 + " */")


@pytest.mark.parametrize(
    ("step", "per_step"),
    [("--()", 1), ("-[:KNOWS]->()", 1), ("<-[r]-()", 1), ("--(), (b)--()", 2)],
)
def test_patterns_past_the_limit_are_refused_before_the_store(step: str, per_step: int) -> None:
    """A resource limit: 4,000 relationships ran ArcadeDB's Bolt thread out of stack, and
    Neo4j's planner ran past its time limit from 32 on and stopped answering at 100.
    Commas do not get around it."""
    steps = MAX_PATTERN_RELATIONSHIPS // per_step
    check_statement("MATCH (a)" + step * steps + " RETURN a")
    with pytest.raises(ReadOnlyQueryError, match=r"relationships in patterns, more than 30 "):
        check_statement("MATCH (a)" + step * (steps + 1) + " RETURN a")
    many_matches = " ".join(["MATCH (a)--(b)"] * (MAX_PATTERN_RELATIONSHIPS + 1))
    with pytest.raises(ReadOnlyQueryError, match="relationships in patterns"):
        check_statement(many_matches + " RETURN a")
    # Arrows in strings are not patterns.
    check_statement("RETURN '" + "()--()" * 1000 + "' AS s")


@pytest.mark.store
def test_writes_are_refused_and_change_nothing(empty_store: GraphStore) -> None:
    empty_store.driver.execute_query(
        "CREATE (:Person {id: 'a', name: 'Ada'})", database_=empty_store.database
    )
    before = empty_store.counts()
    for statement in REFUSED:
        with pytest.raises(ReadOnlyQueryError):
            run_read_only(empty_store, statement)
    assert empty_store.counts() == before
    assert run_read_only(empty_store, "MATCH (p:Person) RETURN p.name AS name").rows == [
        {"name": "Ada"}
    ]


@pytest.mark.store
def test_the_store_alone_refuses_writes(
    empty_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if the lexical check missed a write, the store refuses it."""
    import stakegraph.graph.readonly as readonly

    monkeypatch.setattr(readonly, "check_statement", lambda statement: None)
    with pytest.raises(ReadOnlyQueryError):
        run_read_only(empty_store, "CREATE (h:Hack {id: 1}) RETURN h")
    assert empty_store.counts().get("Hack", 0) == 0
    assert run_read_only(empty_store, "MATCH (h:Hack) RETURN count(h) AS n").rows == [{"n": 0}]


@pytest.mark.store
def test_limit_truncates_and_says_so(empty_store: GraphStore) -> None:
    result = run_read_only(empty_store, "UNWIND range(1, 10) AS i RETURN i", limit=3)
    assert [row["i"] for row in result.rows] == [1, 2, 3]
    assert result.truncated
    assert result.columns == ["i"]


@pytest.mark.store
def test_a_query_past_its_time_limit_is_abandoned(empty_store: GraphStore) -> None:
    """ArcadeDB ignores the transaction timeout, so the caller enforces it too."""
    from stakegraph.graph.readonly import QueryTimeoutError

    slow = "UNWIND range(1, 5000000) AS i WITH i WHERE i % 7 = 0 RETURN count(*) AS n"
    with pytest.raises(QueryTimeoutError) as info:
        run_read_only(empty_store, slow, timeout_s=0.05)
    assert info.value.timeout_s == 0.05
    assert "did not finish within 0.05 s" in str(info.value)
