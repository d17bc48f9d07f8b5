"""Churn risk: a score in [0, 1], five renewal-likelihood tiers per segment, and its reasons.

Features: see :mod:`stakegraph.analytics.risk_features`.

Model
-----
L2-penalised logistic regression of ``churned`` on the standardized features, fitted on
renewal history: each past renewal is one example whose features are taken
:data:`RISK_LEAD_DAYS` (60) days before it, the lead the backtest scores at, so the
weights are learnt on the stage of the run-up to a renewal that the figures of
docs/metrics.md measure (training at 90 days and scoring at 60 cost 0.02 of AUC on the
development portfolio, docs/evaluation-log.md). One model for the
portfolio: the segments share the coefficients (ridge ``l2`` = 10), and a segment with
at least ``min_renewals`` renewals has its own intercept offset and its own
standardization, so its accounts are read against its usual engagement. Without enough
history (``min_renewals``, ``min_churns``) a fixed, documented scorecard
(:data:`SCORECARD`) is used. The fit is a few dozen L-BFGS steps (scipy.optimize); a
scikit-learn dependency would buy nothing here.

Every score lists its ``risk_factors``: each feature's contribution to the logit
(coefficient times standardized value), largest first.

Tiers
-----
Per segment, by quantiles of the scores being tiered: the top ``tier_shares[4]`` (10%)
are tier 5 (churn risk), the next ``tier_shares[3]`` (12.5%) tier 4 (below average), then
25%, 25% and the rest for tiers 3, 2 and 1; so the bottom two tiers hold 22.5% of
accounts. The backtest tiers each account in the review of its own scoring week (no
ranking against accounts scored later, with later data).

References
----------
Hosmer, D. W., Lemeshow, S. & Sturdivant, R. X. (2013). *Applied Logistic Regression*,
3rd ed. Wiley.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.risk_features import FEATURES, risk_features
from stakegraph.analytics.signals.beyond_tables import BeyondFrames
from stakegraph.analytics.windows import Activity, as_activity
from stakegraph.dates import DAY

__all__ = [
    "FEATURES",
    "RISK_LEAD_DAYS",
    "SCORECARD",
    "TIER_LABELS",
    "RiskModel",
    "assign_tiers",
    "fit_logistic",
    "fit_risk_model",
    "risk_features",
    "score_risk",
    "score_rows",
    "segment_of",
]

TIER_LABELS = {
    1: "likely to renew",
    2: "above average",
    3: "average",
    4: "below average",
    5: "churn risk",
}
DEFAULT_TIER_SHARES = (0.275, 0.25, 0.25, 0.125, 0.10)
# Days before a renewal at which its training example is taken, and at which the backtest
# scores: one lead for production and evaluation.
RISK_LEAD_DAYS = 60
# The fallback when there is no renewal history to learn from: logit weights on the raw
# features, chosen by judgement (falling breadth and volume, open signals raise risk).
SCORECARD: dict[str, float] = {
    "intercept": -2.0,
    "contacts_trend": -1.0,
    "interactions_trend": -0.8,
    "meetings_trend": -0.4,
    "interactions_vs_year": -0.8,
    "meetings_vs_year": -0.4,
    "contacts_level": -0.3,
    "senior_contacts": -0.1,
    "multi_role": -0.3,
    "signal_single_node_bottleneck": 0.8,
    "signal_champion_departure": 1.2,
    "signal_executive_withdrawal": 0.8,
    "signal_response_latency_inflation": 0.6,
    "signal_engagement_contraction": 1.0,
    # Any other key stakeholder leaving: less than the champion, one of several.
    "signal_stakeholder_departure": 0.6,
    # Beyond conversations: their signals.
    "signal_usage_decline": 1.0,
    "signal_feature_depth_regression": 0.8,
    "signal_ticket_mix_shift": 1.0,
    "signal_sla_policing": 0.6,
    "signal_co_innovation_withdrawal": 0.8,
    "signal_qbr_disengagement": 0.8,
}
CHURNED = "churned"


@dataclass(frozen=True)
class RiskModel:
    """A fitted (or fallback) logistic model: ``logit = intercept + coef . (x - mean) / scale``.

    Attributes
    ----------
    coefficients : dict of str to numpy.ndarray
        Per segment (``"*"`` = the pooled or fallback model): intercept first, then one
        coefficient per feature in :data:`FEATURES`.
    mean, scale : dict of str to numpy.ndarray
        Standardization per segment.
    cutoffs : dict of str to numpy.ndarray
        Score cut-offs between tiers per segment (four increasing values), from the
        training scores; None when tiers come from the scored population.
    kind : dict of str to str
        ``"fitted"``, ``"pooled"`` or ``"scorecard"`` per segment.
    examples : int
        Renewals the model was fitted on.
    """

    coefficients: dict[str, np.ndarray]
    mean: dict[str, np.ndarray]
    scale: dict[str, np.ndarray]
    cutoffs: dict[str, np.ndarray]
    kind: dict[str, str]
    examples: int

    def params(self, segment: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        key = segment if segment in self.coefficients else "*"
        return self.coefficients[key], self.mean[key], self.scale[key], self.kind[key]


# --------------------------------------------------------------------------- features


# --------------------------------------------------------------------------- model


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    l2: float | np.ndarray = 1.0,
    prior: np.ndarray | None = None,
) -> np.ndarray:
    """L2-penalised logistic regression by L-BFGS; returns ``[intercept, coef...]``.

    The intercept is not penalised. ``x`` should be standardized. ``l2`` is one penalty
    for every coefficient or one per column of ``x``; the coefficients are shrunk
    towards ``prior`` (default zero).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 1))
    >>> y = rng.random(500) < 1 / (1 + np.exp(-2 * x[:, 0]))
    >>> bool(fit_logistic(x, y)[1] > 1)
    True
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    design = np.column_stack([np.ones(len(x)), x])
    centre = np.zeros(x.shape[1]) if prior is None else np.asarray(prior, dtype=float)
    penalty = np.broadcast_to(np.asarray(l2, dtype=float), (x.shape[1],))

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ beta
        away = beta[1:] - centre
        # log(1 + e^z) - y z, computed stably.
        value = float(np.sum(np.logaddexp(0.0, z) - y * z)) + 0.5 * float(penalty @ (away * away))
        p = 1.0 / (1.0 + np.exp(-z))
        grad = design.T @ (p - y)
        grad[1:] += penalty * away
        return value, grad

    start = np.zeros(design.shape[1])
    start[1:] = centre
    base = np.clip(y.mean(), 1e-3, 1 - 1e-3) if len(y) else 0.5
    start[0] = np.log(base / (1 - base))
    result = optimize.minimize(loss, start, jac=True, method="L-BFGS-B")
    return np.asarray(result.x, dtype=float)


def fit_risk_model(
    features: pd.DataFrame,
    churned: np.ndarray,
    segments: np.ndarray,
    *,
    min_renewals: int = 40,
    min_churns: int = 8,
    l2: float = 10.0,
    segment_l2: float = 1.0,
    tier_shares: tuple[float, ...] = DEFAULT_TIER_SHARES,
) -> RiskModel:
    """One pooled logistic model on renewal examples, with segment offsets; a scorecard
    when the history is thin.

    Every segment shares the coefficients; each segment with at least ``min_renewals``
    renewals has its own intercept (an offset from the portfolio's, ridge
    ``segment_l2``) and its own standardization, so a feature counts by how far an
    account is from its segment's usual value (an enterprise account engages more people
    than a small one whatever its risk). A model per segment was tried: with a few dozen
    churns a segment cannot pin 20 coefficients, and its scores out of sample were worse
    than the pooled model's (docs/evaluation-log.md, 2026-12-05).

    Parameters
    ----------
    features : pandas.DataFrame
        :data:`FEATURES` columns, one row per past renewal (as of ``lead`` before it).
    churned : numpy.ndarray of bool
        Outcome of each renewal.
    segments : numpy.ndarray of str
        Segment of each renewal's account.
    min_renewals, min_churns : int, keyword-only
        History the portfolio needs for a fitted model (defaults 40 renewals, 8 churns
        and 8 others), else the scorecard is used; a segment needs ``min_renewals`` for
        its own offset and standardization.
    l2 : float, keyword-only
        Ridge penalty on the standardized coefficients (default 10.0, measured against
        1 and 100 on the development portfolio).
    segment_l2 : float, keyword-only
        Ridge penalty on a segment's offset from the portfolio's intercept (default 1.0).
    tier_shares : tuple of float, keyword-only
        Shares of tiers 1..5 (default 27.5%, 25%, 25%, 12.5%, 10%).

    Returns
    -------
    RiskModel
        ``"*"`` is the portfolio's model (``"pooled"``, or ``"scorecard"``); a segment
        with its own offset is ``"fitted"``.
    """
    x = features[list(FEATURES)].to_numpy(dtype=float)
    y = np.asarray(churned, dtype=bool)
    segments = np.asarray(segments, dtype=object)
    coefficients: dict[str, np.ndarray] = {}
    means: dict[str, np.ndarray] = {}
    scales: dict[str, np.ndarray] = {}
    cutoffs: dict[str, np.ndarray] = {}
    kinds: dict[str, str] = {}

    if not (len(y) >= min_renewals and y.sum() >= min_churns and (~y).sum() >= min_churns):
        coefficients["*"] = np.array([SCORECARD["intercept"], *(SCORECARD[f] for f in FEATURES)])
        means["*"] = np.zeros(len(FEATURES))
        scales["*"] = np.ones(len(FEATURES))
        kinds["*"] = "scorecard"
        if len(y):
            scores = _sigmoid(coefficients["*"][0] + x @ coefficients["*"][1:])
            cutoffs["*"] = _cutoffs(scores, tier_shares)
        return RiskModel(coefficients, means, scales, cutoffs, kinds, len(y))

    means["*"], scales["*"] = _standardization(x)
    standardized = (x - means["*"]) / scales["*"]
    own = [s for s in sorted({str(s) for s in segments}) if (segments == s).sum() >= min_renewals]
    offsets = np.zeros((len(y), len(own)))
    for j, segment in enumerate(own):
        mask = segments == segment
        means[segment], scales[segment] = _standardization(x[mask])
        standardized[mask] = (x[mask] - means[segment]) / scales[segment]
        offsets[mask, j] = 1.0
    penalty = np.r_[np.full(len(FEATURES), l2), np.full(len(own), segment_l2)]
    beta = fit_logistic(np.column_stack([standardized, offsets]), y, l2=penalty)
    shared = beta[: 1 + len(FEATURES)]
    coefficients["*"], kinds["*"] = shared, "pooled"
    for j, segment in enumerate(own):
        coefficients[segment] = np.r_[shared[0] + beta[1 + len(FEATURES) + j], shared[1:]]
        kinds[segment] = "fitted"
    for key in coefficients:
        mask = segments == key if key != "*" else np.ones(len(y), dtype=bool)
        z = (x[mask] - means[key]) / scales[key]
        cutoffs[key] = _cutoffs(_sigmoid(coefficients[key][0] + z @ shared[1:]), tier_shares)
    return RiskModel(coefficients, means, scales, cutoffs, kinds, len(y))


def _standardization(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = x.std(axis=0)
    return x.mean(axis=0), np.where(scale > 1e-9, scale, 1.0)


def assign_tiers(
    scores: np.ndarray,
    segments: np.ndarray,
    *,
    tier_shares: tuple[float, ...] = DEFAULT_TIER_SHARES,
) -> np.ndarray:
    """Tiers 1..5 by per-segment quantiles of ``scores`` (higher score, higher tier).

    Examples
    --------
    >>> assign_tiers(np.linspace(0, 1, 40), np.array(["smb"] * 40)).tolist().count(5)
    4
    """
    scores = np.asarray(scores, dtype=float)
    segments = np.asarray(segments, dtype=object)
    tiers = np.ones(len(scores), dtype=np.int64)
    for segment in set(segments.tolist()):
        mask = segments == segment
        # Rank-based so that ties and small segments still get the intended shares.
        ranks = (pd.Series(scores[mask]).rank(method="first").to_numpy() - 0.5) / mask.sum()
        bounds = np.cumsum(tier_shares)[:-1]
        tiers[mask] = 1 + np.searchsorted(bounds, ranks, side="right")
    return tiers


def _cutoffs(scores: np.ndarray, tier_shares: tuple[float, ...]) -> np.ndarray:
    return np.quantile(scores, np.cumsum(tier_shares)[:-1]) if len(scores) else np.zeros(4)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float))))


def _training_examples(
    activity: Activity,
    signals: list[dict[str, Any]],
    *,
    before: int,
    lead: int,
    beyond: BeyondFrames | None = None,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Past renewals (strictly before ``before``) with features as of ``lead`` before each."""
    renewals = activity.renewals
    at = pd.to_numeric(renewals["at"], errors="coerce").to_numpy(dtype=float)
    mask = np.isfinite(at) & (at < before) & (at - lead >= 0)
    past = renewals[mask]
    features = risk_features(
        activity,
        signals,
        past["account_id"].astype(str),
        (at[mask] - lead).astype(np.int64),
        beyond=beyond,
    )
    churned = (past["outcome"].astype(str) == CHURNED).to_numpy()
    segments = segment_of(activity, past["account_id"].astype(str).to_numpy())
    return features, churned, segments


def segment_of(activity: Activity, account_ids: np.ndarray) -> np.ndarray:
    accounts = activity.accounts
    lookup = dict(
        zip(
            accounts["account_id"].astype(str),
            accounts["segment"].fillna("").astype(str),
            strict=False,
        )
    )
    return np.asarray([lookup.get(str(a), "") for a in account_ids], dtype=object)


def score_rows(
    model: RiskModel, features: pd.DataFrame, segments: np.ndarray, *, top_factors: int
) -> tuple[np.ndarray, list[list[dict[str, Any]]]]:
    x = features[list(FEATURES)].to_numpy(dtype=float)
    scores = np.zeros(len(x))
    factors: list[list[dict[str, Any]]] = []
    for i in range(len(x)):
        beta, mean, scale, _ = model.params(str(segments[i]))
        contribution = beta[1:] * (x[i] - mean) / scale
        scores[i] = float(_sigmoid(beta[0] + contribution.sum()))
        order = np.argsort(-contribution, kind="stable")[:top_factors]
        factors.append(
            [
                {
                    "factor": FEATURES[j],
                    "value": round(float(x[i, j]), 4),
                    "contribution": round(float(contribution[j]), 4),
                }
                for j in order
            ]
        )
    return scores, factors


def score_risk(
    frames: PortfolioFrames | Activity,
    signals: Iterable[dict[str, Any]],
    *,
    as_of: int,
    lead: int = RISK_LEAD_DAYS * DAY,
    top_factors: int = 3,
    tier_shares: tuple[float, ...] = DEFAULT_TIER_SHARES,
    min_renewals: int = 40,
    min_churns: int = 8,
    beyond: BeyondFrames | None = None,
) -> list[dict[str, Any]]:
    """Churn risk of every account as of ``as_of``, with tiers and top factors.

    The model is fitted on renewals before ``as_of`` (features ``lead`` days before each);
    tiers are per-segment quantiles of the scores of the accounts scored here, so the
    bottom two tiers hold ``tier_shares[3] + tier_shares[4]`` of each segment.

    Parameters
    ----------
    frames : PortfolioFrames or Activity
    signals : iterable of dict
        Signals from :func:`~stakegraph.analytics.signals.detect_signals` (only those
        raised before ``as_of`` count).
    as_of : int, keyword-only
    lead : int, keyword-only
        Training examples' features are taken this long before their renewal (default
        :data:`RISK_LEAD_DAYS`, 60 days: the backtest's lead, so a production score is
        what the backtest measured).
    top_factors : int, keyword-only
        Factors listed per account (default 3).
    tier_shares : tuple of float, keyword-only
    min_renewals, min_churns : int, keyword-only
        See :func:`fit_risk_model`.
    beyond : BeyondFrames, optional, keyword-only
        Usage, ticket categories and engagements for the beyond-conversation features.

    Returns
    -------
    list of dict
        ``account_id, risk_score, risk_tier, risk_tier_label, risk_factors,
        analyzed_at`` per account (the shape :func:`stakegraph.analytics.run.write_results`
        expects), plus ``model`` (fitted, pooled or scorecard).
    """
    activity = as_activity(frames)
    signal_list = [s for s in signals if int(s["at"]) < as_of]
    features_train, churned, segments_train = _training_examples(
        activity, signal_list, before=as_of, lead=lead, beyond=beyond
    )
    model = fit_risk_model(
        features_train,
        churned,
        segments_train,
        min_renewals=min_renewals,
        min_churns=min_churns,
        tier_shares=tier_shares,
    )
    account_ids = activity.accounts["account_id"].astype(str).to_numpy()
    features = risk_features(
        activity, signal_list, account_ids, [as_of] * len(account_ids), beyond=beyond
    )
    segments = segment_of(activity, account_ids)
    scores, factors = score_rows(model, features, segments, top_factors=top_factors)
    tiers = assign_tiers(scores, segments, tier_shares=tier_shares)
    return [
        {
            "account_id": str(account_ids[i]),
            "risk_score": round(float(scores[i]), 6),
            "risk_tier": int(tiers[i]),
            "risk_tier_label": TIER_LABELS[int(tiers[i])],
            "risk_factors": factors[i],
            "analyzed_at": int(as_of),
            "model": model.params(str(segments[i]))[3],
        }
        for i in range(len(account_ids))
    ]
