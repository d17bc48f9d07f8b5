"""Interactions as read for a few accounts' windows, turned into the frames the analytics
read (:class:`~stakegraph.analytics.frames.PortfolioFrames`): pure, no I/O.

The API reads an account's interactions as rows with their participants nested (the
shape of ``api/account_interactions.cypher``); :func:`stakegraph.analytics.ties.tie_table`
reads frames. Roles are left empty: tie strength does not look at them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from stakegraph.analytics.frames import (
    ACCOUNT_COLUMNS,
    RENEWAL_COLUMNS,
    ROLE_COLUMNS,
    PortfolioFrames,
)

__all__ = ["FramePerson", "interaction_frames"]


@dataclass(frozen=True)
class FramePerson:
    """A person as the frames know them."""

    person_id: str
    name: str | None
    org_id: str | None
    is_home: bool


def interaction_frames(
    interactions: Sequence[tuple[str, Mapping[str, Any]]],
    people: Iterable[FramePerson],
    account_ids: Iterable[str],
) -> PortfolioFrames:
    """Frames of ``(account_id, row)`` interaction rows.

    A row carries ``id``, ``kind``, ``at``, ``thread_id``, ``reply_latency_s`` and
    ``participants`` (``person_id``, ``role``); a reply latency that is missing or not a
    finite number becomes NaN.
    """
    rows = list(interactions)
    return PortfolioFrames(
        interactions=pd.DataFrame(
            {
                "interaction_id": [r["id"] for _, r in rows],
                "account_id": [account for account, _ in rows],
                "kind": [r["kind"] for _, r in rows],
                "at": pd.array([int(r["at"]) for _, r in rows], dtype="int64"),
                "thread_id": [r["thread_id"] for _, r in rows],
                "reply_latency_s": pd.array(
                    [_finite_or_none(r["reply_latency_s"]) for _, r in rows], dtype="float64"
                ),
                "participants": pd.array([len(r["participants"]) for _, r in rows], dtype="int64"),
            }
        ),
        participations=pd.DataFrame(
            [(r["id"], p["person_id"], p["role"]) for _, r in rows for p in r["participants"]],
            columns=["interaction_id", "person_id", "role"],
        ),
        people=pd.DataFrame(
            [(p.person_id, p.name, p.org_id, p.is_home) for p in people],
            columns=["person_id", "name", "org_id", "is_home"],
        ),
        roles=pd.DataFrame(columns=list(ROLE_COLUMNS)),
        accounts=pd.DataFrame(
            [(account, None, None, math.nan, math.nan, None) for account in account_ids],
            columns=list(ACCOUNT_COLUMNS),
        ),
        renewals=pd.DataFrame(columns=list(RENEWAL_COLUMNS)),
    )


def _finite_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)
