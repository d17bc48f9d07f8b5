"""A planted ticket event files its own tickets: an exit blueprint is a run of export,
contract and billing questions, SLA policing a run of SLA complaints, each at a count
that follows the account's ticket volume, and truth.json says how many."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from generated_portfolio import LoadedPortfolio

from stakegraph.generate.beyond import BeyondEvent, BeyondPlan
from stakegraph.generate.tickets import (
    BUILDING_CUT,
    EVENT_MIX,
    MIN_EVENT_TICKETS,
    MIN_OBSERVABLE_EVIDENCE,
    as_filed,
    event_ticket_counts,
    mix_shift_observability,
    sla_observability,
    with_event_tickets,
)
from stakegraph.generate.timeline import Timeline
from stakegraph.ingest.ticket_rules import categorize_subject
from stakegraph.vocabulary import TICKET_CATEGORIES

TIMELINE = Timeline(date(2023, 1, 2), 600)


def plan_of(*events: BeyondEvent) -> BeyondPlan:
    return BeyondPlan(events=events, invitations_per_month=1.0, check_in_every=14, revenue=())


def test_event_tickets_follow_the_usual_rate_of_the_90_days_before() -> None:
    # Usual 0.2 tickets a day before day 300, then 1.0 (not read: after the event's
    # start), with an incident day of 5 (the median ignores it). 0.35 x 0.2 = 0.07 a
    # day, 6.3 in 90 days.
    expected = np.full(TIMELINE.days, 0.2)
    expected[250] = 5.0
    expected[300:] = 1.0
    event = BeyondEvent("sla_policing", 300, {"before_outcome": "churned"}, until=480)
    out = with_event_tickets(plan_of(event), expected, TIMELINE, np.random.default_rng(3))
    (planted,) = out.events
    assert planted.details["tickets_per_90_days"] == 6.3
    assert planted.details["before_outcome"] == "churned"
    days = np.asarray(planted.ticket_days)
    assert planted.details["tickets"] == len(days)
    assert planted.details["tickets_first_90_days"] == int((days < 390).sum())
    assert planted.details["tickets_first_90_days"] >= MIN_EVENT_TICKETS
    assert days.min() >= 300 and days.max() < 480
    assert list(days) == sorted(days)


def test_a_quiet_account_still_files_the_floor_and_nothing_past_the_history() -> None:
    # 0.01 tickets a day: a mean of 0.3 in 90 days, raised to the floor of 4; the event
    # runs past the end of the history, which its tickets do not.
    event = BeyondEvent("ticket_mix_shift", 550, until=700)
    out = with_event_tickets(
        plan_of(event), np.full(TIMELINE.days, 0.01), TIMELINE, np.random.default_rng(0)
    )
    (planted,) = out.events
    assert planted.details["tickets_per_90_days"] == 0.3
    assert planted.details["tickets_first_90_days"] >= MIN_EVENT_TICKETS
    assert all(550 <= d < TIMELINE.days for d in planted.ticket_days)


def test_other_kinds_file_no_tickets_and_each_ticket_event_its_own() -> None:
    events = (
        BeyondEvent("usage_decline", 200, {"usage_factor": 0.5}, until=400),
        BeyondEvent("ticket_mix_shift", 210, until=400),
        BeyondEvent("sla_policing", 220, until=400),
    )
    out = with_event_tickets(
        plan_of(*events), np.full(TIMELINE.days, 0.3), TIMELINE, np.random.default_rng(5)
    )
    assert out.events[0] == events[0]
    counts = event_ticket_counts(out, TIMELINE.days)
    assert set(counts) == {"ticket_mix_shift", "sla_policing"}
    for event in out.events[1:]:
        assert counts[event.kind].sum() == len(event.ticket_days) > 0
        assert len(counts[event.kind]) == TIMELINE.days
        assert counts[event.kind][: event.day].sum() == 0


def test_event_ticket_counts_by_day() -> None:
    event = BeyondEvent("sla_policing", 2, until=9, ticket_days=(2, 4, 4, 8))
    counts = event_ticket_counts(plan_of(event), 10)
    assert counts["sla_policing"].tolist() == [0, 0, 1, 0, 2, 0, 0, 0, 1, 0]


def ticket_row(row_id: str, day: int, issue: str) -> list[str]:
    at = pd.Timestamp(TIMELINE.start) + pd.Timedelta(days=day, hours=10)
    return [row_id, "ticket", at.isoformat() + "Z", "p-1", "h-1", "", f"Ticket 1-1: {issue}"]


def test_truth_counts_the_tickets_filed_and_leaves_out_an_event_with_too_few() -> None:
    # SLA policing from day 10: filed on days 10, 12 (written twice), 30, 95 and 120:
    # four in its first 90 days (10-99), five in all. The mix shift from day 50 filed
    # two (nobody there on the other days): left out of the truth.
    events = (
        BeyondEvent("sla_policing", 10, until=200, ticket_days=(10, 12, 30, 40, 95, 120)),
        BeyondEvent("ticket_mix_shift", 50, until=200, ticket_days=(50, 60, 70, 80)),
        BeyondEvent("usage_decline", 20, until=200),
    )
    rows = [
        ticket_row("i-1", 10, "sla_policing"),
        ticket_row("i-2", 12, "sla_policing"),
        ticket_row("i-2", 12, "sla_policing"),
        ticket_row("i-3", 20, "Login fails with SSO"),
        ticket_row("i-4", 30, "sla_policing"),
        ticket_row("i-5", 55, "ticket_mix_shift"),
        ticket_row("i-6", 70, "ticket_mix_shift"),
        ticket_row("i-7", 95, "sla_policing"),
        ticket_row("i-8", 120, "sla_policing"),
    ]
    out = as_filed(plan_of(*events), rows, TIMELINE)
    assert [e.kind for e in out.events] == ["sla_policing", "usage_decline"]
    sla = out.events[0]
    assert sla.ticket_days == (10, 12, 30, 95, 120)
    assert (sla.details["tickets_first_90_days"], sla.details["tickets"]) == (4, 5)


def test_each_ticket_event_is_written_as_truth_counts_it(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """The tickets of the event's categories in its first 90 days (a day's grace each
    side: truth's days are the account's local days) number at least what truth.json
    records, and the placeholder subjects never reach the files."""
    tickets = pattern_portfolio.events[pattern_portfolio.events["kind"] == "ticket"]
    category = [
        written or categorize_subject(subject)
        for written, subject in zip(tickets["category"], tickets["subject"], strict=True)
    ]
    tickets = tickets.assign(category=category)
    assert not tickets["subject"].str.endswith(tuple(EVENT_MIX)).any()
    events = [e for e in pattern_portfolio.truth["events"] if e["kind"] in EVENT_MIX]
    assert {e["kind"] for e in events} == set(EVENT_MIX)
    for event in events:
        start = pd.Timestamp(event["date"], tz="UTC")
        of_event = tickets[
            (tickets["account_id"] == event["account_id"])
            & (tickets["at"] >= start - pd.Timedelta(days=1))
            & (tickets["at"] < start + pd.Timedelta(days=91))
            & tickets["category"].isin(tuple(EVENT_MIX[event["kind"]]))
        ]
        assert len(of_event) >= event["details"]["tickets_first_90_days"], event
        assert event["details"]["tickets_first_90_days"] >= MIN_EVENT_TICKETS


def test_sla_evidence_counts_the_history_the_own_share_is_known_from() -> None:
    # Half a ticket a day, own SLA share 4%, the event on day 100 with 6 complaints in its
    # first 90 days. History: days 0-99, n0 = 50 tickets (not 182: the data starts on
    # day 0). After: u = 45, n = 51, q = (1.8 + 6) / 51 = 0.1529; pooled m = (2 + 7.8) /
    # 101 = 0.0970. Evidence 50 KL(0.04 || 0.097) + 51 KL(0.153 || 0.097) = 1.167 +
    # 0.788 = 1.96 nats, well under the 51 KL(0.153 || 0.04) = 5.05 a known own share
    # would give: a short history leaves the own share open.
    event = BeyondEvent("sla_policing", 100, {"tickets_first_90_days": 6})
    out = sla_observability(event, 0.04, np.full(TIMELINE.days, 0.5))
    assert out["expected_tickets_before"] == 50.0
    assert out["expected_tickets_90_days"] == 51.0
    assert out["expected_sla_share"] == 0.153
    assert out["expected_evidence"] == 2.0
    assert out["observable"] is False


def test_sla_evidence_grows_with_the_history_towards_the_known_share_bound() -> None:
    kl = 51 * (0.1529 * np.log(0.1529 / 0.04) + 0.8471 * np.log(0.8471 / 0.96))
    evidence = [
        sla_observability(
            BeyondEvent("sla_policing", day, {"tickets_first_90_days": 6}),
            0.04,
            np.full(TIMELINE.days, 0.5),
        )["expected_evidence"]
        for day in (100, 200, 400)
    ]
    assert evidence == sorted(evidence)
    assert evidence[-1] < round(kl, 1) == 5.1


def test_an_sla_event_of_no_complaints_holds_no_evidence() -> None:
    event = BeyondEvent("sla_policing", 400, {"tickets_first_90_days": 0})
    out = sla_observability(event, 0.05, np.full(TIMELINE.days, 0.3))
    assert out["expected_sla_share"] == 0.05
    assert out["expected_evidence"] == 0.0


def test_each_sla_event_says_what_the_data_can_show_of_it(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    events = [e for e in pattern_portfolio.truth["events"] if e["kind"] == "sla_policing"]
    assert events
    for event in events:
        details = event["details"]
        assert 0 < details["own_sla_share"] < details["expected_sla_share"] < 1
        assert details["expected_tickets_90_days"] >= details["tickets_first_90_days"]
        assert details["observable"] == (details["expected_evidence"] >= MIN_OBSERVABLE_EVIDENCE)
    shifts = [e for e in pattern_portfolio.truth["events"] if e["kind"] == "ticket_mix_shift"]
    assert shifts
    for event in shifts:
        details = event["details"]
        # The exit share rises and the building share falls below the account's own.
        assert 0 < details["own_exit_share"] < details["expected_exit_share"] < 1
        assert details["expected_building_share"] < details["own_building_share"]
        assert details["expected_tickets_90_days"] >= details["tickets_first_90_days"]
        assert details["observable"] == (details["expected_evidence"] >= MIN_OBSERVABLE_EVIDENCE)


def mix(exit_: float, building: float) -> np.ndarray:
    """An own mix of data export (the exit share), integration (building) and
    troubleshooting (the rest)."""
    out = np.zeros(len(TICKET_CATEGORIES))
    out[TICKET_CATEGORIES.index("data_export")] = exit_
    out[TICKET_CATEGORIES.index("integration")] = building
    out[TICKET_CATEGORIES.index("troubleshooting")] = 1 - exit_ - building
    return out


def test_mix_shift_evidence_worked_by_hand() -> None:
    # A quarter of a ticket a day, own mix 5% exit, 40% building, 55% rest; the event on
    # day 400 with 6 exit tickets. History n0 = 91 (364 days); after, the stream's 22.5
    # tickets keep their number but building falls to 0.12 of its share: 5 : 4.8 : 55 of
    # 64.8, so 1.736, 1.667, 19.097 tickets, plus the 6 exit ones: n = 28.5 at q = (0.2715,
    # 0.0585, 0.6701). Pooled m = (91 p + 28.5 q) / 119.5. Evidence n0 KL(p || m) + n
    # KL(q || m), each a sum over the three shares.
    usual = np.full(TIMELINE.days, 0.25)
    event = BeyondEvent("ticket_mix_shift", 400, {"tickets_first_90_days": 6})
    out = mix_shift_observability(event, mix(0.05, 0.4), usual)
    p = np.array([0.05, 0.4, 0.55])
    stream = p * np.array([1, BUILDING_CUT, 1]) / (0.05 + 0.4 * BUILDING_CUT + 0.55)
    q = (22.5 * stream + np.array([6, 0, 0])) / 28.5
    assert q == pytest.approx([0.2715, 0.0585, 0.6701], abs=1e-4)
    m = (91 * p + 28.5 * q) / 119.5
    evidence = 91 * np.sum(p * np.log(p / m)) + 28.5 * np.sum(q * np.log(q / m))
    assert (out["expected_tickets_before"], out["expected_tickets_90_days"]) == (91.0, 28.5)
    assert (out["expected_exit_share"], out["expected_building_share"]) == (0.271, 0.058)
    assert out["expected_evidence"] == round(evidence, 1) == 10.0
    assert out["observable"] is True


def test_a_busy_accounts_evidence_is_in_its_building_cut_a_quiet_ones_in_its_exits() -> None:
    # At two tickets a day an account files 180 tickets in the 90 days: four exit tickets
    # among them are a small turn of its exit share, but its building share, cut for
    # all 180, is plain to see; at a tenth of a ticket a day the four are a third of its
    # quarter. With no exit ticket, the cut alone still lifts the other shares.
    event = BeyondEvent("ticket_mix_shift", 400, {"tickets_first_90_days": 4})
    busy = mix_shift_observability(event, mix(0.1, 0.4), np.full(TIMELINE.days, 2.0))
    quiet = mix_shift_observability(event, mix(0.1, 0.4), np.full(TIMELINE.days, 0.1))
    assert busy["expected_exit_share"] < quiet["expected_exit_share"]
    assert busy["expected_evidence"] > quiet["expected_evidence"]
    event = BeyondEvent("ticket_mix_shift", 400, {"tickets_first_90_days": 0})
    nothing = mix_shift_observability(event, mix(0.1, 0.4), np.full(TIMELINE.days, 0.1))
    assert nothing["expected_exit_share"] > 0.1
