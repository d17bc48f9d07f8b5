"""Evaluation on a hand-made truth with known precision, recall, lag and AUC."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stakegraph.analytics.evaluate import auc, error_causes, evaluate
from stakegraph.dates import DAY, WEEK

EPOCH_2024 = 1_704_067_200  # 2024-01-01


def signal(
    kind: str, account: str, days: float, people: list[str] | None = None
) -> dict[str, object]:
    return {
        "id": f"{kind}-{account}-{days}",
        "account_id": account,
        "kind": kind,
        "at": int(EPOCH_2024 + days * DAY),
        "severity": 0.5,
        "summary": ".",
        "evidence": {},
        "person_ids": people or [],
    }


TRUTH = {
    "events": [
        {"kind": "champion_departure", "account_id": "a1", "person_id": "p1", "date": "2024-01-01"},
        {"kind": "champion_departure", "account_id": "a2", "person_id": "p2", "date": "2024-01-01"},
        {
            "kind": "response_latency_inflation",
            "account_id": "a3",
            "person_id": None,
            "date": "2024-01-01",
        },
        {
            "kind": "executive_withdrawal",
            "account_id": "a4",
            "person_id": None,
            "person_ids": ["x", "y"],
            "date": "2024-01-01",
        },
    ],
    "renewals": [
        {"account_id": "a1", "date": "2023-06-01", "outcome": "renewed"},
        {"account_id": "a1", "date": "2024-06-01", "outcome": "churned"},
        {"account_id": "a2", "date": "2024-06-01", "outcome": "renewed"},
        {"account_id": "a3", "date": "2024-06-01", "outcome": "churned"},
        {"account_id": "a4", "date": "2024-06-01", "outcome": "expanded"},
    ],
}


def test_precision_recall_and_lag_follow_the_matching_rule() -> None:
    signals = [
        signal("champion_departure", "a1", 10, ["p1"]),  # match, lag 10
        signal("champion_departure", "a1", 20, ["p1"]),  # match too (a duplicate detection)
        signal("champion_departure", "a2", 5, ["someone_else"]),  # wrong person
        signal("champion_departure", "a2", 100, ["p2"]),  # too late (> 90 days)
        signal("response_latency_inflation", "a3", -10),  # early, within 14 days: match
        signal("executive_withdrawal", "a4", 30, ["y"]),  # one of the executives: match
        signal("executive_withdrawal", "a1", 30, ["x"]),  # wrong account
    ]
    result = evaluate(signals, [], TRUTH)
    champion = result["champion_departure"]
    assert champion["planted"] == 2 and champion["detected"] == 1
    assert champion["recall"] == 0.5
    assert champion["precision"] == 0.5
    assert champion["median_lag_days"] == 10
    assert result["response_latency_inflation"]["median_lag_days"] == -10
    assert result["response_latency_inflation"]["precision"] == 1.0
    assert result["executive_withdrawal"]["precision"] == 0.5
    assert result["executive_withdrawal"]["recall"] == 1.0
    assert math.isnan(result["engagement_contraction"]["precision"])


def test_recall_is_split_by_cause_without_changing_the_matching() -> None:
    """Events without a cause count as planted; the overall figures stay the same."""
    slide = {
        "kind": "champion_departure",
        "account_id": "a5",
        "person_id": "p5",
        "date": "2024-01-01",
        "details": {"mode": "silent", "cause": "pre_churn_slide"},
    }
    missed_slide = {**slide, "account_id": "a6", "person_id": "p6"}
    events: list[object] = [*TRUTH["events"], slide, missed_slide]  # type: ignore[misc]
    truth = {**TRUTH, "events": events}
    signals = [
        signal("champion_departure", "a1", 10, ["p1"]),
        signal("champion_departure", "a5", 40, ["p5"]),
        signal("champion_departure", "a6", -30, ["p6"]),  # too early: no match
    ]
    champion = evaluate(signals, [], truth)["champion_departure"]
    assert champion["recall_by_cause"] == {"planted": 0.5, "pre_churn_slide": 0.5}
    assert champion["events_by_cause"] == {"planted": 2, "pre_churn_slide": 2}
    assert champion["recall"] == 0.5 and champion["planted"] == 4
    assert champion["precision"] == pytest.approx(2 / 3)
    assert champion["median_lag_days"] == 25
    latency = evaluate([], [], TRUTH)["response_latency_inflation"]
    assert latency["recall_by_cause"] == {"planted": 0.0}


def test_auc_tiers_and_the_guard_against_scores_after_the_renewal() -> None:
    june = EPOCH_2024 + 152 * DAY
    risk = [
        {"account_id": "a1", "risk_score": 0.9, "risk_tier": 5, "analyzed_at": june - 60 * DAY},
        {"account_id": "a2", "risk_score": 0.2, "risk_tier": 1, "analyzed_at": june - 60 * DAY},
        {"account_id": "a3", "risk_score": 0.4, "risk_tier": 3, "analyzed_at": june - 60 * DAY},
        {"account_id": "a4", "risk_score": 0.5, "risk_tier": 4, "analyzed_at": june - 60 * DAY},
        {"account_id": "a5", "risk_score": 0.5, "risk_tier": 4, "analyzed_at": june},  # no truth
    ]
    figures = evaluate([], risk, TRUTH)["risk"]
    # Churned a1 (0.9), a3 (0.4) vs kept a2 (0.2), a4 (0.5): 3 of 4 pairs ordered.
    assert figures["auc"] == pytest.approx(0.75)
    assert figures["bottom_two_tiers_account_share"] == 0.5
    assert figures["bottom_two_tiers_churn_share"] == 0.5
    late = evaluate([], [{**risk[0], "analyzed_at": june + DAY}], TRUTH)["risk"]
    assert late["scored_after_renewal"] == 1 and late["accounts"] == 0


def test_the_account_share_is_of_the_reviews_that_tiered_the_rows() -> None:
    """Backtested rows name their scoring week's review: the account share is over the
    accounts those reviews tiered (each review once), not over the rows, which hold every
    churn; the rows' own share is reported apart."""
    june = EPOCH_2024 + 152 * DAY
    week_a, week_b = june - 60 * DAY, june - 60 * DAY - 2 * WEEK
    risk = [
        {"account_id": "a1", "risk_score": 0.9, "risk_tier": 5, "analyzed_at": week_a,
         "review_accounts": 40, "review_bottom_two": 9},
        {"account_id": "a2", "risk_score": 0.2, "risk_tier": 1, "analyzed_at": week_a,
         "review_accounts": 40, "review_bottom_two": 9},
        {"account_id": "a3", "risk_score": 0.4, "risk_tier": 4, "analyzed_at": week_b,
         "review_accounts": 20, "review_bottom_two": 5},
    ]  # fmt: skip
    figures = evaluate([], risk, TRUTH)["risk"]
    assert figures["bottom_two_tiers_account_share"] == pytest.approx((9 + 5) / (40 + 20))
    assert figures["bottom_two_tiers_scored_share"] == pytest.approx(2 / 3)
    assert figures["bottom_two_tiers_churn_share"] == 1.0


def test_auc_matches_its_definition() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random(60)
    positive = rng.random(60) < 0.4
    churned, kept = scores[positive], scores[~positive]
    pairs = [(s, t) for s in churned for t in kept]
    expected = np.mean([1.0 if s > t else 0.5 if s == t else 0.0 for s, t in pairs])
    assert auc(scores, positive) == pytest.approx(expected)


def test_a_departure_is_found_by_either_departure_kind_naming_the_person() -> None:
    truth = {
        "events": [
            {
                "kind": "stakeholder_departure",
                "account_id": "a1",
                "person_id": "p1",
                "date": "2024-01-01",
            },
            {
                "kind": "stakeholder_departure",
                "account_id": "a1",
                "person_id": "p2",
                "date": "2024-01-01",
            },
            {
                "kind": "champion_departure",
                "account_id": "a2",
                "person_id": "c1",
                "date": "2024-01-01",
            },
        ],
        "renewals": [],
    }
    signals = [
        signal("champion_departure", "a1", 20, ["p1"]),  # the stakeholder p1, raised as champion
        signal("champion_departure", "a1", 20, ["p3"]),  # nobody's departure: a false alarm
        signal("stakeholder_departure", "a2", 100, ["c1"]),  # too late, whichever the kind
        signal("executive_withdrawal", "a1", 5, ["p2"]),  # not a departure kind: no match
    ]
    result = evaluate(signals, [], truth)
    stakeholder, champion = result["stakeholder_departure"], result["champion_departure"]
    # p1 found (by the champion kind), p2 not: 1 of 2; lag that of the champion signal.
    assert (stakeholder["detected"], stakeholder["planted"]) == (1, 2)
    assert stakeholder["detected_as_other_kind"] == 1
    assert stakeholder["median_lag_days"] == 20
    # The champion kind's signals: p1's matches a (stakeholder) event, p3's nothing.
    assert champion["precision"] == 0.5
    assert (champion["detected"], champion["detected_as_other_kind"]) == (0, 0)
    assert stakeholder["precision"] == 0.0  # its one signal, too late
    assert result["executive_withdrawal"]["precision"] == 0.0


def test_recall_on_the_observable_departures_keeps_every_event_in_the_recall() -> None:
    def departure(person: str, day: str, observable: bool) -> dict[str, object]:
        return {
            "kind": "stakeholder_departure",
            "account_id": "a1",
            "person_id": person,
            "date": day,
            "details": {"mode": "silent", "observable": observable},
        }

    truth = {
        "events": [
            departure("p1", "2024-01-01", True),  # found after 30 days
            departure("p2", "2024-01-01", True),  # found after 10 days
            departure("p3", "2024-01-01", True),  # missed
            departure("p4", "2024-01-01", False),  # found, but not observable
            departure("p5", "2024-01-01", False),  # missed, not observable
        ],
        "renewals": [],
    }
    signals = [
        signal("stakeholder_departure", "a1", 30, ["p1"]),
        signal("stakeholder_departure", "a1", 10, ["p2"]),
        signal("stakeholder_departure", "a1", 50, ["p4"]),
    ]
    row = evaluate(signals, [], truth)["stakeholder_departure"]
    assert (row["detected"], row["planted"], row["recall"]) == (3, 5, 0.6)
    assert row["observable"] == 3
    assert row["recall_observable"] == pytest.approx(2 / 3)
    assert row["median_lag_days_observable"] == 20  # of 30 and 10; p4's 50 left out
    assert row["median_lag_days"] == 30


def test_without_observability_in_the_truth_nothing_is_reported_on_it() -> None:
    row = evaluate([], [], TRUTH)["champion_departure"]
    assert row["observable"] is None
    assert math.isnan(row["recall_observable"])


def test_each_false_alarm_and_miss_is_given_its_cause() -> None:
    """One account per cause, worked by hand from the matching window [-14, +90] days."""
    truth = {
        "events": [
            # a: found only on day 120 (late alarm, late miss).
            {"kind": "sla_policing", "account_id": "a", "date": "2024-01-01"},
            # b: its signal comes 30 days before the event (early), no later one.
            {"kind": "sla_policing", "account_id": "b", "date": "2024-01-31"},
            # c: the truth says the data cannot show it; nothing raised.
            {
                "kind": "sla_policing",
                "account_id": "c",
                "date": "2024-01-01",
                "details": {"observable": False},
            },
            # d: observable, nothing raised; a departure beside e's alarm.
            {
                "kind": "sla_policing",
                "account_id": "d",
                "date": "2024-01-01",
                "details": {"observable": True},
            },
            {"kind": "stakeholder_departure", "account_id": "e", "date": "2024-02-01"},
            # h: found on day 50, and raised again on day 200 (past the late days).
            {"kind": "sla_policing", "account_id": "h", "date": "2024-01-01"},
        ],
        "renewals": [
            {"account_id": "f", "date": "2024-09-01", "outcome": "downgraded"},
            {"account_id": "g", "date": "2024-12-01", "outcome": "churned"},
        ],
    }
    signals = [
        signal("sla_policing", "a", 120),  # 120 days after a's event: late
        signal("sla_policing", "b", 0),  # 30 days before b's event: early
        signal("sla_policing", "e", 40),  # 9 days after the departure (day 31)
        signal("sla_policing", "f", 100),  # downgraded 144 days later: slide
        signal("sla_policing", "g", 60),  # churned 275 days later (> 240): noise
        signal("sla_policing", "h", 50),  # matches h's event
        signal("sla_policing", "h", 200),  # 200 days after h's event (> 180): noise
        signal("champion_departure", "d", 10),  # another kind: not judged here
    ]
    alarms, misses = error_causes(signals, truth, "sla_policing")
    assert alarms == ["late", "early", "other_kind", "slide", "noise", None, "noise"]
    assert misses == ["late", "observable", "not_observable", "observable", None]
