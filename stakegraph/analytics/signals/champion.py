"""Champion departure: the person the relationship runs through leaves or falls silent.

The champion is the their-side person with the highest seniority-weighted share of the
account's traffic over the ``baseline_weeks`` before (see :data:`SENIORITY_WEIGHT`). A
departure is either their role at the account ending (``roles.end``; dated at the end,
unless it is a move to another role at the same organization) or a silence that their
own participation makes improbable (:mod:`.silence`), judged against a baseline lagged
by ``champion.lag_weeks`` so that the silence does not unseat them.

This is the signals' champion (traffic share and seniority); the stakeholder map's
champion flag is another definition, from tie strength (see docs/metrics.md).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from stakegraph.analytics.kernels import group_argmax, group_sum, prefix_sums, window_sums
from stakegraph.analytics.signals.brokerage import last_sent
from stakegraph.analytics.signals.episodes import first_of_silences
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.analytics.signals.silence import (
    Appearances,
    SilenceTest,
    narrowed_during_silence,
    silence_test,
)
from stakegraph.analytics.signals.tables import WeeklyTables, their_threads
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import CHAMPION_DEPARTURE

__all__ = ["SENIORITY_WEIGHT", "champion_departures", "engagement_scores", "is_move"]

# A champion is the person the relationship runs through, and seniority is part of that:
# a chatty individual contributor carries traffic but rarely the renewal decision.
SENIORITY_WEIGHT: Mapping[str, float] = {
    "ic": 0.6,
    "manager": 0.8,
    "director": 1.0,
    "vp": 1.0,
    "c_level": 0.9,
}
# The weight of a level outside the vocabulary, and of a person without a role.
UNKNOWN_LEVEL_WEIGHT = 0.6
ROLE_COLUMNS = {"person_id", "org_id", "start", "end"}


def champion_departures(tables: WeeklyTables, params: SignalParameters) -> list[Signal]:
    """Champions whose role ended, or who fell silent far outside their own rhythm.

    Role ends at or after the analysis date are not known yet. A person departs at most
    once per account by silence, and not at all by silence once their role end has.

    Parameters
    ----------
    tables : WeeklyTables
        Weekly tables of a run (with the role history).
    params : SignalParameters

    Returns
    -------
    list of Signal
        Signals of kind ``champion_departure``; ``evidence["mode"]`` is ``role_ended``
        or ``silent``.
    """
    departed: set[tuple[int, int]] = set()
    signals = _role_end_departures(tables, params, departed)
    return signals + _silent_departures(tables, params, departed)


def _seniority_weights(tables: WeeklyTables) -> np.ndarray:
    """Weight per level code; the last entry is for code -1 (no role)."""
    names = tables.activity.level_names
    return np.array(
        [SENIORITY_WEIGHT.get(name, UNKNOWN_LEVEL_WEIGHT) for name in names]
        + [UNKNOWN_LEVEL_WEIGHT]
    )


def engagement_scores(
    tables: WeeklyTables, params: SignalParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Their-side pair rows and each one's champion score per week: seniority-weighted share
    of their side's traffic over the ``baseline_weeks`` ending ``champion.lag_weeks``
    before the week (lagged, so that a silence does not unseat the person it concerns)."""
    weeks = np.arange(tables.grid.weeks)
    baseline_weeks, lag = params.windows.baseline_weeks, params.champion.lag_weeks
    rows = np.flatnonzero(~tables.pair_home)
    traffic = window_sums(
        prefix_sums(tables.pair_traffic[rows]), weeks - lag - baseline_weeks + 1, weeks - lag + 1
    )
    accounts = tables.pair_account[rows]
    total = group_sum(traffic, accounts, tables.activity.n_accounts)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.nan_to_num(traffic / total[accounts])
    return rows, share * _seniority_weights(tables)[tables.pair_level[rows]][:, None]


def _silent_departures(
    tables: WeeklyTables, params: SignalParameters, departed: set[tuple[int, int]]
) -> list[Signal]:
    grid = tables.grid
    weeks = np.arange(grid.weeks)
    lag = params.champion.lag_weeks
    rows, score = engagement_scores(tables, params)
    accounts = tables.pair_account[rows]
    top, top_score = group_argmax(score, accounts, tables.activity.n_accounts)
    history = (
        weeks[None, :] - lag - tables.first_week[:, None] + 1 >= params.windows.min_baseline_weeks
    )
    # While the account's traffic runs through one person, everyone else is silent:
    # that is the bottleneck's story, told by its own signal, not a departure.
    narrowed = their_threads(tables, params.windows.recent_weeks) <= params.bottleneck.max_threads
    candidate = history & (top >= 0) & (top_score >= params.champion.min_share) & ~narrowed
    account_idx, week_idx = np.nonzero(candidate)
    pairs = rows[top[account_idx, week_idx]]
    test = silence_test(
        tables,
        Appearances.of_pairs(tables),
        pairs,
        account_idx,
        week_idx,
        params=params,
        alpha=params.champion.alpha,
    )
    fire = test.fire & ~narrowed_during_silence(
        tables, account_idx, week_idx, test.last_seen, params=params
    )
    fired = np.flatnonzero(fire)
    episodes = first_of_silences(
        account_idx[fire],
        week_idx[fire],
        pairs[fire],
        params.windows.cooldown_weeks,
        test.last_seen[fire],
    )
    signals = []
    for account, week, pair, position in episodes:
        person_code = int(tables.pair_person[pair])
        if (account, person_code) in departed:
            continue
        departed.add((account, person_code))
        champion_score = float(top_score[account, week])
        candidate_at = int(fired[position])
        signals.append(
            _silent_signal(tables, test, candidate_at, account, week, pair, champion_score)
        )
    return signals


def _silent_signal(
    tables: WeeklyTables,
    test: SilenceTest,
    candidate: int,
    account: int,
    week: int,
    pair: int,
    champion_score: float,
) -> Signal:
    person = tables.person_id(int(tables.pair_person[pair]))
    at = int(tables.grid.end_of(week))
    last_seen = int(test.last_seen[candidate])
    share = float(test.share[candidate])
    return Signal(
        kind=CHAMPION_DEPARTURE,
        account_id=tables.account_id(account),
        at=at,
        severity=clip_severity(0.5 + 0.5 * min(1.0, share / 0.3)),
        evidence={
            "mode": "silent",
            "person_id": person,
            "level": tables.level_name(int(tables.pair_level[pair])),
            "champion_score": champion_score,
            "participation_rate_before": share,
            "interactions_per_week_before": float(test.rate[candidate]) * WEEK,
            "last_seen_at": last_seen,
            "last_sent_at": last_sent(tables, pair, last_seen),
            "silent_days": (at - last_seen) / DAY,
            "account_interactions_since": int(test.since[candidate]),
            "p_value_account": float(test.p_account[candidate]),
            "p_value_time": float(test.p_time[candidate]),
            "test": (
                "(1 - share) ** interactions since and exp(-rate * (gap - allowance)), both < alpha"
            ),
            "allowance_days": float(test.allowance_s[candidate]) / DAY,
        },
        person_ids=(person,),
    )


def _role_end_departures(
    tables: WeeklyTables, params: SignalParameters, departed: set[tuple[int, int]]
) -> list[Signal]:
    """Role ends of the account's top ``champion.role_end_rank`` people by champion score
    over the ``baseline_weeks`` before the end."""
    roles = tables.roles
    if roles is None or len(roles) == 0 or not set(roles.columns) >= ROLE_COLUMNS:
        return []
    activity = tables.activity
    end = pd.to_numeric(roles["end"], errors="coerce").to_numpy(dtype=float)
    start = pd.to_numeric(roles["start"], errors="coerce").to_numpy(dtype=float)
    person = pd.Index(activity.person_ids).get_indexer(roles["person_id"].astype(str))
    account = pd.Index(activity.account_ids).get_indexer(roles["org_id"].astype(str))
    known = np.isfinite(end) & (end < tables.grid.as_of) & (person >= 0) & (account >= 0)
    their_rows = np.flatnonzero(~tables.pair_home)
    signals = []
    for role in np.flatnonzero(known):
        ended = float(end[role])
        if is_move(person, account, start, end, int(role)):
            continue
        ranked = _champion_rank(
            tables, their_rows, int(account[role]), int(person[role]), ended, params
        )
        if ranked is None:
            continue
        rank, score, other = ranked
        if rank > params.champion.role_end_rank or score < params.champion.min_share:
            continue
        person_id = str(activity.person_ids[person[role]])
        departed.add((int(account[role]), int(person[role])))
        signals.append(
            Signal(
                kind=CHAMPION_DEPARTURE,
                account_id=str(activity.account_ids[account[role]]),
                at=int(ended),
                severity=clip_severity(0.6 + 0.4 * min(1.0, score / 0.3)),
                evidence={
                    "mode": "role_ended",
                    "person_id": person_id,
                    "title": str(roles["title"].iloc[role]) if "title" in roles.columns else "",
                    "level": str(roles["level"].iloc[role]) if "level" in roles.columns else None,
                    "role_end": int(ended),
                    "champion_score": score,
                    "champion_rank": rank,
                    "other_score": other,
                    "baseline_weeks": params.windows.baseline_weeks,
                },
                person_ids=(person_id,),
            )
        )
    return signals


def is_move(
    person: np.ndarray, account: np.ndarray, start: np.ndarray, end: np.ndarray, role: int
) -> bool:
    """Whether role ``role`` ends in a move: a new role of the same person at the same
    organization starting within a day of its end (not a departure)."""
    ended = float(end[role])
    moved = (
        (person == person[role])
        & (account == account[role])
        & (start >= ended - DAY)
        & (start <= ended + DAY)
    )
    return bool(moved.any())


def _champion_rank(
    tables: WeeklyTables,
    their_rows: np.ndarray,
    account: int,
    person: int,
    ended: float,
    params: SignalParameters,
) -> tuple[int, float, float] | None:
    """The person's rank and champion score on the account over the baseline before
    ``ended``, and the best other score; None when they had no traffic there."""
    grid = tables.grid
    last_week = int(grid.week_of(np.array([int(ended)]))[0]) - 1  # last full week before
    if last_week < 0:
        return None
    # Only the account's own rows: role ends are many on a large portfolio, and the whole
    # pair matrix per end would dominate the run.
    rows = their_rows[tables.pair_account[their_rows] == account]
    if rows.size == 0:
        return None
    lo = max(last_week - params.windows.baseline_weeks + 1, 0)
    hi = min(last_week + 1, grid.weeks)
    traffic = tables.pair_traffic[rows, lo:hi].sum(axis=1)
    total = traffic.sum()
    if total <= 0:
        return None
    score = traffic / total * _seniority_weights(tables)[tables.pair_level[rows]]
    order = np.argsort(-score, kind="stable")
    found = np.flatnonzero(tables.pair_person[rows[order]] == person)
    if found.size == 0:
        return None
    rank = int(found[0]) + 1
    ranked = score[order]
    other = float(ranked[1]) if len(order) > 1 and rank == 1 else float(ranked[0])
    return rank, float(ranked[found[0]]), other
