"""Store values into ``...Public`` fields: epochs as dates, numbers that may be missing or
not finite, JSON kept as text, and the small records shared by several resources."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from typing import Any

from stakegraph.analytics.matching import MatchScore, Person
from stakegraph.analytics.ties_map import TieEvidence
from stakegraph.api import schemas as s


def as_datetime(epoch: float) -> datetime:
    """An epoch (seconds, UTC) as an aware datetime."""
    return datetime.fromtimestamp(int(epoch), UTC)


def as_date(epoch: float | None) -> date | None:
    """An epoch as its UTC day; None stays None."""
    return None if epoch is None else as_datetime(epoch).date()


def parse_json(raw: Any) -> Any:
    """A value the store keeps as JSON text, parsed; anything else as it is."""
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw  # evidence written as plain text stays text
    return raw


def number(value: Any) -> float | None:
    """A stored number as a float; None when missing, not a number, NaN or infinite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


def evidence_public(e: TieEvidence) -> s.EvidencePublic:
    """One interaction behind a tie."""
    return s.EvidencePublic(
        interaction_id=e.interaction_id, kind=e.kind, at=as_datetime(e.at), subject=e.subject
    )


def score_public(score: MatchScore) -> s.ScorePartsPublic:
    """A match score and its parts, rounded for display."""
    return s.ScorePartsPublic(
        total=round(score.total, 4),
        level_parity=round(score.level_parity, 4),
        function_affinity=round(score.function_affinity, 4),
        tie=round(score.tie, 4),
        capacity=round(score.capacity, 4),
    )


def person_brief(person: Person, *, is_ours: bool = False) -> s.PersonBrief:
    """A person of the suggestion and outreach tools as the public brief."""
    return s.PersonBrief(
        id=person.person_id,
        name=person.name,
        title=person.title,
        level=person.level,
        function=person.function,
        is_ours=is_ours,
    )
