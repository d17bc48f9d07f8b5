"""How long a silence is ordinary, for the silence model (:mod:`.silence`): each person's
own longest silences in the year before, in account conversations missed, and the
portfolio's holidays (the durations of regular people's silences), both causal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from stakegraph.analytics.kernels import KeyedTimes
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.dates import DAY

if TYPE_CHECKING:
    from stakegraph.analytics.signals.silence import Appearances

__all__ = ["MIN_POOLED_SILENCES", "OwnLongestSilences", "ordinary_silences", "pooled_quantiles"]

# Silences pooled before the portfolio's holiday quantiles are trusted.
MIN_POOLED_SILENCES = 100


@dataclass(frozen=True)
class OwnLongestSilences:
    """Each key's silences, in account conversations missed, by the week they ended:
    the most it missed in a row in a window of weeks is the largest over a stretch of its
    appearances (a key x week matrix of them cost most of the silence test's time, and
    only the candidates' own keys and weeks are asked for).

    Attributes
    ----------
    encoded : numpy.ndarray
        Per appearance (sorted by key, then time): ``key * (weeks + 1) + week``.
    missed : numpy.ndarray
        Per appearance: the account conversations missed since the key's previous one
        (0 for its first).
    weeks, history : int
        The grid's weeks; the window's weeks.
    """

    encoded: np.ndarray
    missed: np.ndarray
    weeks: int
    history: int

    def at(self, keys: np.ndarray, weeks: np.ndarray) -> np.ndarray:
        """Per ``(key, week)``: the most conversations missed in a row among the key's
        silences that ended in the ``history`` weeks up to ``week`` (0 when none).

        Examples
        --------
        Key 0 missed 5 conversations up to week 1 and 2 up to week 3; with a two-week
        history, week 2 still remembers the 5, week 3 only the 2, and key 1 nothing.

        >>> own = OwnLongestSilences(np.array([0, 1, 3]), np.array([0.0, 5.0, 2.0]), 4, 2)
        >>> own.at(np.array([0, 0, 0, 1]), np.array([2, 3, 0, 3])).tolist()
        [5.0, 2.0, 0.0, 0.0]
        """
        width = self.weeks + 1
        base = np.asarray(keys, dtype=np.int64) * width
        lo = np.searchsorted(self.encoded, base + np.maximum(weeks - self.history + 1, 0))
        hi = np.searchsorted(self.encoded, base + weeks, side="right")
        if len(lo) == 0:
            return np.zeros(0)
        # One reduction over every stretch: maxima over [lo, hi) read at the even places
        # (a trailing 0 keeps an end at the last appearance in range).
        bounds = np.column_stack([lo, hi]).ravel()
        longest = np.maximum.reduceat(np.append(self.missed, 0.0), bounds)[::2]
        return np.where(hi > lo, longest, 0.0)


def ordinary_silences(
    tables: WeeklyTables,
    appearances: Appearances,
    conversations: KeyedTimes,
    *,
    params: SignalParameters,
) -> tuple[OwnLongestSilences, np.ndarray]:
    """How long a silence is ordinary.

    Returns
    -------
    own : OwnLongestSilences
        Per key and week ``w``: the most account conversations the key missed in a row
        among its silences that ended in the ``silence.history_weeks`` up to ``w``.
        Counting conversations, not days, keeps a quiet holiday season for the whole
        account from reading as a long silence of the person's.
    pooled : numpy.ndarray
        Per week ``w``, the ``silence.pool_quantile`` and ``silence.allowance_quantile``
        of the durations (seconds) of all silences of regular people
        (``silence.pool_min_rate`` conversations a week or more) that ended before ``w``:
        how long people are away on holiday, which the Poisson tails do not know.

    Both only use silences that ended before the week (causal).
    """
    grid = tables.grid
    key, at = appearances.key, appearances.at
    weeks = grid.weeks
    quantiles = (params.silence.pool_quantile, params.silence.allowance_quantile)
    history = max(int(params.silence.history_weeks), 1)
    # Too few silences to learn from (a small portfolio): no holiday allowance.
    if len(key) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return OwnLongestSilences(empty, np.zeros(0), weeks, history), np.zeros(
            (weeks, len(quantiles))
        )
    account = appearances.key_account[key].astype(np.int64)
    before = conversations.rank(account, at, "left")
    after = conversations.rank(account, at, "right")
    same_key = np.zeros(len(key), dtype=bool)
    same_key[1:] = key[1:] == key[:-1]
    missed = np.zeros(len(key))
    missed[1:] = np.maximum(before[1:] - after[:-1], 0)
    week = np.clip(grid.week_of(at), 0, weeks - 1)
    # Sorted: the appearances are by key, then time.
    encoded = key.astype(np.int64) * (weeks + 1) + week
    own = OwnLongestSilences(encoded, np.where(same_key, missed, 0.0), weeks, history)
    # The key's rate over the baseline before the silence began (the previous
    # appearance): only regular people's silences tell how long people are away.
    previous_week = np.roll(week, 1)
    lo = np.clip(previous_week - params.windows.baseline_weeks + 1, 0, weeks)
    hi = np.clip(previous_week + 1, 0, weeks)
    row = key.astype(np.int64) * (weeks + 1)
    counts = np.searchsorted(encoded, row + hi) - np.searchsorted(encoded, row + lo)
    per_week = counts.astype(float) / np.maximum(hi - lo, 1)
    regular = same_key & (per_week >= params.silence.pool_min_rate)
    gap_days = np.zeros(len(key))
    gap_days[1:] = (at[1:] - at[:-1]) / DAY
    pooled = pooled_quantiles(gap_days[regular], week[regular], weeks, quantiles)
    return own, pooled


def pooled_quantiles(
    gap_days: np.ndarray, week: np.ndarray, weeks: int, quantiles: tuple[float, ...]
) -> np.ndarray:
    """Per week ``w``, the ``quantiles`` (seconds) of the silences that ended before ``w``,
    from a cumulative histogram of quarter-day bins up to 120 days."""
    pooled = np.zeros((weeks, len(quantiles)))
    edges = np.linspace(0.0, 120.0, 481)
    bins = np.clip(np.searchsorted(edges, gap_days, "right") - 1, 0, len(edges) - 2)
    histogram = np.zeros((weeks, len(edges) - 1))
    np.add.at(histogram, (week, bins), 1.0)
    cumulative = np.cumsum(np.cumsum(histogram, axis=0), axis=1)
    total = cumulative[:, -1]
    # Silences that ended before week w: the cumulative histogram up to week w - 1.
    for w in range(1, weeks):
        count = total[w - 1]
        if count >= MIN_POOLED_SILENCES:
            for column, quantile in enumerate(quantiles):
                position = int(np.searchsorted(cumulative[w - 1], quantile * count, "left"))
                pooled[w, column] = edges[min(position + 1, len(edges) - 1)] * DAY
    return pooled
