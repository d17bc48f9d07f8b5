from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from frames_builder import T0, at, make_frames

from stakegraph.analytics.windows import (
    account_stakeholder_edges,
    prepare_activity,
    slice_window,
    window_grid,
)
from stakegraph.dates import DAY


def test_window_grid_is_trailing_and_half_open() -> None:
    grid = window_grid(T0, windows=3)
    assert grid["window_end"].tolist() == [T0 - 14 * DAY, T0 - 7 * DAY, T0]
    assert (grid["window_end"] - grid["window_start"] == 90 * DAY).all()


@pytest.mark.parametrize("bad", [{"window": 0}, {"step": -1}, {"windows": 0}])
def test_window_grid_rejects_nonsense(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        window_grid(T0, **bad)


def test_slice_window_keeps_start_drops_end() -> None:
    frames = make_frames(
        [("i1", "acme", "email", 0, "o1", ["a"]), ("i2", "acme", "email", 10, "o1", ["a"])]
    )
    sliced = slice_window(frames, at(0), at(10))
    assert sliced.interactions["interaction_id"].tolist() == ["i1"]
    assert set(sliced.participations["interaction_id"]) == {"i1"}


def edges_of(frames, **kwargs) -> set[tuple[str, str, float]]:  # type: ignore[no-untyped-def]
    table = account_stakeholder_edges(frames, **kwargs)
    rows = zip(table.source, table.target, table.weight, strict=True)
    return {(s, t, round(w, 6)) for s, t, w in rows}


@pytest.mark.parametrize(
    ("interaction", "expected"),
    [
        (("i", "acme", "email", 1, "o1", ["a"]), {("o1", "a", 1.0)}),
        (("i", "acme", "email", 1, "o1", ["a", "b"]), {("o1", "a", 0.5), ("o1", "b", 0.5)}),
        (
            ("i", "acme", "meeting", 1, "o1", ["a", "b", "c"]),
            {("o1", "a", 0.333333), ("o1", "b", 0.333333), ("o1", "c", 0.333333)},
        ),
        (("i", "acme", "call", 1, None, ["a", "b"]), {("a", "b", 1.0)}),
        (("i", "acme", "email", 1, "a", ["a"]), set()),  # mail to self
        (("i", "acme", "email", 1, "o1", ["o2"]), set()),  # our internal chatter
    ],
)
def test_edges_by_hand(
    interaction: tuple[object, ...], expected: set[tuple[str, str, float]]
) -> None:
    assert edges_of(make_frames([interaction])) == expected


def test_bulk_mail_makes_no_edge() -> None:
    recipients = [f"c{i:03d}" for i in range(200)]
    frames = make_frames([("i", "acme", "email", 1, "o1", recipients)])
    assert edges_of(frames) == set()
    assert len(edges_of(frames, bulk_threshold=500)) == 200


def test_duplicates_count_once() -> None:
    frames = make_frames([("i", "acme", "email", 1, "o1", ["a", "a", "b"])])
    doubled = make_frames(
        [("i", "acme", "email", 1, "o1", ["a", "b"]), ("i", "acme", "email", 1, "o1", ["a", "b"])]
    )
    assert edges_of(frames) == edges_of(doubled) == {("o1", "a", 0.5), ("o1", "b", 0.5)}


def test_edges_of_one_account() -> None:
    frames = make_frames(
        [("i1", "acme", "email", 1, "o1", ["a"]), ("i2", "globex", "email", 1, "o1", ["g"])]
    )
    table = account_stakeholder_edges(frames, "globex")
    assert table[["account_id", "source", "target"]].values.tolist() == [["globex", "o1", "g"]]


def test_roles_are_taken_at_the_time_of_each_interaction() -> None:
    frames = make_frames(
        [("i1", "acme", "email", 5, "o1", ["a"]), ("i2", "acme", "email", 15, "o1", ["a"])],
        roles=[("a", "manager", "it", 0, 10), ("a", "director", "it", 10, None)],
    )
    activity = prepare_activity(frames)
    theirs = activity.participations[~activity.participations["home"]]
    levels = [activity.level_names[c] for c in theirs.sort_values("at")["level"]]
    assert levels == ["manager", "director"]


def test_empty_frames_prepare() -> None:
    from stakegraph.analytics.frames import empty_frames

    activity = prepare_activity(empty_frames())
    assert len(activity.edges) == 0
    assert isinstance(activity.interactions, pd.DataFrame)


def test_activity_of_a_small_portfolio_by_hand() -> None:
    """Every coded array of a portfolio with the duplicates and strays cleaning must handle.

    ``i1`` appears twice (the first row, day 1, is kept); ``a`` is on ``i2`` as to and cc;
    ``b`` is on the call ``i3`` as attendee and as from, so is its sender; a participation
    names an interaction that does not exist; ``i4`` is our internal chatter.
    """
    frames = make_frames(
        [
            ("i2", "acme", "email", 2, "o1", ["a", "b"]),
            ("i1", "globex", "meeting", 1, "o1", ["g"]),
            ("i3", "acme", "call", 3, None, ["a", "b"]),
            ("i4", "acme", "email", 4, "o1", ["o2"]),
        ]
    )
    again = frames.interactions.iloc[[1]].assign(account_id="acme", at=at(9))
    strays = pd.DataFrame(
        [("i2", "a", "cc"), ("i3", "b", "from"), ("ghost", "a", "from")],
        columns=["interaction_id", "person_id", "role"],
    )
    frames = replace(
        frames,
        interactions=pd.concat([frames.interactions, again], ignore_index=True),
        participations=pd.concat([frames.participations, strays], ignore_index=True),
    )
    activity = prepare_activity(frames)

    assert activity.person_ids.tolist() == ["a", "b", "g", "o1", "o2"]  # codes 0..4
    assert activity.account_ids.tolist() == ["acme", "globex"]
    assert activity.person_home.tolist() == [False, False, False, True, True]
    inter = activity.interactions
    assert inter["interaction_id"].tolist() == ["i1", "i2", "i3"]  # time order, i4 dropped
    assert inter["at"].tolist() == [at(1), at(2), at(3)]
    assert inter["account"].tolist() == [1, 0, 0]
    assert inter["kind"].tolist() == [1, 0, 2]  # meeting, email, call
    assert inter["people"].tolist() == [2, 3, 2]
    assert inter["home_people"].tolist() == [1, 1, 0]
    assert inter["sender"].tolist() == [3, 3, 1]
    assert inter["sender_home"].tolist() == [True, True, False]

    parts = activity.participations
    assert parts["row"].tolist() == [0, 0, 1, 1, 1, 2, 2]
    assert parts["person"].tolist() == [2, 3, 0, 1, 3, 0, 1]
    assert parts["sender"].tolist() == [False, True, False, False, True, False, True]
    assert parts["account"].tolist() == [1, 1, 0, 0, 0, 0, 0]
    # Nodes (account, person) sorted: acme-a, acme-b, acme-o1, globex-g, globex-o1.
    assert activity.node_account.tolist() == [0, 0, 0, 1, 1]
    assert activity.node_person.tolist() == [0, 1, 3, 2, 3]
    assert parts["node"].tolist() == [3, 4, 0, 1, 2, 0, 1]

    edges = activity.edges
    assert edges["row"].tolist() == [0, 1, 1, 2]
    assert edges["source"].tolist() == [3, 3, 3, 1]
    assert edges["target"].tolist() == [2, 0, 1, 0]
    assert edges["weight"].tolist() == [1.0, 0.5, 0.5, 1.0]
    assert edges["mutual"].tolist() == [True, False, False, True]
    # Pairs (account, lo, hi) sorted: acme a-b, acme a-o1, acme b-o1, globex g-o1.
    assert edges["pair"].tolist() == [3, 1, 2, 0]
    assert activity.pair_node_a.tolist() == [0, 0, 1, 3]
    assert activity.pair_node_b.tolist() == [1, 2, 2, 4]
