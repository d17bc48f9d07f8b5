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

from stakegraph.generate.beyond import (
    MIN_OBSERVABLE_EVIDENCE,
    OBSERVATION_BASELINE_DAYS,
    OBSERVATION_DAYS,
    BeyondEvent,
    BeyondPlan,
    turn_evidence,
)
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
# Co-innovation invitations accepted, as a habit and during a planted withdrawal.
ACCEPTANCE = 0.9
ACCEPTANCE_WITHDRAWN = 0.1
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
            withdrawn = beyond.during(CO_INNOVATION_WITHDRAWAL, day)
            accept = ACCEPTANCE_WITHDRAWN if withdrawn else ACCEPTANCE
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


def withdrawal_observability(
    event: BeyondEvent, rows: list[list[str]], invitations_per_month: float, timeline: Timeline
) -> dict[str, object]:
    """What the data can show of a ``co_innovation_withdrawal`` event in its first
    :data:`~stakegraph.generate.beyond.OBSERVATION_DAYS` days: the evidence its decisions
    and the account's history hold that the account's refusals turned.

    The history is the account's expected decisions in the
    :data:`~stakegraph.generate.beyond.OBSERVATION_BASELINE_DAYS` before (its invitation
    rate over those days, cut at the data's start), refused at its habit ``1 -``
    :data:`ACCEPTANCE`; the event's days are its decisions as written (``rows``, the
    account's engagement rows): ``k`` refusals of ``n``. The evidence is
    :func:`~stakegraph.generate.beyond.turn_evidence` of the two refusal shares,
    observable at :data:`~stakegraph.generate.beyond.MIN_OBSERVABLE_EVIDENCE` nats or
    more. A withdrawal invited twice in its quarter holds at most two refusals: whatever
    the history, ``2 log 10 = 4.6`` nats at most, not observable.

    Examples
    --------
    Two invitations a month, the event on day 400: 24 decisions expected in the year
    before at 10% refused; then three refusals of three, ``m = (2.4 + 3) / 27 = 0.2``:
    ``24 KL(0.1 || 0.2) + 3 KL(1 || 0.2) = 0.88 + 4.83 = 5.7`` nats, just short (a
    fourth refusal would make it 7.3).

    >>> from datetime import date
    >>> from stakegraph.generate.beyond import BeyondEvent
    >>> timeline = Timeline(date(2023, 1, 2), 600)
    >>> rows = [["org-1", "beta", timeline.date_label(d), "declined", "p", "o"]
    ...         for d in (410, 440, 470)]
    >>> out = withdrawal_observability(BeyondEvent("co_innovation_withdrawal", 400), rows,
    ...                                2.0, timeline)
    >>> out["refusals_90_days"], out["decisions_90_days"], out["expected_evidence"]
    (3, 3, 5.7)
    >>> out["observable"]
    False
    """
    start = timeline.date_label(event.day)
    end = timeline.date_label(event.day + OBSERVATION_DAYS)
    decisions = [
        row[3]
        for row in rows
        if row[1] in CO_INNOVATION_KINDS
        and start <= row[2] < end
        and row[3] in ("accepted", "declined")
    ]
    refused = sum(status == "declined" for status in decisions)
    history_days = min(event.day, OBSERVATION_BASELINE_DAYS)
    n0 = invitations_per_month / 30.4 * history_days
    habit = np.array([1 - ACCEPTANCE, ACCEPTANCE])
    n = len(decisions)
    after = np.array([refused / n, 1 - refused / n]) if n else habit
    evidence = turn_evidence(n0, habit, n, after)
    return {
        "expected_decisions_before": round(n0, 1),
        "decisions_90_days": n,
        "refusals_90_days": refused,
        "expected_evidence": round(evidence, 1),
        "observable": evidence >= MIN_OBSERVABLE_EVIDENCE,
    }


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
