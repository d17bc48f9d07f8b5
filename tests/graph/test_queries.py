"""The named-query registry: every file parses, declares what it uses, and runs."""

from __future__ import annotations

from typing import Any

import pytest

from stakegraph.errors import QueryNotFoundError, QueryParameterError
from stakegraph.graph.gds import gds_network_measures
from stakegraph.graph.queries import parse_query, registry
from stakegraph.graph.store import GraphStore

# One harmless example value per parameter name used anywhere in cypher/. A new parameter
# name must be added here, so that every query is really run against the store below.
EXAMPLES: dict[str, Any] = {
    "since": 0,
    "until": 2_000_000_000,
    "account_ids": ["acc-1"],
    "window_ends": [2_000_000_000],
    "rows": [],
    "segment": None,
    "tier": None,
    "owner_id": None,
    "bulk_threshold": 25,
    "open_window_s": 90 * 86_400,
    "account_id": "acc-1",
    "start": 0,
    "end": 2_000_000_000,
    "person_ids": ["p-1"],
    "person_id": "p-1",
    "levels": ["vp", "c_level"],
    "at": 1_700_000_000,
    "min_tier": 4,
    "run_id": "run-1",
    "ids": [],
    "copy_keys": ["sha256:0"],
    "tag": "/* no such tag */",
    "transaction_ids": ["neo4j-transaction-999999"],  # Neo4j refuses an empty list
    "id": "run-1",
    "source": "example",
    "started_epoch": 0,
    "outcome": {"status": "complete", "finished_epoch": 0},
    # curated explorations (cypher/explore/)
    "as_of": None,
    "renewal_days": 90,
    "silent_days": 30,
    "days": 90,
    "min_accounts": 2,
    "from_person": "p-1",
    "to_person": "p-2",
    "knows_strength": 0.3,
    "paths": 5,
    "min_arr": 0.0,
    "min_fall": 10.0,
    "weeks": 4,
    "kinds": ["meeting", "call"],
    "min_interactions": 0,
    "min_strength": 0.0,
    "top": 10,
    "offset": 0,
    "limit": 10,
    "open_days": 90,
    # the weekly digest (cypher/digest/)
    "scope": "all",
    # plays (cypher/plays/)
    "kind": "value_delivery",
    "signal_id": "sig-1",
    "request_id": "request-1",
    "by": None,
    "note": None,
    "event": "{}",
    "status": None,
    "next_step": None,
    # Graph Data Science (cypher/gds/): a projected network, dropped by the same statement
    "graph": "stakegraph-example",
    "edges": [[0, 1], [1, 2]],
}


def example_params(names: frozenset[str]) -> dict[str, Any]:
    missing = names - EXAMPLES.keys()
    assert not missing, f"add example values for {sorted(missing)} to EXAMPLES"
    return {name: EXAMPLES[name] for name in names}


def test_registry_loads_every_file() -> None:
    names = set(registry())
    assert "status/count_nodes" in names
    assert any(name.startswith("schema/") for name in names)


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("// params: none\nMATCH (n) RETURN count(n)", frozenset()),
        (
            "// x\n// params: $a, $b\nMATCH (n {id: $a}) WHERE n.x = $b RETURN n",
            frozenset({"a", "b"}),
        ),
        ("// params: $a\nRETURN $a AS v, '$notaparam' AS s // $nor_this", frozenset({"a"})),
    ],
)
def test_parse_declared_params(text: str, params: frozenset[str]) -> None:
    assert parse_query("t/q", text).params == params


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("MATCH (n) RETURN n", "missing '// params:' header"),
        ("// params: $a\nRETURN $b", "declares ['a'] but the statement uses ['b']"),
        ("// params: none\nRETURN 1; RETURN 2", "more than one statement"),
    ],
)
def test_parse_rejects_inconsistent_files(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_query("t/q", text)


def test_calls_are_checked_against_the_header() -> None:
    query = parse_query("t/q", "// params: $a\nRETURN $a")
    query.check({"a": 1})
    with pytest.raises(QueryParameterError) as info:
        query.check({"b": 1})
    assert info.value.missing == {"a"} and info.value.unexpected == {"b"}
    with pytest.raises(QueryNotFoundError):
        registry()["no/such_query"]


@pytest.mark.store
@pytest.mark.parametrize("name", sorted(registry()))
def test_every_named_query_runs_on_the_store(empty_store: GraphStore, name: str) -> None:
    if name.startswith("gds/") and gds_network_measures(empty_store) is None:
        pytest.skip("Graph Data Science is not on this store (tests/graph/test_gds.py)")
    query = registry()[name]
    params = example_params(query.params)
    records, _, _ = empty_store.driver.execute_query(
        query.text,
        params,
        database_=empty_store.database,  # type: ignore[arg-type]
    )
    assert isinstance(records, list)
