"""A departure's expected appearances, worked by hand on a two-contact account, and the
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
from stakegraph.generate.key_people import MIN_OBSERVABLE_APPEARANCES
from stakegraph.generate.people import build_home_team
from stakegraph.generate.plan import AccountPlan, plan_account
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
        assert details["observable"] == (role_ended or expected >= MIN_OBSERVABLE_APPEARANCES)
    # Other kinds carry no such fields but SLA policing, ticket-mix shifts
    # (test_generate_tickets.py) and co-innovation withdrawals
    # (test_generate_engagements.py).
    measured = ("sla_policing", "ticket_mix_shift", "co_innovation_withdrawal")
    others = [
        e
        for e in small_portfolio.truth["events"]
        if e not in departures and e["kind"] not in measured
    ]
    assert all("observable" not in e["details"] for e in others)
