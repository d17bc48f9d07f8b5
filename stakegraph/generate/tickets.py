"""Support-ticket categories, severities and statuses on the generated ticket rows.

Every account has its own mix of categories (a Dirichlet draw around
:data:`BASE_MIX`). Incident weeks bring troubleshooting and a few SLA complaints. A
planted ticket event files its own tickets besides the account's stream
(:func:`with_event_tickets`): a ``ticket_mix_shift`` files data export, contract and
billing questions (the exit blueprint) while the account's own feature requests,
integration and optimization tickets fall to :data:`BUILDING_CUT`; an ``sla_policing``
files SLA complaints (downtime, credits, response times). They come at
:data:`EVENT_TICKET_SHARE` of the account's usual ticket rate, at least
:data:`MIN_EVENT_TICKETS` in the first :data:`EVENT_TICKET_BLOCK_DAYS` days, and are not
halved by the slide before a churn (the customer's exit work and complaints are not
engagement). Two events in one account file two streams. The subject is written
from the category, and the category column is left empty on 25% of the tickets: the
import infers it from the subject (stakegraph/ingest/ticket_rules.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime

import numpy as np

from stakegraph.generate.beyond import (
    MIN_OBSERVABLE_EVIDENCE,
    OBSERVATION_BASELINE_DAYS,
    BeyondEvent,
    BeyondPlan,
    turn_evidence,
)
from stakegraph.generate.plan import AccountPlan
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import (
    BUILDING_TICKET_CATEGORIES,
    EXIT_TICKET_CATEGORIES,
    SLA_POLICING,
    TICKET_CATEGORIES,
    TICKET_MIX_SHIFT,
)

_BUILDING = frozenset(BUILDING_TICKET_CATEGORIES)


BASE_MIX = {
    "feature_request": 0.16,
    "integration": 0.14,
    "optimization": 0.1,
    "troubleshooting": 0.36,
    "data_export": 0.03,
    "contract": 0.015,
    "billing": 0.045,
    "sla": 0.04,
    "security_review": 0.05,
    "other": 0.06,
}
# The categories of an event's own tickets, and the cut of the account's own building
# tickets (feature requests, integration, optimization) while it prepares to leave.
EVENT_MIX = {
    TICKET_MIX_SHIFT: {"data_export": 0.4, "contract": 0.3, "billing": 0.3},
    SLA_POLICING: {"sla": 1.0},
}
BUILDING_CUT = 0.12
# An event's tickets a day, as a share of the account's usual ticket rate (the median
# expected rate of the 90 days before it: an incident's burst is not its habit), and a
# floor: an exit blueprint or a run of SLA complaints is several tickets, not one or two
# (with fewer the event would not be what truth.json says it is).
EVENT_TICKET_SHARE = 0.35
MIN_EVENT_TICKETS = 4
EVENT_TICKET_BLOCK_DAYS = 90
# Incident weeks multiply the mix.
INCIDENT_SHIFT = {"troubleshooting": 4.0, "sla": 2.5}
SUBJECTS = {
    "feature_request": (
        "Feature request: bulk edit for records",
        "Request: support for custom fields in reports",
        "Enhancement: scheduled dashboards",
    ),
    "integration": (
        "Integration with Salesforce failing auth",
        "Webhook payload for the ERP connector",
        "Connecting our data warehouse",
    ),
    "optimization": (
        "Speed up the nightly sync",
        "Optimize report query performance",
        "Best practice for large workspaces",
    ),
    "troubleshooting": (
        "Login fails with SSO",
        "Dashboard shows stale data",
        "Permission error for new user",
        "Sync job failed",
        "API returns 500",
        "Report totals do not match",
    ),
    "data_export": (
        "Export all records to CSV",
        "Bulk data extraction of historical data",
        "Full export of attachments",
        "Export errors on large dataset",
    ),
    "contract": (
        "Question about contract terms",
        "Termination clause in our agreement",
        "Notice period for non-renewal",
    ),
    "billing": ("Invoice discrepancy", "Billing: reduce seat count", "Refund for unused licenses"),
    "sla": (
        "Downtime on Tuesday: SLA credit request",
        "Response time breached on P1 ticket",
        "Uptime report for last month",
        "Service credits for the outage",
    ),
    "security_review": (
        "Security questionnaire for annual review",
        "SOC 2 report request",
        "Pen test findings",
    ),
    "other": ("General question", "Training session request"),
}
SEVERITIES = ("low", "normal", "high", "urgent")
_SEVERITY_P = (0.3, 0.5, 0.15, 0.05)
_SUBJECT_COLUMN, _KIND_COLUMN, _AT_COLUMN = 6, 1, 2
UNLABELLED_SHARE = 0.25


def with_event_tickets(
    beyond: BeyondPlan,
    expected_tickets: np.ndarray,
    timeline: Timeline,
    rng: np.random.Generator,
) -> BeyondPlan:
    """The plan with the days of each ticket event's own tickets, and their count in
    truth's details (``tickets``, ``tickets_first_90_days``, ``tickets_per_90_days``:
    the mean they were drawn at).

    Parameters
    ----------
    beyond : BeyondPlan
        The account's beyond-conversation plan (`beyond.plan_beyond`).
    expected_tickets : numpy.ndarray
        The account's expected tickets per day over the history (its ticket rate).
    timeline : Timeline
        The history's calendar.
    rng : numpy.random.Generator
        A stream of its own (the rest of the plan is drawn already).

    Examples
    --------
    A usual 0.2 tickets a day: an event files 0.07 a day, 6.3 in 90 days, and at least 4.

    >>> from stakegraph.generate.beyond import BeyondEvent
    >>> from datetime import date
    >>> plan = BeyondPlan((BeyondEvent("sla_policing", 200, until=400),), 1.0, 14, ())
    >>> out = with_event_tickets(plan, np.full(500, 0.2), Timeline(date(2023, 1, 2), 500),
    ...                          np.random.default_rng(1))
    >>> event = out.events[0]
    >>> event.details["tickets_per_90_days"], event.details["tickets_first_90_days"] >= 4
    (6.3, True)
    >>> all(200 <= d < 400 for d in event.ticket_days)
    True
    """
    events = []
    for event in beyond.events:
        if event.kind not in EVENT_MIX:
            events.append(event)
            continue
        before = expected_tickets[max(0, event.day - EVENT_TICKET_BLOCK_DAYS) : event.day]
        rate = EVENT_TICKET_SHARE * float(np.median(before)) if len(before) else 0.0
        end = min(event.until, timeline.days)
        days: list[int] = []
        for lo in range(event.day, end, EVENT_TICKET_BLOCK_DAYS):
            hi = min(lo + EVENT_TICKET_BLOCK_DAYS, end)
            n = int(rng.poisson(rate * (hi - lo)))
            if lo == event.day:
                n = max(n, MIN_EVENT_TICKETS)
            days.extend(int(d) for d in rng.integers(lo, hi, n))
        days.sort()
        first = sum(d < event.day + EVENT_TICKET_BLOCK_DAYS for d in days)
        details = {
            **event.details,
            "tickets_per_90_days": round(rate * EVENT_TICKET_BLOCK_DAYS, 1),
            "tickets_first_90_days": first,
            "tickets": len(days),
        }
        events.append(replace(event, details=details, ticket_days=tuple(days)))
    return replace(beyond, events=tuple(events))


def event_ticket_counts(beyond: BeyondPlan, days: int) -> dict[str, np.ndarray]:
    """Each ticket event's own tickets a day (for `activity.account_rows`)."""
    return {
        e.kind: np.bincount(np.asarray(e.ticket_days, dtype=np.int64), minlength=days)[:days]
        for e in beyond.events
        if e.ticket_days
    }


def as_filed(beyond: BeyondPlan, rows: list[list[str]], timeline: Timeline) -> BeyondPlan:
    """The plan as the account's rows filed it: each ticket event's ``ticket_days`` and
    counts are those written (an event's ticket is dropped on a day nobody on the
    account's side is there to file it), and an event with fewer than
    :data:`MIN_EVENT_TICKETS` filed in its first :data:`EVENT_TICKET_BLOCK_DAYS` days is
    left out: it left no run of tickets to see (an account gone quiet before its churn).
    """
    filed: dict[str, list[int]] = {}
    seen: set[str] = set()
    for row in rows:
        if row[_KIND_COLUMN] != "ticket" or row[0] in seen:
            continue
        seen.add(row[0])
        issue = row[_SUBJECT_COLUMN].split(": ", 1)[-1]
        if issue in EVENT_MIX:
            day = (datetime.fromisoformat(row[_AT_COLUMN]).date() - timeline.start).days
            filed.setdefault(issue, []).append(day)
    events = []
    for event in beyond.events:
        if event.kind not in EVENT_MIX:
            events.append(event)
            continue
        days = sorted(d for d in filed.get(event.kind, []) if d >= event.day)
        first = sum(d < event.day + EVENT_TICKET_BLOCK_DAYS for d in days)
        if first < MIN_EVENT_TICKETS:
            continue
        details = {**event.details, "tickets_first_90_days": first, "tickets": len(days)}
        events.append(replace(event, details=details, ticket_days=tuple(days)))
    return replace(beyond, events=tuple(events))


def account_ticket_mix(rng: np.random.Generator) -> np.ndarray:
    """The account's own mix of categories, in :data:`~stakegraph.vocabulary.TICKET_CATEGORIES`
    order: a Dirichlet draw around :data:`BASE_MIX`, the first draw of the account's ticket
    stream (:func:`with_ticket_fields`; the truth draws it again from a generator of the
    same seed to say what an SLA event shows, :func:`sla_observability`)."""
    return rng.dirichlet(np.asarray([BASE_MIX[c] for c in TICKET_CATEGORIES]) * 60)


def sla_observability(
    event: BeyondEvent, own_share: float, usual_tickets: np.ndarray
) -> dict[str, object]:
    """What the data can show of an ``sla_policing`` event in its first
    :data:`EVENT_TICKET_BLOCK_DAYS` days: the evidence its tickets and the account's
    history hold, on expectation, that its SLA share turned, and whether it is observable.

    An account's own share is known only from its history: the
    :data:`OBSERVATION_BASELINE_DAYS` before the event, where the account's stream is
    expected to file ``n0`` tickets (the sum of ``usual_tickets``, its expected tickets a
    day) at its own SLA share ``p`` (its mix's). In the event's first days it is expected
    to file ``u``, and the event filed ``e`` SLA tickets of its own
    (``tickets_first_90_days``): ``n = u + e`` tickets at ``q = (p u + e) / n``. The
    evidence is the two-sample binomial log-likelihood ratio of those expected counts, two
    shares against one, ``n0 KL(p || m) + n KL(q || m)`` in nats with ``m = (n0 p + n q) /
    (n0 + n)``: what the history and the event's days hold for "the share turned" (it
    tends to ``n KL(q || p)`` as the history grows). Observable at
    :data:`MIN_OBSERVABLE_EVIDENCE` nats or more.

    Examples
    --------
    A quarter of a ticket a day at an own share of 5%, the event on day 400: 91 tickets in
    the 364 days before, 22.5 in the 90 after, and 10 complaints, so ``n = 32.5``, ``q =
    (1.125 + 10) / 32.5 = 0.342``, ``m = (4.55 + 11.125) / 123.5 = 0.127``, and ``91
    KL(0.05 || 0.127) + 32.5 KL(0.342 || 0.127) = 3.06 + 4.98 = 8.0`` nats. With 4
    complaints and an own share of 10%, ``q = 6.25 / 26.5 = 0.236``, ``m = 0.131`` and
    ``0.40 + 1.08 = 1.5`` nats:

    >>> from stakegraph.generate.beyond import BeyondEvent
    >>> event = BeyondEvent("sla_policing", 400, {"tickets_first_90_days": 10})
    >>> out = sla_observability(event, 0.05, np.full(600, 0.25))
    >>> out["expected_sla_share"], out["expected_evidence"], out["observable"]
    (0.342, 8.0, True)
    >>> event = BeyondEvent("sla_policing", 400, {"tickets_first_90_days": 4})
    >>> out = sla_observability(event, 0.1, np.full(600, 0.25))
    >>> out["expected_sla_share"], out["expected_evidence"], out["observable"]
    (0.236, 1.5, False)
    """
    n0, usual, filed = _expected_tickets(event, usual_tickets)
    n = usual + filed
    p = min(max(own_share, 1e-9), 1 - 1e-9)
    q = (p * usual + filed) / n if n > 0 else p
    evidence = turn_evidence(n0, np.array([p, 1 - p]), n, np.array([q, 1 - q]))
    return {
        "own_sla_share": round(p, 3),
        "expected_tickets_before": round(n0, 1),
        "expected_tickets_90_days": round(n, 1),
        "expected_sla_share": round(q, 3),
        "expected_evidence": round(evidence, 1),
        "observable": evidence >= MIN_OBSERVABLE_EVIDENCE,
    }


def mix_shift_observability(
    event: BeyondEvent, own_mix: np.ndarray, usual_tickets: np.ndarray
) -> dict[str, object]:
    """What the data can show of a ``ticket_mix_shift`` event in its first
    :data:`EVENT_TICKET_BLOCK_DAYS` days, as :func:`sla_observability` does for SLA
    policing, over three shares: the exit categories (data export, contract, billing), the
    building ones (feature requests, integration, optimization) and the rest.

    The history's ``n0`` expected tickets come at the account's own mix ``p`` (its
    Dirichlet draw, ``own_mix`` in :data:`~stakegraph.vocabulary.TICKET_CATEGORIES`
    order). In the event's first days the stream's ``u`` expected tickets keep their
    number but their building categories fall to :data:`BUILDING_CUT` (the mix is renormalised,
    as :func:`with_ticket_fields` draws it), and the event adds its ``e`` exit tickets
    (``tickets_first_90_days``): ``n = u + e`` at ``q``. The evidence is
    :func:`~stakegraph.generate.beyond.turn_evidence` of those, observable at
    :data:`MIN_OBSERVABLE_EVIDENCE` nats or more.

    Examples
    --------
    An own mix of 10% exit, 40% building and 50% rest, a quarter of a ticket a day, the
    event on day 400 with 6 exit tickets: 91 tickets before, 22.5 + 6 after. The stream
    under the cut is 10 : 4.8 : 50 of 64.8, so ``q = (3.47 + 6, 1.67, 17.36) / 28.5 =
    (0.332, 0.058, 0.609)``:

    >>> from stakegraph.generate.beyond import BeyondEvent
    >>> mix = np.zeros(len(TICKET_CATEGORIES))
    >>> mix[TICKET_CATEGORIES.index("data_export")] = 0.1
    >>> mix[TICKET_CATEGORIES.index("integration")] = 0.4
    >>> mix[TICKET_CATEGORIES.index("troubleshooting")] = 0.5
    >>> event = BeyondEvent("ticket_mix_shift", 400, {"tickets_first_90_days": 6})
    >>> out = mix_shift_observability(event, mix, np.full(600, 0.25))
    >>> out["expected_exit_share"], out["expected_building_share"], out["observable"]
    (0.332, 0.058, True)
    """
    exit_ = float(sum(own_mix[TICKET_CATEGORIES.index(c)] for c in EXIT_TICKET_CATEGORIES))
    building = float(sum(own_mix[TICKET_CATEGORIES.index(c)] for c in _BUILDING))
    own = np.array([exit_, building, 1.0 - exit_ - building])
    stream = own * np.array([1.0, BUILDING_CUT, 1.0])
    stream = stream / stream.sum()
    n0, usual, filed = _expected_tickets(event, usual_tickets)
    n = usual + filed
    q = (stream * usual + np.array([filed, 0.0, 0.0])) / n if n > 0 else own
    evidence = turn_evidence(n0, own, n, q)
    return {
        "own_exit_share": round(exit_, 3),
        "own_building_share": round(building, 3),
        "expected_tickets_before": round(n0, 1),
        "expected_tickets_90_days": round(n, 1),
        "expected_exit_share": round(float(q[0]), 3),
        "expected_building_share": round(float(q[1]), 3),
        "expected_evidence": round(evidence, 1),
        "observable": evidence >= MIN_OBSERVABLE_EVIDENCE,
    }


def _expected_tickets(event: BeyondEvent, usual_tickets: np.ndarray) -> tuple[float, float, float]:
    """An event's expected tickets of the account's usual stream in the
    :data:`OBSERVATION_BASELINE_DAYS` before it and in its first
    :data:`EVENT_TICKET_BLOCK_DAYS`, and the tickets the event itself files then."""
    baseline = usual_tickets[max(0, event.day - OBSERVATION_BASELINE_DAYS) : event.day]
    usual = usual_tickets[event.day : event.day + EVENT_TICKET_BLOCK_DAYS]
    filed = event.details.get("tickets_first_90_days", 0)
    assert isinstance(filed, int | float)
    return float(np.sum(baseline)), float(np.sum(usual)), float(filed)


def with_ticket_fields(
    rows: Iterable[list[str]],
    plan: AccountPlan,
    beyond: BeyondPlan,
    timeline: Timeline,
    rng: np.random.Generator,
) -> Iterator[list[str]]:
    """The rows with ``category, severity, status`` appended (empty on non-tickets)."""
    mix = account_ticket_mix(rng)
    incidents = [(d, d + 5) for d in plan.incident_days]
    # A row written twice (the generator's duplicates) gets the same fields twice.
    written_before: dict[str, list[str]] = {}
    for row in rows:
        if row[_KIND_COLUMN] != "ticket":
            yield [*row, "", "", ""]
            continue
        if row[0] in written_before:
            yield list(written_before[row[0]])
            continue
        day = (datetime.fromisoformat(row[_AT_COLUMN]).date() - timeline.start).days
        prefix, issue = row[_SUBJECT_COLUMN].split(": ", 1)
        if issue in EVENT_MIX:  # an event's own ticket (the placeholder subject)
            p = np.asarray([EVENT_MIX[issue].get(c, 0.0) for c in TICKET_CATEGORIES])
        else:
            p = mix.copy()
            if any(lo <= day < hi for lo, hi in incidents):
                p = p * np.asarray([INCIDENT_SHIFT.get(c, 1.0) for c in TICKET_CATEGORIES])
            if beyond.during(TICKET_MIX_SHIFT, day):
                cut = [BUILDING_CUT if c in _BUILDING else 1.0 for c in TICKET_CATEGORIES]
                p = p * np.asarray(cut)
        category = TICKET_CATEGORIES[int(rng.choice(len(p), p=p / p.sum()))]
        options = SUBJECTS[category]
        subject = f"{prefix}: {options[int(rng.integers(len(options)))]}"
        severity_p = np.asarray(_SEVERITY_P)
        if category == "sla":
            severity_p = np.asarray((0.05, 0.25, 0.45, 0.25))
        severity = SEVERITIES[int(rng.choice(4, p=severity_p))]
        status = (
            "solved" if day < timeline.days - 14 else ("open" if rng.random() < 0.5 else "solved")
        )
        written = "" if rng.random() < UNLABELLED_SHARE else category
        out = list(row)
        out[_SUBJECT_COLUMN] = subject
        written_before[row[0]] = [*out, written, severity, status]
        yield list(written_before[row[0]])
