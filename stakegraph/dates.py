"""Instants as the store keeps them: integer seconds since the Unix epoch, UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["epoch_seconds"]


def epoch_seconds(moment: datetime | date) -> int:
    """Integer seconds since the Unix epoch (a date counts from its midnight UTC).

    Examples
    --------
    >>> epoch_seconds(date(2024, 1, 1))
    1704067200
    >>> epoch_seconds(datetime(2024, 1, 1, 0, 0, 30, tzinfo=UTC))
    1704067230
    """
    if isinstance(moment, datetime):
        return int(moment.timestamp())
    return int(datetime(moment.year, moment.month, moment.day, tzinfo=UTC).timestamp())
