from __future__ import annotations

import math

import pytest
from frames_builder import at, make_frames

from stakegraph.analytics.ties import TieWeights, tie_strength, tie_table
from stakegraph.dates import DAY


def worked_example():  # type: ignore[no-untyped-def]
    return make_frames(
        [
            ("e1", "acme", "email", 90, "a", ["b"]),
            ("e2", "acme", "email", 95, "b", ["a"]),
            ("m1", "acme", "meeting", 80, "a", ["b"]),
        ]
    )


def test_worked_example() -> None:
    d = [2 ** (-10 / 45), 2 ** (-5 / 45), 2 ** (-20 / 45)]
    volume = sum(d)
    frequency = 1 - math.exp(-volume / 4)
    v_ab, v_ba = d[0] + d[2], d[1] + d[2]
    reciprocity = 2 * min(v_ab, v_ba) / (v_ab + v_ba)
    expected = frequency * (0.4 + 0.2 * d[1] + 0.25 * reciprocity + 0.15 * 0.5)
    assert expected == pytest.approx(0.4227, abs=1e-4)
    assert tie_strength(worked_example(), "a", "b", as_of=at(100)) == pytest.approx(expected)
    assert tie_strength(worked_example(), "b", "a", as_of=at(100)) == pytest.approx(expected)


def test_one_way_email() -> None:
    frames = make_frames([("e", "acme", "email", 0, "o1", ["a"])])
    expected = (1 - math.exp(-0.25)) * 0.6
    assert tie_strength(frames, "o1", "a", as_of=at(0) + 1) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize(
    ("later_days", "ratio"),
    [(0, 1.0), (45, 0.5)],
)
def test_recency_decay_half_life(later_days: float, ratio: float) -> None:
    frames = make_frames([("e", "acme", "email", 0, "o1", ["a"])])
    table = tie_table(frames, as_of=at(later_days) + 1)
    assert table["recency"].iloc[0] == pytest.approx(ratio, rel=1e-4)
    assert table["volume"].iloc[0] == pytest.approx(ratio, rel=1e-4)


def test_strength_grows_with_reciprocity_and_channels() -> None:
    one_way = make_frames([(f"e{i}", "acme", "email", i, "o1", ["a"]) for i in range(4)])
    both_ways = make_frames(
        [
            (f"e{i}", "acme", "email", i, "o1" if i % 2 else "a", ["a" if i % 2 else "o1"])
            for i in range(4)
        ]
    )
    multiplex = make_frames(
        [
            ("e0", "acme", "email", 0, "o1", ["a"]),
            ("e1", "acme", "email", 1, "a", ["o1"]),
            ("m2", "acme", "meeting", 2, "o1", ["a"]),
            ("c3", "acme", "call", 3, "a", ["o1"]),
        ]
    )
    strengths = [tie_strength(f, "o1", "a", as_of=at(4)) for f in (one_way, both_ways, multiplex)]
    assert strengths[0] < strengths[1] < strengths[2] < 1.0


def test_no_tie_is_zero_and_future_is_ignored() -> None:
    frames = worked_example()
    assert tie_strength(frames, "a", "nobody", as_of=at(100)) == 0.0
    assert tie_strength(frames, "a", "b", as_of=at(80)) == 0.0  # everything is at or after


def test_tie_table_columns_and_window() -> None:
    table = tie_table(worked_example(), as_of=at(100), window=15 * DAY)
    assert list(table.columns[:3]) == ["person_a", "person_b", "account_id"]
    row = table.iloc[0]
    assert (row.person_a, row.person_b, row.account_id) == ("a", "b", "acme")
    assert (row.interactions, row.channels, row.last_at) == (2, 1, at(95))
    assert row.reciprocity == pytest.approx(
        2 * 2 ** (-10 / 45) / (2 ** (-10 / 45) + 2 ** (-5 / 45))
    )


def test_weights_must_sum_to_one() -> None:
    with pytest.raises(ValueError):
        TieWeights(base=0.5)
