"""Events a planted event plants in another kind, as recorded in ``truth.json``.

A planted event changes the traffic in more than one way, and where the change meets the
definition of another kind, that is an event of that kind too, dated the same day:

- a planted ``executive_withdrawal`` takes every executive out of the traffic; when the
  champion is one of them, the champion has gone silent: a ``champion_departure``
  (``mode: "silent"``);
- a planted ``champion_departure`` of an executive champion who is the last executive
  present leaves no executive in the traffic from that day: an ``executive_withdrawal``
  (the slide records one on the same terms, see :mod:`stakegraph.generate.slide`).

They are read off the plan's own schedule (never off the written rows), carry
``cause = "knock_on"`` and name the planted event's kind in ``details.knock_on_of``.
The written rows do not change: only what the truth records does.
"""

from __future__ import annotations

from stakegraph.generate import vocab
from stakegraph.generate.people import Person
from stakegraph.generate.plan import (
    CHAMPION_DEPARTURE,
    EXECUTIVE_WITHDRAWAL,
    AccountPlan,
    PlannedEvent,
)
from stakegraph.generate.slide import executive_in_traffic

__all__ = ["KNOCK_ON_CAUSE", "knock_on_events"]

KNOCK_ON_CAUSE = "knock_on"


def knock_on_events(plan: AccountPlan) -> list[PlannedEvent]:
    """The events the planted events of one account plant in other kinds.

    Parameters
    ----------
    plan : AccountPlan
        The account, after `plan.plan_account`.

    Returns
    -------
    list of PlannedEvent
        With ``cause = "knock_on"``, in date order; empty when no planted event reaches
        another kind.
    """
    planted = [e for e in plan.events if e.cause == "planted"]
    kinds = {e.kind for e in planted}
    events: list[PlannedEvent] = []
    champion = plan.org.champion
    for event in planted:
        if (
            event.kind == EXECUTIVE_WITHDRAWAL
            and champion is not None
            and CHAMPION_DEPARTURE not in kinds
            and any(p is champion for p in event.persons)
        ):
            events.append(_champion_silenced(champion, event))
        if (
            event.kind == CHAMPION_DEPARTURE
            and event.person is not None
            and EXECUTIVE_WITHDRAWAL not in kinds
            and _last_executive(plan, event.person, event.day)
        ):
            events.append(_executives_gone(event.person, event))
    return sorted(events, key=lambda e: e.day)


def _champion_silenced(champion: Person, withdrawal: PlannedEvent) -> PlannedEvent:
    day = withdrawal.day
    return PlannedEvent(
        CHAMPION_DEPARTURE,
        day,
        person=champion,
        cause=KNOCK_ON_CAUSE,
        details={
            "mode": "silent",
            "cause": KNOCK_ON_CAUSE,
            "knock_on_of": EXECUTIVE_WITHDRAWAL,
            "level": champion.level_at(day - 1),
        },
    )


def _executives_gone(champion: Person, departure: PlannedEvent) -> PlannedEvent:
    return PlannedEvent(
        EXECUTIVE_WITHDRAWAL,
        departure.day,
        persons=[champion],
        cause=KNOCK_ON_CAUSE,
        details={
            "cause": KNOCK_ON_CAUSE,
            "knock_on_of": CHAMPION_DEPARTURE,
            "levels": list(vocab.EXECUTIVE_LEVELS_IN_ORDER),
            "executives": 1,
        },
    )


def _last_executive(plan: AccountPlan, champion: Person, day: int) -> bool:
    """The champion is an executive the day before ``day`` and nobody is one on it (the
    champion is out of the traffic from ``day``: cut off, or their role ended)."""
    return champion.level_at(day - 1) in vocab.EXECUTIVE_LEVELS and not executive_in_traffic(
        plan, day
    )
