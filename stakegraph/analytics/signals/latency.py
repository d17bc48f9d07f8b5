"""Response-latency inflation: their replies slow down against the account's own history.

The mean log reply latency over the last ``latency.recent_weeks`` exceeds the
``baseline_weeks`` before by Welch's t-test (one-sided, < ``latency.alpha``; reply
latencies are close to lognormal, so the test on logs is the natural one; Welch 1947),
confirmed by a one-sided Mann-Whitney U test (Mann & Whitney 1947), with the median at
least ``latency.min_ratio`` times the baseline median.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from stakegraph.analytics.kernels import KeyedTimes, prefix_sums, window_sums
from stakegraph.analytics.signals.episodes import first_of_episodes
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.dates import WEEK
from stakegraph.vocabulary import RESPONSE_LATENCY_INFLATION

__all__ = ["response_latency_inflations"]


@dataclass(frozen=True)
class _Replies:
    """Their side's replies (account, time, log latency), as a keyed-time axis."""

    account: np.ndarray
    at: np.ndarray
    log_latency: np.ndarray
    axis: KeyedTimes
    # log_latency in the axis' order, sorted once (not per look-up).
    sorted_logs: np.ndarray

    def logs_between(self, account: int, start: int, end: int) -> np.ndarray:
        lo, hi = self.axis.rank(np.array([account, account]), np.array([start, end]))
        return np.asarray(self.sorted_logs[lo:hi])


@dataclass(frozen=True)
class _Comparison:
    """A confirmed slowdown: medians in seconds, reply counts and both p-values."""

    median_before_s: float
    median_after_s: float
    p_welch: float
    replies_before: int
    replies_after: int
    p_mann_whitney: float


def response_latency_inflations(tables: WeeklyTables, params: SignalParameters) -> list[Signal]:
    """Their side's replies slow down against the account's own history.

    Parameters
    ----------
    tables : WeeklyTables
    params : SignalParameters

    Returns
    -------
    list of Signal
        Signals of kind ``response_latency_inflation``.
    """
    replies = _their_replies(tables)
    if replies is None:
        return []
    account_idx, week_idx, p_welch = _welch_candidates(tables, replies, params)
    if account_idx.size == 0:
        return []
    recent_weeks = params.latency.recent_weeks
    baseline_weeks = params.windows.baseline_weeks
    # Confirm with a rank test, which does not lean on the lognormal shape.
    confirmed: dict[tuple[int, int], _Comparison] = {}
    for account, week, p_value in zip(account_idx, week_idx, p_welch, strict=True):
        end = int(tables.grid.end_of(week))
        start = end - recent_weeks * WEEK
        before = replies.logs_between(int(account), start - baseline_weeks * WEEK, start)
        after = replies.logs_between(int(account), start, end)
        p_rank = float(stats.mannwhitneyu(after, before, alternative="greater").pvalue)
        if p_rank < params.latency.alpha:
            confirmed[(int(account), int(week))] = _Comparison(
                median_before_s=float(np.exp(np.median(before))),
                median_after_s=float(np.exp(np.median(after))),
                p_welch=float(p_value),
                replies_before=len(before),
                replies_after=len(after),
                p_mann_whitney=p_rank,
            )
    episodes = first_of_episodes(
        np.asarray([account for account, _ in confirmed], dtype=np.int64),
        np.asarray([week for _, week in confirmed], dtype=np.int64),
        params.windows.cooldown_weeks,
    )
    return [
        _inflation(tables, account, week, confirmed[(account, week)], params)
        for account, week in episodes
    ]


def _their_replies(tables: WeeklyTables) -> _Replies | None:
    interactions = tables.activity.interactions
    latency = interactions["reply_latency_s"].to_numpy(dtype=float)
    is_reply = (
        np.isfinite(latency)
        & (latency > 0)
        & (interactions["sender"].to_numpy() >= 0)
        & ~interactions["sender_home"].to_numpy().astype(bool)
    )
    if not is_reply.any():
        return None
    account = interactions["account"].to_numpy()[is_reply]
    at = interactions["at"].to_numpy()[is_reply]
    grid = tables.grid
    axis = KeyedTimes.of(account, at, span=int(np.int64(grid.weeks + 2) * WEEK), origin=grid.origin)
    log_latency = np.log(latency[is_reply])
    return _Replies(account, at, log_latency, axis, log_latency[axis.order])


def _welch_candidates(
    tables: WeeklyTables, replies: _Replies, params: SignalParameters
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(account, week) where the recent mean log latency is significantly above the
    baseline's (Welch's t-test from weekly sums), with its p-value."""
    grid = tables.grid
    n_accounts, n_weeks = tables.activity.n_accounts, grid.weeks
    cell = replies.account.astype(np.int64) * n_weeks + grid.week_of(replies.at)
    size = n_accounts * n_weeks

    def weekly_prefix(weights: np.ndarray | None) -> np.ndarray:
        sums = np.bincount(cell, weights=weights, minlength=size)
        return prefix_sums(sums.reshape(n_accounts, n_weeks))

    prefixes = (
        weekly_prefix(None),
        weekly_prefix(replies.log_latency),
        weekly_prefix(replies.log_latency**2),
    )
    weeks = np.arange(n_weeks)
    recent_weeks, baseline_weeks = params.latency.recent_weeks, params.windows.baseline_weeks
    recent_lo = weeks - recent_weeks + 1
    n_after, sum_after, squares_after = (window_sums(p, recent_lo, weeks + 1) for p in prefixes)
    n_before, sum_before, squares_before = (
        window_sums(p, recent_lo - baseline_weeks, recent_lo) for p in prefixes
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_after, mean_before = sum_after / n_after, sum_before / n_before
        var_after = np.maximum((squares_after - n_after * mean_after**2) / (n_after - 1), 1e-6)
        var_before = np.maximum((squares_before - n_before * mean_before**2) / (n_before - 1), 1e-6)
        se2 = var_after / n_after + var_before / n_before
        t_statistic = (mean_after - mean_before) / np.sqrt(se2)
        dof = se2**2 / (
            (var_after / n_after) ** 2 / (n_after - 1)
            + (var_before / n_before) ** 2 / (n_before - 1)
        )
    history = recent_lo[None, :] - tables.first_week[:, None] >= params.windows.min_baseline_weeks
    candidate = (
        history
        & (n_after >= params.latency.min_replies)
        & (n_before >= 3 * params.latency.min_replies)
        & (mean_after - mean_before >= np.log(params.latency.min_ratio))
    )
    account_idx, week_idx = np.nonzero(candidate)
    p_welch = stats.t.sf(t_statistic[account_idx, week_idx], dof[account_idx, week_idx])
    keep = p_welch < params.latency.alpha
    return account_idx[keep], week_idx[keep], p_welch[keep]


def _inflation(
    tables: WeeklyTables, account: int, week: int, found: _Comparison, params: SignalParameters
) -> Signal:
    ratio = found.median_after_s / found.median_before_s
    return Signal(
        kind=RESPONSE_LATENCY_INFLATION,
        account_id=tables.account_id(account),
        at=int(tables.grid.end_of(week)),
        severity=clip_severity(1.0 - 1.0 / ratio),
        evidence={
            "median_latency_before_s": found.median_before_s,
            "median_latency_after_s": found.median_after_s,
            "ratio": ratio,
            "replies_before": found.replies_before,
            "replies_after": found.replies_after,
            "p_value_welch": found.p_welch,
            "p_value_mann_whitney": found.p_mann_whitney,
            "recent_weeks": params.latency.recent_weeks,
            "baseline_weeks": params.windows.baseline_weeks,
        },
    )
