"""Turn an account plan into interaction rows.

Volume is a daily rate per activity type (seasonality x slow drift x planted events x
pre-churn decline x incident bursts), drawn as Poisson counts. Participants are drawn
per activity with the Gumbel-top-k trick over each person's engagement, masked by who is
present, on vacation, or gone on that day. Email threads get replies whose latency
follows each replier's own lognormal rhythm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from stakegraph.dates import DAY
from stakegraph.generate import vocab
from stakegraph.generate.people import Person
from stakegraph.generate.plan import AccountPlan, active_contacts
from stakegraph.generate.steering import SteeringMeeting
from stakegraph.generate.timeline import Timeline
from stakegraph.generate.volume import ACTIVITY_SHARES, daily_multipliers

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_LEVEL_AFFINITY = {
    "thread": {"ic": 1.0, "manager": 1.0, "director": 1.0, "vp": 0.8, "c_level": 0.6},
    "meeting": {"ic": 0.8, "manager": 1.1, "director": 1.3, "vp": 1.4, "c_level": 1.2},
    "exec_meeting": {"ic": 0.1, "manager": 0.4, "director": 1.0, "vp": 6.0, "c_level": 8.0},
    "call": {"ic": 1.0, "manager": 1.0, "director": 1.0, "vp": 0.8, "c_level": 0.5},
    "ticket": {"ic": 1.5, "manager": 1.0, "director": 0.4, "vp": 0.05, "c_level": 0.02},
    "note": {"ic": 1.0, "manager": 1.0, "director": 1.0, "vp": 1.0, "c_level": 0.8},
    "customer_internal": {"ic": 1.0, "manager": 1.0, "director": 1.0, "vp": 1.0, "c_level": 1.0},
}
_LEVEL_AFFINITY["business_review"] = _LEVEL_AFFINITY["exec_meeting"]
_TECHNICAL_FUNCTIONS = frozenset({"it", "engineering", "support"})
_TEAM_AFFINITY = {
    "thread": {"am": 1.0, "se": 0.3, "support": 0.12, "cs_director": 0.05, "executive": 0.04},
    "meeting": {"am": 1.0, "se": 0.8, "support": 0.15, "cs_director": 0.15, "executive": 0.1},
    "exec_meeting": {"am": 1.0, "se": 0.2, "support": 0.01, "cs_director": 0.6, "executive": 5.0},
    "call": {"am": 1.0, "se": 0.5, "support": 0.4, "cs_director": 0.05, "executive": 0.03},
    "ticket": {"am": 0.02, "se": 0.1, "support": 1.0, "cs_director": 0.01, "executive": 0.001},
    "note": {"am": 1.0, "se": 0.25, "support": 0.1, "cs_director": 0.05, "executive": 0.02},
    "home_internal": {"am": 1.0, "se": 0.6, "support": 0.3, "cs_director": 0.6, "executive": 0.4},
    "self_mail": {"am": 1.0, "se": 0.3, "support": 0.2, "cs_director": 0.1, "executive": 0.05},
    "customer_internal": {"am": 1.0, "se": 1.0, "support": 1.0, "cs_director": 1.0, "executive": 1},
}
_TEAM_AFFINITY["business_review"] = _TEAM_AFFINITY["exec_meeting"]
_MEETING_KINDS = frozenset({"meeting", "exec_meeting", "business_review"})


def contact_weight(person: Person, org_id: str, kind: str) -> float:
    """A contact's weight in the draw of an activity's participants of ``kind``: their
    engagement times their level's affinity (from their first role at the account),
    tickets three times likelier for technical functions."""
    spell = next(s for s in person.spells if s.organization_id == org_id)
    weight = person.engagement * _LEVEL_AFFINITY[kind][spell.level]
    if kind == "ticket" and spell.function in _TECHNICAL_FUNCTIONS:
        weight *= 3.0
    return weight


def expected_contact_weight(person: Person, org_id: str) -> float:
    """A contact's weight over the account's mix of activities (`ACTIVITY_SHARES`): how
    much of their side's traffic the activity model gives them, before the draw."""
    return sum(
        share * contact_weight(person, org_id, kind)
        for kind, share in ACTIVITY_SHARES.items()
        if kind in _LEVEL_AFFINITY
    )


# Mean contacts an activity of each kind asks for (`_AccountBuilder._contacts_wanted`).
_MEETING_CONTACTS = {"enterprise": 4.0, "mid_market": 2.5, "smb": 2.0}
_CONTACTS_WANTED = {
    "thread": 1.6,
    "customer_internal": 2.5,
    "call": 1.2,
    "ticket": 1.2,
    "note": 0.6,
}


def expected_appearances(
    plan: AccountPlan, context: AccountContext, person: Person, day: int, days: int
) -> float:
    """How many of the account's activities in ``[day, day + days)`` the activity model
    would give ``person`` had they stayed: the account's expected activities per kind and
    day (the rates the rows are drawn from, and its scheduled business reviews) times the
    person's chance of being among an activity's contacts, taken as
    ``min(1, k * w / W)`` (``k`` the mean contacts the kind asks for, ``w`` the person's
    weight for the kind, ``W`` the summed weights of the contacts present that day, the
    person included). The top-k draw without replacement is close to that when ``k * w``
    is small against ``W``, and never above 1. Vacations are left out (a few percent).

    What a silence can show: a person the model would give two conversations in the
    window cannot be told apart from chance by any detector.
    """
    timeline = context.timeline
    end = min(day + days, timeline.days)
    if end <= day:
        return 0.0
    rates = daily_multipliers(plan, timeline, context.season)
    scale = context.rate_scale * plan.volume_weight
    expected = {
        kind: rates[kind][day:end] * scale for kind in ACTIVITY_SHARES if kind in _LEVEL_AFFINITY
    }
    reviews = np.bincount(np.asarray(plan.business_reviews, dtype=np.int64), minlength=end)
    expected["business_review"] = reviews[day:end].astype(float)
    # Who the draw ranks the person against, day by day (the people the rows would have).
    others = [
        [p for p in active_contacts(plan, d) if p is not person and (p.dormant_from or end) > d]
        for d in range(day, end)
    ]
    total = 0.0
    for kind, activities in expected.items():
        wanted = (
            _MEETING_CONTACTS[plan.org.segment]
            if kind in _MEETING_KINDS
            else _CONTACTS_WANTED[kind]
        )
        weights = {p.id: contact_weight(p, plan.id, kind) for people in others for p in people}
        weight = contact_weight(person, plan.id, kind)
        present = np.array([weight + sum(weights[p.id] for p in people) for people in others])
        total += float(np.dot(activities, np.minimum(1.0, wanted * weight / present)))
    return total


# Below this log-weight a person is out of the account's traffic (cannot even reply).
_SUPPRESSED_LOG_WEIGHT = -5.0
_HOME_AWAY_LOG_WEIGHT = math.log(0.01)
_MAX_REPLY_SECONDS = 30 * DAY
_LOCAL_OFFSET_SHARE = 0.06
_DUPLICATE_SHARE = 0.0015
_EMAIL_ADDRESS_SHARE = 0.12

# A record: (at, kind, from, to, cc, subject, thread_id, parent record index or -1);
# participants are contact indices, or n_contacts + team index for our people.
Record = tuple[int, str, int, list[int], list[int], str, str, int]


@dataclass(frozen=True)
class AccountContext:
    """What generating one account's rows needs besides its plan."""

    timeline: Timeline
    season: FloatArray
    rate_scale: float
    home_away: npt.NDArray[np.bool_]  # (home people, days): on vacation
    home_index: dict[str, int]
    id_width: int


def account_rows(
    plan: AccountPlan,
    context: AccountContext,
    rng: np.random.Generator,
    steering: Sequence[SteeringMeeting] = (),
    event_tickets: dict[str, IntArray] | None = None,
) -> list[list[str]]:
    """All interaction rows of one account, in time order (duplicates included).

    Parameters
    ----------
    plan : AccountPlan
        The account.
    context : AccountContext
        Calendar, volume scale, our people's vacations.
    rng : numpy.random.Generator
        The account's own random stream.
    steering : sequence of SteeringMeeting
        The account's steering committees (`steering.plan_steering_committees`).
    event_tickets : dict, optional
        Tickets a planted ticket event files, per event kind: how many each day. They
        are filed by whoever is there that day, with the event kind as a placeholder
        subject that :func:`.tickets.with_ticket_fields` writes from its category.

    Returns
    -------
    list of list of str
        Rows in the column order of ``GENERATED_INTERACTION_COLUMNS`` up to ``account_id``
        (``bulk``: the caller adds it).
    """
    builder = _AccountBuilder(plan, context, rng)
    rates = daily_multipliers(plan, context.timeline, context.season)
    scale = context.rate_scale * plan.volume_weight
    for kind in ACTIVITY_SHARES:
        builder.add_activities(kind, rng.poisson(rates[kind] * scale))
    reviews = np.bincount(
        np.asarray(plan.business_reviews, dtype=np.int64), minlength=context.timeline.days
    )
    builder.add_activities("business_review", reviews)
    builder.add_steering_committees(steering)
    for kind, counts in (event_tickets or {}).items():
        builder.ticket_issue = kind
        builder.add_activities("ticket", counts)
    builder.ticket_issue = None
    builder.add_churn_tail()
    return builder.rows()


class _AccountBuilder:
    """Collects one account's records, then sorts them and writes them as rows."""

    def __init__(self, plan: AccountPlan, context: AccountContext, rng: np.random.Generator):
        self.plan = plan
        self.context = context
        self.rng = rng
        self.days = context.timeline.days
        self.stop_day = plan.churn_day if plan.churn_day is not None else self.days
        self.offset_seconds = plan.org.utc_offset_minutes * 60
        self.contacts = plan.contacts
        self.team = plan.team.members
        self.n_contacts = len(self.contacts)
        self.contact_presence = self._contact_presence()
        self.home_presence = self._home_presence()
        self.contact_latency = [
            (p.latency_median_hours * 3_600.0, p.latency_sigma) for p in self.contacts
        ]
        self.home_latency = [(p.latency_median_hours * 3_600.0, p.latency_sigma) for p in self.team]
        inflation = plan.latency_inflation
        self.inflation_from = inflation[0] * DAY if inflation else None
        self.inflation_factor = inflation[1] if inflation else 1.0
        self.bottleneck = (
            (self.contacts.index(plan.bottleneck[0]), plan.bottleneck[1])
            if plan.bottleneck is not None
            else None
        )
        self.records: list[Record] = []
        self.thread_count = 0
        self.ticket_count = 0
        self.ticket_issue: str | None = None

    # -- who can take part, when -------------------------------------------------------

    def _contact_presence(self) -> FloatArray:
        """(days, contacts) log-weight mask: 0 present, -inf absent, low if sidelined."""
        plan, rng, days = self.plan, self.rng, self.days
        mask = np.full((days, self.n_contacts), -np.inf)
        for j, person in enumerate(self.contacts):
            for spell in person.spells:
                if spell.organization_id == plan.id:
                    lo = max(0, spell.start)
                    hi = days if spell.end is None else min(days, spell.end)
                    mask[lo:hi, j] = 0.0
            gone = min(plan.cutoffs.get(person.id, days), person.dormant_from or days)
            mask[max(0, gone) :, j] = -np.inf
            for _ in range(rng.poisson(days / 365 * 2.0)):
                start = int(rng.integers(0, days))
                mask[start : start + int(rng.integers(4, 15)), j] = -np.inf
        if plan.bottleneck is not None:
            person, day = plan.bottleneck
            # The single remaining contact is always there: no vacations in the record.
            mask[day:, self.contacts.index(person)] = 0.0
        return mask

    def _home_presence(self) -> FloatArray:
        away = self.context.home_away[[self.context.home_index[p.id] for p in self.team]].T
        return np.where(away, _HOME_AWAY_LOG_WEIGHT, 0.0)

    def _contact_log_weights(self, kind: str) -> FloatArray:
        weights = [contact_weight(person, self.plan.id, kind) for person in self.contacts]
        return np.log(np.asarray(weights))

    def _team_log_weights(self, kind: str) -> FloatArray:
        affinity = _TEAM_AFFINITY[kind]
        weights = [affinity[part] for part in self.plan.team.parts]
        weights[0] *= 1.5  # the owner carries the relationship
        return np.log(np.asarray(weights))

    def _draw_ranked(
        self, log_base: FloatArray, presence: FloatArray, days: IntArray
    ) -> tuple[list[list[int]], list[int]]:
        """Gumbel-top-k: per activity, people ranked by a weighted draw without replacement."""
        log_weights = log_base[None, :] + presence[days]
        keys = log_weights + self.rng.gumbel(size=log_weights.shape)
        ranked = np.argsort(-keys, axis=1, kind="stable")
        available = (presence[days] > _SUPPRESSED_LOG_WEIGHT).sum(axis=1)
        return ranked.tolist(), available.tolist()

    # -- activities --------------------------------------------------------------------

    def add_activities(self, kind: str, counts: IntArray) -> None:
        days = np.repeat(np.arange(self.days), counts)
        n = len(days)
        if n == 0:
            return
        rng = self.rng
        if kind in _MEETING_KINDS or kind == "call":
            local = rng.integers(16, 36, n) * 1_800
        else:
            local = rng.integers(8 * 3_600, 18 * 3_600 + 1_800, n)
        at = (days * DAY + local - self.offset_seconds).tolist()
        home_ranked, _ = self._draw_ranked(self._team_log_weights(kind), self.home_presence, days)
        if kind in ("home_internal", "self_mail"):
            contact_ranked: list[list[int]] = [[] for _ in range(n)]
            contact_available = [0] * n
        else:
            contact_ranked, contact_available = self._draw_ranked(
                self._contact_log_weights(kind), self.contact_presence, days
            )
        wanted = self._contacts_wanted(kind, days)
        extra = rng.random((n, 4)).tolist()
        subjects = rng.integers(0, 1_000, n).tolist()
        make = getattr(self, f"_{kind}")
        day_list = days.tolist()
        for i in range(n):
            k = min(wanted[i], contact_available[i])
            if k == 0 and kind not in ("home_internal", "self_mail", "note"):
                continue
            contacts = self._lead_contact_first(contact_ranked[i], day_list[i])[:k]
            make(at[i], day_list[i], contacts, home_ranked[i], extra[i], subjects[i])

    def add_steering_committees(self, meetings: Sequence[SteeringMeeting]) -> None:
        """Steering committees with their planned attendees, less those away that day;
        we bring the owner and, when the team has one, our executive sponsor."""
        index = {person.id: j for j, person in enumerate(self.contacts)}
        parts = self.plan.team.parts
        ours = [0, parts.index("executive")] if "executive" in parts else [0]
        for meeting in meetings:
            if meeting.day >= self.stop_day:
                continue
            contacts = [
                index[i]
                for i in meeting.attendee_ids
                if self.contact_presence[meeting.day, index[i]] > _SUPPRESSED_LOG_WEIGHT
            ]
            if not contacts:
                continue
            # Mid-morning local time, on the hour or the half hour.
            local = 9 * 3_600 + 1_800 * (meeting.day % 6)
            at = meeting.day * DAY + local - self.offset_seconds
            subject = (
                "Executive steering committee"
                if meeting.kind == "meeting"
                else "Executive sponsor call"
            )
            self._gathering(
                meeting.kind, at, subject, contacts, ours, [0.0, 0.0, 1.0], self._series("steering")
            )

    def _lead_contact_first(self, ranked: list[int], day: int) -> list[int]:
        """Once traffic runs through one contact, every activity goes through them."""
        if self.bottleneck is None or day < self.bottleneck[1] or not ranked:
            return ranked
        lead = self.bottleneck[0]
        return [lead, *(j for j in ranked if j != lead)]

    def _contacts_wanted(self, kind: str, days: IntArray) -> list[int]:
        rng, n = self.rng, len(days)
        segment = self.plan.org.segment
        if kind in _MEETING_KINDS:
            low, high = {"enterprise": (2, 7), "mid_market": (1, 5), "smb": (1, 4)}[segment]
            wanted = rng.integers(low, high, n)
        elif kind == "thread":
            wanted = 1 + rng.binomial(2, 0.3, n)
        elif kind == "customer_internal":
            wanted = rng.integers(2, 4, n)
        elif kind in ("call", "ticket"):
            wanted = 1 + (rng.random(n) < 0.2)
        elif kind == "note":
            wanted = (rng.random(n) < 0.6).astype(np.int64)
        else:
            wanted = np.zeros(n, dtype=np.int64)
        if self.plan.bottleneck is not None:
            # Everything goes through one contact; a meeting may still bring a colleague.
            after = days >= self.plan.bottleneck[1]
            cap = 2 if kind in _MEETING_KINDS else 1
            extra = (rng.random(n) < 0.05).astype(np.int64) * (cap - 1)
            wanted = np.where(after, np.minimum(wanted, 1 + extra), wanted)
        return [int(w) for w in wanted]

    def _home(self, j: int) -> int:
        return self.n_contacts + j

    def _thread(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        subject = vocab.EMAIL_SUBJECTS[s % len(vocab.EMAIL_SUBJECTS)]
        ours = [self._home(home[0])]
        if u[1] < 0.25:
            ours.append(self._home(home[1]))
        if u[0] < 0.55:  # outbound
            sender, to, cc = ours[0], contacts[:1] + contacts[2:], contacts[1:2] + ours[1:]
        else:
            sender, to, cc = contacts[0], ours[:1], contacts[1:] + ours[1:]
        self._email_thread(at, subject, sender, to, cc, first_reply=0.8, next_reply=0.5)

    def _customer_internal(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        if len(contacts) < 2:
            return
        subject = vocab.INTERNAL_CUSTOMER_SUBJECTS[s % len(vocab.INTERNAL_CUSTOMER_SUBJECTS)]
        self._email_thread(
            at, subject, contacts[0], contacts[1:], [], first_reply=0.25, next_reply=0.0
        )

    def _home_internal(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        subject = vocab.INTERNAL_HOME_SUBJECTS[s % len(vocab.INTERNAL_HOME_SUBJECTS)]
        size = 2 if u[0] < 0.6 else 3
        people = [self._home(h) for h in home[:size]]
        self._email_thread(
            at,
            f"{subject}: {self.plan.org.name}",
            people[0],
            people[1:],
            [],
            first_reply=0.45,
            next_reply=0.0,
        )

    def _self_mail(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        me = self._home(home[0])
        self._append(
            at, "email", me, [me], [], f"Reminder: follow up with {self.plan.org.name}", "", -1
        )

    def _meeting(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        subject = vocab.MEETING_SUBJECTS[s % len(vocab.MEETING_SUBJECTS)]
        self._gathering("meeting", at, subject, contacts, home[: 1 + int(u[1] * 2.4)], u)

    def _exec_meeting(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        subject = vocab.EXECUTIVE_MEETING_SUBJECTS[s % len(vocab.EXECUTIVE_MEETING_SUBJECTS)]
        self._gathering("meeting", at, subject, contacts, home[: 2 + int(u[1] * 1.6)], u)

    def _business_review(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        # We organise our quarterly reviews.
        self._gathering(
            "meeting",
            at,
            "Quarterly business review",
            contacts,
            home[:3],
            [0.0, *u[1:]],
            self._series("business-review"),
        )

    def _call(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        subject = vocab.CALL_SUBJECTS[s % len(vocab.CALL_SUBJECTS)]
        self._gathering("call", at, subject, contacts, home[:1], u)

    def _series(self, name: str) -> str:
        """A standing meeting's series id, as a calendar export writes it (``ics:<UID>``,
        one UID per account and series; docs/sources.md)."""
        return f"ics:{name}-{self.plan.org.number:0{self.context.id_width}d}@stakegraph-demo"

    def _gathering(
        self,
        kind: str,
        at: int,
        subject: str,
        contacts: list[int],
        home: list[int],
        u: list[float],
        thread_id: str = "",
    ) -> None:
        ours = [self._home(h) for h in home]
        if u[0] < 0.7:
            organizer, attendees = ours[0], ours[1:] + contacts
        else:
            organizer, attendees = contacts[0], contacts[1:] + ours
        optional = attendees[-1:] if len(attendees) >= 3 and u[2] < 0.3 else []
        to = attendees[: len(attendees) - len(optional)]
        self._append(at, kind, organizer, to, optional, subject, thread_id, -1)

    def _ticket(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        self.ticket_count += 1
        issue = self.ticket_issue or vocab.TICKET_SUBJECTS[s % len(vocab.TICKET_SUBJECTS)]
        subject = f"Ticket {self.plan.org.number}-{self.ticket_count}: {issue}"
        self._append(
            at, "ticket", contacts[0], [self._home(home[0])], contacts[1:], subject, "", -1
        )

    def _note(
        self, at: int, day: int, contacts: list[int], home: list[int], u: list[float], s: int
    ) -> None:
        subject = vocab.NOTE_SUBJECTS[s % len(vocab.NOTE_SUBJECTS)]
        self._append(at, "note", self._home(home[0]), contacts[:1], [], subject, "", -1)

    def add_churn_tail(self) -> None:
        """A few last emails after a churn: a goodbye, a feedback request."""
        churn = self.plan.churn_day
        if churn is None or churn >= self.days - 1:
            return
        before = self.contact_presence[churn - 1]
        reachable = [j for j in range(self.n_contacts) if before[j] > _SUPPRESSED_LOG_WEIGHT]
        if not reachable:
            return
        contact = max(reachable, key=lambda j: self.contacts[j].engagement)
        if self.bottleneck is not None and self.bottleneck[1] < churn:
            contact = self.bottleneck[0]
        for _ in range(int(self.rng.integers(0, 3))):
            day = churn + int(self.rng.integers(1, 21))
            if day >= self.days:
                continue
            at = day * DAY + int(self.rng.integers(9 * 3_600, 17 * 3_600)) - self.offset_seconds
            subject = "Feedback on your time with Stakegraph Demo"
            self._append(at, "email", self._home(0), [contact], [], subject, "", -1)

    # -- threads and replies -----------------------------------------------------------

    def _email_thread(
        self,
        at: int,
        subject: str,
        sender: int,
        to: list[int],
        cc: list[int],
        *,
        first_reply: float,
        next_reply: float,
    ) -> None:
        self.thread_count += 1
        thread_id = f"t-{self.plan.org.number:0{self.context.id_width}d}-{self.thread_count:05d}"
        parent = self._append(at, "email", sender, to, cc, subject, thread_id, -1)
        participants = [sender, *to, *cc]
        last_sender, chance = sender, first_reply
        rng = self.rng
        while rng.random() < chance:
            chance = next_reply
            replier = self._replier(participants, last_sender)
            if replier is None:
                return
            at = at + self._reply_latency(replier, at)
            day = (at + self.offset_seconds) // DAY
            if day >= self.stop_day or not self._can_reply(replier, day):
                return
            if self._bypasses_bottleneck(participants, day):
                return
            others = [p for p in participants if p not in (replier, last_sender)]
            parent = self._append(
                at, "email", replier, [last_sender], others, f"Re: {subject}", thread_id, parent
            )
            last_sender = replier

    def _replier(self, participants: list[int], last_sender: int) -> int | None:
        """Someone from the other side answers; internal threads get an insider's answer."""
        ours = last_sender >= self.n_contacts
        everyone_same_side = all((p >= self.n_contacts) == ours for p in participants)
        if everyone_same_side:
            candidates = [p for p in participants if p != last_sender]
        else:
            candidates = [p for p in participants if (p >= self.n_contacts) != ours]
        if not candidates:
            return None
        if len(candidates) == 1 or self.rng.random() < 0.7:
            return candidates[0]
        return candidates[int(self.rng.integers(1, len(candidates)))]

    def _reply_latency(self, replier: int, parent_at: int) -> int:
        if replier >= self.n_contacts:
            median, sigma = self.home_latency[replier - self.n_contacts]
            factor = 1.0
        else:
            median, sigma = self.contact_latency[replier]
            inflated = self.inflation_from is not None and parent_at >= self.inflation_from
            factor = self.inflation_factor if inflated else 1.0
        seconds = median * factor * math.exp(sigma * float(self.rng.standard_normal()))
        return int(min(max(seconds, 120.0), _MAX_REPLY_SECONDS))

    def _bypasses_bottleneck(self, participants: list[int], day: int) -> bool:
        """A thread that involves other contacts dies once traffic runs through one."""
        if self.bottleneck is None or day < self.bottleneck[1]:
            return False
        lead = self.bottleneck[0]
        return any(p < self.n_contacts and p != lead for p in participants)

    def _can_reply(self, replier: int, day: int) -> bool:
        if replier >= self.n_contacts:
            return True
        return bool(self.contact_presence[day, replier] > _SUPPRESSED_LOG_WEIGHT)

    def _append(
        self,
        at: int,
        kind: str,
        sender: int,
        to: list[int],
        cc: list[int],
        subject: str,
        thread_id: str,
        parent: int,
    ) -> int:
        self.records.append((at, kind, sender, to, cc, subject, thread_id, parent))
        return len(self.records) - 1

    # -- output ------------------------------------------------------------------------

    def _labels(self) -> list[str]:
        """How each participant is written: usually the person id, sometimes an address."""
        labels = []
        for person in self.contacts:
            by_email = self.rng.random() < _EMAIL_ADDRESS_SHARE
            labels.append(person.emails[self.plan.id] if by_email else person.id)
        for person in self.team:
            by_email = self.rng.random() < _EMAIL_ADDRESS_SHARE / 2
            labels.append(next(iter(person.emails.values())) if by_email else person.id)
        return labels

    def rows(self) -> list[list[str]]:
        records = self.records
        order = sorted(range(len(records)), key=lambda i: (records[i][0], i))
        prefix = f"i-{self.plan.org.number:0{self.context.id_width}d}-"
        ids = [""] * len(records)
        for rank, i in enumerate(order):
            ids[i] = f"{prefix}{rank + 1:06d}"
        labels = self._labels()
        u = self.rng.random((len(records), 2)).tolist()
        offset = self.plan.org.utc_offset_minutes
        stamp = self.context.timeline.timestamp
        account = self.plan.id
        rows: list[list[str]] = []
        for i in order:
            at, kind, sender, to, cc, subject, thread_id, parent = records[i]
            row = [
                ids[i],
                kind,
                stamp(at, offset if u[i][0] < _LOCAL_OFFSET_SHARE else 0),
                labels[sender],
                ";".join(labels[p] for p in to),
                ";".join(labels[p] for p in cc),
                subject,
                thread_id,
                ids[parent] if parent >= 0 else "",
                account,
            ]
            rows.append(row)
            if u[i][1] < _DUPLICATE_SHARE:
                rows.append(row)
        return rows
