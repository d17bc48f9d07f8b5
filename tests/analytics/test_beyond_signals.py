"""The beyond-conversation detectors on hand-built accounts whose answers are worked out
by hand, and on data the generator does not produce (seasonality, seat true-ups, a
single noisy metric, an incident's burst of SLA complaints, a cadence change)."""

from __future__ import annotations

from dataclasses import replace
from math import comb, exp, lgamma, log1p

import numpy as np
import pandas as pd
import pytest

from stakegraph.analytics.frames import empty_frames
from stakegraph.analytics.signals import detect_signals
from stakegraph.analytics.signals.beyond_tables import BeyondFrames, changing_day_ends, day_ends
from stakegraph.analytics.signals.ceremonies import (
    RefusalPrior,
    co_innovation_withdrawals,
    portfolio_refusal_prior,
    qbr_disengagements,
    refusal_runs,
)
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.tickets import sla_policings, ticket_mix_shifts
from stakegraph.analytics.signals.usage import feature_depth_regressions, usage_declines
from stakegraph.dates import DAY, WEEK
from stakegraph.ingest.ticket_rules import categorize_subject
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


# Ten-ticket blocks, one ticket a week: exit 1 / 10, building 4 / 10, the rest 5 / 10.
# Any 50 consecutive weeks hold exactly five blocks' worth, and a block ends with a
# building ticket, so the CUSUM is back at 0 when the blocks end.
BLOCK = ["contract"] + ["troubleshooting"] * 5
BLOCK += ["feature_request", "integration", "optimization", "feature_request"]
TURN = [
    "data_export",
    "troubleshooting",
    "contract",
    "billing",
    "troubleshooting",
    "data_export",
    "contract",
    "troubleshooting",
]
FIFTY_WEEK_BASELINE = SignalParameters.from_keywords(ticket_baseline_weeks=50)


def blocks_then(turn: list[str], *, blocks: int = 6) -> list[tuple[int, str]]:
    categories = BLOCK * blocks + turn
    return [(7 * w + 1, category) for w, category in enumerate(categories)]


def test_a_turn_to_exports_and_contracts_is_a_mix_shift_with_its_cusum() -> None:
    # Own exit share from 50 baseline tickets (5 exit) under the prior of 20 tickets at
    # 0.1: the 0.9 quantile p of Beta(2 + 5, 18 + 45), where P(Bin(69, p) >= 7) = 0.9
    # (p = 0.1476; the smoothed point estimate is 7 / 70 = 0.1). Building: the smoothed
    # (20 + 8) / 70 = 0.4 of the smoothed non-exit 0.9, kept of the 1 - p left: b = 0.4 x
    # (1 - p) / 0.9 = 0.3788. Turned: exit 0.5, building 0.1 b. An exit ticket adds
    # log(0.5 / p) = 1.220, any other (none is building) log((1 - 0.5 - 0.1 b) / (1 - p -
    # b)) = -0.024. After the turn's seventh ticket (day 7 x 66 + 1 = 463): 5 x 1.220 - 2
    # x 0.024 = 6.05 >= 6, and the account is judged every day: the signal is dated the
    # next day, 464, not the end of the week (469); after the sixth, 4.83 did not fire.
    as_of = START + 7 * 70 * DAY
    [signal] = ticket_mix_shifts(tickets(blocks_then(TURN)), as_of, FIFTY_WEEK_BASELINE)
    assert signal.at == START + 464 * DAY
    e = signal.evidence
    p = e["share_own"]
    assert sum(comb(69, j) * p**j * (1 - p) ** (69 - j) for j in range(7, 70)) == pytest.approx(0.9)
    b = 0.4 * (1 - p) / 0.9
    rest = np.log((1 - 0.5 - 0.1 * b) / (1 - p - b))
    assert e["cusum"] == pytest.approx(5 * np.log(0.5 / p) + 2 * rest)
    assert e["cusum"] == pytest.approx(6.05, abs=5e-3)
    assert (e["tickets_run"], e["share_run"]) == (7, pytest.approx(5 / 7))
    assert (e["tickets_baseline"], e["share_baseline"]) == (50, pytest.approx(0.1))
    assert e["building_share_baseline"] == pytest.approx(0.4)
    assert sla_policings(tickets(blocks_then(TURN)), as_of, FIFTY_WEEK_BASELINE) == []


def test_exports_among_feature_requests_still_coming_are_not_a_mix_shift() -> None:
    # Every exit ticket is followed by a building one: log 5 - log 10 < 0, the CUSUM
    # never passes log 5 = 1.6, however many exports.
    turn = [
        c for category in TURN if category != "troubleshooting" for c in (category, "integration")
    ]
    rows = blocks_then(turn)
    assert ticket_mix_shifts(tickets(rows), START + 7 * 80 * DAY, FIFTY_WEEK_BASELINE) == []


def test_an_account_already_leaning_to_exports_is_not_tested() -> None:
    # Its own exit share is above the turned mix's 0.5: a turn to exports is no news.
    rows = [(7 * w + 1, "data_export" if w % 3 else "troubleshooting") for w in range(80)]
    assert ticket_mix_shifts(tickets(rows), START + 7 * 80 * DAY, PARAMS) == []


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


def test_sla_complaints_need_four_distinct_weeks() -> None:
    # Two SLA complaints a week (days 2 and 4 of it) from day 364, judged every day up to
    # day 399. Three weeks' six complaints pass the threshold of 6 many times over, but a
    # run of three weeks is no longer than two incidents: nothing. With a fourth week the
    # day after its first complaint (day 387) is the first with four weeks of hits
    # counted back from it (days 381-387, 374-380, 367-373 and 360-366). Its baseline is
    # the 52 weeks before its recent 13, days -67 to 296: 43 of the baseline tickets, one
    # of them SLA. The own share is the 0.9 quantile p of Beta(1 + 1, 19 + 42), whose
    # distribution function is 1 - (1 - x)^61 (1 + 61 x): p = 0.0613 (the smoothed point
    # estimate 2/63 = 0.0317); each of the seven complaints adds log(0.35 / p) = 1.742
    # (the tickets before them had taken the sum to 0).
    def complaints(weeks: int) -> list[tuple[int, str]]:
        return [(364 + 7 * w + d, "sla") for w in range(weeks) for d in (2, 4)]

    as_of = START + 399 * DAY
    assert sla_policings(tickets(baseline_tickets() + complaints(3)), as_of, PARAMS) == []
    [signal] = sla_policings(tickets(baseline_tickets() + complaints(4)), as_of, PARAMS)
    assert signal.at == START + 388 * DAY
    e = signal.evidence
    assert (e["tickets_baseline"], e["share_baseline"]) == (43, pytest.approx(1 / 43))
    assert (e["tickets_run"], e["share_run"]) == (7, 1.0)
    p = e["share_own"]
    assert (1 - p) ** 61 * (1 + 61 * p) == pytest.approx(0.1)
    assert p == pytest.approx(0.0613, abs=5e-5)
    assert e["cusum"] == pytest.approx(7 * np.log(0.35 / p))


def test_a_thin_baseline_is_judged_against_a_share_it_may_well_have() -> None:
    # Twenty weekly troubleshooting tickets, then from week 40 one ticket a week: an SLA
    # complaint and two others, three times, and a fourth complaint (four distinct weeks).
    # Own share: Beta(1, 19 + 20), whose 0.9 quantile is 1 - 0.1^(1/39) = 0.0573; a
    # complaint adds log(0.35 / 0.0573) = 1.810, any other log(0.65 / 0.9427) = -0.372.
    # The CUSUM never returns to 0 and ends at 4 x 1.810 - 6 x 0.372 = 5.01 < 6: nothing.
    # At a threshold of 5 it fires with that sum; against the posterior's median, 1 -
    # 0.5^(1/39) = 0.0176, the same run fires at 6.
    turn = ["sla", "troubleshooting", "troubleshooting"] * 3 + ["sla"]
    rows = [(7 * w + 1, "troubleshooting") for w in range(20)]
    rows += [(7 * (40 + i) + 1, category) for i, category in enumerate(turn)]
    as_of = START + 7 * 52 * DAY
    assert sla_policings(tickets(rows), as_of, PARAMS) == []
    lower = SignalParameters.from_keywords(ticket_threshold=5.0)
    [signal] = sla_policings(tickets(rows), as_of, lower)
    p = 1 - 0.1 ** (1 / 39)
    assert signal.evidence["share_own"] == pytest.approx(p)
    assert signal.evidence["cusum"] == pytest.approx(
        4 * np.log(0.35 / p) + 6 * np.log(0.65 / (1 - p))
    )
    median = SignalParameters.from_keywords(ticket_own_share_quantile=0.5)
    [signal] = sla_policings(tickets(rows), as_of, median)
    assert signal.evidence["share_own"] == pytest.approx(1 - 0.5 ** (1 / 39))
    assert signal.evidence["tickets_baseline"] == 20


def test_sla_policing_from_subjects_alone_through_the_rule_table() -> None:
    # A ticket system with no category field: every category comes from the default
    # rule table, and the SLA vocabulary of real complaints (RCA requests, resolution
    # times, penalties) is what turns the mix.
    routine = ["Login fails", "Feature request: dark mode", "Webhook to our ERP", "How to?"]
    complaints = [
        "RCA for the Monday outage",
        "Resolution time on P2 tickets",
        "Penalty for missed service level",
        "Login fails",
    ]
    subjects = routine * 15 + complaints * 3
    rows = [(7 * w + 1, categorize_subject(s)) for w, s in enumerate(subjects)]
    assert [c for _, c in rows[-4:]] == ["sla", "sla", "sla", "troubleshooting"]
    [signal] = sla_policings(tickets(rows), START + 7 * 73 * DAY, PARAMS)
    # Baseline: weeks 0-51, no SLA ticket, so the own share is the 0.9 quantile of
    # Beta(1, 19 + 52), 1 - 0.1^(1/71) = 0.0319; a complaint adds log(0.35 / 0.0319) =
    # 2.395. The CUSUM passes 6 at the third complaint, but the hits need four distinct
    # weeks: the day after the fourth complaint (day 7 x 64 + 1); four SLA tickets and
    # one other.
    assert signal.at == START + (7 * 64 + 2) * DAY
    own = 1 - 0.1 ** (1 / 71)
    assert signal.evidence["share_own"] == pytest.approx(own)
    assert signal.evidence["cusum"] == pytest.approx(
        4 * np.log(0.35 / own) + np.log(0.65 / (1 - own))
    )


# --- engagements -------------------------------------------------------------------------------


def engagements(rows: list[tuple[int, str, str, str | None]]) -> BeyondFrames:
    frame = pd.DataFrame(
        [("acme", kind, START + day * DAY, status, person) for day, kind, status, person in rows],
        columns=["account_id", "kind", "at", "status", "person_id"],
    )
    empty = BeyondFrames.empty()
    return BeyondFrames(usage=empty.usage, tickets=empty.tickets, engagements=frame)


def beta_binomial_tail(k: int, m: int, a: float, b: float) -> float:
    """P(K >= k) of K refusals among m when the rate is Beta(a, b), term by term."""

    def log_beta(x: float, y: float) -> float:
        return lgamma(x) + lgamma(y) - lgamma(x + y)

    return sum(
        comb(m, j) * exp(log_beta(a + j, b + m - j) - log_beta(a, b)) for j in range(k, m + 1)
    )


def test_declined_invitations_after_twenty_accepted_are_a_withdrawal() -> None:
    # Weekly invitations: 20 accepted, then declined. At the third refusal the recent
    # decisions, from the turn, are the three refusals, the 20 before them acceptances.
    # One account is too few to fit a prior: the fixed one, Beta(2, 8) (ten decisions at
    # 0.2), so the rate is Beta(2, 28) after the 20 acceptances, and three of three has
    # probability E[r^3] = (2 x 3 x 4) / (30 x 31 x 32) = 8.1e-4 < 0.001 (the level at the
    # 23rd decision, min(0.001, 0.05 / 23)). Dated the day after (week 22). With four
    # refusals required (the floor before 2026-12-07) the same account waited a week:
    # E[r^4] = (2 x 3 x 4 x 5) / (30 x 31 x 32 x 33) = 1.2e-4.
    rows = [(7 * w, "beta", "accepted", "p1") for w in range(20)]
    rows += [(7 * w, "pilot", "declined", "p1") for w in range(20, 26)]
    [signal] = co_innovation_withdrawals(engagements(rows), START + 200 * DAY, PARAMS)
    assert signal.at == START + 7 * 22 * DAY + DAY
    assert signal.evidence["p_value"] == pytest.approx(24 / (30 * 31 * 32))
    assert (signal.evidence["refusals"], signal.evidence["recent"]) == (3, 3)
    assert (signal.evidence["prior_refusals"], signal.evidence["prior_acceptances"]) == (2, 8)
    four = SignalParameters.from_keywords(ceremony_withdrawal_min_refusals=4)
    [signal] = co_innovation_withdrawals(engagements(rows), START + 200 * DAY, four)
    assert signal.at == START + 7 * 23 * DAY + DAY
    assert signal.evidence["p_value"] == pytest.approx(120 / (30 * 31 * 32 * 33))


def test_acceptances_before_the_turn_do_not_dilute_a_withdrawal() -> None:
    # An account declining one invitation in ten (three of the first 30), then two
    # acceptances and four refusals in a row. The latest six (two yes, four no) against
    # the 30 before, a rate of Beta(2 + 3, 8 + 27): P(K >= 4 | 6) = 6.0e-3, no signal.
    # From the turn, the four refusals against the 32 before (the two acceptances join
    # the past), Beta(5, 37): four of four has probability
    # (5 x 6 x 7 x 8) / (42 x 43 x 44 x 45) = 4.7e-4 < 0.001, a withdrawal at the fourth
    # refusal (week 35).
    pattern = (["declined"] + ["accepted"] * 9) * 3
    pattern += ["accepted", "accepted", "declined", "declined", "declined", "declined"]
    rows = [(7 * w, "beta", status, "p1") for w, status in enumerate(pattern)]
    [signal] = co_innovation_withdrawals(engagements(rows), START + 300 * DAY, PARAMS)
    assert signal.at == START + 7 * 35 * DAY + DAY
    assert signal.evidence["p_value"] == pytest.approx(1680 / (42 * 43 * 44 * 45))
    assert (signal.evidence["decisions_before"], signal.evidence["recent"]) == (32, 4)
    diluted = beta_binomial_tail(4, 6, 5, 35)
    assert diluted == pytest.approx(6.0e-3, abs=1e-4)
    assert diluted > PARAMS.ceremony.withdrawal_alpha


@pytest.mark.parametrize(("accepts_in_the_gap", "signals"), [(False, 1), (True, 2)])
def test_only_a_yes_ends_a_withdrawal(accepts_in_the_gap: bool, signals: int) -> None:
    # Thirty weekly acceptances, then refusals 25 days apart: the third (day 260) fires
    # (three of three against Beta(2, 8 + 30), 24 / (40 x 41 x 42) = 3.5e-4). After a
    # 70-day gap four more refusals: at day 355 the 90-day window holds two, but no yes
    # came, so it is the same withdrawal. With an acceptance in the gap (day 340, when the
    # window from the turn holds two refusals) the withdrawal had ended; the three later
    # refusals against Beta(2 + 4, 8 + 31) have probability 6 x 7 x 8 / (45 x 46 x 47) =
    # 3.5e-3, not enough, and four of four, 6 x 7 x 8 x 9 / (45 x 46 x 47 x 48) = 6.5e-4 at
    # the 39th decision (level min(0.001, 0.05 / 39)), are a new one, 170 days after the
    # first.
    rows = [(7 * w, "beta", "accepted", "p1") for w in range(30)]
    rows += [(day, "pilot", "declined", "p1") for day in (210, 235, 260, 285)]
    rows += [(day, "pilot", "declined", "p1") for day in (355, 380, 405, 430)]
    if accepts_in_the_gap:
        rows.append((340, "beta", "accepted", "p1"))
    found = co_innovation_withdrawals(engagements(sorted(rows)), START + 500 * DAY, PARAMS)
    assert [s.at for s in found] == [START + d * DAY for d in (261, 431)][:signals]
    if accepts_in_the_gap:
        assert found[1].evidence["p_value"] == pytest.approx(3024 / (45 * 46 * 47 * 48))


def test_three_refusals_after_a_short_unbroken_run_of_acceptances_are_no_withdrawal() -> None:
    # Twenty acceptances, then three refusals among five from the turn. With the uniform
    # prior, the binomial tail at the point rate 1 / 22 is 8.8e-4 (it fired on healthy
    # accounts); the predictive tail, the rate Beta(1, 21) after twenty acceptances, is
    # 1 / 260 = 3.8e-3: twenty decisions are too few to be sure the account never
    # declines. Under the detector's fixed prior, Beta(2, 28), it is 6.4e-3: no signal.
    pattern = ["accepted"] * 20 + ["declined", "accepted", "declined", "accepted", "declined"]
    pattern += ["accepted"] * 4
    rows = [(7 * w, "beta", status, "p1") for w, status in enumerate(pattern)]
    assert co_innovation_withdrawals(engagements(rows), START + 300 * DAY, PARAMS) == []
    at = START + 7 * DAY * np.arange(len(pattern))
    refused = np.array([status == "declined" for status in pattern])
    three = {"min_refusals": 3, "min_baseline": 10, "prior": (1.0, 2.0), "from_turn": True}
    loose = replace(PARAMS.ceremony, alpha=2e-3)
    [(i, point)] = refusal_runs(at, refused, loose, 90, **three)
    assert (i, point["p_value"]) == (
        24,
        pytest.approx(1 - sum(comb(5, j) * (1 / 22) ** j * (21 / 22) ** (5 - j) for j in range(3))),
    )
    assert refusal_runs(at, refused, loose, 90, predictive=True, **three) == []
    assert beta_binomial_tail(3, 5, 1, 21) == pytest.approx(1 / 260)


def test_the_portfolio_prior_recovers_a_known_beta() -> None:
    # 400 accounts of 10 to 39 decisions, each refusing at its own rate drawn from
    # Beta(2, 14) (mean 0.125): the fitted mean within 0.02 (about four standard
    # errors), the strength a + b within a factor of two of 16.
    rng = np.random.default_rng(7)
    decisions = rng.integers(10, 40, size=400)
    refusals = rng.binomial(decisions, rng.beta(2.0, 14.0, size=400))
    fitted = portfolio_refusal_prior(refusals, decisions)
    assert fitted.accounts == 400
    assert abs(fitted.mean - 0.125) < 0.02
    assert 8 < fitted.refusals + fitted.acceptances < 32


def test_too_few_accounts_with_a_history_fall_back_to_the_fixed_prior() -> None:
    # Nineteen accounts of ten decisions and fifty of nine (too short to count): the
    # fixed prior. A twentieth account of ten decisions is enough for a fit.
    fallback = RefusalPrior(2.0, 8.0)
    refusals = np.array([1] * 19 + [5] * 50)
    decisions = np.array([10] * 19 + [9] * 50)
    assert portfolio_refusal_prior(refusals, decisions, fallback=fallback) == fallback
    fitted = portfolio_refusal_prior(
        np.append(refusals, 3), np.append(decisions, 10), fallback=fallback
    )
    assert fitted.accounts == 20
    assert fitted != fallback


def portfolio(rows: list[tuple[str, int, str]]) -> BeyondFrames:
    frame = pd.DataFrame(
        [(account, "beta", START + day * DAY, status, "p") for account, day, status in rows],
        columns=["account_id", "kind", "at", "status", "person_id"],
    )
    empty = BeyondFrames.empty()
    return BeyondFrames(usage=empty.usage, tickets=empty.tickets, engagements=frame)


def test_a_withdrawal_in_a_portfolio_is_judged_with_the_prior_fitted_before_it() -> None:
    # Twenty-four accounts declining one weekly invitation in eight, and one withdrawing
    # after 40 acceptances: its third refusal (week 42) is judged against the prior of
    # its 91-day period, fitted on every decision before the period starts, Beta(a + 0,
    # b + 40): three of three, E[r^3]. Decisions after it (the steady accounts' refusals
    # from week 50) change nothing.
    steady = [
        (f"org-{n:02d}", 7 * w, "declined" if w % 8 == 7 else "accepted")
        for n in range(24)
        for w in range(50)
    ]
    quitting = [("quitting", 7 * w, "accepted") for w in range(40)]
    quitting += [("quitting", 7 * w, "declined") for w in range(40, 46)]
    [signal] = co_innovation_withdrawals(portfolio(steady + quitting), START + 400 * DAY, PARAMS)
    third = START + 7 * 42 * DAY
    assert signal.account_id == "quitting" and signal.at == third + DAY
    period_start = third // (91 * DAY) * (91 * DAY)
    weeks_before = -(-(period_start - START) // WEEK)  # decisions on days 0, 7, ... before it
    assert weeks_before == 30  # the period began before its withdrawal
    prior = portfolio_refusal_prior(
        np.array([weeks_before // 8] * 24 + [0]), np.array([weeks_before] * 25)
    )
    assert prior.accounts == 25
    a, b = prior.refusals, prior.acceptances + 40
    assert (signal.evidence["prior_refusals"], signal.evidence["prior_acceptances"]) == (
        pytest.approx(prior.refusals),
        pytest.approx(prior.acceptances),
    )
    expected = a * (a + 1) * (a + 2) / ((a + b) * (a + b + 1) * (a + b + 2))
    assert signal.evidence["p_value"] == pytest.approx(expected)
    later = [(f"org-{n:02d}", 7 * w, "declined") for n in range(24) for w in range(50, 56)]
    found = co_innovation_withdrawals(
        portfolio(steady + quitting + later), START + 400 * DAY, PARAMS
    )
    assert [s for s in found if s.account_id == "quitting"] == [signal]
    assert len(found) == 25  # the steady accounts' six refusals are withdrawals of their own


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


def test_check_ins_every_two_weeks_are_judged_on_their_latest_six() -> None:
    # Forty check-ins attended two weeks apart, then refused, attended, refused,
    # attended, refused (sessions 40-44). The latest six sessions (39-44, 70 days) hold
    # three refusals; the 39 before them none: a past rate of (0 + 1) / (39 + 2) = 1/41,
    # under which three or more of six has probability 20 p^3 (1 - p)^3 + 15 p^4
    # (1 - p)^2 + ... = 2.746e-4, below the level at the 45th session, min(0.002, 0.05 /
    # 45 = 1.1e-3). Dated the day after session 44. Judged on the
    # sessions of 45 days only (four: two refusals), a cadence of two weeks never
    # showed three refusals in a row.
    statuses = ["attended"] * 40 + ["no_show", "attended", "declined", "attended", "no_show"]
    rows = [(14 * s, "check_in", status, "champ") for s, status in enumerate(statuses)]
    [signal] = qbr_disengagements(engagements(rows), START + 700 * DAY, PARAMS)
    assert signal.at == START + 14 * 44 * DAY + DAY
    assert (signal.evidence["refusals"], signal.evidence["recent"]) == (3, 6)
    assert signal.evidence["decisions_before"] == 39
    assert signal.evidence["p_value"] == pytest.approx(2.7457e-4, rel=1e-4)


@pytest.mark.parametrize(
    ("history", "past_refusals", "fires"),
    [
        # 38 weekly sessions, 2 refused: a past rate of (2 + 1) / (38 + 2) = 0.075; three
        # refusals in a row (the latest three, ``max_recent`` 3) have probability
        # 0.075^3 = 4.2e-4, below the level at the 41st session, 0.05 / 41 = 1.2e-3.
        (38, 2, True),
        # The same rate over 398 sessions, 29 refused: (29 + 1) / (398 + 2) = 0.075, the
        # same 4.2e-4, above the level at the 401st, 0.05 / 401 = 1.2e-4: an account
        # watched for eight years has had that many chances to show such a run.
        (398, 29, False),
    ],
)
def test_the_level_falls_with_the_sessions_an_account_has_had(
    history: int, past_refusals: int, fires: bool
) -> None:
    refused_at = {5 + 13 * r for r in range(past_refusals)}
    statuses = ["no_show" if s in refused_at else "attended" for s in range(history)]
    rows = [(7 * s, "check_in", status, "champ") for s, status in enumerate(statuses)]
    rows += [(7 * s, "check_in", "no_show", "champ") for s in range(history, history + 3)]
    params = SignalParameters.from_keywords(ceremony_max_recent=3)
    signals = qbr_disengagements(engagements(rows), START + 7 * (history + 4) * DAY, params)
    assert [round(s.evidence["p_value"], 6) for s in signals] == (
        [round(0.075**3, 6)] if fires else []
    )


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


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_days_a_window_count_changes_stand_for_every_day(seed: int) -> None:
    """Judged on the days a window's counts change only: every day's counts over the
    windows ``[end - w, end)`` equal those of the latest of those days up to it, and the
    grid's first day is one of them (random rows over a year, windows of 1 and 5 weeks,
    an as-of date off midnight)."""
    rng = np.random.default_rng(seed)
    at = np.sort(START + rng.integers(0, 365 * DAY, 60))
    as_of = START + 400 * DAY + 3_600
    windows = (WEEK, 5 * WEEK)
    edges = np.concatenate([at + w for w in (0, *windows)])
    daily = day_ends(int(at[0]), as_of)
    changing = changing_day_ends(int(at[0]), as_of, edges)
    assert changing[0] == daily[0]
    assert set(changing) <= set(daily)
    assert len(changing) < len(daily) / 2
    latest = changing[np.searchsorted(changing, daily, side="right") - 1]
    for w in windows:

        def counts(ends: np.ndarray, w: int = w) -> np.ndarray:
            return np.searchsorted(at, ends) - np.searchsorted(at, ends - w)

        assert (counts(daily) == counts(latest)).all()
