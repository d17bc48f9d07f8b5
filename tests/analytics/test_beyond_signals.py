"""The beyond-conversation detectors on hand-built accounts whose answers are worked out
by hand, and on data the generator does not produce (seasonality, seat true-ups, a
single noisy metric, an incident's burst of SLA complaints, a cadence change)."""

from __future__ import annotations

from math import comb, log1p

import numpy as np
import pandas as pd
import pytest

from stakegraph.analytics.frames import empty_frames
from stakegraph.analytics.signals import detect_signals
from stakegraph.analytics.signals.beyond_tables import BeyondFrames
from stakegraph.analytics.signals.ceremonies import (
    co_innovation_withdrawals,
    qbr_disengagements,
)
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.tickets import sla_policings, ticket_mix_shifts
from stakegraph.analytics.signals.usage import feature_depth_regressions, usage_declines
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import BEYOND_SIGNAL_KINDS

START = 1_704_067_200  # 2024-01-01, a Monday
PARAMS = SignalParameters()


def usage(rows: list[tuple[str, int, str, float, str | None]]) -> BeyondFrames:
    frame = pd.DataFrame(rows, columns=["account_id", "at", "metric", "value", "tier"])
    return BeyondFrames(
        usage=frame,
        tickets=BeyondFrames.empty().tickets,
        engagements=BeyondFrames.empty().engagements,
    )


def weekly(
    metric: str, values: list[float], tier: str | None = None
) -> list[tuple[str, int, str, float, str | None]]:
    return [("acme", START + k * WEEK, metric, float(v), tier) for k, v in enumerate(values)]


# --- usage decline -----------------------------------------------------------------------------


def test_a_halving_of_users_and_calls_is_one_decline_dated_by_the_window_median() -> None:
    # 40 steady weeks, then both metrics halve. At the week ending START + j weeks the
    # 6-week window holds weeks j-6..j-1, of which j-40 are low; its median is low from
    # four low weeks on: j = 44.
    frames = usage(
        weekly("active_users", [100] * 40 + [50] * 8)
        + weekly("api_calls", [3000] * 40 + [1500] * 8)
    )
    [signal] = usage_declines(frames, START + 48 * WEEK, PARAMS)
    assert signal.at == START + 44 * WEEK
    assert signal.evidence["metrics_declined"] == ["active_users", "api_calls"]
    users = np.exp(log1p(50) - log1p(100))
    calls = np.exp(log1p(1500) - log1p(3000))
    assert signal.evidence["metric_ratios"] == pytest.approx(
        {"active_users": users, "api_calls": calls}
    )
    assert signal.evidence["usage_ratio"] == pytest.approx((users + calls) / 2)
    assert signal.severity == pytest.approx(1 - (users + calls) / 2, abs=1e-4)


def test_one_metric_alone_never_fires_a_decline() -> None:
    # A tracking outage: API calls read 3% for four weeks; users are steady.
    frames = usage(
        weekly("active_users", [100] * 48)
        + weekly("api_calls", [3000] * 40 + [90] * 4 + [3000] * 4)
    )
    assert usage_declines(frames, START + 48 * WEEK, PARAMS) == []


def test_a_seat_true_up_is_not_a_usage_decline() -> None:
    # Seats used drop with a downgrade (monthly rows); active users and calls stay.
    frames = usage(
        weekly("active_users", [100] * 60)
        + weekly("api_calls", [3000] * 60)
        + [
            ("acme", START + k * 4 * WEEK, "seats_used", 150.0 if k < 10 else 105.0, None)
            for k in range(15)
        ]
    )
    assert usage_declines(frames, START + 60 * WEEK, PARAMS) == []


def test_last_years_seasonal_dip_is_expected_this_year() -> None:
    # Two years; weeks 30-34 of each year at 60%. The first dip has no history to be
    # expected from and is raised; the second is what the account did last year.
    year = [100.0] * 52
    year[30:35] = [60.0] * 5
    values = year + year + [100.0] * 4
    frames = usage(weekly("active_users", values) + weekly("api_calls", [30 * v for v in values]))
    raised = usage_declines(frames, START + len(values) * WEEK, PARAMS)
    assert [s.at < START + 52 * WEEK for s in raised] == [True]


def test_mixed_cadences_are_compared_metric_by_metric() -> None:
    # Users weekly, calls daily: medians of each metric's own readings.
    days = [
        ("acme", START + d * DAY, "api_calls", 400.0 if d < 280 else 150.0, None)
        for d in range(336)
    ]
    frames = usage(weekly("active_users", [100] * 40 + [40] * 8) + days)
    [signal] = usage_declines(frames, START + 48 * WEEK, PARAMS)
    assert START + 40 * WEEK < signal.at <= START + 44 * WEEK


# --- feature depth -----------------------------------------------------------------------------


def features(advanced_after: tuple[float, float]) -> BeyondFrames:
    rows = weekly("feature:dashboards", [500] * 48, "basic") + weekly(
        "feature:search", [800] * 48, "basic"
    )
    rows += weekly("feature:automation", [150] * 40 + [advanced_after[0]] * 8, "advanced")
    rows += weekly("feature:models", [50] * 40 + [advanced_after[1]] * 8, "advanced")
    return usage(rows)


def test_advanced_features_abandoned_together_are_a_depth_regression() -> None:
    # Advanced share 200 / 1500 before, 20 / 1320 after (on the log of share + 0.001, the
    # guard against log 0). With three low weeks of six the window's median log is the
    # mean of one low and one high: a ratio of sqrt(after / before) = 0.345 <= 0.5.
    [signal] = feature_depth_regressions(features((15, 5)), START + 48 * WEEK, PARAMS)
    assert signal.at == START + 43 * WEEK
    before, after = 200 / 1500 + 1e-3, 20 / 1320 + 1e-3
    assert signal.evidence["advanced_share_ratio"] == pytest.approx(np.sqrt(after / before))


def test_one_advanced_feature_given_up_is_not_a_regression() -> None:
    assert feature_depth_regressions(features((5, 50)), START + 48 * WEEK, PARAMS) == []


# --- tickets ------------------------------------------------------------------------------------


def tickets(rows: list[tuple[int, str]]) -> BeyondFrames:
    frame = pd.DataFrame(
        [("acme", START + day * DAY, category) for day, category in rows],
        columns=["account_id", "at", "category"],
    )
    empty = BeyondFrames.empty()
    return BeyondFrames(usage=empty.usage, tickets=frame, engagements=empty.engagements)


def baseline_tickets() -> list[tuple[int, str]]:
    # 52 weeks, one ticket a week: 16 building, 2 exit (contract), 1 sla, the rest
    # troubleshooting.
    mix = ["feature_request", "integration", "troubleshooting"] * 5 + ["optimization"]
    mix += ["contract", "sla", "contract"] + ["troubleshooting"] * 33
    return [(7 * w + 1, category) for w, category in enumerate(mix)]


def test_a_turn_to_exports_and_contracts_is_a_mix_shift_with_its_figures() -> None:
    # Then two tickets a week for five weeks: data export, contract, billing, trouble...
    turn = ["data_export", "contract", "billing", "troubleshooting", "data_export"] * 2
    rows = baseline_tickets() + [(364 + 3 * i + 1, c) for i, c in enumerate(turn)]
    as_of = START + 364 * DAY + 6 * WEEK
    [signal] = ticket_mix_shifts(tickets(rows), as_of, PARAMS)
    e = signal.evidence
    # The baseline (52 weeks before the 10-week recent window of the week it fired) holds
    # both contract tickets.
    assert e["share_baseline"] == pytest.approx(2 / e["tickets_baseline"])
    assert e["building_share_recent"] == 0.0
    # p0 = (2 + 20 x 0.1) / (n0 + 20); the binomial tail at the week it fired.
    n, k = e["tickets_recent"], round(e["share_recent"] * e["tickets_recent"])
    p0 = 4 / (e["tickets_baseline"] + 20)
    assert e["p_value"] == pytest.approx(
        sum(comb(n, j) * p0**j * (1 - p0) ** (n - j) for j in range(k, n + 1))
    )
    assert e["p_value"] < 2e-3 and k / n >= 0.3
    assert sla_policings(tickets(rows), as_of, PARAMS) == []


def test_an_incident_weeks_burst_of_sla_complaints_is_not_sla_policing() -> None:
    # Six SLA complaints and ten bug reports over four days of one week.
    burst = [(365 + d % 4, "sla") for d in range(6)] + [
        (365 + d % 4, "troubleshooting") for d in range(10)
    ]
    rows = baseline_tickets() + burst
    assert sla_policings(tickets(rows), START + 364 * DAY + 4 * WEEK, PARAMS) == []


def test_sla_complaints_week_after_week_are_sla_policing() -> None:
    rows = baseline_tickets() + [
        (364 + 7 * w + 2, c) for w in range(6) for c in ("sla", "troubleshooting")
    ]
    [signal] = sla_policings(tickets(rows), START + 364 * DAY + 7 * WEEK, PARAMS)
    assert signal.evidence["categories"] == ["sla"]


# --- engagements -------------------------------------------------------------------------------


def engagements(rows: list[tuple[int, str, str, str | None]]) -> BeyondFrames:
    frame = pd.DataFrame(
        [("acme", kind, START + day * DAY, status, person) for day, kind, status, person in rows],
        columns=["account_id", "kind", "at", "status", "person_id"],
    )
    empty = BeyondFrames.empty()
    return BeyondFrames(usage=empty.usage, tickets=empty.tickets, engagements=frame)


def test_declined_invitations_after_twenty_accepted_are_a_withdrawal() -> None:
    # Weekly invitations: 20 accepted, then declined. At the third refusal the last six
    # decisions hold three refusals, the 17 before none: rate (0 + 1) / (17 + 2), tail
    # 0.0025, not below 0.002. At the fourth, four of six against 1 / 20: 8.6e-5. Dated
    # the day after that decision (week 23).
    rows = [(7 * w, "beta", "accepted", "p1") for w in range(20)]
    rows += [(7 * w, "pilot", "declined", "p1") for w in range(20, 26)]
    [signal] = co_innovation_withdrawals(engagements(rows), START + 200 * DAY, PARAMS)
    assert signal.at == START + 7 * 23 * DAY + DAY
    rate = 1 / 20
    tail = sum(comb(6, j) * rate**j * (1 - rate) ** (6 - j) for j in range(4, 7))
    assert signal.evidence["p_value"] == pytest.approx(tail)
    assert (signal.evidence["refusals"], signal.evidence["recent"]) == (4, 6)


def test_an_account_that_often_declines_is_judged_against_itself() -> None:
    # Declining one in three all along: three in a row is not improbable for them.
    pattern = ["accepted", "accepted", "declined"] * 10 + ["declined"] * 3
    rows = [(7 * w, "beta", status, "p1") for w, status in enumerate(pattern)]
    assert co_innovation_withdrawals(engagements(rows), START + 300 * DAY, PARAMS) == []


def test_reviews_without_their_executives_and_missed_check_ins_are_disengagement() -> None:
    roles = pd.DataFrame(
        {"person_id": ["cfo"], "level": ["c_level"], "start": [0], "end": [np.nan]}
    )
    rows: list[tuple[int, str, str, str | None]] = []
    for w in range(30):
        rows.append((7 * w, "check_in", "attended", "champ"))
        if w % 13 == 0:
            rows += [(7 * w + 1, "qbr", "attended", "cfo"), (7 * w + 1, "qbr", "attended", "champ")]
    for w in range(30, 36):
        rows.append((7 * w, "check_in", "no_show", "champ"))
    rows += [(7 * 31 + 1, "qbr", "declined", "cfo"), (7 * 31 + 1, "qbr", "attended", "champ")]
    signals = detect_signals(
        empty_frames(),
        as_of=START + 40 * WEEK,
        roles=roles,
        kinds=BEYOND_SIGNAL_KINDS,
        beyond=engagements(rows),
    )
    [signal] = [s for s in signals if s.kind == "qbr_disengagement"]
    assert START + 30 * WEEK < signal.at <= START + 33 * WEEK
    assert signal.evidence["refusals"] >= 3


def test_steady_engagement_raises_nothing_and_nothing_reads_the_future() -> None:
    rows = [(7 * w, "check_in", "attended", "champ") for w in range(60)]
    rows += [(7 * w, "beta", "accepted", "champ") for w in range(0, 60, 2)]
    frames = engagements(rows)
    assert qbr_disengagements(frames, START + 60 * WEEK, PARAMS) == []
    assert co_innovation_withdrawals(frames, START + 60 * WEEK, PARAMS) == []


def test_data_after_as_of_changes_no_earlier_signal() -> None:
    frames = usage(
        weekly("active_users", [100] * 40 + [50] * 8 + [10] * 10)
        + weekly("api_calls", [3000] * 40 + [1500] * 8 + [100] * 10)
    )
    as_of = START + 48 * WEEK
    early = detect_signals(empty_frames(), as_of=as_of, kinds=BEYOND_SIGNAL_KINDS, beyond=frames)
    cut = usage(
        weekly("active_users", [100] * 40 + [50] * 8)
        + weekly("api_calls", [3000] * 40 + [1500] * 8)
    )
    assert early == detect_signals(
        empty_frames(), as_of=as_of, kinds=BEYOND_SIGNAL_KINDS, beyond=cut
    )
    assert [s.kind for s in early] == ["usage_decline"]
