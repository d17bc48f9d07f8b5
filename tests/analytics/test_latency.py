from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from frames_builder import at, make_frames
from scipy import stats

from stakegraph.analytics.latency import (
    latency_trend,
    reply_latency,
    reply_latency_by_person,
    theil_sen_slope,
)


def replies():  # type: ignore[no-untyped-def]
    return make_frames(
        [
            ("r1", "acme", "email", 1, "a", ["o1"], 3600.0),
            ("r2", "acme", "email", 2, "b", ["o1"], 7200.0),
            ("r3", "acme", "email", 3, "a", ["o1"], 36000.0),
            ("r4", "acme", "email", 4, "o1", ["a"], 60.0),
            ("n5", "acme", "email", 5, "o1", ["a"]),
        ]
    )


def test_median_latency_per_side() -> None:
    row = reply_latency(replies(), start=at(0), end=at(90)).loc["acme"]
    assert row.their_reply_latency_s == 7200.0
    assert row.our_reply_latency_s == 60.0
    assert (row.their_replies, row.our_replies) == (3, 1)


def test_no_replies_is_nan() -> None:
    row = reply_latency(replies(), start=at(4.5), end=at(90)).loc["acme"]
    assert math.isnan(row.their_reply_latency_s)
    assert row.their_replies == 0


def test_latency_per_person() -> None:
    table = reply_latency_by_person(replies(), start=at(0), end=at(90)).set_index("person_id")
    assert table.loc["a", "median_reply_latency_s"] == pytest.approx(19800.0)
    assert table.loc["a", "replies"] == 2
    assert bool(table.loc["o1", "is_home"])


@pytest.mark.parametrize("seed", range(5))
def test_theil_sen_matches_scipy(seed: int) -> None:
    y = np.random.default_rng(seed).normal(size=9).cumsum()
    assert float(theil_sen_slope(y)) == pytest.approx(stats.theilslopes(y).slope)


def test_theil_sen_ignores_gaps_and_needs_points() -> None:
    assert float(theil_sen_slope(np.array([0.0, np.nan, 2.0, 3.0, 4.0]))) == pytest.approx(1.0)
    assert math.isnan(float(theil_sen_slope(np.array([0.0, np.nan, np.nan, 3.0]))))


def test_doubling_latency_trends_at_ln2() -> None:
    wide = pd.DataFrame({"acme": 60.0 * 2.0 ** np.arange(10), "globex": 60.0})
    trend = latency_trend(wide, trend_windows=8)
    assert trend["acme"].iloc[-1] == pytest.approx(math.log(2))
    assert trend["globex"].iloc[-1] == pytest.approx(0.0)
    assert trend["acme"].iloc[:3].isna().all()  # fewer than 4 windows so far


def test_even_count_median_is_the_mean_of_the_middle_two() -> None:
    # Their replies after 1 h, 2 h, 10 h and (r5) 4 h: the middle two are 2 h and 4 h.
    frames = make_frames(
        [
            ("r1", "acme", "email", 1, "a", ["o1"], 3600.0),
            ("r2", "acme", "email", 2, "b", ["o1"], 7200.0),
            ("r3", "acme", "email", 3, "a", ["o1"], 36000.0),
            ("r5", "acme", "email", 5, "b", ["o1"], 14400.0),
            ("x1", "beta", "email", 1, "y", ["o1"], 100.0),
        ]
    )
    table = reply_latency(frames, start=at(0), end=at(90))
    assert table.loc["acme", "their_reply_latency_s"] == 10800.0
    assert table.loc["acme", "their_replies"] == 4
    assert table.loc["beta", "their_reply_latency_s"] == 100.0
