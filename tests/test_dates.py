from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest

from stakegraph.dates import DAY, WEEK, epoch_seconds, midnight_after, parse_date, parse_instant


def test_a_date_counts_from_its_midnight_utc() -> None:
    # 2024-03-01 is 19,783 days after 1970-01-01.
    assert epoch_seconds(date(2024, 3, 1)) == 19_783 * 86_400


def test_an_aware_datetime_keeps_its_instant() -> None:
    paris = timezone(timedelta(hours=1))
    assert epoch_seconds(datetime(2024, 3, 1, 1, 0, tzinfo=paris)) == 19_783 * 86_400
    assert epoch_seconds(datetime(2024, 3, 1, 0, 0, 59, tzinfo=UTC)) == 19_783 * 86_400 + 59


def test_the_midnight_after_an_instant_is_the_next_day_even_at_midnight() -> None:
    day = 19_783 * 86_400
    assert midnight_after(day) == day + DAY
    assert midnight_after(day + DAY - 1) == day + DAY
    assert midnight_after(day - 1) == day
    assert WEEK == 7 * DAY == 604_800


def test_a_bad_date_names_the_text() -> None:
    with pytest.raises(ValueError, match="'2024-02-30' is not a date"):
        parse_date("2024-02-30")


def test_instants_from_text_dates_timestamps_and_integers() -> None:
    assert parse_instant("2024-03-01") == 19_783 * 86_400
    assert parse_instant("2024-03-01T01:00:00+01:00") == 19_783 * 86_400
    assert parse_instant("2024-03-01T00:00:10") == 19_783 * 86_400 + 10  # naive is UTC
    assert parse_instant(np.int64(5)) == 5
