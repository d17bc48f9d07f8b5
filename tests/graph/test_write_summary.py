"""Write summaries add up: the store's multi-statement writes and the loader rely on it."""

from __future__ import annotations

from stakegraph.graph.store import WriteSummary


def test_summaries_add_field_by_field() -> None:
    first = WriteSummary(nodes_created=1, relationships_created=2, properties_set=3)
    second = WriteSummary(nodes_created=10, nodes_deleted=4, relationships_deleted=5)
    assert first + second == WriteSummary(
        nodes_created=11,
        relationships_created=2,
        properties_set=3,
        nodes_deleted=4,
        relationships_deleted=5,
    )


def test_the_empty_summary_adds_nothing() -> None:
    summary = WriteSummary(1, 2, 3, 4, 5)
    assert summary + WriteSummary() == summary
    assert sum([summary, summary], WriteSummary()) == WriteSummary(2, 4, 6, 8, 10)
