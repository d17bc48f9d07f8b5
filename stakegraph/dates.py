"""Instants as the store keeps them: integer seconds since the Unix epoch, UTC.

The one home of the day and week lengths, of "the midnight after" (the default analysis
date) and of parsing dates and timestamps given as text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final

__all__ = [
    "DAY",
    "WEEK",
    "day_text",
    "epoch_seconds",
    "midnight_after",
    "parse_date",
    "parse_instant",
]

DAY: Final = 86_400
WEEK: Final = 7 * DAY


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


def midnight_after(at: int) -> int:
    """The first UTC midnight strictly after epoch second ``at``.

    An analysis "as of" it reads every interaction of the day ``at`` falls on.

    Examples
    --------
    >>> midnight_after(1704067200)  # 2024-01-01 00:00:00
    1704153600
    >>> midnight_after(1704153599)  # 2024-01-01 23:59:59
    1704153600
    """
    return (int(at) // DAY + 1) * DAY


def day_text(at: int) -> str:
    """The UTC date of epoch second ``at``, ``YYYY-MM-DD``.

    Examples
    --------
    >>> day_text(1704153599)
    '2024-01-01'
    """
    return datetime.fromtimestamp(int(at), UTC).date().isoformat()


def parse_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date; ``ValueError`` naming the text otherwise.

    Examples
    --------
    >>> parse_date("2024-02-29")
    datetime.date(2024, 2, 29)
    """
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def parse_instant(value: object) -> int:
    """Epoch seconds of a date (``YYYY-MM-DD``), an ISO timestamp or an integer.

    A timestamp without an offset is UTC; ``Z`` is accepted for ``+00:00``.

    Examples
    --------
    >>> parse_instant("2024-01-01")
    1704067200
    >>> parse_instant("2024-01-01T00:00:30Z")
    1704067230
    >>> parse_instant(1704067200)
    1704067200
    """
    if isinstance(value, int):
        return value
    if hasattr(value, "__index__"):  # numpy integers
        return int(value)
    text = str(value)
    if len(text) == 10:
        return epoch_seconds(date.fromisoformat(text))
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return epoch_seconds(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
