"""Single-node bottleneck: an account's traffic contracts onto one contact.

Over the last ``recent_weeks`` the effective number of threads ``1 / H`` (Herfindahl
index of each person's share of the side's traffic; Hirschman 1964) is at most
``bottleneck.max_threads`` and has fallen to at most ``bottleneck.max_thread_ratio`` of
its level in the ``baseline_weeks`` before; one person carries at least
``bottleneck.min_share`` of it, and the number of conversations they are on is
improbably high for their own baseline participation rate (binomial upper tail). On
their side, everyone else must also be gone: the baseline's other people are on
improbably few of the recent conversations (:func:`.breadth.breadth_test` with the top
contact left out), and the two tests are combined by Fisher's method (p <
``bottleneck.their_alpha``). On our side the share test decides alone (p <
``bottleneck.alpha``). Evaluated on their side and on ours.

This is the signals' bottleneck (traffic share and threads); the stakeholder map's
bottleneck flag is another definition, from tie strength (see docs/metrics.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from stakegraph.analytics.kernels import (
    effective_threads,
    group_argmax,
    group_sum,
    prefix_sums,
    window_sums,
)
from stakegraph.analytics.signals.breadth import BreadthTest, breadth_test, fisher_combination
from stakegraph.analytics.signals.episodes import first_of_episodes
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.vocabulary import SINGLE_NODE_BOTTLENECK

__all__ = ["single_node_bottlenecks"]

SIDES = (("their", False), ("our", True))


def single_node_bottlenecks(tables: WeeklyTables, params: SignalParameters) -> list[Signal]:
    """Contraction of an account's traffic onto one person, on their side or on ours.

    Parameters
    ----------
    tables : WeeklyTables
        Weekly tables of a run.
    params : SignalParameters

    Returns
    -------
    list of Signal
        Signals of kind ``single_node_bottleneck``; ``evidence["side"]`` says whose side.
    """
    signals: list[Signal] = []
    for side, home in SIDES:
        rows = np.flatnonzero(tables.pair_home == home)
        if rows.size:
            signals += _side_bottlenecks(tables, rows, side, params)
    return signals


@dataclass(frozen=True)
class _Concentration:
    """Account x week figures of one side's traffic."""

    threads: np.ndarray
    baseline_threads: np.ndarray
    top_row: np.ndarray
    top_share: np.ndarray


def _concentration(
    tables: WeeklyTables, traffic: np.ndarray, accounts: np.ndarray, params: SignalParameters
) -> _Concentration:
    recent_weeks, baseline_weeks = params.windows.recent_weeks, params.windows.baseline_weeks
    weeks = np.arange(tables.grid.weeks)
    n_accounts = tables.activity.n_accounts
    recent = window_sums(traffic, weeks - recent_weeks + 1, weeks + 1)
    total = group_sum(recent, accounts, n_accounts)
    threads = effective_threads(total, group_sum(recent**2, accounts, n_accounts))
    # Baseline threads: the mean of the same-length windows tiling the baseline.
    blocks = []
    for block in range(1, baseline_weeks // recent_weeks + 1):
        sums = window_sums(
            traffic,
            weeks - (block + 1) * recent_weeks + 1,
            weeks - block * recent_weeks + 1,
        )
        block_total = group_sum(sums, accounts, n_accounts)
        blocks.append(effective_threads(block_total, group_sum(sums**2, accounts, n_accounts)))
    stacked = np.stack(blocks) if blocks else np.full((1, *total.shape), np.nan)
    seen = np.isfinite(stacked)
    with np.errstate(invalid="ignore", divide="ignore"):
        baseline_threads = np.where(seen, stacked, 0.0).sum(axis=0) / seen.sum(axis=0)
        top_row, top_value = group_argmax(recent, accounts, n_accounts)
        top_share = top_value / total
    return _Concentration(threads, baseline_threads, top_row, top_share)


def _side_bottlenecks(
    tables: WeeklyTables, rows: np.ndarray, side: str, params: SignalParameters
) -> list[Signal]:
    grid = tables.grid
    recent_weeks, baseline_weeks = params.windows.recent_weeks, params.windows.baseline_weeks
    limits = params.bottleneck
    weeks = np.arange(grid.weeks)
    accounts = tables.pair_account[rows]
    measured = _concentration(tables, prefix_sums(tables.pair_traffic[rows]), accounts, params)
    volume = prefix_sums(tables.volume)
    recent_lo, base_lo = weeks - recent_weeks + 1, weeks - recent_weeks - baseline_weeks + 1
    recent_count = window_sums(volume, recent_lo, weeks + 1)
    base_count = window_sums(volume, base_lo, recent_lo)
    top = np.maximum(measured.top_row, 0)
    counts = prefix_sums(tables.pair_count[rows])
    top_recent = np.take_along_axis(window_sums(counts, recent_lo, weeks + 1), top, axis=0)
    top_base = np.take_along_axis(window_sums(counts, base_lo, recent_lo), top, axis=0)
    history = recent_lo[None, :] - tables.first_week[:, None] >= params.windows.min_baseline_weeks
    candidate = (
        history
        & (measured.top_row >= 0)
        & (recent_count >= limits.min_interactions)
        & (measured.threads <= limits.max_threads)
        & (measured.top_share >= limits.min_share)
        & (measured.threads <= limits.max_thread_ratio * measured.baseline_threads)
        & (base_count > 0)
    )
    account_idx, week_idx = np.nonzero(candidate)
    if account_idx.size == 0:
        return []
    rate_before = np.clip(
        (top_base[account_idx, week_idx] + 0.5) / (base_count[account_idx, week_idx] + 1.0),
        1e-6,
        1 - 1e-6,
    )
    share_pvalue = stats.binom.sf(
        top_recent[account_idx, week_idx] - 1, recent_count[account_idx, week_idx], rate_before
    )
    if side == "their":
        # One person on more, everyone else on fewer: conditioned on the recent count the
        # two tests are close to independent, and a bottleneck shows in both.
        others = _others_absent(tables, account_idx, week_idx, top, params)
        pvalue, level = fisher_combination(share_pvalue, others.p_value), limits.their_alpha
    else:
        # The breadth test reads their people only: on our side the share test decides.
        others = _untested(len(account_idx))
        pvalue, level = share_pvalue, limits.alpha
    fire = pvalue < level
    signals = []
    episodes = first_of_episodes(
        account_idx[fire],
        week_idx[fire],
        params.windows.cooldown_weeks,
        np.flatnonzero(fire),
    )
    for account, week, position in episodes:
        p_value, share_before = pvalue[position], rate_before[position]
        person = tables.person_id(int(tables.pair_person[rows[top[account, week]]]))
        before = float(measured.baseline_threads[account, week])
        after = float(measured.threads[account, week])
        share = float(measured.top_share[account, week])
        signals.append(
            Signal(
                kind=SINGLE_NODE_BOTTLENECK,
                account_id=tables.account_id(account),
                at=int(grid.end_of(week)),
                severity=clip_severity(share * (1.0 - after / before)),
                evidence={
                    "side": side,
                    "person_id": person,
                    "effective_threads_before": before,
                    "effective_threads_after": after,
                    "top_share_after": share,
                    "participation_rate_before": float(share_before),
                    "participation_rate_after": float(
                        top_recent[account, week] / recent_count[account, week]
                    ),
                    "interactions_recent": int(recent_count[account, week]),
                    "recent_weeks": recent_weeks,
                    "baseline_weeks": baseline_weeks,
                    "p_value": float(p_value),
                    "p_value_share": float(share_pvalue[position]),
                    "p_value_others": float(others.p_value[position]),
                    "others_before": int(others.people_before[position]),
                    "others_returning": int(others.returning[position]),
                    "others_expected": float(others.expected_returning[position]),
                    "test": "Fisher's method over the binomial upper tail of the person's "
                    "participation and, on their side, the breadth test of everyone else",
                },
                person_ids=(person,),
            )
        )
    return signals


def _others_absent(
    tables: WeeklyTables,
    accounts: np.ndarray,
    weeks: np.ndarray,
    top: np.ndarray,
    params: SignalParameters,
) -> BreadthTest:
    """Are the baseline's *other* people of their side on improbably few of the recent
    conversations (:func:`.breadth.breadth_test` without the top contact)?"""
    return breadth_test(
        tables,
        accounts,
        weeks,
        recent_weeks=params.windows.recent_weeks,
        baseline_weeks=params.windows.baseline_weeks,
        leave_out=top[accounts, weeks],
    )


def _untested(n: int) -> BreadthTest:
    """No breadth figures (our side): nobody counted, p-values of 1."""
    zeros = np.zeros(n, dtype=np.int64)
    return BreadthTest(zeros, zeros.astype(float), zeros, np.ones(n))
