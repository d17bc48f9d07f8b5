"""The signal record every detector returns, and how it is written down.

A :class:`Signal` holds what a detector measured (``evidence``, at full precision); its
stable ``id``, its English ``summary`` and its stored form (:meth:`Signal.as_record`,
with evidence rounded to :data:`EVIDENCE_DIGITS`) are derived from it in one place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from stakegraph.analytics.signals.summaries import summarize

__all__ = ["EVIDENCE_DIGITS", "Signal", "clip_severity"]

# Decimal places kept of each evidence figure when a signal is stored or shown; figures
# not listed (counts, p-values, ids, epoch seconds) are kept as measured.
EVIDENCE_DIGITS: Mapping[str, int] = {
    "effective_threads_before": 3,
    "effective_threads_after": 3,
    "top_share_after": 3,
    "participation_rate_before": 3,
    "participation_rate_after": 3,
    "champion_score": 3,
    "other_score": 3,
    "interactions_per_week_before": 3,
    "interactions_per_week_after": 3,
    "silent_days": 1,
    "allowance_days": 1,
    "executive_share_before": 3,
    "median_latency_before_s": 1,
    "median_latency_after_s": 1,
    "ratio": 3,
    "volume_ratio": 3,
    "contacts_engaged_before": 2,
    "contact_ratio": 3,
    "step_evidence": 3,
    "engagement_score": 3,
    "brokerage": 2,
    "usage_ratio": 3,
    "advanced_share_ratio": 3,
    "share_recent": 3,
    "share_baseline": 3,
    "building_share_recent": 3,
    "building_share_baseline": 3,
    "tickets_per_week_ratio": 3,
    "refusal_rate_before": 3,
}


@dataclass(frozen=True)
class Signal:
    """One dated, evidenced signal of one account.

    Attributes
    ----------
    kind : str
        One of :data:`stakegraph.vocabulary.SIGNAL_KINDS`.
    account_id : str
    at : int
        Epoch seconds: when it would have been raised (nothing at or after it was read).
    severity : float
        In ``[0, 1]`` (see :func:`clip_severity`).
    evidence : Mapping[str, Any]
        What was measured, by name, at full precision (the kinds' fields are listed in
        docs/metrics.md).
    person_ids : tuple of str
        The people it concerns (may be empty).
    """

    kind: str
    account_id: str
    at: int
    severity: float
    evidence: Mapping[str, Any]
    person_ids: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Stable id: the same signal from the same data gets the same id on every run."""
        text = f"{self.account_id}|{self.kind}|{self.at}|{','.join(self.person_ids)}"
        digest = hashlib.sha1(text.encode()).hexdigest()[:12]
        return f"{self.kind}:{self.account_id}:{digest}"

    @property
    def summary(self) -> str:
        """One English sentence from the evidence (see :mod:`.summaries`)."""
        return summarize(self)

    def rounded_evidence(self) -> dict[str, Any]:
        """The evidence as stored: figures of :data:`EVIDENCE_DIGITS` rounded."""
        return {
            name: round(float(value), EVIDENCE_DIGITS[name]) if name in EVIDENCE_DIGITS else value
            for name, value in self.evidence.items()
        }

    def as_record(self) -> dict[str, Any]:
        """The stored form: ``id, account_id, kind, at, severity, summary, evidence,
        person_ids`` (a plain dict, evidence rounded)."""
        return {
            "account_id": self.account_id,
            "kind": self.kind,
            "at": self.at,
            "severity": self.severity,
            "summary": self.summary,
            "evidence": self.rounded_evidence(),
            "person_ids": list(self.person_ids),
            "id": self.id,
        }


def clip_severity(value: float) -> float:
    """A severity in ``[0, 1]``, rounded to 4 places; 0 when not finite."""
    if not np.isfinite(value):
        return 0.0
    return round(float(min(1.0, max(0.0, value))), 4)
