"""Where the data ends (analytics/data_end.py): worked cases and invariants."""

from __future__ import annotations

import numpy as np
import pytest

from stakegraph.analytics.data_end import STRAY_GAP_DAYS, DataEnd, data_end
from stakegraph.dates import DAY

NOW = 20_000 * DAY  # 2024-10-04


def end_of(days: list[int], counts: list[int], now: int = NOW) -> DataEnd | None:
    return data_end(np.array(days), np.array(counts), now=now)


def test_without_strays_the_data_ends_the_day_after_the_latest_interaction() -> None:
    # Two days apart, in any order: the midnight after the later one.
    assert end_of([19_001, 19_000], [3, 4]) == DataEnd(as_of=19_002 * DAY)


def test_a_few_misdated_messages_years_apart_are_all_left_out() -> None:
    # 300 days of 10 a day, then wrong clocks on two days 400 and 600 days on: 1 and 2
    # messages are 3 of 3,003, at most one in a thousand.
    days = list(range(19_000, 19_300))
    counts = [10] * 300
    assert end_of([*days, 19_700, 19_900], [*counts, 1, 2]) == DataEnd(
        as_of=19_300 * DAY, stray=3, stray_first=19_700 * DAY, stray_last=19_900 * DAY
    )
    # 2 and 3 messages are 5 of 3,005, more than one in a thousand: only the last 3 are
    # left out, and the first 2 are taken for the end of the data.
    assert end_of([*days, 19_700, 19_900], [*counts, 2, 3]) == DataEnd(
        as_of=19_701 * DAY, stray=3, stray_first=19_900 * DAY, stray_last=19_900 * DAY
    )


@pytest.mark.parametrize(("gap", "stray"), [(STRAY_GAP_DAYS - 1, 0), (STRAY_GAP_DAYS, 1)])
def test_only_a_gap_of_a_quarter_or_more_separates_a_stray(gap: int, stray: int) -> None:
    end = end_of([*range(19_000, 19_300), 19_299 + gap], [10] * 300 + [1])
    assert end is not None and end.stray == stray


def test_a_few_messages_years_before_the_rest_are_left_out_too() -> None:
    # Two messages of 1980 (day 3,652) before 300 days of 10 a day from day 19,000.
    end = end_of([3_652, *range(19_000, 19_300)], [2] + [10] * 300)
    assert end == DataEnd(as_of=19_300 * DAY, since=19_000 * DAY, early=2, early_last=3_652 * DAY)
    assert end.describe() == (
        "2 interaction(s) dated up to 1980-01-01, before the start of the rest of the data "
        "(2022-01-08), are left out as misdated (--as-of DAY sets another analysis date)"
    )
    # Without the messages, the analysis reads from the start (since 0), as it always did.
    assert end_of(list(range(19_000, 19_300)), [10] * 300) == DataEnd(as_of=19_300 * DAY)


def test_after_today_is_stray_whatever_its_count_and_only_future_data_has_no_end() -> None:
    assert end_of([19_999, 20_000, 20_001], [1, 1, 50]) == DataEnd(
        as_of=20_001 * DAY, stray=50, stray_first=20_001 * DAY, stray_last=20_001 * DAY
    )
    assert end_of([20_001], [5]) is None


def test_the_message_names_the_left_out_and_the_way_back() -> None:
    end = end_of([*range(19_000, 19_300), 19_700], [10] * 300 + [1])
    assert end is not None
    assert end.describe() == (
        "1 interaction(s) dated 2023-12-09, after the end of the rest of the data "
        "(2022-11-03), are left out as misdated (--as-of DAY sets another analysis date)"
    )


def test_stray_interactions_are_never_more_than_one_in_a_thousand() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        days = np.unique(rng.integers(18_000, 20_500, size=rng.integers(1, 60)))
        counts = rng.integers(1, 400, size=len(days))
        end = data_end(days, counts, now=NOW)
        future = int(counts[days > NOW // DAY].sum())
        if end is None:
            assert future == counts.sum()
            continue
        assert end.stray - future <= 0.001 * counts.sum()
        assert end.early <= 0.001 * counts.sum()
        assert end.as_of // DAY - 1 in set(days.tolist())
        assert end.since == 0 or end.since // DAY in set(days.tolist())
        assert end.since < end.as_of
