"""A departure's expected appearances, worked by hand on a two-contact account; the
evidence of a silence in the conversations an account's rows hold, worked by hand; and the
truth's observability rule on a generated portfolio."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import numpy as np
import pytest
from generated_portfolio import LoadedPortfolio
from hand_people import hand_contact

from stakegraph.generate.activity import AccountContext, expected_appearances
from stakegraph.generate.key_people import (
    MIN_OBSERVABLE_APPEARANCES,
    MIN_OBSERVABLE_NATS,
    WrittenTraffic,
    departure_observability,
    executive_withdrawal_observability,
)
from stakegraph.generate.people import build_home_team
from stakegraph.generate.plan import AccountPlan, PlannedEvent, plan_account
from stakegraph.generate.timeline import Timeline
from stakegraph.generate.volume import ACTIVITY_SHARES, daily_multipliers

DAYS = 400


@pytest.fixture
def quiet_plan() -> tuple[AccountPlan, AccountContext]:
    """An SMB account with nothing planted, no renewals, incidents or reviews."""
    timeline = Timeline(date(2024, 1, 1), DAYS)
    home = build_home_team(1, np.random.default_rng(0))
    plan = plan_account(
        1,
        id_width=4,
        segment="smb",
        with_events=False,
        timeline=timeline,
        home=home,
        taken_names=set(),
        rng=np.random.default_rng(0),
    )
    plan = dataclasses.replace(
        plan, renewals=[], incident_days=[], business_reviews=[], volume_steps=[], cutoffs={}
    )
    context = AccountContext(
        timeline=timeline,
        season=timeline.seasonality(),
        rate_scale=1.0,
        home_away=np.zeros((1, DAYS), dtype=bool),
        home_index={},
        id_width=4,
    )
    return plan, context


def _activities(
    plan: AccountPlan, context: AccountContext, day: int, days: int
) -> dict[str, float]:
    rates = daily_multipliers(plan, context.timeline, context.season)
    return {
        kind: float(rates[kind][day : day + days].sum() * plan.volume_weight)
        for kind in ACTIVITY_SHARES
    }


def test_two_equal_contacts_share_each_activity_by_the_contacts_it_asks_for(
    quiet_plan: tuple[AccountPlan, AccountContext],
) -> None:
    plan, context = quiet_plan
    me, other = hand_contact(plan.id, 1, 1.0), hand_contact(plan.id, 2, 1.0)
    plan = dataclasses.replace(plan, contacts=[me, other])
    n = _activities(plan, context, 100, 90)
    # Equal weights: chance min(1, k / 2) with k the mean contacts asked for (SMB meetings
    # 1-3: 2; threads 1.6; calls and tickets 1.2; notes 0.6; internal mail 2.5).
    by_hand = (
        n["thread"] * 0.8
        + n["meeting"] * 1.0
        + n["exec_meeting"] * 1.0
        + n["call"] * 0.6
        + n["ticket"] * 0.6
        + n["note"] * 0.3
        + n["customer_internal"] * 1.0
    )
    assert by_hand > 5
    assert expected_appearances(plan, context, me, 100, 90) == pytest.approx(by_hand)


def test_a_heavier_colleague_takes_a_larger_part(
    quiet_plan: tuple[AccountPlan, AccountContext],
) -> None:
    plan, context = quiet_plan
    me, other = hand_contact(plan.id, 1, 1.0), hand_contact(plan.id, 2, 3.0)
    plan = dataclasses.replace(plan, contacts=[me, other])
    n = _activities(plan, context, 100, 90)
    # Same level and function: w / W = 1 / 4 for every kind.
    by_hand = (
        n["thread"] * 0.4
        + (n["meeting"] + n["exec_meeting"]) * 0.5
        + (n["call"] + n["ticket"]) * 0.3
        + n["note"] * 0.15
        + n["customer_internal"] * 0.625
    )
    assert expected_appearances(plan, context, me, 100, 90) == pytest.approx(by_hand)


def test_the_window_is_cut_by_the_end_of_the_data_and_counts_a_departed_person_as_staying(
    quiet_plan: tuple[AccountPlan, AccountContext],
) -> None:
    plan, context = quiet_plan
    me, other = hand_contact(plan.id, 1, 1.0), hand_contact(plan.id, 2, 1.0)
    me.spells[0].end = DAYS - 60  # their role ends: the window still counts them present
    plan = dataclasses.replace(plan, contacts=[me, other])
    whole = expected_appearances(plan, context, me, DAYS - 60, 60)
    assert expected_appearances(plan, context, me, DAYS - 60, 90) == pytest.approx(whole)
    assert whole > 0
    assert expected_appearances(plan, context, me, DAYS, 90) == 0.0


def _row(row_id: str, day: int, people: str, thread: str = "") -> list[str]:
    """An interaction row on ``day`` of 2024 (``from`` our owner, ``to`` ``people``)."""
    stamp = f"{date.fromordinal(date(2024, 1, 1).toordinal() + day).isoformat()}T10:00:00Z"
    return [row_id, "email", stamp, "h-001", people, "", "Subject", thread, ""]


def test_a_silence_is_worth_the_conversations_held_without_them_at_their_old_share() -> None:
    """c-1 took part in 2 of the 4 conversations before day 40 (a thread of three rows is
    one conversation, dated by its first row; an address counts as the person), and the
    account held 5 conversations in the 90 days from it: a complete silence over them has
    probability (1 - 1/2)^5, ``-ln`` of it 5 ln 2 = 3.47 nats, under the 6.0 a silence
    needs to be observable. With 9 conversations after, 9 ln 2 = 6.24: observable."""
    me = hand_contact("org-0001", 1, 1.0)
    me.emails["org-0001"] = "c.one@example.com"
    before = [
        _row("i-1", 10, "c-1", thread="t-1"),
        _row("i-2", 11, "c-2", thread="t-1"),  # a reply: the same conversation
        _row("i-3", 12, "c-2;c.one@example.com", thread="t-1"),
        _row("i-4", 20, "c-2"),
        _row("i-5", 25, "c.one@example.com"),
        _row("i-6", 30, "c-2"),
    ]
    after = [_row(f"i-{7 + n}", 45 + 10 * n, "c-2") for n in range(9)]
    start = date(2024, 1, 1).toordinal()
    held = WrittenTraffic.of_rows(before + after[:5], [me], "org-0001", start)
    assert held.silence_evidence("c-1", 40) == (0.5, 5, pytest.approx(5 * np.log(2), abs=1e-3))
    longer = WrittenTraffic.of_rows(before + after, [me], "org-0001", start)
    assert longer.silence_evidence("c-1", 40)[2] == pytest.approx(9 * np.log(2), abs=1e-3)
    assert 5 * np.log(2) < MIN_OBSERVABLE_NATS < 9 * np.log(2)
    # Nobody on a conversation before: no share, no evidence.
    assert held.silence_evidence("c-9", 40) == (0.0, 5, 0.0)


def test_observable_by_the_conversations_held_not_by_the_model_counterfactual(
    quiet_plan: tuple[AccountPlan, AccountContext],
) -> None:
    """The model would give c-1 many conversations had they stayed; the rows hold 5 after
    the silence starts, at a share of 1/2 before: 3.47 nats, not observable. A role that
    ends is observable whatever the conversations."""
    plan, context = quiet_plan
    me, other = hand_contact(plan.id, 1, 1.0), hand_contact(plan.id, 2, 1.0)
    plan = dataclasses.replace(plan, contacts=[me, other])
    rows = [_row(f"i-{n}", 100 + 5 * n, "c-1" if n % 2 else "c-2") for n in range(20)]
    rows += [_row(f"i-{20 + n}", 200 + 10 * n, "c-2") for n in range(5)]
    held = WrittenTraffic.of_rows(rows, plan.contacts, plan.id, context.timeline.start.toordinal())
    silence = PlannedEvent("stakeholder_departure", 200, person=me, details={"mode": "silent"})
    shown = departure_observability(plan, context, silence, held)
    assert shown["expected_appearances"] >= MIN_OBSERVABLE_APPEARANCES  # type: ignore[operator]
    assert (shown["share_before"], shown["conversations_after"]) == (0.5, 5)
    assert shown["evidence_nats"] == pytest.approx(5 * np.log(2), abs=1e-3)
    assert shown["observable"] is False
    ended = PlannedEvent("stakeholder_departure", 200, person=me, details={"mode": "role_ended"})
    assert departure_observability(plan, context, ended, held)["observable"] is True
    # Without the rows, the model's expected appearances decide (the rule before).
    assert departure_observability(plan, context, silence)["observable"] is True


def _kind_row(row_id: str, kind: str, day: int, people: str) -> list[str]:
    row = _row(row_id, day, people)
    row[1] = kind
    return row


def test_a_withdrawal_is_worth_the_executives_silence_kind_by_kind(
    quiet_plan: tuple[AccountPlan, AccountContext],
) -> None:
    """Before day 100, 4 meetings (both executives on the first, c-1 alone on the second:
    2 meetings with an executive, one conversation each) and 4 tickets without them; after,
    3 meetings and 12 tickets. Kind by kind, a complete silence gives ``-3 ln(1 - 2/4)`` =
    2.08 nats from the meetings and none from the tickets: not observable. Pooled, the
    executives' share 2/8 over the 15 conversations after would give ``-15 ln(3/4)`` =
    4.32. With 9 meetings after, ``9 ln 2`` = 6.24 nats: observable."""
    plan, context = quiet_plan
    vp, ceo, lead = (hand_contact(plan.id, n, 1.0) for n in (1, 2, 3))
    plan = dataclasses.replace(plan, contacts=[vp, ceo, lead])
    before = [
        _kind_row("m-1", "meeting", 10, "c-1;c-2;c-3"),
        _kind_row("m-2", "meeting", 30, "c-1;c-3"),
        _kind_row("m-3", "meeting", 50, "c-3"),
        _kind_row("m-4", "meeting", 70, "c-3"),
    ] + [_kind_row(f"t-{n}", "ticket", 12 + 15 * n, "c-3") for n in range(4)]
    tickets = [_kind_row(f"t-{10 + n}", "ticket", 101 + 6 * n, "c-3") for n in range(12)]
    meetings = [_kind_row(f"m-{10 + n}", "meeting", 103 + 9 * n, "c-3") for n in range(9)]
    start = context.timeline.start.toordinal()
    event = PlannedEvent("executive_withdrawal", 100, persons=[vp, ceo])
    held = WrittenTraffic.of_rows(before + tickets + meetings[:3], plan.contacts, plan.id, start)
    shown = executive_withdrawal_observability(event, held)
    assert (shown["share_before"], shown["conversations_after"]) == (0.25, 15)
    assert shown["evidence_nats"] == pytest.approx(3 * np.log(2), abs=1e-3)
    assert shown["observable"] is False
    longer = WrittenTraffic.of_rows(before + tickets + meetings, plan.contacts, plan.id, start)
    shown = executive_withdrawal_observability(event, longer)
    assert shown["evidence_nats"] == pytest.approx(9 * np.log(2), abs=1e-3)
    assert shown["observable"] is True
    # One executive's silence alone is the person's own: c-2 was on 1 of the 8.
    assert longer.silence_evidence("c-2", 100)[0] == 0.125


def _departures(portfolio: LoadedPortfolio) -> list[dict[str, Any]]:
    return [
        e
        for e in portfolio.truth["events"]
        if e["kind"] in ("champion_departure", "stakeholder_departure")
    ]


def test_every_departure_says_what_the_data_can_show_of_it(
    small_portfolio: LoadedPortfolio,
) -> None:
    departures = _departures(small_portfolio)
    assert departures
    for event in departures:
        details = event["details"]
        expected = details["expected_appearances"]
        assert expected >= 0
        role_ended = details["mode"] == "role_ended"
        assert details["evidence_nats"] >= 0
        assert 0 <= details["share_before"] <= 1
        assert details["observable"] == (
            role_ended or details["evidence_nats"] >= MIN_OBSERVABLE_NATS
        )
    # Other kinds carry no such fields but SLA policing, ticket-mix shifts
    # (test_generate_tickets.py) and co-innovation withdrawals
    # (test_generate_engagements.py).
    measured = (
        "sla_policing",
        "ticket_mix_shift",
        "co_innovation_withdrawal",
        "executive_withdrawal",
    )
    others = [
        e
        for e in small_portfolio.truth["events"]
        if e not in departures and e["kind"] not in measured
    ]
    assert all("observable" not in e["details"] for e in others)


def test_every_executive_withdrawal_says_what_the_data_can_show_of_it(
    small_portfolio: LoadedPortfolio,
) -> None:
    withdrawals = [
        e for e in small_portfolio.truth["events"] if e["kind"] == "executive_withdrawal"
    ]
    assert withdrawals
    for event in withdrawals:
        details = event["details"]
        assert 0 < details["share_before"] <= 1
        assert details["conversations_after"] >= 0
        assert details["observable"] == (details["evidence_nats"] >= MIN_OBSERVABLE_NATS)
