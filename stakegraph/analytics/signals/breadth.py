"""Breadth of a relationship: are fewer people on the account's conversations than so many
conversations would reach?

Each of their people seen in the baseline was on a share ``s_i`` of the account's
conversations there. Given ``N`` conversations in the recent window, person ``i`` is on
at least one of them with probability ``1 - (1 - s_i) ** N`` (the account's conversations
thinned at their old share), independently. The number of baseline people seen again is
then Poisson-binomial; its lower tail says how improbable so few returning people are
*for that many conversations*. Conditioned on ``N``, it adds to the volume test (few
conversations for the baseline rate) what volume alone cannot see: the conversations
that still happen reach fewer people (the Poisson-binomial and its exact recursion:
Chen & Liu 1997).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from stakegraph.analytics.kernels import prefix_sums
from stakegraph.analytics.signals.tables import WeeklyTables

__all__ = ["BreadthTest", "breadth_test", "fisher_combination", "poisson_binomial_cdf"]


@dataclass(frozen=True)
class BreadthTest:
    """The breadth test of each candidate (account, week).

    Attributes
    ----------
    people_before : numpy.ndarray
        Their people on at least one baseline conversation.
    expected_returning, returning : numpy.ndarray
        How many of them the recent conversations would reach at their baseline shares,
        and how many they did reach.
    p_value : numpy.ndarray
        Poisson-binomial lower tail ``P(returning <= observed)`` (1 without baseline people).
    """

    people_before: np.ndarray
    expected_returning: np.ndarray
    returning: np.ndarray
    p_value: np.ndarray


def breadth_test(
    tables: WeeklyTables,
    accounts: np.ndarray,
    weeks: np.ndarray,
    *,
    recent_weeks: int,
    baseline_weeks: int,
    leave_out: np.ndarray | None = None,
) -> BreadthTest:
    """Are the recent conversations of each (account, week) on improbably few of the
    baseline's people?

    The recent window is the ``recent_weeks`` ending at ``weeks``; the baseline the
    ``baseline_weeks`` before it. Only their side's people count (our own team's
    breadth is not the customer's engagement). ``leave_out`` names one of their people
    per candidate (an index into their side's pairs, ``-1`` for none) who is not counted:
    the bottleneck's contact, to ask whether everyone *else* is gone.
    """
    n = len(accounts)
    their = np.flatnonzero(~tables.pair_home)
    pair_account = tables.pair_account[their]
    counts = prefix_sums(tables.pair_count[their])
    volume = prefix_sums(tables.volume)
    columns = volume.shape[1] - 1
    hi = np.clip(weeks + 1, 0, columns)
    recent_lo = np.clip(weeks + 1 - recent_weeks, 0, columns)
    base_lo = np.clip(recent_lo - baseline_weeks, 0, columns)
    recent_total = volume[accounts, hi] - volume[accounts, recent_lo]
    base_total = volume[accounts, recent_lo] - volume[accounts, base_lo]
    # Their pairs are sorted by account: each account's people are one slice.
    first = np.searchsorted(pair_account, accounts, "left")
    last = np.searchsorted(pair_account, accounts, "right")
    width = int(np.max(last - first, initial=0))
    offsets = np.arange(width)[None, :]
    valid = offsets < (last - first)[:, None]
    rows = np.where(valid, first[:, None] + offsets, 0)
    if leave_out is not None:
        valid &= rows != np.asarray(leave_out)[:, None]
    base = np.where(valid, counts[rows, recent_lo[:, None]] - counts[rows, base_lo[:, None]], 0.0)
    recent = np.where(valid, counts[rows, hi[:, None]] - counts[rows, recent_lo[:, None]], 0.0)
    known = base > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(known, base / np.maximum(base_total, 1.0)[:, None], 0.0)
    reach = np.where(
        known, 1.0 - np.power(1.0 - np.clip(share, 0.0, 1.0), recent_total[:, None]), 0.0
    )
    returning = np.sum(known & (recent > 0), axis=1)
    p_value = poisson_binomial_cdf(reach, returning) if n else np.zeros(0)
    return BreadthTest(
        people_before=known.sum(axis=1),
        expected_returning=reach.sum(axis=1),
        returning=returning,
        p_value=np.where(known.any(axis=1), p_value, 1.0),
    )


def poisson_binomial_cdf(probabilities: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """``P(X <= observed)`` per row, ``X`` the number of successes of independent trials
    with the row's success ``probabilities`` (zeros pad rows of unequal length).

    Exact, by the recursion over trials (vectorized over rows).

    Examples
    --------
    >>> import numpy as np
    >>> poisson_binomial_cdf(np.array([[0.5, 0.5]]), np.array([0]))
    array([0.25])
    >>> poisson_binomial_cdf(np.array([[0.9, 0.8, 0.0]]), np.array([1])).round(2)
    array([0.28])
    """
    rows, trials = probabilities.shape
    distribution = np.zeros((rows, trials + 1))
    distribution[:, 0] = 1.0
    for trial in range(trials):
        p = probabilities[:, trial : trial + 1]
        shifted = np.zeros_like(distribution)
        shifted[:, 1:] = distribution[:, :-1]
        distribution = distribution * (1.0 - p) + shifted * p
    cumulative = np.cumsum(distribution, axis=1)
    index = np.clip(np.asarray(observed, dtype=np.int64), 0, trials)
    return np.asarray(np.minimum(cumulative[np.arange(rows), index], 1.0))


def fisher_combination(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Fisher's method over two p-values per row: chi-squared with 4 degrees of freedom
    of ``-2 (log first + log second)`` (p-values of 0 are taken as 1e-300).

    The breadth test is combined with another test of the same candidates this way: the
    volume test (contraction), the top contact's share (bottleneck).

    Examples
    --------
    >>> import numpy as np
    >>> fisher_combination(np.array([0.5]), np.array([1.0])).round(3)
    array([0.847])
    """
    floor = 1e-300
    return np.asarray(
        stats.combine_pvalues(
            np.stack([np.maximum(first, floor), np.maximum(second, floor)]),
            method="fisher",
            axis=0,
        ).pvalue
    )
