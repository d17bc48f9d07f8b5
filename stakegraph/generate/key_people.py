"""Key stakeholders of a generated account, their planted departures, and the truth of them.

An account's **key stakeholders** on a day are, as the detectors define them
(docs/metrics.md, *Key stakeholders*), the people at the top of the account by
seniority-weighted engagement over the half-year before (here the activity model's
expected weight of the person times the days they were in the traffic, times the
detectors' seniority weights: the top :data:`KEY_RANKS`, the champion included) who are
still in the traffic that day, and every VP and C-level person in it.

- :func:`plant_stakeholder_departure` plants, in a share of the accounts that have a
  planted event, the departure of a key stakeholder who is **not** the champion (a role
  that ends, or a silence), some time after the account's first planted event;
- :func:`stakeholder_departure_events` records, for ``truth.json``, that planted
  departure, the natural career departures of key stakeholders (``cause =
  "career"``) and the key stakeholders the pre-churn slide takes out of the traffic
  (``cause = "pre_churn_slide"``). The champion's departures are ``champion_departure``
  events;
- :func:`departure_observability` says what the data can show of a departure of either
  kind: the person's expected appearances in the 90 days after, the evidence a complete
  silence gives in the conversations the account's rows hold (:class:`WrittenTraffic`),
  and whether it is observable (docs/generator.md, *truth.json*).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from stakegraph.generate import vocab
from stakegraph.generate.activity import (
    AccountContext,
    expected_appearances,
    expected_contact_weight,
)
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
from stakegraph.generate.slide import SLIDE_CAUSE, account_goes_on
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import STAKEHOLDER_DEPARTURE

__all__ = [
    "ENGAGEMENT_DAYS",
    "KEY_RANKS",
    "MIN_OBSERVABLE_APPEARANCES",
    "MIN_OBSERVABLE_NATS",
    "OBSERVATION_DAYS",
    "STAKEHOLDER_DEPARTURE_SHARE",
    "WrittenTraffic",
    "departure_observability",
    "executive_withdrawal_observability",
    "key_stakeholders",
    "plant_stakeholder_departure",
    "stakeholder_departure_events",
]

# The detectors' seniority weights (signals/champion.py) and their top-5 key set.
_SENIORITY = {"ic": 0.6, "manager": 0.8, "director": 1.0, "vp": 1.0, "c_level": 0.9}
KEY_RANKS = 5
# The engagement that ranks them is over the half-year before the day (the detectors'
# baseline is half a year too), sampled every week.
ENGAGEMENT_DAYS = 182
_SAMPLE_DAYS = 7
# Share of the accounts with a planted event that also lose a key stakeholder.
STAKEHOLDER_DEPARTURE_SHARE = 0.4
# Days after the first planted event within which the departure falls.
_DEPARTURE_SPREAD = 150
# The evaluation's matching window after an event (evaluate.DEFAULT_AFTER_DAYS), over
# which a departure's expected appearances are counted.
OBSERVATION_DAYS = 90
# A silence is observable when the person would have been on at least this many of the
# account's conversations in the window: with fewer, a complete silence happens by chance
# often enough (e^-5 ~ 0.7% per window under a Poisson count) that no detector can raise
# it at a false rate under 1 per 100 key-stakeholder-years.
MIN_OBSERVABLE_APPEARANCES = 5.0
# Nats of evidence a complete silence must give in the conversations the account held
# without them (``-m ln(1 - s)``, :meth:`WrittenTraffic.silence_evidence`) to be
# observable: ln(365 / 90 / 0.01) = 6.0. Below it a silence of the 90-day window happens
# by chance more than once per 100 person-years (the false-departure target)
# even counting the year's windows as four disjoint ones.
MIN_OBSERVABLE_NATS = math.log(365 / OBSERVATION_DAYS / 0.01)
# Kinds whose thread id is a calendar series' UID: each row is a session of its own.
_SESSION_KINDS = frozenset({"meeting", "call"})
# History kept after the departure (its silence must be measurable before the data ends
# or the account churns).
_DAYS_AFTER = 90


def key_stakeholders(plan: AccountPlan, day: int) -> list[Person]:
    """The key stakeholders on ``day``: of the top :data:`KEY_RANKS` by seniority-weighted
    expected traffic over the :data:`ENGAGEMENT_DAYS` before, those still in the traffic;
    then every other executive in it.

    Expected traffic is the activity model's own weight over its mix of activities
    (`activity.expected_contact_weight`: engagement times the level's affinity per kind,
    technical functions on more tickets), not engagement alone, which ranks executives
    and technical people apart from the traffic the model writes; times the weeks the
    person was in the traffic (sampled weekly). Someone who left last month still holds
    their place: before 2026-12-07 the ranking took only the people in the traffic that
    day, so in a slide the minor contacts left behind became "key" as the key people
    went, and their role ends were recorded as key departures (13 of the 17 recorded role
    ends the detector did not hold key on seed 11 were in churning accounts).
    """
    present = active_contacts(plan, day)
    weeks_in: dict[str, int] = {}
    level: dict[str, str] = {}
    people: dict[str, Person] = {}
    for sample in range(max(day - ENGAGEMENT_DAYS, 0), day, _SAMPLE_DAYS):
        for person in active_contacts(plan, sample):
            weeks_in[person.id] = weeks_in.get(person.id, 0) + 1
            level[person.id] = person.level_at(sample) or "ic"
            people[person.id] = person
    for person in present:  # a newcomer of this week counts one week
        weeks_in[person.id] = max(weeks_in.get(person.id, 0), 1)
        level[person.id] = person.level_at(day) or "ic"
        people[person.id] = person

    def engagement(person: Person) -> float:
        weight = expected_contact_weight(person, plan.id) * weeks_in[person.id]
        return weight * _SENIORITY.get(level[person.id], 0.6)

    ranked = sorted(people.values(), key=lambda p: (-engagement(p), p.id))
    still_in = {p.id for p in present}
    top = [p for p in ranked[:KEY_RANKS] if p.id in still_in]
    executives = [
        p
        for p in ranked[KEY_RANKS:]
        if p.id in still_in and p.level_at(day) in vocab.EXECUTIVE_LEVELS
    ]
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
    """Natural departures of key stakeholders (``cause = "career"``), and the key
    stakeholders the pre-churn slide takes out of the traffic (``"pre_churn_slide"``).

    Either is recorded when the person was a key stakeholder the day before and is not
    the champion (the champion's are ``champion_departure`` events), nor named by a
    planted executive withdrawal. A natural departure is a role that ends
    (``mode = "role_ended"``); the slide's is a silence that lasts until the churn
    (``mode = "silent"``: the person never appears again, their role stays open), dated
    on the day the slide drops them, recorded only while the account goes on as before
    (`slide.account_goes_on`), like a planted silent departure.
    """
    withdrawn = {p.id for e in plan.events if e.kind == EXECUTIVE_WITHDRAWAL for p in e.persons}
    leaving = [(person, day, "role_ended", "career") for person, day in plan.departures]
    leaving += [
        (person, plan.slide_drops[person.id], "silent", SLIDE_CAUSE)
        for person in plan.contacts
        if person.id in plan.slide_drops and account_goes_on(plan, plan.slide_drops[person.id])
    ]
    events: list[PlannedEvent] = []
    for person, day, mode, cause in leaving:
        if person is plan.org.champion or person.id in withdrawn:
            continue
        # Like a planted event, with history before to be judged against; a silence needs
        # history after it too, a role that ends is in roles.csv the day it ends.
        latest = (
            timeline.days - 1 if mode == "role_ended" else timeline.days - MIN_HISTORY_AFTER_EVENT
        )
        if not MIN_HISTORY_BEFORE_EVENT <= day <= latest:
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
                    "mode": mode,
                    "title": spell.title,
                    "level": person.level_at(day - 1),
                    "rank": key.index(person) + 1,
                },
                cause=cause,
            )
        )
    return events


@dataclass(frozen=True)
class WrittenTraffic:
    """An account's conversations as its rows wrote them: the day of each (sorted), and
    per person of their side the days they took part in one; from the rows
    (:meth:`of_rows`) also each conversation's kind (``kinds``, in the order of ``days``)
    and per person the conversations they took part in (``person_conversations``,
    positions in ``days``), which a group's silence needs (two executives on one meeting
    are one conversation with an executive, not two).

    Examples
    --------
    >>> traffic = WrittenTraffic(np.array([0, 1, 2, 3, 10, 11]), {"p-1": np.array([1, 3])})
    >>> traffic.silence_evidence("p-1", 4, before_days=4, after_days=10)
    (0.5, 2, 1.386)
    """

    days: np.ndarray
    person_days: dict[str, np.ndarray]
    kinds: np.ndarray | None = None
    person_conversations: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of_rows(
        cls, rows: Sequence[Sequence[str]], people: Sequence[Person], org_id: str, start: int
    ) -> WrittenTraffic:
        """From an account's interaction rows (``id``, ``kind``, ``at`` in columns 0-2,
        ``from``, ``to``, ``cc`` in 3-5, ``;``-separated, ``thread_id`` in 7), its
        contacts ``people`` (written as their id or their address at ``org_id``) and the
        timeline's first day (``start``, a proleptic ordinal). A conversation is a thread
        (dated and kinded by its first row) or a row outside any: the replies of a thread
        are not fresh chances to be on it; someone on any of its rows took part. A
        meeting's or call's ``thread_id`` is its calendar series' UID (docs/sources.md),
        not a thread: each session is a conversation of its own (before 2026-12-07 a
        standing series counted once, on the day of its first session)."""
        label = {p.id: p.id for p in people} | {
            p.emails[org_id]: p.id for p in people if org_id in p.emails
        }
        first_day: dict[str, int] = {}
        kind_of: dict[str, str] = {}
        taking_part: dict[str, set[str]] = {}
        for row in rows:
            key = row[0] if row[1] in _SESSION_KINDS else row[7] or row[0]
            day = datetime.fromisoformat(row[2]).toordinal() - start
            if key not in first_day or day < first_day[key]:
                first_day[key] = day
                kind_of[key] = row[1]
            taking_part.setdefault(key, set()).update(
                label[x] for col in row[3:6] for x in col.split(";") if x in label
            )
        keys = list(first_day)
        conversation_days = np.fromiter(first_day.values(), dtype=np.int64, count=len(keys))
        order = np.argsort(conversation_days, kind="stable")
        position = {keys[i]: n for n, i in enumerate(order)}
        days = conversation_days[order]
        person_conversations: dict[str, list[int]] = {}
        for key, people_on in taking_part.items():
            for person_id in people_on:
                person_conversations.setdefault(person_id, []).append(position[key])
        on = {p: np.sort(np.asarray(c, dtype=np.int64)) for p, c in person_conversations.items()}
        return cls(
            days,
            {p: days[c] for p, c in on.items()},
            np.array([kind_of[keys[i]] for i in order], dtype=object),
            on,
        )

    def silence_evidence(
        self,
        person_id: str,
        day: int,
        *,
        before_days: int = ENGAGEMENT_DAYS,
        after_days: int = OBSERVATION_DAYS,
    ) -> tuple[float, int, float]:
        """The person's share ``s`` of the account's conversations in the ``before_days``
        before ``day``, the account's conversations ``m`` in the ``after_days`` from it,
        and the nats a complete silence over them gives, ``-m ln(1 - s)`` (``-ln`` of the
        chance of missing all ``m`` at the old share), rounded to 3 places."""
        own = self.person_days.get(person_id, np.empty(0, dtype=np.int64))
        lo, at, hi = np.searchsorted(self.days, [day - before_days, day, day + after_days])
        mine = int(np.searchsorted(own, day) - np.searchsorted(own, day - before_days))
        share = min(mine / float(at - lo), 1.0) if at > lo else 0.0
        after = int(hi - at)
        # On every conversation before: each one without them is near-certain evidence
        # (capped as the detectors' silence test caps the share).
        nats = -after * math.log1p(-min(share, 1.0 - 1e-9))
        return share, after, round(nats, 3)

    def group_silence_evidence(
        self,
        person_ids: Sequence[str],
        day: int,
        *,
        before_days: int = ENGAGEMENT_DAYS,
        after_days: int = OBSERVATION_DAYS,
    ) -> tuple[float, int, float]:
        """:meth:`silence_evidence` of "any of ``person_ids``", kind by kind: per kind of
        conversation ``k``, the group's share ``s_k`` of the account's conversations of
        that kind in the ``before_days`` before ``day`` and the account's conversations
        ``m_k`` of it in the ``after_days`` from it; the nats of a complete silence are
        ``-sum_k m_k ln(1 - s_k)``, as the executives' silence test judges them per kind
        (executives are on most meetings and few tickets). Returns the pooled share, the
        conversations after and the nats (3 places). Needs :meth:`of_rows`'s fields.

        Examples
        --------
        Executives on one of the two meetings before day 4 (both on it) and on neither
        ticket; two meetings and two tickets after: ``2 ln 2`` nats from the meetings, none
        from the tickets (pooled, ``-4 ln(1 - 1/4)`` would give 1.151):

        >>> traffic = WrittenTraffic(
        ...     np.array([0, 1, 2, 3, 5, 6, 7, 8]),
        ...     {},
        ...     np.array(["meeting", "ticket", "meeting", "ticket"] * 2, dtype=object),
        ...     {"vp": np.array([0]), "ceo": np.array([0])},
        ... )
        >>> traffic.group_silence_evidence(["vp", "ceo"], 4, before_days=4, after_days=10)
        (0.25, 4, 1.386)
        """
        assert self.kinds is not None
        on = [self.person_conversations.get(p, np.empty(0, dtype=np.int64)) for p in person_ids]
        theirs = np.zeros(len(self.days), dtype=bool)
        for positions in on:
            theirs[positions] = True
        lo, at, hi = np.searchsorted(self.days, [day - before_days, day, day + after_days])
        before, after = slice(lo, at), slice(at, hi)
        nats = 0.0
        for kind in np.unique(self.kinds[before]):
            of_kind = self.kinds[before] == kind
            share = float(theirs[before][of_kind].mean())
            later = int(np.count_nonzero(self.kinds[after] == kind))
            nats -= later * math.log1p(-min(share, 1.0 - 1e-9))
        share = float(theirs[before].mean()) if at > lo else 0.0
        return share, int(hi - at), round(nats, 3)


def executive_withdrawal_observability(
    event: PlannedEvent, written: WrittenTraffic
) -> dict[str, object]:
    """What the data can show of an ``executive_withdrawal``: the executives' share of the
    account's conversations in the :data:`ENGAGEMENT_DAYS` before it (any of them on the
    conversation), the account's conversations in the :data:`OBSERVATION_DAYS` after, the
    nats a complete silence of all of them gives there, kind by kind
    (:meth:`WrittenTraffic.group_silence_evidence`), and whether it is observable: at
    least :data:`MIN_OBSERVABLE_NATS`, the departures' rule (with less, a complete silence
    of the executives over the window happens by chance more than once per 100
    account-years). Every executive of a planted withdrawal is out of the traffic from its
    date, so the rows after it hold none of them: the nats are what a detector with the
    executives' own shares per kind could at most read there.
    """
    share, after, nats = written.group_silence_evidence([p.id for p in event.persons], event.day)
    return {
        "share_before": round(share, 4),
        "conversations_after": after,
        "evidence_nats": nats,
        "observable": nats >= MIN_OBSERVABLE_NATS,
    }


def departure_observability(
    plan: AccountPlan,
    context: AccountContext,
    event: PlannedEvent,
    written: WrittenTraffic | None = None,
) -> dict[str, object]:
    """What the data can show of a departure: the person's expected appearances in the
    :data:`OBSERVATION_DAYS` after it had they stayed (`activity.expected_appearances`),
    the evidence a complete silence gives in the account's ``written`` conversations
    (their share before, the conversations after, the nats:
    :meth:`WrittenTraffic.silence_evidence`), and whether it is observable: a role that
    ends (the roles file says so), or a silence of at least :data:`MIN_OBSERVABLE_NATS`
    nats in the written conversations (without them, of at least
    :data:`MIN_OBSERVABLE_APPEARANCES` expected appearances).

    The expected appearances are the model's counterfactual: had they stayed, the
    conversations the account's remaining people no longer hold would have gone through
    them. The data holds only the conversations that happened without them, and a
    detector can tell their absence only from those at their old share: in a slide or
    a contraction the two differ tenfold (seed 12, org-0364: 22.8 expected appearances,
    9 conversations after at a share of 0.18, 1.8 nats).
    """
    assert event.person is not None
    expected = expected_appearances(plan, context, event.person, event.day, OBSERVATION_DAYS)
    role_ended = event.details.get("mode") == "role_ended"
    if written is None:
        return {
            "expected_appearances": round(expected, 1),
            "observable": role_ended or expected >= MIN_OBSERVABLE_APPEARANCES,
        }
    share, after, nats = written.silence_evidence(event.person.id, event.day)
    return {
        "expected_appearances": round(expected, 1),
        "share_before": round(share, 4),
        "conversations_after": after,
        "evidence_nats": nats,
        "observable": role_ended or nats >= MIN_OBSERVABLE_NATS,
    }
