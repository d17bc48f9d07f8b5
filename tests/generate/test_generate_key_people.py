"""The truth's key stakeholders, worked by hand: ranked by the half-year's engagement, so
the minor contacts left behind when the key people go do not become key."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
from hand_people import hand_contact

from stakegraph.generate.key_people import (
    ENGAGEMENT_DAYS,
    key_stakeholders,
    stakeholder_departure_events,
)
from stakegraph.generate.people import Person, build_home_team
from stakegraph.generate.plan import AccountPlan, plan_account
from stakegraph.generate.timeline import Timeline


def _account(contacts: list[Person], cutoffs: dict[str, int]) -> AccountPlan:
    plan = plan_account(
        1,
        id_width=4,
        segment="smb",
        with_events=False,
        timeline=Timeline(date(2024, 1, 1), 700),
        home=build_home_team(1, np.random.default_rng(0)),
        taken_names=set(),
        rng=np.random.default_rng(0),
    )
    return dataclasses.replace(plan, contacts=contacts, cutoffs=cutoffs)


def _ids(people: list[Person]) -> list[str]:
    return [p.id for p in people]


def test_the_people_left_behind_when_the_key_people_go_are_not_key() -> None:
    """Five heavy contacts (engagement 1.0) and two light ones (0.1). On day 400 the heavy
    ones left 20 days ago: over the half-year they still hold the top five, and the light
    ones, who would top the people of that day alone, are not key."""
    heavy = [hand_contact("org-0001", n, 1.0) for n in range(1, 6)]
    light = [hand_contact("org-0001", n, 0.1) for n in (6, 7)]
    plan = _account(heavy + light, {p.id: 380 for p in heavy})
    assert key_stakeholders(plan, 370) == heavy  # before they left: the five of them
    assert key_stakeholders(plan, 400) == []


def test_after_half_a_year_the_people_who_stayed_are_the_relationship() -> None:
    heavy = [hand_contact("org-0001", n, 1.0) for n in range(1, 6)]
    light = [hand_contact("org-0001", n, 0.1) for n in (6, 7)]
    plan = _account(heavy + light, {p.id: 380 for p in heavy})
    later = 380 + ENGAGEMENT_DAYS + 7
    assert _ids(key_stakeholders(plan, later)) == ["c-6", "c-7"]


def test_weeks_in_the_traffic_weigh_like_engagement() -> None:
    """A newcomer of two weeks with twice the weight ranks below a colleague of the whole
    half-year (2 x 2 weeks against 1 x 26); executives in the traffic are always key."""
    regulars = [hand_contact("org-0001", n, 1.0) for n in range(1, 6)]
    newcomer = hand_contact("org-0001", 8, 2.0)
    newcomer.spells[0] = dataclasses.replace(newcomer.spells[0], start=386)
    chief = hand_contact("org-0001", 9, 0.01, level="c_level")
    plan = _account([*regulars, newcomer, chief], {})
    key = key_stakeholders(plan, 400)
    assert _ids(key) == ["c-1", "c-2", "c-3", "c-4", "c-5", "c-9"]


def test_a_key_role_end_is_recorded_up_to_the_last_day_of_the_data() -> None:
    """A role end is in roles.csv the day it happens: one 20 days before the data ends is
    a key departure of the truth (a silence there would not be: no data after it), one
    100 days into the data is not (no history before it to be judged against)."""
    people = [hand_contact("org-0001", n, 1.0) for n in range(1, 6)]
    plan = _account(people, {})
    plan.org.champion = people[0]
    timeline = Timeline(date(2024, 1, 1), 700)
    late, early = people[1], people[2]
    for person, day in ((late, 680), (early, 100)):
        person.spells[0] = dataclasses.replace(person.spells[0], end=day)
        plan.departures.append((person, day))
    events = stakeholder_departure_events(plan, timeline)
    assert [(e.person.id if e.person else None, e.day, e.cause) for e in events] == [
        ("c-2", 680, "career")
    ]
    assert events[0].details["mode"] == "role_ended"
