"""Interaction batches written side by side land the same graph as one writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from synthetic import write_portfolio

from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

pytestmark = pytest.mark.store

INTERACTIONS = 1_500
BATCH = 100


def graph(store: GraphStore) -> dict[str, Any]:
    """What an import wrote, as sets of tuples: interactions with their account and reply
    latency, participations with their role, and the people and memberships."""

    def rows(cypher: str) -> set[tuple[Any, ...]]:
        records, _, _ = store.driver.execute_query(cypher, database_=store.database)
        return {tuple(tuple(v) if isinstance(v, list) else v for v in r.values()) for r in records}

    return {
        "interactions": rows(
            "MATCH (i:Interaction)-[:ABOUT]->(a) "
            "RETURN i.id, a.id, i.at_epoch, i.reply_latency_s, i.participants, i.person_ids"
        ),
        "participations": rows(
            "MATCH (p:Person)-[r:PARTICIPATED]->(i:Interaction) RETURN p.id, r.as, i.id"
        ),
        "memberships": rows("MATCH (p:Person)-[:MEMBER_OF]->(o) RETURN p.id, o.id"),
        "counts": store.counts(),
    }


def test_parallel_writers_land_the_same_graph(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    # Every 50th interaction names an address nobody listed; the same seven addresses
    # recur per account, so batches in flight together share people met by address.
    data = write_portfolio(tmp_path / "data", accounts=5, interactions=INTERACTIONS)
    one = import_directory(store, data, batch_size=BATCH, writers=1, rejects_dir=tmp_path)
    expected = graph(store)
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)

    three = import_directory(store, data, batch_size=BATCH, writers=3, rejects_dir=tmp_path)
    assert graph(store) == expected
    assert three.interactions_created == one.interactions_created == INTERACTIONS
    assert three.relationships_created == one.relationships_created
    assert len(expected["participations"]) > 2 * INTERACTIONS  # a sender and two recipients
    # Re-run with writers in parallel: every batch found, nothing written twice.
    again = import_directory(store, data, batch_size=BATCH, writers=3, rejects_dir=tmp_path)
    assert again.interactions_created == 0
    assert again.interactions_already_present == INTERACTIONS
    assert graph(store) == expected


def test_writers_must_be_positive(clean_store: GraphStore, tmp_path: Path) -> None:
    data = write_portfolio(tmp_path / "data", accounts=2, interactions=10)
    with pytest.raises(ValueError, match="writers"):
        import_directory(clean_store, data, writers=0, rejects_dir=tmp_path)
