from __future__ import annotations

import pandas as pd
import pytest
from frames_builder import at, make_frames
from synthetic_portfolio import START, random_portfolio

from stakegraph.analytics.engagement import multi_role_share
from stakegraph.analytics.snapshot import SNAPSHOT_COLUMNS, snapshot, snapshot_series
from stakegraph.analytics.ties import tie_table
from stakegraph.dates import DAY


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    frames = random_portfolio(6, 3000, days=400, seed=11)
    return snapshot_series(frames, as_of=START + 400 * DAY, windows=12)


def test_one_scalar_row_per_account_and_window(series: pd.DataFrame) -> None:
    assert list(series.columns) == list(SNAPSHOT_COLUMNS)
    assert len(series) == 6 * 12
    assert not series.duplicated(["account_id", "window_start", "window_end"]).any()
    for column in series.columns:
        assert not series[column].map(lambda v: isinstance(v, list | tuple | set)).any()


def test_series_is_the_single_window_function_mapped(series: pd.DataFrame) -> None:
    frames = random_portfolio(6, 3000, days=400, seed=11)
    last = series[series["window_end"] == series["window_end"].max()].reset_index(drop=True)
    one = snapshot(frames, start=int(last["window_start"][0]), end=int(last["window_end"][0]))
    columns = ["contacts_engaged", "depth_score", "betweenness_centralization", "their_hhi"]
    pd.testing.assert_frame_equal(last[columns], one[columns])


def test_ratios_and_trends_are_filled(series: pd.DataFrame) -> None:
    late = series[series["window_end"] == series["window_end"].max()]
    assert late["meetings_ratio"].notna().any()
    assert late["their_latency_trend"].notna().any()
    share = multi_role_share(series)
    assert len(share) == 12 and share.between(0, 100).all()


def test_one_organization_internal_communication() -> None:
    frames = make_frames(
        [
            ("i1", "acme", "email", 1, "x", ["y"]),
            ("i2", "acme", "email", 2, "y", ["x"], 600.0),
            ("i3", "acme", "meeting", 3, "x", ["y", "z"]),
            ("i4", "acme", "call", 4, "z", ["x"]),
        ],
        home=[],
        roles=[
            ("x", "vp", "finance", -100, None),
            ("y", "manager", "it", -100, None),
            ("z", "director", "legal", -100, None),
        ],
    )
    row = snapshot_series(frames, as_of=at(10), windows=2).iloc[-1]
    assert (row.inbound_emails, row.outbound_emails, row.our_people_engaged) == (0, 0, 0)
    assert row.contacts_engaged == 3 and row.stakeholders == 3
    assert row.depth_score > 0
    assert row.their_reply_latency_s == 600.0
    assert row.our_effective_threads == 0.0
    ties = tie_table(frames, as_of=at(10))
    assert set(zip(ties.person_a, ties.person_b, strict=True)) == {("x", "y"), ("x", "z")}
    assert ties["strength"].between(0, 1).all()
