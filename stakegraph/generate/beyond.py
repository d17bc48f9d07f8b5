"""Beyond conversations: what an account does besides talking to us, planned per account.

The plan decides the account's habits (how often it is invited to co-innovation
programmes, how often it meets us for a check-in) and the events of the six kinds of
:data:`stakegraph.vocabulary.BEYOND_SIGNAL_KINDS`, each planted 100-200 days before a
renewal that churns or downgrades (the slide before a bad renewal reaches usage, the
ticket mix and the ceremonies too). It also writes the revenue of every renewal
(``arr_before``, ``arr_after``, ``reason``). :mod:`.usage`, :mod:`.tickets` and
:mod:`.engagements` turn the plan into rows; nothing here changes the conversations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special

from stakegraph.generate.plan import MIN_HISTORY_BEFORE_EVENT, AccountPlan
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import (
    CO_INNOVATION_WITHDRAWAL,
    FEATURE_DEPTH_REGRESSION,
    QBR_DISENGAGEMENT,
    SLA_POLICING,
    TICKET_MIX_SHIFT,
    USAGE_DECLINE,
)

# truth.json's ``details.cause`` of these events: the slide before a bad renewal.
BEYOND_CAUSE = "pre_renewal_slide"
PLANT_KINDS = (
    USAGE_DECLINE,
    FEATURE_DEPTH_REGRESSION,
    TICKET_MIX_SHIFT,
    SLA_POLICING,
    CO_INNOVATION_WITHDRAWAL,
    QBR_DISENGAGEMENT,
)
# Chance that a renewal of each outcome was preceded by an event of each kind.
PLANT_PROBABILITY = {"churned": 0.6, "downgraded": 0.4}
# Events start this many days before the bad renewal (inclusive range).
DAYS_BEFORE_RENEWAL = (100, 200)
# Ticket kinds need tickets to be seen: only accounts with a volume weight of 1.5 or more
# (about 20 tickets a quarter, halved in a slide) get them; at 1.1 (the rate-based
# conversation events' floor) a quarter after the event held 7-10 tickets in many, too
# few to tell a turn of the mix from the account's own variation.
MIN_VOLUME_FOR_TICKET_EVENTS = 1.5
# Co-innovation invitations a month, by segment (times a lognormal of sd 0.3); only an
# account invited at least this often can show a withdrawal within a quarter.
INVITATIONS_PER_MONTH = {"enterprise": 2.2, "mid_market": 1.0, "smb": 0.3}
MIN_INVITATIONS_FOR_WITHDRAWAL = 1.5
# Days between check-ins, by segment; business reviews are the plan's quarterly ones.
CHECK_IN_EVERY = {"enterprise": 7, "mid_market": 14, "smb": 30}
EXIT_REASONS_CHURN = (
    ("switched_to_competitor", 0.3),
    ("budget_cuts", 0.2),
    ("low_adoption", 0.2),
    ("product_fit", 0.15),
    ("champion_left", 0.1),
    ("acquired", 0.05),
)
EXIT_REASONS_DOWNGRADE = (("seat_reduction", 0.5), ("budget_cuts", 0.3), ("low_adoption", 0.2))
# A ticket or co-innovation event is observable when its first OBSERVATION_DAYS hold this
# much evidence (nats) that its shares turned from the account's history
# (:func:`turn_evidence`): a likelihood ratio of e^6, about 400, what the SLA detector's
# CUSUM reaches by chance in about 3% of the testable accounts with nothing planted (4
# development seeds, 2026-12-06). The history is the year before (the ticket detectors'
# baseline, 52 weeks); the days after, the evaluation's matching window.
MIN_OBSERVABLE_EVIDENCE = 6.0
OBSERVATION_BASELINE_DAYS = 364
OBSERVATION_DAYS = 90


@dataclass(frozen=True)
class BeyondEvent:
    """One planted event of a beyond-conversation kind."""

    kind: str
    day: int
    details: dict[str, object] = field(default_factory=dict)
    # The bad renewal it leads to: the ticket mix and the ceremonies are back to the
    # account's habits after it (a churned account is gone; a downgraded one has settled).
    until: int = 1 << 30
    # The days of the tickets a ticket event files besides the account's own stream (one
    # entry per ticket; :func:`.tickets.with_event_tickets` fills it).
    ticket_days: tuple[int, ...] = ()


@dataclass(frozen=True)
class RenewalRevenue:
    arr_before: float
    arr_after: float
    reason: str | None


@dataclass(frozen=True)
class BeyondPlan:
    """An account's habits and events beyond conversations."""

    events: tuple[BeyondEvent, ...]
    invitations_per_month: float
    check_in_every: int
    revenue: tuple[RenewalRevenue, ...]

    def day_of(self, kind: str) -> int | None:
        for event in self.events:
            if event.kind == kind:
                return event.day
        return None

    def during(self, kind: str, day: int) -> bool:
        """True while an event of ``kind`` is under way on ``day``."""
        return any(e.kind == kind and e.day <= day < e.until for e in self.events)


def plan_beyond(plan: AccountPlan, timeline: Timeline, rng: np.random.Generator) -> BeyondPlan:
    """The account's beyond-conversation habits, planted events and renewal revenue."""
    invitations = INVITATIONS_PER_MONTH[plan.org.segment] * float(rng.lognormal(0.0, 0.3))
    eligible = {
        USAGE_DECLINE: True,
        FEATURE_DEPTH_REGRESSION: True,
        TICKET_MIX_SHIFT: plan.volume_weight >= MIN_VOLUME_FOR_TICKET_EVENTS,
        SLA_POLICING: plan.volume_weight >= MIN_VOLUME_FOR_TICKET_EVENTS,
        CO_INNOVATION_WITHDRAWAL: invitations >= MIN_INVITATIONS_FOR_WITHDRAWAL,
        QBR_DISENGAGEMENT: plan.org.segment != "smb",
    }
    events: list[BeyondEvent] = []
    for kind, ok in eligible.items():
        draws = rng.random(len(plan.renewals))
        offsets = rng.integers(
            DAYS_BEFORE_RENEWAL[0], DAYS_BEFORE_RENEWAL[1] + 1, len(plan.renewals)
        )
        for renewal, u, offset in zip(plan.renewals, draws, offsets, strict=True):
            chance = PLANT_PROBABILITY.get(renewal.outcome, 0.0)
            day = renewal.day - int(offset)
            if not ok or u >= chance or day < MIN_HISTORY_BEFORE_EVENT:
                continue
            details: dict[str, object] = {
                "before_outcome": renewal.outcome,
                "days_before_renewal": int(offset),
            }
            details.update(_strength(kind, rng))
            events.append(BeyondEvent(kind, day, details, until=renewal.day))
            break
    events.sort(key=lambda e: (e.day, e.kind))
    return BeyondPlan(
        events=tuple(events),
        invitations_per_month=invitations,
        check_in_every=CHECK_IN_EVERY[plan.org.segment],
        revenue=_revenue(plan, events, rng),
    )


def _strength(kind: str, rng: np.random.Generator) -> dict[str, object]:
    """How strong an event is (recorded in ``truth.json``'s details)."""
    if kind == USAGE_DECLINE:
        return {"usage_factor": round(float(rng.uniform(0.35, 0.6)), 3), "ramp_days": 42}
    if kind == FEATURE_DEPTH_REGRESSION:
        return {"advanced_factor": round(float(rng.uniform(0.05, 0.25)), 3), "ramp_days": 28}
    if kind == CO_INNOVATION_WITHDRAWAL:
        return {"acceptance_after": 0.1}
    if kind == QBR_DISENGAGEMENT:
        return {"skip_share": 0.5, "executive_attendance_after": 0.1}
    return {}


def _revenue(
    plan: AccountPlan, events: list[BeyondEvent], rng: np.random.Generator
) -> tuple[RenewalRevenue, ...]:
    """ARR before and after each renewal, chained, ending at the account's current ARR.

    Renewed: a price uplift of 0-5%; expanded: +15-60%; downgraded: -15-50%; churned: 0.
    The reason is given for churns and downgrades (low adoption more often after usage
    fell).
    """
    factors = []
    for renewal in plan.renewals:
        if renewal.outcome == "renewed":
            factors.append(float(rng.uniform(1.0, 1.05)))
        elif renewal.outcome == "expanded":
            factors.append(float(rng.uniform(1.15, 1.6)))
        elif renewal.outcome == "downgraded":
            factors.append(float(rng.uniform(0.5, 0.85)))
        else:
            factors.append(0.0)
    kept = [f for f in factors if f > 0]
    arr = plan.arr / float(np.prod(kept)) if kept else plan.arr
    declined = any(e.kind in (USAGE_DECLINE, FEATURE_DEPTH_REGRESSION) for e in events)
    out = []
    for renewal, factor in zip(plan.renewals, factors, strict=True):
        after = round(arr * factor, -2)
        reason = None
        if renewal.outcome in ("churned", "downgraded"):
            table = EXIT_REASONS_CHURN if renewal.outcome == "churned" else EXIT_REASONS_DOWNGRADE
            names = [name for name, _ in table]
            weights = np.asarray([w for _, w in table])
            if declined:
                weights = weights + np.asarray([0.3 if n == "low_adoption" else 0 for n in names])
            reason = names[int(rng.choice(len(names), p=weights / weights.sum()))]
        out.append(RenewalRevenue(round(arr, -2), after, reason))
        if factor > 0:
            arr = arr * factor
    return tuple(out)


def turn_evidence(
    before: float, before_shares: np.ndarray, after: float, after_shares: np.ndarray
) -> float:
    """The evidence, in nats, that ``after`` counts at ``after_shares`` came from other
    shares than ``before`` counts at ``before_shares``: the two-sample multinomial
    log-likelihood ratio of those (expected) counts, two mixes against one pooled,
    ``n0 KL(p || m) + n KL(q || m)`` with ``m = (n0 p + n q) / (n0 + n)`` (it tends to
    ``n KL(q || p)`` as the history grows; 0 log 0 = 0).

    Examples
    --------
    Twenty decisions before at a refusal share of 10%, then three refusals of three:
    ``m = (2 + 3) / 23 = 0.217``, ``20 KL(0.1 || 0.217) + 3 KL(1 || 0.217) = 0.96 + 4.58``:

    >>> round(turn_evidence(20, np.array([0.1, 0.9]), 3, np.array([1.0, 0.0])), 2)
    5.54
    >>> turn_evidence(20, np.array([0.1, 0.9]), 0, np.array([0.1, 0.9]))
    0.0
    """
    total = before + after
    if total <= 0:
        return 0.0
    pooled = (before * before_shares + after * after_shares) / total
    return float(
        before * np.sum(special.rel_entr(before_shares, pooled))
        + after * np.sum(special.rel_entr(after_shares, pooled))
    )
