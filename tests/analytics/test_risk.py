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


def test_a_per_column_penalty_shrinks_only_its_column() -> None:
    rng = np.random.default_rng(11)
    x = rng.normal(size=(1_000, 2))
    y = rng.random(1_000) < 1 / (1 + np.exp(-(1.5 * x[:, 0] + 1.5 * x[:, 1])))
    beta = fit_logistic(x, y, l2=np.array([0.0, 1e9]))
    assert beta[1] > 1.0
    assert abs(beta[2]) < 1e-3


def test_segments_share_the_coefficients_with_their_own_base_rate_and_scale() -> None:
    """One set of coefficients for the portfolio; a segment keeps its own base rate, and
    a feature is read against its segment's usual value: enterprise accounts engage more
    people whatever their risk, so more contacts than smb accounts is not less risk."""
    rng = np.random.default_rng(5)
    n = 900
    features = pd.DataFrame(rng.normal(size=(n, len(FEATURES))), columns=list(FEATURES))
    segments = np.array(["smb", "mid_market", "enterprise"] * (n // 3), dtype=object)
    enterprise = segments == "enterprise"
    features.loc[enterprise, "contacts_level"] += 3.0
    base = np.where(segments == "smb", 0.0, -1.5)
    logit = base - 1.5 * features["contacts_trend"].to_numpy()
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    model = fit_risk_model(features, churned, segments)
    assert {model.kind[k] for k in ("smb", "mid_market", "enterprise")} == {"fitted"}
    assert model.kind["*"] == "pooled"
    for segment in ("smb", "mid_market", "enterprise"):
        assert np.array_equal(model.coefficients[segment][1:], model.coefficients["*"][1:])
    trend = 1 + FEATURES.index("contacts_trend")
    assert model.coefficients["*"][trend] < -0.5
    assert model.coefficients["smb"][0] > model.coefficients["mid_market"][0] + 0.5
    level = FEATURES.index("contacts_level")
    assert model.mean["enterprise"][level] > model.mean["smb"][level] + 2.5
    # A segment too small for its own offset and scale is scored by the portfolio's.
    few = np.where(np.arange(n) < 20, "startup", segments).astype(object)
    assert "startup" not in fit_risk_model(features, churned, few).coefficients


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
