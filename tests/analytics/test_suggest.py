"""Re-mapping suggestions on tiny graphs whose answers are worked out by hand."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from stakegraph.analytics.matching import (
    MatchWeights,
    Person,
    function_affinity,
    level_parity,
    match_score,
)
from stakegraph.analytics.suggest import suggest_remapping
from stakegraph.analytics.tie_graph import path_strength, reach, tie_graph, warm_path


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        ("c_level", "c_level", 1.0),
        ("vp", "c_level", 0.75),
        ("director", "c_level", 0.5),
        ("ic", "c_level", 0.0),
        ("vp", None, 0.0),
        ("king", "vp", 0.0),
    ],
)
def test_level_parity(ours: str | None, theirs: str | None, expected: float) -> None:
    assert level_parity(ours, theirs) == expected


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        ("finance", "finance", 1.0),
        ("executive", "legal", 0.7),
        ("sales", "executive", 0.7),
        ("it", "product", 0.6),
        ("finance", "procurement", 0.6),
        ("sales", "engineering", 0.2),
        (None, "sales", 0.2),
    ],
)
def test_function_affinity(ours: str | None, theirs: str | None, expected: float) -> None:
    assert function_affinity(ours, theirs) == expected


def test_warm_path_maximises_the_product_of_strengths() -> None:
    graph = tie_graph([("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", 0.5)])
    assert warm_path(graph, "a", "c") == ("a", "b", "c")  # 0.81 > 0.5
    assert path_strength(graph, ("a", "b", "c")) == pytest.approx(0.81)
    assert warm_path(graph, "a", "c", avoid=["b"]) == ("a", "c")
    assert warm_path(graph, "a", "zz") is None
    assert path_strength(graph, None) == 0.0


def test_tie_graph_drops_meaningless_ties_and_keeps_the_strongest() -> None:
    graph = tie_graph(
        [("a", "b", 0.3), ("b", "a", 0.6), ("a", "a", 0.9), ("a", "c", 0.0), ("a", "d", 1.5)]
    )
    assert sorted(graph.edges) == [("a", "b")]
    assert graph["a"]["b"]["strength"] == 0.6
    assert graph["a"]["b"]["cost"] == pytest.approx(-math.log(0.6))


def test_declared_acquaintances_carry_introductions_but_are_not_reach() -> None:
    graph = tie_graph([("us", "x", 0.5)], declared=[("vera", "x"), ("us", "x")])
    assert graph["vera"]["x"]["strength"] == 0.1 and not graph["vera"]["x"]["engaged"]
    assert graph["us"]["x"]["engaged"]  # an interaction tie wins over a declaration
    assert reach(graph, ["x", "y"], ["us", "vera"]) == {"x": ("us",), "y": ()}


def test_match_score_worked_example() -> None:
    """Module docstring: 0.35 * 1 + 0.25 * 0.7 + 0.25 * 0.36 + 0.15 * 1 = 0.765."""
    score = match_score(
        Person("c", level="c_level", function="executive", capacity=2),
        Person("t", level="c_level", function="engineering"),
        tie=0.36,
        remaining=2,
    )
    assert (score.level_parity, score.function_affinity, score.tie, score.capacity) == (
        1.0,
        0.7,
        0.36,
        1.0,
    )
    assert score.total == pytest.approx(0.765)
    half = match_score(
        Person("c", level="c_level", function="executive", capacity=2),
        Person("t", level="c_level", function="engineering"),
        tie=0.36,
        remaining=1,
    )
    assert half.total == pytest.approx(0.765 - 0.075)


def test_match_weights_must_sum_to_one() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        MatchWeights(level_parity=0.5, function_affinity=0.5, tie=0.5, capacity=0.0)


def _account() -> tuple[nx.Graph, list[Person], list[Person]]:
    """The module docstring's account: m-d 0.8, d-t 0.5, c-m 0.9; their CFO f is silent."""
    graph = tie_graph([("m", "d", 0.8), ("d", "t", 0.5), ("c", "m", 0.9)])
    theirs = [
        Person("t", "Tom", "CTO", "c_level", "engineering"),
        Person("d", "Dee", "Director of Engineering", "director", "engineering"),
        Person("f", "Fay", "CFO", "c_level", "finance"),
        Person("i", "Ivy", "Engineer", "ic", "engineering"),  # not senior: never suggested
    ]
    ours = [
        Person("c", "Cam", "CTO", "c_level", "engineering", capacity=1),
        Person("m", "Max", "Account Manager", "manager", "sales", capacity=5),
        Person("x", "Xena", "CFO", "c_level", "finance", capacity=0),  # no capacity
    ]
    return graph, theirs, ours


def test_suggest_remapping_worked_example() -> None:
    graph, theirs, ours = _account()
    suggestions = suggest_remapping(graph, theirs, ours)
    summary = [
        (s.stakeholder.person_id, s.reach, s.reached_through, s.colleague.person_id, s.path)
        for s in suggestions
        if s.colleague
    ]
    # C-level first (f before t by id), then the single-threaded director.
    # f: Cam 0.35+0.05+0+0.15 = 0.55 beats Max 0.0875+0.05+0+0.15 = 0.2875 (Xena has no
    #    capacity). Cam's capacity is then used up.
    # t: Max (manager, sales) for their CTO: parity 0.25, function 0.2, path m-d-t
    #    0.8 * 0.5 = 0.4, capacity 5/5 -> 0.0875 + 0.05 + 0.1 + 0.15 = 0.3875.
    # d: reached only by Max, who is excluded; Cam has no capacity left -> nobody.
    assert summary == [
        ("f", "unreached", (), "c", None),
        ("t", "unreached", (), "m", ("m", "d", "t")),
    ]
    f, t, d = suggestions
    assert f.score is not None and f.score.total == pytest.approx(0.55)
    assert t.score is not None and t.score.total == pytest.approx(0.3875)
    assert t.path_strength == pytest.approx(0.4)
    assert d.stakeholder.person_id == "d" and d.reach == "single_threaded"
    assert d.reached_through == ("m",) and d.colleague is None
    assert "Nobody on our side has outreach capacity" in d.reason
    assert "via Dee" in t.reason and "2 hops" in t.reason


def test_relabelling_people_relabels_the_suggestions() -> None:
    """Invariant: renaming ids changes nothing but the ids."""
    graph, theirs, ours = _account()
    rename = {"t": "t2", "d": "d2", "f": "f2", "i": "i2", "c": "c2", "m": "m2", "x": "x2"}
    relabelled = tie_graph(
        [(rename[a], rename[b], data["strength"]) for a, b, data in graph.edges(data=True)]
    )

    def renamed(people: list[Person]) -> list[Person]:
        return [
            Person(rename[p.person_id], p.name, p.title, p.level, p.function, p.capacity)
            for p in people
        ]

    before = suggest_remapping(graph, theirs, ours)
    after = suggest_remapping(relabelled, renamed(theirs), renamed(ours))
    assert [
        (rename[s.stakeholder.person_id], s.colleague and rename[s.colleague.person_id])
        for s in before
    ] == [(s.stakeholder.person_id, s.colleague and s.colleague.person_id) for s in after]
