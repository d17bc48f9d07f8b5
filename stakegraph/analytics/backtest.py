"""The risk backtest: each account scored out of sample before its last renewal.

Split from :mod:`stakegraph.analytics.risk` (the model and its scoring); the backtest is
what ``analyze`` stores and ``evaluate`` scores, and it is where look-ahead could creep in,
so it lives on its own with the causal portfolio review that tiers it
(``tests/analytics/test_backtest_lookahead.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.risk import (
    CHURNED,
    DEFAULT_TIER_SHARES,
    RISK_LEAD_DAYS,
    TIER_LABELS,
    RiskModel,
    assign_tiers,
    fit_risk_model,
    score_rows,
    segment_of,
)
from stakegraph.analytics.risk_features import risk_features
from stakegraph.analytics.signals.beyond_tables import BeyondFrames
from stakegraph.analytics.windows import Activity, as_activity
from stakegraph.dates import DAY, WEEK


def _review_features(
    activity: Activity,
    signals: list[dict[str, Any]],
    account_ids: np.ndarray,
    as_of: np.ndarray,
    *,
    beyond: BeyondFrames | None = None,
) -> pd.DataFrame:
    """Features of every account still a customer at each scoring week (one call).

    A backtest scores each account at its own date. Ranking those scores against each
    other would tier an account scored in one year against scores computed with the next
    year's data (look-ahead). A portfolio review held that week ranks every account that
    is still a customer (no churn before the week; the accounts scored that week are
    customers by definition), so that is the population each scored account is tiered in.
    """
    renewals = activity.renewals
    at = pd.to_numeric(renewals["at"], errors="coerce")
    churns = renewals[(renewals["outcome"].astype(str) == CHURNED) & at.notna()]
    first_churn = pd.to_numeric(churns["at"]).groupby(churns["account_id"].astype(str)).min()
    everyone = np.asarray([str(a) for a in activity.account_ids], dtype=object)
    churned_at = first_churn.reindex(everyone).to_numpy(dtype=float)
    pairs_account, pairs_date = [], []
    for scoring_week in np.unique(as_of // WEEK):
        date = int(scoring_week) * WEEK
        scored = set(account_ids[as_of // WEEK == scoring_week].astype(str).tolist())
        keep = ~(churned_at < date) | np.isin(everyone, list(scored))
        pairs_account.append(everyone[keep])
        pairs_date.append(np.full(int(keep.sum()), date, dtype=np.int64))
    if not pairs_account:
        return risk_features(activity, signals, [], [], beyond=beyond)
    return risk_features(
        activity,
        signals,
        np.concatenate(pairs_account),
        np.concatenate(pairs_date),
        beyond=beyond,
    )


def _review_tiers(
    activity: Activity,
    model: RiskModel,
    population: pd.DataFrame,
    tier_shares: tuple[float, ...],
) -> np.ndarray:
    """Tiers of a review's population (its features), by per-segment rank of the scores."""
    segments = segment_of(activity, population["account_id"].to_numpy())
    scores, _ = score_rows(model, population, segments, top_factors=0)
    return assign_tiers(scores, segments, tier_shares=tier_shares)


def _history_examples(
    activity: Activity,
    signals: list[dict[str, Any]],
    *,
    train_lead: int,
    beyond: BeyondFrames | None,
) -> tuple[np.ndarray, pd.DataFrame, np.ndarray, np.ndarray]:
    """Every renewal with ``train_lead`` of history: its time, features as of
    ``train_lead`` before it, outcome and segment."""
    history = activity.renewals.assign(
        at=pd.to_numeric(activity.renewals["at"], errors="coerce")
    ).dropna(subset=["at"])
    history = history[history["at"] - train_lead >= 0]
    train_at = history["at"].to_numpy(dtype=np.int64)
    accounts = history["account_id"].astype(str)
    features = risk_features(activity, signals, accounts, train_at - train_lead, beyond=beyond)
    churned = (history["outcome"].astype(str) == CHURNED).to_numpy()
    return train_at, features, churned, segment_of(activity, accounts.to_numpy())


def _scoring_points(renewals: pd.DataFrame, lead_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Each account with a dated renewal, and the midnight ``lead_days`` before its last."""
    table = renewals.assign(at=pd.to_numeric(renewals["at"], errors="coerce"))
    table = table.dropna(subset=["at"])
    last = table.sort_values("at").groupby(table["account_id"].astype(str)).tail(1)
    as_of = (last["at"].to_numpy(dtype=np.int64) - lead_days * DAY) // DAY * DAY
    return last["account_id"].astype(str).to_numpy(), as_of


def backtest_risk(
    frames: PortfolioFrames | Activity,
    signals: Iterable[dict[str, Any]],
    renewals: pd.DataFrame | None = None,
    *,
    lead_days: int = RISK_LEAD_DAYS,
    train_lead: int | None = None,
    top_factors: int = 3,
    tier_shares: tuple[float, ...] = DEFAULT_TIER_SHARES,
    min_renewals: int = 40,
    min_churns: int = 8,
    beyond: BeyondFrames | None = None,
    without: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Score each account as of ``lead_days`` before its last renewal, out of sample.

    For an account whose last renewal is at ``R``, the score is computed as of
    ``R - lead_days``, by a model fitted only on renewals before that date (every account's,
    features ``train_lead`` before each), with signals raised before it; its tier is its
    per-segment rank in that week's portfolio review (every account still a customer
    then, scored by the week's one model), so tiers use nothing after the date either.

    Parameters
    ----------
    frames : PortfolioFrames or Activity
    signals : iterable of dict
        Signals raised over the whole history (each is causal, so filtering by date
        gives what was known then).
    renewals : pandas.DataFrame, optional
        ``account_id, at, outcome`` whose last row per account is the renewal to predict
        (default: the frames' renewals).
    lead_days : int, keyword-only
        Days before the last renewal at which to score (default ``RISK_LEAD_DAYS``, 60).
    train_lead : int, optional, keyword-only
        How long before each past renewal its training features are taken (default
        ``lead_days``): at another lead they describe another stage of the run-up to a
        renewal (on seed 11, training at 90 days and scoring at 60 cost 0.02 of AUC).
    beyond : BeyondFrames, optional, keyword-only
        Usage, ticket categories and engagements for the beyond-conversation features.
    without : tuple of str, keyword-only
        Features held at zero (an ablation: what the model does without them).

    Returns
    -------
    list of dict
        As :func:`score_risk`, one per account with a renewal (``analyzed_at``: as of),
        plus ``review_accounts`` and ``review_bottom_two``: how many accounts the
        scoring week's review tiered, and how many of them it put in tiers 4-5.
    """
    activity = as_activity(frames)
    signal_list = list(signals)
    if train_lead is None:
        train_lead = lead_days * DAY
    account_ids, as_of = _scoring_points(
        activity.renewals if renewals is None else renewals, lead_days
    )
    segments = segment_of(activity, account_ids)
    # Features only read data (and signals) before their own date, so every example and
    # every scoring point is computed once; each week's model then picks its rows.
    train_at, train_features, train_churned, train_segments = _history_examples(
        activity, signal_list, train_lead=train_lead, beyond=beyond
    )
    # Each scoring week's portfolio review: every account still a customer then, scored
    # by that week's model; the accounts scored that week are tiered within it.
    review = _review_features(activity, signal_list, account_ids, as_of, beyond=beyond)
    train_features[list(without)] = 0.0
    review[list(without)] = 0.0
    out: list[dict[str, Any]] = [{} for _ in account_ids]
    week = as_of // WEEK
    for scoring_week in np.unique(week):
        rows = np.flatnonzero(week == scoring_week)
        known = train_at < int(as_of[rows].min())
        model = fit_risk_model(
            train_features[known],
            train_churned[known],
            train_segments[known],
            min_renewals=min_renewals,
            min_churns=min_churns,
            tier_shares=tier_shares,
        )
        population = review[review["as_of"] // WEEK == scoring_week]
        where = pd.Index(population["account_id"].astype(str)).get_indexer(
            account_ids[rows].astype(str)
        )
        week_scores, week_factors = score_rows(
            model, population.iloc[where], segments[rows], top_factors=top_factors
        )
        review_tiers = _review_tiers(activity, model, population, tier_shares)
        # The review's own counts: the accounts it tiered, and those in tiers 4-5.
        bottom_two = int((review_tiers >= 4).sum())
        for position, row in enumerate(rows):
            out[row] = _row(
                str(account_ids[row]),
                float(week_scores[position]),
                int(review_tiers[where[position]]),
                week_factors[position],
                int(as_of[row]),
                model.params(str(segments[row]))[3],
            ) | {"review_accounts": len(population), "review_bottom_two": bottom_two}
    return out


def _row(
    account_id: str,
    score: float,
    tier: int,
    factors: list[dict[str, Any]],
    as_of: int,
    model: str,
) -> dict[str, Any]:
    """One backtested account, shaped as :func:`~stakegraph.analytics.risk.score_risk`'s."""
    return {
        "account_id": account_id,
        "risk_score": round(score, 6),
        "risk_tier": tier,
        "risk_tier_label": TIER_LABELS[tier],
        "risk_factors": factors,
        "analyzed_at": as_of,
        "model": model,
    }
