from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from stakegraph.dates import epoch_seconds


def test_a_date_counts_from_its_midnight_utc() -> None:
    # 2024-03-01 is 19,783 days after 1970-01-01.
    assert epoch_seconds(date(2024, 3, 1)) == 19_783 * 86_400


def test_an_aware_datetime_keeps_its_instant() -> None:
    paris = timezone(timedelta(hours=1))
    assert epoch_seconds(datetime(2024, 3, 1, 1, 0, tzinfo=paris)) == 19_783 * 86_400
    assert epoch_seconds(datetime(2024, 3, 1, 0, 0, 59, tzinfo=UTC)) == 19_783 * 86_400 + 59
