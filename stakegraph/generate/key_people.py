"""Key stakeholders of a generated account, their planted departures, and the truth of them.

An account's **key stakeholders** on a day are, as the detectors define them
(docs/metrics.md, *Key stakeholders*), the people at the top of the account by
seniority-weighted engagement (here the generator's own engagement weight times the
detectors' seniority weights, top :data:`KEY_RANKS` of the people in the traffic that
day, the champion included) and every VP and C-level person.

- :func:`plant_stakeholder_departure` plants, in a share of the accounts that have a
  planted event, the departure of a key stakeholder who is **not** the champion (a role
  that ends, or a silence), some time after the account's first planted event;
- :func:`stakeholder_departure_events` records, for ``truth.json``, that planted
  departure and the natural career departures of key stakeholders (``cause =
  "career"``). The champion's departures are ``champion_departure`` events.
"""

from __future__ import annotations

import numpy as np

from stakegraph.generate import vocab
from stakegraph.generate.people import Person
from stakegraph.generate.plan import (
    EXECUTIVE_WITHDRAWAL,
    MIN_HISTORY_AFTER_EVENT,
    MIN_HISTORY_BEFORE_EVENT,
    SINGLE_NODE_BOTTLENECK,
    AccountPlan,
    PlannedEvent,
    active_contacts,
)
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import STAKEHOLDER_DEPARTURE

__all__ = [
    "KEY_RANKS",
    "STAKEHOLDER_DEPARTURE_SHARE",
    "key_stakeholders",
    "plant_stakeholder_departure",
    "stakeholder_departure_events",
]

# The detectors' seniority weights (signals/champion.py) and their top-5 key set.
_SENIORITY = {"ic": 0.6, "manager": 0.8, "director": 1.0, "vp": 1.0, "c_level": 0.9}
KEY_RANKS = 5
# Share of the accounts with a planted event that also lose a key stakeholder.
STAKEHOLDER_DEPARTURE_SHARE = 0.4
# Days after the first planted event within which the departure falls.
_DEPARTURE_SPREAD = 150
# History kept after the departure (its silence must be measurable before the data ends
# or the account churns).
_DAYS_AFTER = 90


def key_stakeholders(plan: AccountPlan, day: int) -> list[Person]:
    """The key stakeholders on ``day``: the top :data:`KEY_RANKS` by seniority-weighted
    engagement among the people in the traffic, then every other executive."""
    active = active_contacts(plan, day)
    ranked = sorted(
        active,
        key=lambda p: (-p.engagement * _SENIORITY.get(p.level_at(day) or "ic", 0.6), p.id),
    )
    top = ranked[:KEY_RANKS]
    executives = [p for p in ranked[KEY_RANKS:] if p.level_at(day) in vocab.EXECUTIVE_LEVELS]
    return top + executives


def plant_stakeholder_departure(
    plan: AccountPlan, timeline: Timeline, rng: np.random.Generator
) -> None:
    """Maybe plant the departure of a key stakeholder who is not the champion.

    Only in accounts with a planted event (healthy accounts stay untouched), never in one
    whose traffic a planted bottleneck runs through one person, and at least
    :data:`_DAYS_AFTER` days before the data ends or the account churns. The person is
    drawn among the key stakeholders but the champion, people of other planted events,
    and anyone whose role changes anyway; an executive only if another stays.
    """
    if plan.healthy or rng.random() >= STAKEHOLDER_DEPARTURE_SHARE:
        return
    if any(e.kind == SINGLE_NODE_BOTTLENECK for e in plan.events):
        return
    first = min(e.day for e in plan.events)
    day = first + int(rng.integers(0, _DEPARTURE_SPREAD))
    end = timeline.days if plan.churn_day is None else plan.churn_day
    if day > end - _DAYS_AFTER:
        return
    taken = {p.id for e in plan.events for p in [e.person, *e.persons] if p is not None}
    withdrawal = any(e.kind == EXECUTIVE_WITHDRAWAL for e in plan.events)
    key = key_stakeholders(plan, day)
    executives = [p for p in key if p.level_at(day) in vocab.EXECUTIVE_LEVELS]
    candidates = [
        p
        for p in key
        if p is not plan.org.champion
        and p.id not in taken
        and len(p.spells) == 1
        and p.spells[0].end is None
        and (
            p.level_at(day) not in vocab.EXECUTIVE_LEVELS
            or (not withdrawal and len(executives) >= 2)
        )
    ]
    if not candidates:
        return
    person = candidates[int(rng.integers(len(candidates)))]
    rank = key.index(person) + 1
    spell = person.spells[-1]
    mode = "role_ended" if rng.random() < 0.5 else "silent"
    if mode == "role_ended":
        spell.end = day
    plan.cutoffs[person.id] = min(plan.cutoffs.get(person.id, day), day)
    plan.slide_drops.pop(person.id, None)
    plan.events.append(
        PlannedEvent(
            STAKEHOLDER_DEPARTURE,
            day,
            person=person,
            details={"mode": mode, "title": spell.title, "level": spell.level, "rank": rank},
        )
    )
    plan.events.sort(key=lambda e: e.day)


def stakeholder_departure_events(plan: AccountPlan, timeline: Timeline) -> list[PlannedEvent]:
    """Natural departures of key stakeholders (``cause = "career"``).

    A natural departure (its role ends) is recorded when the person was a key
    stakeholder the day before and is not the champion. The people the pre-churn slide
    takes out of the traffic one by one are not recorded person by person: the slide
    records them as an engagement contraction (docs/generator.md, *Churn pattern*).
    """
    withdrawn = {p.id for e in plan.events if e.kind == EXECUTIVE_WITHDRAWAL for p in e.persons}
    events: list[PlannedEvent] = []
    for person, day in plan.departures:
        if person is plan.org.champion or person.id in withdrawn:
            continue
        # Like a planted event, with history on both sides to be judged against.
        if not MIN_HISTORY_BEFORE_EVENT <= day <= timeline.days - MIN_HISTORY_AFTER_EVENT:
            continue
        key = key_stakeholders(plan, day - 1)
        if person not in key:
            continue
        spell = person.spells[-1]
        events.append(
            PlannedEvent(
                STAKEHOLDER_DEPARTURE,
                day,
                person=person,
                details={
                    "mode": "role_ended",
                    "title": spell.title,
                    "level": person.level_at(day - 1),
                    "rank": key.index(person) + 1,
                },
                cause="career",
            )
        )
    return events
