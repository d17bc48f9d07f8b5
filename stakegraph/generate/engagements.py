"""Engagement rows (engagements.csv): business reviews, check-ins, co-innovation, intros.

- ``qbr``: the plan's quarterly business reviews (those the slide skips are not held,
  so not written); their executives, the champion and sometimes a director are invited,
  and each attends (executives 90%), declines or does not show;
- ``check_in``: every week (enterprise), two weeks (mid-market) or month (SMB) with the
  champion, or the most engaged contact present; attended 95% of the time;
- co-innovation (``beta``, ``pilot``, ``steering_committee``, ``advisory_board``,
  ``roadmap_review``): invitations at the account's own monthly rate, accepted 90% of the
  time;
- ``intro_request``: about every four months we ask a contact for an introduction.

A planted ``qbr_disengagement`` skips half of the reviews (everyone declines) and keeps
the executives away from the rest; check-ins are missed or declined 70% of the time. A
planted ``co_innovation_withdrawal`` makes acceptance 10%.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from stakegraph.generate.beyond import BeyondPlan
from stakegraph.generate.people import Person
from stakegraph.generate.plan import AccountPlan, active_contacts
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import (
    CO_INNOVATION_KINDS,
    CO_INNOVATION_WITHDRAWAL,
    EXECUTIVE_LEVELS,
    QBR_DISENGAGEMENT,
)

ENGAGEMENT_COLUMNS = ("account_id", "kind", "date", "status", "person_id", "our_person_id")
_INTRO_EVERY_DAYS = 120


def engagement_rows(
    plan: AccountPlan, beyond: BeyondPlan, timeline: Timeline, rng: np.random.Generator
) -> Iterator[list[str]]:
    """The account's engagement rows in :data:`ENGAGEMENT_COLUMNS` order, by date."""
    stop = timeline.days if plan.churn_day is None else plan.churn_day
    rows: list[tuple[int, list[str]]] = []
    owner = plan.team.owner.id
    sponsor = (
        plan.team.members[plan.team.parts.index("executive")].id
        if "executive" in plan.team.parts
        else owner
    )
    for day in plan.business_reviews:
        after = beyond.during(QBR_DISENGAGEMENT, day)
        skipped = after and rng.random() < 0.5
        for person in _review_invitees(plan, day, rng):
            executive = person.level_at(day) in EXECUTIVE_LEVELS
            attend = (
                0.1 if after and executive else (0.8 if after else (0.9 if executive else 0.95))
            )
            status = "declined" if skipped else _attendance(attend, rng)
            rows.append(
                (day, [plan.id, "qbr", timeline.date_label(day), status, person.id, sponsor])
            )
    day = int(rng.integers(0, beyond.check_in_every))
    while day < stop:
        contact = _main_contact(plan, day)
        if contact is not None:
            after = beyond.during(QBR_DISENGAGEMENT, day)
            status = _attendance(0.3 if after else 0.95, rng)
            rows.append(
                (day, [plan.id, "check_in", timeline.date_label(day), status, contact.id, owner])
            )
        day += beyond.check_in_every
    rate = beyond.invitations_per_month / 30.4
    day = int(rng.exponential(1 / rate))
    while day < stop:
        contact = _main_contact(plan, day, senior=True, rng=rng)
        if contact is not None:
            accept = 0.1 if beyond.during(CO_INNOVATION_WITHDRAWAL, day) else 0.9
            status = "accepted" if rng.random() < accept else "declined"
            kind = CO_INNOVATION_KINDS[int(rng.integers(len(CO_INNOVATION_KINDS)))]
            rows.append(
                (day, [plan.id, kind, timeline.date_label(day), status, contact.id, sponsor])
            )
        day += max(1, int(rng.exponential(1 / rate)))
    day = int(rng.integers(0, _INTRO_EVERY_DAYS))
    while day < stop:
        contact = _main_contact(plan, day)
        if contact is not None:
            status = "accepted" if rng.random() < 0.6 else "declined"
            rows.append(
                (
                    day,
                    [plan.id, "intro_request", timeline.date_label(day), status, contact.id, owner],
                )
            )
        day += _INTRO_EVERY_DAYS + int(rng.integers(-30, 31))
    rows.sort(key=lambda r: (r[0], r[1][1], r[1][4]))
    seen: set[tuple[str, ...]] = set()
    for _, row in rows:
        key = (row[1], row[2], row[4])
        if key not in seen:  # one row per (kind, date, person): the engagement's id
            seen.add(key)
            yield row


def _attendance(p_attend: float, rng: np.random.Generator) -> str:
    u = rng.random()
    if u < p_attend:
        return "attended"
    return "no_show" if u < p_attend + (1 - p_attend) / 2 else "declined"


def _review_invitees(plan: AccountPlan, day: int, rng: np.random.Generator) -> list[Person]:
    present = active_contacts(plan, day)
    executives = sorted(
        (p for p in present if p.level_at(day) in EXECUTIVE_LEVELS), key=lambda p: -p.engagement
    )[:2]
    invitees = list(executives)
    champion = plan.org.champion
    if champion is not None and champion in present and champion not in invitees:
        invitees.append(champion)
    directors = [p for p in present if p.level_at(day) == "director" and p not in invitees]
    if directors and rng.random() < 0.5:
        invitees.append(directors[int(rng.integers(len(directors)))])
    return invitees


def _main_contact(
    plan: AccountPlan, day: int, *, senior: bool = False, rng: np.random.Generator | None = None
) -> Person | None:
    present = active_contacts(plan, day)
    champion = plan.org.champion
    if senior and rng is not None:
        seniors = [p for p in present if p.level_at(day) in ("director", "vp", "c_level")]
        if seniors and rng.random() < 0.5:
            return seniors[int(rng.integers(len(seniors)))]
    if champion is not None and champion in present:
        return champion
    return max(present, key=lambda p: p.engagement, default=None)
