"""Departure impact on tiny graphs worked out by hand."""

from __future__ import annotations

import pytest

from stakegraph.analytics.impact import departure_impact
from stakegraph.analytics.tie_graph import tie_graph


def test_our_account_manager_leaves() -> None:
    """Module docstring: m holds both threads; x can only be introduced by m (handover)."""
    graph = tie_graph([("m", "c", 0.8), ("m", "d", 0.6), ("c", "d", 0.5), ("x", "m", 0.9)])
    impact = departure_impact(graph, "m", ours={"m", "x"}, theirs={"c", "d"})
    assert impact.broken_ties == (("x", 0.9), ("c", 0.8), ("d", 0.6))
    assert impact.unreachable == ("c", "d")
    assert impact.lost_direct_contact == () and impact.single_threaded == ()
    assert [(b.stakeholder_id, b.via_id, b.path, b.handover) for b in impact.bridges] == [
        ("c", "x", ("x", "m", "c"), True),
        ("d", "x", ("x", "m", "d"), True),
    ]
    assert [b.strength for b in impact.bridges] == [pytest.approx(0.72), pytest.approx(0.54)]


def test_second_thread_remains() -> None:
    """c is reached by m and y; without m, y alone: single-threaded, no one unreachable."""
    graph = tie_graph([("m", "c", 0.8), ("y", "c", 0.4), ("m", "d", 0.6), ("c", "d", 0.5)])
    impact = departure_impact(graph, "m", ours={"m", "y"}, theirs={"c", "d"})
    assert impact.single_threaded == (("c", "y"),)
    # d keeps a path through her colleague c: lost direct contact, still reachable.
    assert impact.lost_direct_contact == ("d",) and impact.unreachable == ()
    bridges = {(b.stakeholder_id, b.via_id): b for b in impact.bridges}
    assert bridges["d", "y"].path == ("y", "c", "d")
    assert bridges["d", "y"].strength == pytest.approx(0.2) and not bridges["d", "y"].handover
    assert ("c", "y") not in bridges  # y already holds c's remaining thread


def test_their_champion_leaves() -> None:
    """Their CTO t talks only to their champion c: when c leaves, t is cut off."""
    graph = tie_graph([("m", "c", 0.8), ("c", "t", 0.5), ("m", "o", 0.3)])
    impact = departure_impact(graph, "c", ours={"m"}, theirs={"c", "t", "o"})
    assert impact.broken_ties == (("m", 0.8), ("t", 0.5))
    assert impact.unreachable == ("t",)
    assert [(b.via_id, b.path, b.handover) for b in impact.bridges] == [
        ("m", ("m", "c", "t"), True)
    ]


def test_someone_with_no_ties_changes_nothing() -> None:
    graph = tie_graph([("m", "c", 0.8)])
    impact = departure_impact(graph, "nobody", ours={"m"}, theirs={"c"})
    assert impact.broken_ties == () and impact.affected == () and impact.bridges == ()
