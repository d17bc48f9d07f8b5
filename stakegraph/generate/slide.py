"""The events the pre-churn slide plants, as recorded in ``truth.json``.

Before a churn the generator lets engagement slide (`volume.CHURN_DECLINE_FLOOR`,
`plan.CHURN_CONTACT_DROP_SHARE`): volume falls and about 65% of the contacts drift away,
the champion and executives included. That is an engagement contraction, a silent
champion departure and an executive withdrawal, only slower than a planted one. This
module reads them off the plan's own schedule (never off the written rows) and keeps
those that are as strong as the planted event of the same kind:

- ``engagement_contraction`` on the first day the slide is as strong as the weakest
  planted contraction, as the data shows it: the account's volume against the day
  before the slide (`volume_against_before`: the slide's ramp times any planted volume
  drop since) is at most `MAX_CONTRACTION_VOLUME_FACTOR`, at least half of the contacts
  in its traffic on the reference day have left it (whatever took them: the slide, a
  planted cutoff, a role that ends), and at least `MIN_CONTRACTION_CONTACTS_KEPT` are
  still in it (a planted contraction keeps 30-50% of the contacts, at least 2, at a
  volume factor of 0.3-0.5, within 14 days; the slide ramps over up to 120 days), if
  that comes before the churn; or, failing that, on the day the slide has taken every
  one of those contacts (at least 2) out of the traffic before the churn: their whole
  side silent, the contraction at its end (since 2026-12-07, when declared coverage
  made such a silence the account's own rather than an export cut). A slide that
  leaves one contact by then has narrowed their side onto that person: a bottleneck's
  story, not a contraction;
- ``champion_departure`` (``mode: "silent"``) on the day the slide takes the champion
  out of the traffic;
- ``single_node_bottleneck`` on the day of the drop that leaves one contact, who stays
  until the churn (every conversation with their side then goes through them);
- ``executive_withdrawal`` on the day the slide has taken the last of the VP and C-level
  contacts who were active at its reference day, when it takes every one of them, no
  other executive is active that day (a planted withdrawal removes every executive
  present: from its date no executive takes part), and the account's traffic is not yet
  as low as a planted contraction leaves it (`short_of_a_contraction`: its volume
  against the day before the slide above `MAX_CONTRACTION_VOLUME_FACTOR`; before
  2026-12-07, only before the volume started to fall, which left out the executives
  the slide drops on its first day): executives leaving while the working level goes
  on. When the whole account goes quiet with them, that is the slide's contraction.

An event needs `plan.MIN_HISTORY_BEFORE_EVENT` days of history before it, like a planted
one: a slide that starts in the first months has no "before" in the data. A contraction
that starts on the day of a planted contraction of the same account is that event, not a
second one; and from the day a planted bottleneck narrows an account's traffic onto one
person, the slide cannot narrow the contacts any more: only the slide's days before it
can make a contraction as strong as a planted one (its volume still falls after); nor
does it take the champion or the executives out of traffic that already runs through
one other person.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from stakegraph.generate import vocab
from stakegraph.generate.people import Person
from stakegraph.generate.plan import (
    CHAMPION_DEPARTURE,
    ENGAGEMENT_CONTRACTION,
    EXECUTIVE_WITHDRAWAL,
    MIN_HISTORY_BEFORE_EVENT,
    SINGLE_NODE_BOTTLENECK,
    AccountPlan,
    PlannedEvent,
    active_contacts,
)
from stakegraph.generate.volume import (
    ACTIVITY_SHARES,
    CHURN_DECLINE_FLOOR,
    INTERACTION_KIND,
    churn_decline_ramp_days,
    volume_steps,
)

__all__ = [
    "MAX_CONTRACTION_CONTACT_SHARE",
    "MAX_CONTRACTION_VOLUME_FACTOR",
    "MIN_CONTRACTION_CONTACTS_KEPT",
    "SLIDE_CAUSE",
    "account_goes_on",
    "executive_in_traffic",
    "short_of_a_contraction",
    "slide_events",
    "slide_volume_factor",
    "volume_against_before",
    "withdrawals_recorded_once",
]

SLIDE_CAUSE = "pre_churn_slide"
# The weakest planted contraction: volume to 0.5, half of the contacts kept.
MAX_CONTRACTION_VOLUME_FACTOR = 0.5
MAX_CONTRACTION_CONTACT_SHARE = 0.5
# A slide that leaves one person in the traffic narrows it onto them: that is a
# bottleneck (`_bottleneck`), not a contraction; a planted contraction keeps at least 2.
MIN_CONTRACTION_CONTACTS_KEPT = 2
# A day after any history.
NEVER = 1 << 30


def slide_volume_factor() -> float:
    """The slide's overall factor on activities (conversation starts) at its floor.

    Each activity type's share of the daily rate times its channel's floor, over the
    shares (business reviews, mostly skipped during the slide, are left out).

    Returns
    -------
    float
        About 0.39.

    Examples
    --------
    >>> round(slide_volume_factor(), 2)
    0.39
    """
    total = sum(ACTIVITY_SHARES.values())
    kept = sum(
        share * CHURN_DECLINE_FLOOR.get(INTERACTION_KIND[kind], CHURN_DECLINE_FLOOR["other"])
        for kind, share in ACTIVITY_SHARES.items()
    )
    return kept / total


def slide_events(plan: AccountPlan) -> list[PlannedEvent]:
    """The events the pre-churn slide plants in one account, as strong as planted ones.

    Parameters
    ----------
    plan : AccountPlan
        The account, after `plan.plan_account` (its slide schedule is set when it churns).

    Returns
    -------
    list of PlannedEvent
        With ``cause = "pre_churn_slide"`` (also in ``details``), in date order; empty for
        accounts that do not churn.
    """
    start, churn, reference = plan.churn_decline_start, plan.churn_day, plan.slide_reference_day
    if start is None or churn is None or reference is None:
        return []
    events = [
        event
        for event in (
            _contraction(plan, start, churn, reference),
            _champion_departure(plan),
            _executive_withdrawal(plan, reference),
            _bottleneck(plan, churn),
        )
        if event is not None
        and event.day >= MIN_HISTORY_BEFORE_EVENT
        and not _after_bottleneck(plan, event)
    ]
    return sorted(events, key=lambda e: e.day)


def _bottleneck(plan: AccountPlan, churn: int) -> PlannedEvent | None:
    """The drop after which one contact is left, and stays until the churn: from then on
    every conversation with their side goes through that person."""
    if plan.bottleneck is not None:
        return None
    for day in sorted(set(plan.slide_drops.values())):
        if day >= churn:
            break
        staying = active_contacts(plan, day)
        if len(staying) > 1:
            continue
        if len(staying) == 1 and plan.cutoffs.get(staying[0].id, churn) >= churn:
            return PlannedEvent(
                SINGLE_NODE_BOTTLENECK,
                day,
                person=staying[0],
                cause=SLIDE_CAUSE,
                details={"cause": SLIDE_CAUSE, "contacts_left": 1},
            )
        return None
    return None


def _after_bottleneck(plan: AccountPlan, event: PlannedEvent) -> bool:
    """Once a planted bottleneck runs the traffic through one contact, everyone else has
    left it already: the slide dropping them later changes nothing in the data."""
    return (
        event.kind in (CHAMPION_DEPARTURE, EXECUTIVE_WITHDRAWAL)
        and plan.bottleneck is not None
        and plan.bottleneck[1] <= event.day
    )


def _contraction(plan: AccountPlan, start: int, churn: int, reference: int) -> PlannedEvent | None:
    if any(e.kind == ENGAGEMENT_CONTRACTION and e.day == start for e in plan.events):
        return None
    # From a planted bottleneck on, their side is one person: the slide cannot narrow it
    # further, but it may have narrowed the contacts before that day.
    end = churn if plan.bottleneck is None else min(churn, plan.bottleneck[1])
    if start < 1 or end <= start:
        return None  # no day before the slide (or before the bottleneck) to measure it in
    # In traffic on the reference day: active then (recorded before the slide's drops, some
    # of which fall on that day), and not gone dormant.
    listed = set(plan.slide_contacts_before)
    before = [
        p
        for p in plan.contacts
        if p.id in listed and (p.dormant_from is None or p.dormant_from > reference)
    ]
    if not before:
        return None
    days = np.arange(start, end)
    volume = volume_against_before(plan.volume_steps, start, churn)[: end - start]
    leaving = np.sort([_leaves_traffic(plan, person, reference - 1) for person in before])
    kept = len(before) - np.searchsorted(leaving, days, side="right")
    # Their whole side gone silent (every contact of the reference day, at least 2): the
    # contraction at its end. One contact gone is that person's departure.
    silent = (kept == 0) & (len(before) >= MIN_CONTRACTION_CONTACTS_KEPT)
    strong = (
        (volume <= MAX_CONTRACTION_VOLUME_FACTOR)
        & (kept <= MAX_CONTRACTION_CONTACT_SHARE * len(before))
        & (kept >= MIN_CONTRACTION_CONTACTS_KEPT)
    ) | silent
    if not strong.any():
        return None
    first = int(np.argmax(strong))
    day = int(days[first])
    return PlannedEvent(
        ENGAGEMENT_CONTRACTION,
        day,
        cause=SLIDE_CAUSE,
        details={
            "cause": SLIDE_CAUSE,
            "volume_against_before": round(float(volume[first]), 3),
            "volume_factor": round(slide_volume_factor(), 3),
            "channel_factors": dict(CHURN_DECLINE_FLOOR),
            "ramp_days": churn_decline_ramp_days(start, churn),
            "slide_start_days_before": day - start,
            "contacts_before": len(before),
            "contacts_kept": int(kept[first]),
            "reference_day_offset": reference - start,
        },
    )


def volume_against_before(
    steps: list[tuple[int, float]], start: int, churn: int
) -> npt.NDArray[np.float64]:
    """The account's expected volume on each day of its slide, ``start`` to the churn
    (exclusive), against the day before the slide.

    The slide's own linear ramp (to `slide_volume_factor` over `churn_decline_ramp_days`)
    times the planted volume ``steps`` (`AccountPlan.volume_steps`) against their value
    on the day before the slide: a planted drop during the slide (a contraction, a
    departure) counts, as it does in the data. Seasonality and the slow drift are left
    out: a detector judges volume against the portfolio's calendar.

    Examples
    --------
    A slide from day 100 to a churn on day 300 ramps over 100 days; a planted drop to
    0.5 on day 140 is complete 14 days later. On day 154 the slide has gone 54% of its
    way to 0.39 (``1 - 0.61 * 0.54 = 0.67``), times the drop's 0.5:

    >>> volume = volume_against_before([(140, 0.5)], 100, 300)
    >>> len(volume), round(float(volume[0]), 2), round(float(volume[54]), 2)
    (200, 1.0, 0.34)
    """
    factor = volume_steps(steps, churn)
    progress = np.clip(np.arange(churn - start) / churn_decline_ramp_days(start, churn), 0.0, 1.0)
    slide = 1.0 - (1.0 - slide_volume_factor()) * progress
    return np.asarray(slide * factor[start:churn] / factor[start - 1])


def _in_traffic(plan: AccountPlan, person: Person, day: int) -> bool:
    """``person`` holds a role at the account on ``day`` and takes part in its traffic
    (not cut off, not gone dormant)."""
    gone = min(plan.cutoffs.get(person.id, day + 1), person.dormant_from or day + 1)
    return gone > day and _spell_at(person, plan.id, day) is not None


def _leaves_traffic(plan: AccountPlan, person: Person, day: int) -> int:
    """The first day after ``day`` on which ``person`` is out of the account's traffic
    (a cutoff, going dormant, or the end of their roles there); `NEVER` if none."""
    changes = [plan.cutoffs.get(person.id), person.dormant_from]
    changes += [s.end for s in person.spells if s.organization_id == plan.id]
    for change in sorted(c for c in changes if c is not None and c > day):
        if not _in_traffic(plan, person, change):
            return change
    return NEVER


def _champion_departure(plan: AccountPlan) -> PlannedEvent | None:
    champion = plan.org.champion
    if champion is None or champion.id not in plan.slide_drops:
        return None
    day = plan.slide_drops[champion.id]
    spell = _spell_at(champion, plan.id, day)
    if spell is None:
        return None
    return PlannedEvent(
        CHAMPION_DEPARTURE,
        day,
        person=champion,
        cause=SLIDE_CAUSE,
        details={"mode": "silent", "cause": SLIDE_CAUSE, "title": spell[0], "level": spell[1]},
    )


def _executive_withdrawal(plan: AccountPlan, reference: int) -> PlannedEvent | None:
    before = set(plan.slide_contacts_before)
    executives = [
        p for p in plan.contacts if p.id in before and _is_executive(p, plan.id, reference)
    ]
    if not executives or any(p.id not in plan.slide_drops for p in executives):
        return None
    days = [plan.slide_drops[p.id] for p in executives]
    day = max(days)
    # Executives leaving an account that goes quiet with them is the account's own
    # contraction (recorded as such when as strong as a planted one), not a withdrawal.
    if executive_in_traffic(plan, day) or not short_of_a_contraction(plan, day):
        return None
    return PlannedEvent(
        EXECUTIVE_WITHDRAWAL,
        day,
        persons=executives,
        cause=SLIDE_CAUSE,
        details={
            "cause": SLIDE_CAUSE,
            "levels": list(vocab.EXECUTIVE_LEVELS_IN_ORDER),
            "executives": len(executives),
            "first_withdrawn_days_before": day - min(days),
        },
    )


def short_of_a_contraction(plan: AccountPlan, day: int) -> bool:
    """The account's traffic on ``day`` is not yet as low as a planted contraction
    leaves it: before the slide's volume starts to fall (`account_goes_on`), or after,
    while its volume against the day before the slide (`volume_against_before`) is still
    above `MAX_CONTRACTION_VOLUME_FACTOR`; never once a planted bottleneck has narrowed
    it onto one person. The slide drops its contacts from 150-260 days before the churn
    but never before the account's first planted event, so many are dropped on that day,
    which is also the day its volume starts to fall: the working level's traffic then goes
    on at nearly its old volume for weeks (the ramp takes up to 120 days)."""
    if account_goes_on(plan, day):
        return True
    start, churn = plan.churn_decline_start, plan.churn_day
    if start is None or churn is None or not start <= day < churn:
        return False
    if plan.bottleneck is not None and day >= plan.bottleneck[1]:
        return False
    volume = volume_against_before(plan.volume_steps, start, churn)
    return bool(volume[day - start] > MAX_CONTRACTION_VOLUME_FACTOR)


def account_goes_on(plan: AccountPlan, day: int) -> bool:
    """The slide drops someone while the account's traffic still goes on as before: its
    volume has not started to fall, and no planted bottleneck has taken everyone but one
    contact out of the traffic. (Once the volume falls, the people it drops go with the
    account's own contraction, recorded as such when as strong as a planted one.)"""
    start = plan.churn_decline_start
    return (start is None or day < start) and (plan.bottleneck is None or day < plan.bottleneck[1])


def executive_in_traffic(plan: AccountPlan, day: int) -> bool:
    """Someone holds a VP or C-level role at the account on ``day`` and is still in its
    traffic (not cut off, not gone dormant)."""
    return any(
        _in_traffic(plan, person, day) and _is_executive(person, plan.id, day)
        for person in plan.contacts
    )


def _spell_at(person: Person, org_id: str, day: int) -> tuple[str, str] | None:
    for spell in person.spells:
        if (
            spell.organization_id == org_id
            and spell.start <= day
            and (spell.end is None or day < spell.end)
        ):
            return spell.title, spell.level
    return None


def _is_executive(person: Person, org_id: str, day: int) -> bool:
    spell = _spell_at(person, org_id, day)
    return spell is not None and spell[1] in vocab.EXECUTIVE_LEVELS


def withdrawals_recorded_once(plan: AccountPlan, events: list[PlannedEvent]) -> list[PlannedEvent]:
    """The account's events with each executive withdrawal recorded once.

    ``events`` lists the planted events first, then the knock-on and slide ones.

    - Withdrawals of the same day are one withdrawal: the first keeps the date, cause and
      details, and names every executive of them (a planted champion departure that
      leaves no executive is a knock-on withdrawal; when the slide takes the account's
      other executive the same day, it was recorded a second time, naming only that one:
      seed 11, 500 accounts, 5 such).
    - A planted withdrawal whose every executive the slide had already taken out of the
      traffic before its date is dropped: from its date nothing changes in the data (seed
      11: 2 such, each a few weeks after the slide's own withdrawal of the same
      executives, which stays).
    """
    first_of_day: dict[int, PlannedEvent] = {}
    kept: list[PlannedEvent] = []
    for event in events:
        if event.kind == EXECUTIVE_WITHDRAWAL:
            ids = [p.id for p in event.persons]
            if (
                event.cause == "planted"
                and ids
                and all(plan.slide_drops.get(pid, event.day) < event.day for pid in ids)
            ):
                continue
            first = first_of_day.get(event.day)
            if first is not None:
                known = {p.id for p in first.persons}
                first.persons = first.persons + [p for p in event.persons if p.id not in known]
                first.details = {**first.details, "executives": len(first.persons)}
                continue
            event = PlannedEvent(
                event.kind,
                event.day,
                person=event.person,
                persons=list(event.persons),
                details=dict(event.details),
                cause=event.cause,
            )
            first_of_day[event.day] = event
        kept.append(event)
    return kept
