"""The English sentence of each signal kind, written from the signal's evidence alone.

The detectors measure; this module words. A sentence uses only the kind, the date and
the evidence of a signal (at full precision, so the wording does not depend on how the
stored figures are rounded).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from stakegraph.vocabulary import (
    CHAMPION_DEPARTURE,
    CO_INNOVATION_WITHDRAWAL,
    ENGAGEMENT_CONTRACTION,
    EXECUTIVE_WITHDRAWAL,
    FEATURE_DEPTH_REGRESSION,
    QBR_DISENGAGEMENT,
    RESPONSE_LATENCY_INFLATION,
    SINGLE_NODE_BOTTLENECK,
    SLA_POLICING,
    STAKEHOLDER_DEPARTURE,
    TICKET_MIX_SHIFT,
    USAGE_DECLINE,
)

if TYPE_CHECKING:
    from stakegraph.analytics.signals.record import Signal

__all__ = ["summarize"]

Evidence = Mapping[str, Any]


def summarize(signal: Signal) -> str:
    """The signal in one English sentence.

    Examples
    --------
    >>> from stakegraph.analytics.signals.record import Signal
    >>> summarize(Signal(kind="response_latency_inflation", account_id="acme", at=0,
    ...     severity=0.7, evidence={"median_latency_before_s": 3600.0,
    ...     "median_latency_after_s": 14400.0, "ratio": 4.0}))
    'Their replies now take a median 4.0 h, 4.0 times the 1.0 h of the half-year before.'
    """
    return _WRITERS[signal.kind](signal.evidence)


def _bottleneck(evidence: Evidence) -> str:
    side = str(evidence["side"])
    return (
        f"{side.capitalize()} side's traffic has narrowed onto {evidence['person_id']}: "
        f"{evidence['effective_threads_after']:.1f} effective threads, down from "
        f"{evidence['effective_threads_before']:.1f}, "
        f"with {evidence['top_share_after']:.0%} of it through them."
    )


def _champion(evidence: Evidence) -> str:
    if evidence["mode"] == "role_ended":
        ended = datetime.fromtimestamp(int(evidence["role_end"]), UTC).date().isoformat()
        role = evidence["title"] or evidence["level"]
        return f"Champion {evidence['person_id']} ({role}) left their role on {ended}."
    level = evidence["level"] or "unknown level"
    return (
        f"Champion {evidence['person_id']} ({level}) has been silent for "
        f"{evidence['silent_days']:.0f} days while the account had "
        f"{evidence['account_interactions_since']} interactions without them."
    ) + _written_to_after(evidence)


def _written_to_after(evidence: Evidence) -> str:
    """When others went on writing to someone for over a week after their own last
    message (mail to a person who left goes on for weeks): both days."""
    sent, seen = evidence.get("last_sent_at"), int(evidence["last_seen_at"])
    if sent is None or seen - int(sent) <= 7 * 86_400:
        return ""
    return (
        f" Their own last message was on {_day(int(sent))}; others went on writing to them "
        f"until {_day(seen)}."
    )


def _day(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()


def _executives(evidence: Evidence) -> str:
    text = (
        f"No VP or C-level person of theirs has appeared for {evidence['silent_days']:.0f} days "
        f"({evidence['account_interactions_since']} account interactions), against "
        f"{evidence['executive_share_before']:.0%} of interactions before."
    )
    missed = evidence.get("reviews_missed")
    if missed:
        sessions = "session" if missed == 1 else "sessions"
        text += (
            f" They missed the last {missed} {sessions} of the business reviews and standing"
            " meetings they used to attend."
        )
    return text


def _latency(evidence: Evidence) -> str:
    before_h = evidence["median_latency_before_s"] / 3600
    after_h = evidence["median_latency_after_s"] / 3600
    return (
        f"Their replies now take a median {after_h:.1f} h, "
        f"{evidence['ratio']:.1f} times the {before_h:.1f} h of the half-year before."
    )


def _contraction(evidence: Evidence) -> str:
    return (
        f"Engagement contracted to {evidence['volume_ratio']:.0%} of its usual volume "
        f"({evidence['interactions_per_week_after']:.1f} vs "
        f"{evidence['interactions_per_week_before']:.1f} interactions a week) "
        f"and {evidence['contact_ratio']:.0%} of the usual contacts."
    )


def _stakeholder(evidence: Evidence) -> str:
    role = evidence.get("title") or evidence.get("level") or "unknown level"
    if evidence.get("buying_role"):
        role = f"{role}, {str(evidence['buying_role']).replace('_', ' ')}"
    why = (
        f"{evidence['participation_rate_before']:.1%} of the account's interactions, "
        f"engagement rank {evidence['engagement_rank']}, "
        f"{evidence['contacts']} contacts"
    )
    if evidence["mode"] == "role_ended":
        ended = datetime.fromtimestamp(int(evidence["role_end"]), UTC).date().isoformat()
        return (
            f"Key stakeholder {evidence['person_id']} ({role}; {why}) left their role on {ended}."
        )
    since = datetime.fromtimestamp(int(evidence["last_seen_at"]), UTC).date().isoformat()
    return (
        f"Key stakeholder {evidence['person_id']} ({role}; {why}) has not appeared since "
        f"{since} while the account had {evidence['account_interactions_since']} "
        "interactions without them."
    ) + _written_to_after(evidence)


def _usage(evidence: Evidence) -> str:
    metrics = ", ".join(str(m) for m in evidence["metrics_declined"])
    return (
        f"Usage has fallen to {evidence['usage_ratio']:.0%} of the half-year before "
        f"({metrics}), over the last {evidence['recent_weeks']} weeks."
    )


def _depth(evidence: Evidence) -> str:
    return (
        f"Advanced features' share of use has fallen to {evidence['advanced_share_ratio']:.0%} "
        f"of what it was, with basic use kept: back to the basics."
    )


def _ticket_shift(evidence: Evidence) -> str:
    what = "data export, contract and billing" if len(evidence["categories"]) > 1 else "SLA"
    return (
        f"{evidence['share_recent']:.0%} of the last {evidence['tickets_recent']} tickets are "
        f"about {what}, against {evidence['share_baseline']:.0%} before; feature requests, "
        f"integration and optimization {evidence['building_share_recent']:.0%} "
        f"(from {evidence['building_share_baseline']:.0%})."
    )


def _refusals(what: str) -> Callable[[Evidence], str]:
    def write(evidence: Evidence) -> str:
        return (
            f"{evidence['refusals']} of the last {evidence['recent']} {what} refused, against "
            f"{evidence['refusal_rate_before']:.0%} of the {evidence['decisions_before']} before."
        )

    return write


_WRITERS: Mapping[str, Callable[[Evidence], str]] = {
    USAGE_DECLINE: _usage,
    FEATURE_DEPTH_REGRESSION: _depth,
    TICKET_MIX_SHIFT: _ticket_shift,
    SLA_POLICING: _ticket_shift,
    CO_INNOVATION_WITHDRAWAL: _refusals("co-innovation invitations"),
    QBR_DISENGAGEMENT: _refusals("business reviews and check-ins"),
    SINGLE_NODE_BOTTLENECK: _bottleneck,
    CHAMPION_DEPARTURE: _champion,
    EXECUTIVE_WITHDRAWAL: _executives,
    RESPONSE_LATENCY_INFLATION: _latency,
    ENGAGEMENT_CONTRACTION: _contraction,
    STAKEHOLDER_DEPARTURE: _stakeholder,
}
