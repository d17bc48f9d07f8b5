"""The inputs of the beyond-conversation detectors: usage, tickets and engagements.

Columns (every time epoch seconds, UTC)
---------------------------------------
usage
    ``account_id`` str, ``at`` int64 (the row's date), ``metric`` str (``active_users``,
    ``seats_used``, ``seats_purchased``, ``api_calls``, ``feature:<name>``, ...),
    ``value`` float, ``tier`` str or None (``basic``/``advanced`` on features).
tickets
    ``account_id`` str, ``at`` int64, ``category`` str (given or inferred on import).
engagements
    ``account_id`` str, ``kind`` str, ``at`` int64, ``status`` str, ``person_id`` str or
    None.

Any of them may be empty: the detectors that read it then raise nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stakegraph.dates import DAY, WEEK

__all__ = [
    "USAGE_FRAME_COLUMNS",
    "BeyondFrames",
    "changing_day_ends",
    "day_ends",
    "runs",
    "week_ends",
]

USAGE_FRAME_COLUMNS = ("account_id", "at", "metric", "value", "tier")
TICKET_FRAME_COLUMNS = ("account_id", "at", "category")
ENGAGEMENT_FRAME_COLUMNS = ("account_id", "kind", "at", "status", "person_id")


@dataclass(frozen=True)
class BeyondFrames:
    """Usage, tickets and engagements, as plain frames (see the module docstring)."""

    usage: pd.DataFrame
    tickets: pd.DataFrame
    engagements: pd.DataFrame

    def __post_init__(self) -> None:
        for name, columns in (
            ("usage", USAGE_FRAME_COLUMNS),
            ("tickets", TICKET_FRAME_COLUMNS),
            ("engagements", ENGAGEMENT_FRAME_COLUMNS),
        ):
            missing = [c for c in columns if c not in getattr(self, name).columns]
            if missing:
                raise ValueError(f"{name} frame lacks columns {missing}")

    @classmethod
    def empty(cls) -> BeyondFrames:
        return cls(
            usage=pd.DataFrame(columns=list(USAGE_FRAME_COLUMNS)),
            tickets=pd.DataFrame(columns=list(TICKET_FRAME_COLUMNS)),
            engagements=pd.DataFrame(columns=list(ENGAGEMENT_FRAME_COLUMNS)),
        )

    def before(self, as_of: int) -> BeyondFrames:
        """Only what happened before ``as_of`` (the detectors are causal)."""
        return BeyondFrames(
            usage=_before(self.usage, as_of),
            tickets=_before(self.tickets, as_of),
            engagements=_before(self.engagements, as_of),
        )


def _before(frame: pd.DataFrame, as_of: int) -> pd.DataFrame:
    at = pd.to_numeric(frame["at"], errors="coerce")
    return frame[at < as_of]


def by_account(frame: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """Each account's rows, in time order, accounts sorted."""
    if frame.empty:
        return
    ordered = frame.assign(at=pd.to_numeric(frame["at"]).astype("int64")).sort_values(
        ["account_id", "at"], kind="stable"
    )
    for account_id, rows in ordered.groupby("account_id", sort=True):
        yield str(account_id), rows


def runs(*keys: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of rows equal on every key, for rows sorted by the keys:
    a whole portfolio's table split into its accounts' slices without a groupby per account.

    Examples
    --------
    >>> runs(np.array(["a", "a", "b"]), np.array([1, 2, 2]))
    [(0, 1), (1, 2), (2, 3)]
    >>> runs(np.array(["a", "a", "b"]))
    [(0, 2), (2, 3)]
    """
    count = len(keys[0]) if keys else 0
    if count == 0:
        return []
    change = np.zeros(count - 1, dtype=bool)
    for key in keys:
        change |= key[1:] != key[:-1]
    bounds = [0, *(np.flatnonzero(change) + 1).tolist(), count]
    return list(itertools.pairwise(bounds))


def week_ends(first: int, as_of: int) -> np.ndarray:
    """The weekly grid ``as_of, as_of - 1 week, ...`` after ``first``, oldest first."""
    if as_of <= first:
        return np.zeros(0, dtype=np.int64)
    count = (as_of - first) // WEEK
    return np.asarray(as_of - WEEK * np.arange(count, -1, -1), dtype=np.int64)


def day_ends(first: int, as_of: int) -> np.ndarray:
    """The daily grid ``as_of, as_of - 1 day, ...`` after ``first``, oldest first.

    Examples
    --------
    >>> (day_ends(0, 3 * DAY) // DAY).tolist()
    [0, 1, 2, 3]
    """
    if as_of <= first:
        return np.zeros(0, dtype=np.int64)
    count = (as_of - first) // DAY
    return np.asarray(as_of - DAY * np.arange(count, -1, -1), dtype=np.int64)


def changing_day_ends(first: int, as_of: int, edges: np.ndarray) -> np.ndarray:
    """The dates of :func:`day_ends` on which counts over windows ``[end - w, end)`` can
    change: the grid's first, and the first after each of ``edges`` (a row's time plus
    each window's length ``w``: the end passes it, and the row enters or leaves that
    window). Between two of them every count is that of the earlier one, so what is
    judged on them, dated on them, is what the daily grid gives, at a fraction of the
    dates for an account with a few rows a month.

    Examples
    --------
    Rows on days 2 and 9 with a window of 5 days, grid from day 0 to day 20: counts
    change after days 2, 7, 9 and 14, so on days 3, 8, 10 and 15:

    >>> edges = np.array([2, 9, 2 + 5, 9 + 5]) * DAY
    >>> (changing_day_ends(0, 20 * DAY, edges) // DAY).tolist()
    [0, 3, 8, 10, 15]
    """
    if as_of <= first:
        return np.zeros(0, dtype=np.int64)
    start = as_of - (as_of - first) // DAY * DAY  # day_ends' first date
    edges = np.asarray(edges, dtype=np.int64)
    edges = edges[edges < as_of]
    # The first grid date strictly after each edge: as_of - k days, k = ceil(gap) - 1.
    after = as_of - (as_of - 1 - edges) // DAY * DAY
    return np.unique(np.concatenate([[start], np.maximum(after, start)])).astype(np.int64)
