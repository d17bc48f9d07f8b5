"""Support-ticket categories, severities and statuses on the generated ticket rows.

Every account has its own mix of categories (a Dirichlet draw around
:data:`BASE_MIX`). Incident weeks bring troubleshooting and a few SLA complaints; a
planted ``ticket_mix_shift`` turns the mix from feature requests, integration and
optimization to data export, contract and billing; a planted ``sla_policing`` makes SLA
complaints (downtime, credits, response times) a large share. The subject is written
from the category, and the category column is left empty on 25% of the tickets: the
import infers it from the subject (stakegraph/ingest/ticket_rules.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import numpy as np

from stakegraph.generate.beyond import BeyondPlan
from stakegraph.generate.plan import AccountPlan
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import (
    BUILDING_TICKET_CATEGORIES,
    SLA_POLICING,
    TICKET_CATEGORIES,
    TICKET_MIX_SHIFT,
)

_BUILDING = frozenset(BUILDING_TICKET_CATEGORIES)


def _blend(p: np.ndarray, target: dict[str, float], weight: float) -> np.ndarray:
    own = p / p.sum()
    event = np.asarray([target.get(c, 0.0) for c in TICKET_CATEGORIES])
    return np.asarray((1 - weight) * own + weight * event / event.sum())


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
# After each planted event the mix is a blend: (1 - weight) x the account's own mix (its
# building categories first cut by BUILDING_CUT for a mix shift) + weight x the event's
# mix. A blend, not a multiplier: an account whose own mix has next to no contract
# tickets still writes them when it prepares to leave.
MIX_SHIFT_WEIGHT = 0.55
MIX_SHIFT = {"data_export": 0.4, "contract": 0.3, "billing": 0.3}
BUILDING_CUT = 0.12
SLA_SHIFT_WEIGHT = 0.4
SLA_SHIFT = {"sla": 1.0}
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


def with_ticket_fields(
    rows: Iterable[list[str]],
    plan: AccountPlan,
    beyond: BeyondPlan,
    timeline: Timeline,
    rng: np.random.Generator,
) -> Iterator[list[str]]:
    """The rows with ``category, severity, status`` appended (empty on non-tickets)."""
    mix = rng.dirichlet(np.asarray([BASE_MIX[c] for c in TICKET_CATEGORIES]) * 60)
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
        p = mix.copy()
        if any(lo <= day < hi for lo, hi in incidents):
            p = p * np.asarray([INCIDENT_SHIFT.get(c, 1.0) for c in TICKET_CATEGORIES])
        if beyond.during(TICKET_MIX_SHIFT, day):
            p = p * np.asarray([BUILDING_CUT if c in _BUILDING else 1.0 for c in TICKET_CATEGORIES])
            p = _blend(p, MIX_SHIFT, MIX_SHIFT_WEIGHT)
        if beyond.during(SLA_POLICING, day):
            p = _blend(p, SLA_SHIFT, SLA_SHIFT_WEIGHT)
        category = TICKET_CATEGORIES[int(rng.choice(len(p), p=p / p.sum()))]
        options = SUBJECTS[category]
        prefix = row[_SUBJECT_COLUMN].split(": ", 1)[0]
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
