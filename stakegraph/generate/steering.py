"""The executives' rhythm: steering committees, held on a cadence by account size.

Executives of a customer rarely write; they meet. Besides the quarterly business reviews
(`plan.business_reviews`), an account's executives sit on a standing meeting with ours:
a steering committee every four weeks in enterprise accounts, every six in mid-market
ones, and an executive sponsor call every eight weeks in SMB accounts. Every executive
present is invited and attends 85% of the time; the working level's lead (the champion,
or the most engaged contact below the executives when the champion is one) 90%, and
sometimes a director. The meeting is held whoever of theirs is left: when the executives
withdraw (a planted ``executive_withdrawal`` cuts them off), the working level still
meets, so the executives' absence is visible against a meeting that goes on. Once a
bottleneck runs everything through one contact, that contact alone attends. Like the
business reviews, they thin out with the pre-churn slide's volume (`plan.meeting_held_share`:
35% held at its floor), and none is held after a churn.

Drawn from its own random stream: adding the rhythm shifts no other draw of a seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stakegraph.generate import vocab
from stakegraph.generate.plan import AccountPlan, active_contacts, meeting_held_share
from stakegraph.generate.timeline import Timeline

__all__ = ["STEERING_EVERY_DAYS", "SteeringMeeting", "plan_steering_committees"]

# Days between two meetings by segment, and the jitter either side.
STEERING_EVERY_DAYS = {"enterprise": 28, "mid_market": 42, "smb": 56}
_JITTER_DAYS = {"enterprise": 3, "mid_market": 5, "smb": 7}
_EXECUTIVE_ATTENDS = 0.85
_LEAD_ATTENDS = 0.9
_DIRECTOR_JOINS = 0.4


@dataclass(frozen=True)
class SteeringMeeting:
    """One steering committee (an SMB account's: a call) and who of theirs attends."""

    day: int
    kind: str  # "meeting" or "call"
    attendee_ids: tuple[str, ...]


def plan_steering_committees(
    plan: AccountPlan, timeline: Timeline, rng: np.random.Generator
) -> list[SteeringMeeting]:
    """The account's steering committees over the timeline, with their attendees.

    Parameters
    ----------
    plan : AccountPlan
        The account, fully planned (events, careers and the slide set its cutoffs).
    timeline : Timeline
        The portfolio's calendar.
    rng : numpy.random.Generator
        The account's own steering stream.

    Returns
    -------
    list of SteeringMeeting
        In date order, on weekdays; a meeting nobody of theirs attends is not held.
    """
    segment = plan.org.segment
    every, jitter = STEERING_EVERY_DAYS[segment], _JITTER_DAYS[segment]
    kind = "call" if segment == "smb" else "meeting"
    stop = timeline.days if plan.churn_day is None else plan.churn_day
    decline = stop if plan.churn_decline_start is None else plan.churn_decline_start
    meetings: list[SteeringMeeting] = []
    day = int(rng.integers(0, every))
    while day < stop:
        weekday = (timeline.start.weekday() + day) % 7
        held = day + (7 - weekday if weekday >= 5 else 0)
        kept = rng.random() < meeting_held_share(plan, held)
        if held < stop and (held < decline or kept):
            attendees = _attendees(plan, held, rng)
            if attendees:
                meetings.append(SteeringMeeting(held, kind, attendees))
        day += every + int(rng.integers(-jitter, jitter + 1))
    return meetings


def _attendees(plan: AccountPlan, day: int, rng: np.random.Generator) -> tuple[str, ...]:
    present = [
        p for p in active_contacts(plan, day) if p.dormant_from is None or day < p.dormant_from
    ]
    if plan.bottleneck is not None and day >= plan.bottleneck[1]:
        # Everything with their side now goes through one contact, this meeting too.
        only = plan.bottleneck[0]
        return (only.id,) if only in present else ()
    executives = [p for p in present if p.level_at(day) in vocab.EXECUTIVE_LEVELS]
    attending = [p for p in executives if rng.random() < _EXECUTIVE_ATTENDS]
    # The working level's lead: the champion, or (when the champion is an executive or
    # gone) the most engaged contact below the executives, who runs the programme.
    working = [p for p in present if p not in executives]
    champion = plan.org.champion
    lead = (
        champion if champion in working else max(working, key=lambda p: p.engagement, default=None)
    )
    if lead is not None and rng.random() < _LEAD_ATTENDS:
        attending.append(lead)
    directors = [p for p in working if p.level_at(day) == "director" and p is not lead]
    if directors and rng.random() < _DIRECTOR_JOINS:
        attending.append(directors[int(rng.integers(len(directors)))])
    return tuple(p.id for p in attending)
