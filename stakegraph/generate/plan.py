"""Account plans: segment, renewals and outcomes, planted events, career moves.

A plan says *what happens* to an account over the history; `activity` turns it into
interactions. Everything here is decided from the account's own random stream, except
moves between accounts, which `plan_career_moves` decides for the whole portfolio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from stakegraph.generate import vocab
from stakegraph.generate.people import (
    CustomerOrg,
    HomeTeam,
    Person,
    RoleSpell,
    address_on,
    build_org_chart,
    company_name,
    new_contact,
    title_for,
)
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import (
    CHAMPION_DEPARTURE,
    ENGAGEMENT_CONTRACTION,
    EXECUTIVE_WITHDRAWAL,
    RESPONSE_LATENCY_INFLATION,
    SINGLE_NODE_BOTTLENECK,
)

# The kinds of event planted, in drawing order (it fixes _EVENT_WEIGHTS and the
# generator's determinism; reports use vocabulary.SIGNAL_KINDS).
EVENT_KINDS = (
    CHAMPION_DEPARTURE,
    SINGLE_NODE_BOTTLENECK,
    EXECUTIVE_WITHDRAWAL,
    RESPONSE_LATENCY_INFLATION,
    ENGAGEMENT_CONTRACTION,
)
_EVENT_WEIGHTS = (0.2, 0.16, 0.16, 0.4, 0.4)
# Rate-based events need traffic to be seen: only accounts with enough volume get them.
_VOLUME_HUNGRY_EVENTS = frozenset({RESPONSE_LATENCY_INFLATION, ENGAGEMENT_CONTRACTION})
_MIN_VOLUME_FOR_RATE_EVENTS = 1.1
# Second events that tell a coherent story with the first; person-level events come first.
_COMPATIBLE_SECOND = {
    CHAMPION_DEPARTURE: (SINGLE_NODE_BOTTLENECK, EXECUTIVE_WITHDRAWAL, ENGAGEMENT_CONTRACTION),
    SINGLE_NODE_BOTTLENECK: (CHAMPION_DEPARTURE,),
    EXECUTIVE_WITHDRAWAL: (
        CHAMPION_DEPARTURE,
        RESPONSE_LATENCY_INFLATION,
        ENGAGEMENT_CONTRACTION,
    ),
    # Losing the champion would change whose replies are timed, not how fast people reply.
    RESPONSE_LATENCY_INFLATION: (EXECUTIVE_WITHDRAWAL,),
    ENGAGEMENT_CONTRACTION: (CHAMPION_DEPARTURE, EXECUTIVE_WITHDRAWAL),
}
_SECOND_EVENT_PROBABILITY = 0.35

# History needed around an event (days): before it, and after it.
MIN_HISTORY_BEFORE_EVENT = 190
MIN_HISTORY_AFTER_EVENT = 75
_RATE_EVENT_HISTORY_AFTER = 150

SEGMENT_SHARES = {"enterprise": 0.2, "mid_market": 0.35, "smb": 0.45}
SEGMENT_ARR = {
    "enterprise": (250_000, 2_000_000),
    "mid_market": (50_000, 250_000),
    "smb": (8_000, 50_000),
}
_SEGMENT_VOLUME = {"enterprise": 2.1, "mid_market": 1.0, "smb": 0.5}

_HEALTHY_OUTCOMES = (("renewed", 0.6), ("expanded", 0.29), ("downgraded", 0.07), ("churned", 0.04))
_SAFE_OUTCOMES = (("renewed", 0.62), ("expanded", 0.3), ("downgraded", 0.08))
_AT_RISK_OUTCOMES = (("churned", 0.55), ("downgraded", 0.22), ("renewed", 0.18), ("expanded", 0.05))

# Share of an account's contacts who drift away before a churn, and when.
CHURN_CONTACT_DROP_SHARE = 0.65
CHURN_CONTACT_DROP_WINDOW = (260, 150)  # days before the churn renewal
CHURN_DECLINE_DAYS = 240  # the slide in volume starts this long before a churn at most
# The slide reaches its floor in this many days (or halfway to the churn if sooner).
_CHURN_DECLINE_RAMP_DAYS = 120
# Share of the standing meetings (reviews, steering committees) held at the slide's floor.
MEETINGS_KEPT_AT_SLIDE_FLOOR = 0.35

_NATURAL_DEPARTURE_PROBABILITY = 0.12
_MOVE_TO_OTHER_ACCOUNT_PROBABILITY = 0.3
_REPLACEMENT_PROBABILITY = 0.6
_PROMOTION_PROBABILITY = 0.08


@dataclass
class PlannedEvent:
    """A planted, dated event (one row of ``truth.json``'s ``events``)."""

    kind: str
    day: int
    person: Person | None = None
    persons: list[Person] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)
    # Why it is in the data: "planted" (an event of its own) or "pre_churn_slide".
    cause: str = "planted"


@dataclass
class Renewal:
    """A renewal within the history."""

    day: int
    outcome: str


@dataclass
class AccountTeam:
    """Our people on one account, each with the part they play."""

    owner: Person
    members: list[Person]
    parts: list[str]  # am, se, support, cs_director, executive


@dataclass
class AccountPlan:
    """Everything that happens to one account over the history."""

    org: CustomerOrg
    team: AccountTeam
    arr: float
    renewals: list[Renewal]
    next_renewal: date
    volume_weight: float
    wander: npt.NDArray[np.float64]
    incident_days: list[int]
    healthy: bool = True
    events: list[PlannedEvent] = field(default_factory=list)
    churn_day: int | None = None
    # Everyone who works here at some point of the history, movers in included.
    contacts: list[Person] = field(default_factory=list)
    # Person id -> first day from which they no longer take part in this account's traffic.
    cutoffs: dict[str, int] = field(default_factory=dict)
    departures: list[tuple[Person, int]] = field(default_factory=list)
    bottleneck: tuple[Person, int] | None = None
    latency_inflation: tuple[int, float] | None = None
    # (day, factor): overall volume multiplied by factor from that day on.
    volume_steps: list[tuple[int, float]] = field(default_factory=list)
    champion_new_role: bool = False
    # First day of the slide in engagement that precedes a churn.
    churn_decline_start: int | None = None
    # Person id -> day from which the pre-churn slide keeps them out of the traffic (only
    # where the slide, not an earlier cutoff, is what removes them).
    slide_drops: dict[str, int] = field(default_factory=dict)
    # The slide's reference day (its start, or its first drop if earlier) and the ids of
    # the contacts active that day, before the slide removed anyone.
    slide_reference_day: int | None = None
    slide_contacts_before: list[str] = field(default_factory=list)
    # Quarterly business reviews: the meetings where their executives meet ours.
    business_reviews: list[int] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The account's organization id."""
        return self.org.id


def plan_account(
    number: int,
    *,
    id_width: int,
    segment: str,
    with_events: bool,
    timeline: Timeline,
    home: HomeTeam,
    taken_names: set[str],
    rng: np.random.Generator,
) -> AccountPlan:
    """Plan one account: org chart, team, renewals, events, outcomes and careers."""
    name, domain = company_name(rng, taken_names)
    offset_hours = vocab.ACCOUNT_UTC_OFFSETS[int(rng.integers(len(vocab.ACCOUNT_UTC_OFFSETS)))]
    org = CustomerOrg(
        number=number,
        id=f"org-{number:0{id_width}d}",
        name=name,
        domain=domain,
        utc_offset_minutes=int(offset_hours * 60),
        segment=segment,
    )
    build_org_chart(org, rng)
    low, high = SEGMENT_ARR[segment]
    arr = float(np.exp(rng.uniform(math.log(low), math.log(high))))
    renewal_days, next_renewal = _renewal_calendar(timeline, rng)
    plan = AccountPlan(
        org=org,
        team=_account_team(segment, home, rng),
        arr=arr,
        renewals=[],
        next_renewal=next_renewal,
        volume_weight=_SEGMENT_VOLUME[segment] * float(rng.lognormal(0.0, 0.25)),
        wander=_wander(timeline.days, rng),
        incident_days=sorted(
            int(d) for d in rng.integers(0, timeline.days, rng.poisson(timeline.days / 450))
        ),
        contacts=list(org.people),
    )
    if with_events:
        _plant_events(plan, renewal_days, timeline, rng)
    _decide_outcomes(plan, renewal_days, rng)
    _plan_careers(plan, timeline, rng)
    if plan.churn_day is not None:
        _plan_churn_drift(plan, rng)
    plan.business_reviews = _business_review_days(plan, timeline, rng)
    return plan


def pick_segments(accounts: int, rng: np.random.Generator) -> list[str]:
    """Segments for the portfolio, in the usual enterprise/mid-market/SMB proportions."""
    names = tuple(SEGMENT_SHARES)
    shares = np.array([SEGMENT_SHARES[s] for s in names])
    return [str(names[i]) for i in rng.choice(len(names), size=accounts, p=shares)]


def pick_event_accounts(accounts: int, rng: np.random.Generator, share: float = 0.4) -> set[int]:
    """Account numbers (1-based) that get planted events: exactly ``round(share * n)``."""
    chosen = rng.permutation(accounts)[: round(share * accounts)] + 1
    return {int(n) for n in chosen}


def plan_career_moves(plans: list[AccountPlan], rng: np.random.Generator) -> None:
    """Let some departed people take a role at another account of the portfolio.

    A natural departure may move the person to another account, where they join its
    traffic from their new start date. A champion whose role ended may also take a new
    role elsewhere, but stays out of all traffic (their departure is the event).
    """
    if len(plans) < 2:
        return
    for plan in plans:
        for person, day in plan.departures:
            if rng.random() < _MOVE_TO_OTHER_ACCOUNT_PROBABILITY:
                _move(person, day, plan, plans, rng, joins_traffic=True)
        if not plan.champion_new_role:
            continue
        for event in plan.events:
            if event.kind == CHAMPION_DEPARTURE and event.person is not None:
                destination = _move(event.person, event.day, plan, plans, rng, joins_traffic=False)
                event.details["new_organization_id"] = destination


def _move(
    person: Person,
    day: int,
    origin: AccountPlan,
    plans: list[AccountPlan],
    rng: np.random.Generator,
    *,
    joins_traffic: bool,
) -> str | None:
    start = day + int(rng.integers(15, 90))
    candidates = [
        p for p in plans if p is not origin and (p.churn_day is None or p.churn_day > start + 60)
    ]
    if not candidates:
        return None
    target = candidates[int(rng.integers(len(candidates)))]
    old = person.spells[-1]
    level = old.level
    if level in ("ic", "manager") and rng.random() < 0.3:
        level = vocab.LEVELS[vocab.LEVELS.index(level) + 1]
    first, last = person.name.split(" ", 1)
    person.emails[target.id] = address_on(
        target.org.domain, first, last, target.org._used_addresses
    )
    person.spells.append(
        RoleSpell(target.id, title_for(level, old.function, rng), level, old.function, start)
    )
    if joins_traffic:
        target.contacts.append(person)
        _cut_if_contracted(target, person)
    else:
        person.dormant_from = day
    return target.id


def _renewal_calendar(timeline: Timeline, rng: np.random.Generator) -> tuple[list[int], date]:
    first = timeline.start.toordinal() + int(rng.integers(20, 380))
    anniversary = date.fromordinal(first)
    days: list[int] = []
    year = 0
    while True:
        when = _add_years(anniversary, year)
        if when >= timeline.end:
            return days, when
        days.append(timeline.day_of(when))
        year += 1


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _account_team(segment: str, home: HomeTeam, rng: np.random.Generator) -> AccountTeam:
    def one(people: list[Person]) -> Person:
        return people[int(rng.integers(len(people)))]

    owner = one(home.account_managers)
    members = [owner, one(home.solution_engineers)]
    parts = ["am", "se"]
    supports = rng.choice(len(home.support_engineers), size=2, replace=False)
    members += [home.support_engineers[int(i)] for i in supports]
    parts += ["support", "support"]
    members.append(one(home.cs_directors))
    parts.append("cs_director")
    if segment == "enterprise" or (segment == "mid_market" and rng.random() < 0.3):
        members.append(one(home.executives))
        parts.append("executive")
    return AccountTeam(owner=owner, members=members, parts=parts)


def _wander(days: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Slow multiplicative drift of an account's activity (weekly AR(1) on the log)."""
    weeks = days // 7 + 1
    steps = rng.normal(0.0, 0.07, weeks)
    level = np.empty(weeks)
    current = 0.0
    for i in range(weeks):
        current = 0.85 * current + steps[i]
        level[i] = current
    return np.asarray(np.exp(np.repeat(level, 7)[:days]), dtype=np.float64)


def _present(person: Person, org_id: str, day: int) -> bool:
    return any(
        s.organization_id == org_id and s.start <= day and (s.end is None or day < s.end)
        for s in person.spells
    )


def active_contacts(plan: AccountPlan, day: int) -> list[Person]:
    return [
        p
        for p in plan.contacts
        if _present(p, plan.id, day) and plan.cutoffs.get(p.id, day + 1) > day
    ]


def _plant_events(
    plan: AccountPlan, renewal_days: list[int], timeline: Timeline, rng: np.random.Generator
) -> None:
    candidates = [d for d in renewal_days if d >= MIN_HISTORY_BEFORE_EVENT + 90]
    if not candidates:
        # No renewal late enough for an event's half-year before and its quarter after (a
        # short history): the account stays healthy rather than get an event it cannot show.
        return
    plan.healthy = False
    target = candidates[0] if rng.random() < 0.6 else candidates[int(rng.integers(len(candidates)))]
    eligible = [
        kind
        for kind in EVENT_KINDS
        if kind not in _VOLUME_HUNGRY_EVENTS or plan.volume_weight >= _MIN_VOLUME_FOR_RATE_EVENTS
    ]
    weights = np.array([_EVENT_WEIGHTS[EVENT_KINDS.index(kind)] for kind in eligible])
    kinds = [eligible[int(rng.choice(len(eligible), p=weights / weights.sum()))]]
    options = [kind for kind in _COMPATIBLE_SECOND[kinds[0]] if kind in eligible]
    if options and rng.random() < _SECOND_EVENT_PROBABILITY:
        kinds.append(options[int(rng.integers(len(options)))])
    kinds.sort(key=EVENT_KINDS.index)
    first_day = target - int(rng.integers(90, 300))
    days = [first_day]
    if len(kinds) == 2:
        days.append(first_day + int(rng.integers(14, 100)))
    for kind, day in zip(kinds, days, strict=True):
        _plant(plan, kind, _clamp_event_day(kind, day, target, timeline), rng)


def _clamp_event_day(kind: str, day: int, target: int, timeline: Timeline) -> int:
    after = _RATE_EVENT_HISTORY_AFTER if kind in _VOLUME_HUNGRY_EVENTS else 90
    latest = min(timeline.days - max(after, MIN_HISTORY_AFTER_EVENT), target - after)
    return max(MIN_HISTORY_BEFORE_EVENT, min(day, latest))


def _plant(plan: AccountPlan, kind: str, day: int, rng: np.random.Generator) -> None:
    planters = {
        CHAMPION_DEPARTURE: _plant_champion_departure,
        SINGLE_NODE_BOTTLENECK: _plant_bottleneck,
        EXECUTIVE_WITHDRAWAL: _plant_executive_withdrawal,
        RESPONSE_LATENCY_INFLATION: _plant_latency_inflation,
        ENGAGEMENT_CONTRACTION: _plant_contraction,
    }
    plan.events.append(planters[kind](plan, day, rng))


def _plant_champion_departure(
    plan: AccountPlan, day: int, rng: np.random.Generator
) -> PlannedEvent:
    champion = plan.org.champion
    assert champion is not None
    spell = champion.spells[-1]
    mode = "role_ended" if rng.random() < 0.6 else "silent"
    if mode == "role_ended":
        spell.end = day
        plan.champion_new_role = bool(rng.random() < 0.5)
    plan.cutoffs[champion.id] = day
    plan.volume_steps.append((day, 0.8))
    details: dict[str, object] = {"mode": mode, "title": spell.title, "level": spell.level}
    if mode == "role_ended":
        details["new_organization_id"] = None
    return PlannedEvent(CHAMPION_DEPARTURE, day, person=champion, details=details)


def _plant_bottleneck(plan: AccountPlan, day: int, rng: np.random.Generator) -> PlannedEvent:
    active = active_contacts(plan, day)
    departing = {e.person.id for e in plan.events if e.person is not None}
    options = [
        p
        for p in active
        if p.spells[0].level in ("manager", "director", "ic")
        and p is not plan.org.champion
        and p.id not in departing
    ]
    weights = np.array([p.engagement for p in options])
    person = options[int(rng.choice(len(options), p=weights / weights.sum()))]
    plan.bottleneck = (person, day)
    plan.volume_steps.append((day, 0.75))
    return PlannedEvent(
        SINGLE_NODE_BOTTLENECK,
        day,
        person=person,
        details={"contacts_before": len(active), "title": person.spells[-1].title},
    )


def _plant_executive_withdrawal(
    plan: AccountPlan, day: int, rng: np.random.Generator
) -> PlannedEvent:
    executives = [
        p for p in active_contacts(plan, day) if p.level_at(day) in vocab.EXECUTIVE_LEVELS
    ]
    for person in executives:
        plan.cutoffs[person.id] = day
    return PlannedEvent(
        EXECUTIVE_WITHDRAWAL,
        day,
        persons=executives,
        details={
            "levels": list(vocab.EXECUTIVE_LEVELS_IN_ORDER),
            "executives": len(executives),
        },
    )


def _plant_latency_inflation(plan: AccountPlan, day: int, rng: np.random.Generator) -> PlannedEvent:
    factor = round(float(rng.uniform(4.5, 6.5)), 2)
    plan.latency_inflation = (day, factor)
    plan.volume_steps.append((day, 0.9))
    return PlannedEvent(RESPONSE_LATENCY_INFLATION, day, details={"factor": factor})


def _plant_contraction(plan: AccountPlan, day: int, rng: np.random.Generator) -> PlannedEvent:
    active = active_contacts(plan, day)
    volume_factor = round(float(rng.uniform(0.3, 0.5)), 2)
    keep_share = float(rng.uniform(0.3, 0.5))
    n_keep = max(2, round(keep_share * len(active)))
    weights = np.array([p.engagement for p in active])
    order = rng.choice(len(active), size=len(active), replace=False, p=weights / weights.sum())
    kept = {active[int(i)].id for i in order[:n_keep]}
    if plan.org.champion is not None:
        kept.add(plan.org.champion.id)
    # Everyone else fades out over two weeks, newcomers included.
    for person in plan.contacts:
        if person.id not in kept:
            fade = day + int(rng.integers(0, 14))
            plan.cutoffs[person.id] = min(plan.cutoffs.get(person.id, fade), fade)
    plan.volume_steps.append((day, volume_factor))
    return PlannedEvent(
        ENGAGEMENT_CONTRACTION,
        day,
        details={
            "volume_factor": volume_factor,
            "contacts_before": len(active),
            "contacts_kept": len(kept & {p.id for p in active}),
        },
    )


def _draw(table: tuple[tuple[str, float], ...], rng: np.random.Generator) -> str:
    probs = np.array([p for _, p in table])
    return table[int(rng.choice(len(table), p=probs / probs.sum()))][0]


def _decide_outcomes(plan: AccountPlan, renewal_days: list[int], rng: np.random.Generator) -> None:
    """Renewal outcomes, correlated with health: events make churn much more likely."""
    first_event = min((e.day for e in plan.events), default=None)
    for day in renewal_days:
        if first_event is None:
            outcome = _draw(_HEALTHY_OUTCOMES, rng)
        elif day >= first_event + 60:
            outcome = _draw(_AT_RISK_OUTCOMES, rng)
        else:
            outcome = _draw(_SAFE_OUTCOMES, rng)
        plan.renewals.append(Renewal(day, outcome))
        if outcome == "expanded":
            plan.arr *= 1.25
        elif outcome == "downgraded":
            plan.arr *= 0.7
        if outcome == "churned":
            plan.churn_day = day
            return


def _plan_careers(plan: AccountPlan, timeline: Timeline, rng: np.random.Generator) -> None:
    """Natural departures (some replaced), and promotions, away from planted events."""
    last_day = min(timeline.days, plan.churn_day or timeline.days) - 30
    protected = {e.person.id for e in plan.events if e.person is not None}
    if plan.bottleneck is not None:
        protected.add(plan.bottleneck[0].id)
    if plan.org.champion is not None:
        protected.add(plan.org.champion.id)
    median = float(np.median([p.engagement for p in plan.org.people]))
    for person in list(plan.org.people):
        spell = person.spells[-1]
        if person.id in protected or spell.level in vocab.EXECUTIVE_LEVELS or last_day < 60:
            continue
        if person.engagement < median and rng.random() < _NATURAL_DEPARTURE_PROBABILITY:
            day = int(rng.integers(30, last_day))
            if plan.cutoffs.get(person.id, day + 1) <= day:
                continue
            spell.end = day
            plan.departures.append((person, day))
            if rng.random() < _REPLACEMENT_PROBABILITY and day + 120 < last_day:
                start = day + int(rng.integers(20, 120))
                hire = new_contact(plan.org, spell.level, spell.function, start, rng)
                plan.contacts.append(hire)
                _cut_if_contracted(plan, hire)
        elif rng.random() < _PROMOTION_PROBABILITY:
            _promote(plan, person, int(rng.integers(30, last_day)), rng)


def churn_decline_ramp_days(start: int, churn_day: int) -> int:
    """Days the pre-churn slide takes to reach its floor: 120, or half the way to the churn."""
    return max(1, min(_CHURN_DECLINE_RAMP_DAYS, (churn_day - start) // 2))


def meeting_held_share(plan: AccountPlan, day: int) -> float:
    """The chance that a standing meeting (a business review, a steering committee) is
    held on ``day``: 1 until the pre-churn slide, then falling with the slide's volume
    ramp to `MEETINGS_KEPT_AT_SLIDE_FLOOR`, so meetings thin out as the account fades
    rather than stopping the day the slide begins."""
    start, churn = plan.churn_decline_start, plan.churn_day
    if start is None or churn is None or day < start:
        return 1.0
    progress = min(1.0, (day - start) / churn_decline_ramp_days(start, churn))
    return 1.0 - (1.0 - MEETINGS_KEPT_AT_SLIDE_FLOOR) * progress


def _business_review_days(
    plan: AccountPlan, timeline: Timeline, rng: np.random.Generator
) -> list[int]:
    """A weekday about every quarter; fewer are held once the account slides away."""
    stop = timeline.days if plan.churn_day is None else plan.churn_day
    decline = stop if plan.churn_decline_start is None else plan.churn_decline_start
    days = []
    day = int(rng.integers(0, 91))
    while day < stop:
        weekday = (timeline.start.weekday() + day) % 7
        review = day + (7 - weekday if weekday >= 5 else 0)
        if review < stop and (review < decline or rng.random() < meeting_held_share(plan, review)):
            days.append(review)
        day += 91 + int(rng.integers(-12, 13))
    return days


def _cut_if_contracted(plan: AccountPlan, person: Person) -> None:
    """Newcomers after an engagement contraction stay outside the account's traffic."""
    for event in plan.events:
        if event.kind == ENGAGEMENT_CONTRACTION:
            plan.cutoffs[person.id] = event.day


def _promote(plan: AccountPlan, person: Person, day: int, rng: np.random.Generator) -> None:
    spell = person.spells[-1]
    if spell.level == "director" and (
        not plan.healthy or rng.random() > 0.4
    ):  # new executives would blur an executive-withdrawal story
        return
    level = vocab.LEVELS[vocab.LEVELS.index(spell.level) + 1]
    spell.end = day
    person.spells.append(
        RoleSpell(plan.id, title_for(level, spell.function, rng), level, spell.function, day)
    )


def _plan_churn_drift(plan: AccountPlan, rng: np.random.Generator) -> None:
    """Before a churn, a share of the contacts drift away from the relationship."""
    assert plan.churn_day is not None
    # The slide starts with the trouble: never before the first planted event.
    trouble = min((e.day for e in plan.events), default=0)
    plan.churn_decline_start = max(0, trouble, plan.churn_day - CHURN_DECLINE_DAYS)
    early, late = CHURN_CONTACT_DROP_WINDOW
    drops: list[tuple[Person, int]] = []
    for person in plan.contacts:
        if plan.bottleneck is not None and person is plan.bottleneck[0]:
            continue
        if rng.random() < CHURN_CONTACT_DROP_SHARE:
            drops.append((person, max(0, trouble, plan.churn_day - int(rng.integers(late, early)))))
    # Recorded for truth.json (`slide.slide_events`): who was there, and whom the slide took.
    reference = min([plan.churn_decline_start] + [day for _, day in drops])
    plan.slide_reference_day = reference
    plan.slide_contacts_before = [p.id for p in active_contacts(plan, reference)]
    for person, day in drops:
        if plan.cutoffs.get(person.id, day + 1) > day:
            plan.slide_drops[person.id] = day
        plan.cutoffs[person.id] = min(plan.cutoffs.get(person.id, day), day)
