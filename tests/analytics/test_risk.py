"""Churn risk: the logistic fit, tiers, monotonicity, factors and the backtest's honesty."""

from __future__ import annotations

import numpy as np
import pandas as pd
from test_signals import T0, WEEK, Builder, weekly

from stakegraph.analytics.risk import (
    FEATURES,
    TIER_LABELS,
    assign_tiers,
    fit_logistic,
    fit_risk_model,
    score_risk,
)


def test_logistic_fit_recovers_the_planted_coefficient_signs() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2_000, 3))
    logit = -1.0 + 1.5 * x[:, 0] - 1.0 * x[:, 1]
    y = rng.random(2_000) < 1 / (1 + np.exp(-logit))
    beta = fit_logistic(x, y, l2=0.1)
    assert beta[1] > 1.0
    assert beta[2] < -0.6
    assert abs(beta[3]) < 0.2


def test_tiers_hold_the_intended_shares_per_segment() -> None:
    rng = np.random.default_rng(1)
    scores = rng.random(400)
    segments = np.array(["smb", "enterprise"] * 200, dtype=object)
    tiers = assign_tiers(scores, segments)
    for segment in ("smb", "enterprise"):
        mask = segments == segment
        assert np.isclose((tiers[mask] >= 4).mean(), 0.225, atol=0.01)
        # Higher score, never a lower tier.
        order = np.argsort(scores[mask])
        assert np.all(np.diff(tiers[mask][order]) >= 0)
    assert set(TIER_LABELS) == {1, 2, 3, 4, 5}


def test_fitted_model_is_monotone_in_a_planted_risk_factor() -> None:
    rng = np.random.default_rng(3)
    n = 600
    features = pd.DataFrame(rng.normal(size=(n, len(FEATURES))), columns=list(FEATURES))
    churned = rng.random(n) < 1 / (1 + np.exp(-(-1.0 - 2.0 * features["contacts_trend"])))
    model = fit_risk_model(features, churned.to_numpy(), np.array(["smb"] * n, dtype=object))
    assert model.kind["smb"] == "fitted"
    beta = model.coefficients["smb"]
    assert beta[1 + FEATURES.index("contacts_trend")] < 0


def test_segment_models_shrink_towards_the_pooled_one() -> None:
    """Partial pooling: every segment keeps the portfolio's risk factor and its own base
    rate; a factor only one segment's renewals carry moves that segment's coefficient
    most, and the others only part of the way from the pooled value towards their own
    fit. With a huge penalty the segments' slopes are the pooled ones."""
    rng = np.random.default_rng(5)
    n = 900
    features = pd.DataFrame(rng.normal(size=(n, len(FEATURES))), columns=list(FEATURES))
    segments = np.array(["smb", "mid_market", "enterprise"] * (n // 3), dtype=object)
    base = np.where(segments == "smb", 0.0, -1.5)
    own = np.where(segments == "enterprise", 2.5 * features["senior_contacts"], 0.0)
    logit = base - 1.5 * features["contacts_trend"].to_numpy() + own
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    model = fit_risk_model(features, churned, segments)
    trend, senior = 1 + FEATURES.index("contacts_trend"), 1 + FEATURES.index("senior_contacts")
    pooled = model.coefficients["*"]
    assert {model.kind[k] for k in ("smb", "mid_market", "enterprise")} == {"fitted"}
    for segment in ("smb", "mid_market", "enterprise"):
        assert model.coefficients[segment][trend] < -0.5
        assert np.array_equal(model.mean[segment], model.mean["*"])
    assert model.coefficients["smb"][0] > model.coefficients["mid_market"][0] + 0.5
    assert model.coefficients["enterprise"][senior] > pooled[senior] + 0.3
    # A segment without that factor lies between its own free fit and the pooled slope.
    smb = segments == "smb"
    x = (features[list(FEATURES)].to_numpy()[smb] - model.mean["*"]) / model.scale["*"]
    free = fit_logistic(x, churned[smb], l2=1.0)[senior]
    assert min(free, pooled[senior]) < model.coefficients["smb"][senior] < max(free, pooled[senior])
    rigid = fit_risk_model(features, churned, segments, segment_l2=1e9)
    assert np.allclose(rigid.coefficients["enterprise"][1:], rigid.coefficients["*"][1:], atol=1e-3)


def two_account_frames() -> tuple[Builder, int]:
    b = Builder()
    for pid in ("a", "b", "c", "d"):
        b.person(pid)
    weekly(b, 30, ["a", "b", "c", "d"])
    weekly(b, 40, ["a"], from_week=30)
    return b, T0 + 40 * WEEK


def test_scorecard_score_rises_with_an_open_signal_and_names_it() -> None:
    b, as_of = two_account_frames()
    frames = b.frames()
    base = score_risk(frames, [], as_of=as_of)
    signal = {
        "account_id": "acc",
        "kind": "champion_departure",
        "at": as_of - 10 * 86_400,
        "severity": 0.9,
        "person_ids": ["a"],
    }
    flagged = score_risk(frames, [signal], as_of=as_of)
    assert base[0]["model"] == "scorecard"
    assert flagged[0]["risk_score"] > base[0]["risk_score"]
    assert flagged[0]["risk_factors"][0]["factor"] == "signal_champion_departure"
    assert 0.0 <= flagged[0]["risk_score"] <= 1.0
    assert set(flagged[0]) >= {
        "account_id",
        "risk_score",
        "risk_tier",
        "risk_tier_label",
        "risk_factors",
        "analyzed_at",
    }
    # A signal raised after the as-of date is not known yet.
    late = score_risk(frames, [{**signal, "at": as_of + 1}], as_of=as_of)
    assert late[0]["risk_score"] == base[0]["risk_score"]
