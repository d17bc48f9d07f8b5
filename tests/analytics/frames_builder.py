"""Build tiny PortfolioFrames by hand: one tuple per interaction, people named by side."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.dates import DAY

T0 = 1_700_000_000  # 2023-11-14; window starts in the tests are T0 + k days


def at(day: float) -> int:
    return T0 + int(day * DAY)


def make_frames(
    interactions: Iterable[Sequence[object]],
    *,
    home: Iterable[str] | None = None,
    roles: Iterable[tuple[str, str, str, float, float | None]] = (),
    accounts: Iterable[tuple[str, str]] = (),
    renewals: Iterable[tuple[str, float, str]] = (),
) -> PortfolioFrames:
    """Frames from ``(id, account, kind, day, sender, recipients[, latency_s])`` tuples.

    ``sender`` may be None (no from/organizer). People whose id starts with ``o`` are ours
    unless ``home`` lists them explicitly. ``roles`` are ``(person, level, function,
    start_day, end_day)``; ``accounts`` are ``(account_id, segment)``; ``renewals`` are
    ``(account_id, day, outcome)``.
    """
    rows, parts = [], []
    for item in interactions:
        iid, account, kind, day, sender, recipients = item[:6]
        latency = item[6] if len(item) > 6 else np.nan
        rows.append((iid, account, kind, at(float(day)), None, latency, 0))  # type: ignore[arg-type]
        meeting = kind == "meeting"
        if sender is not None:
            parts.append((iid, sender, "organizer" if meeting else "from"))
        for person in recipients:  # type: ignore[attr-defined]
            parts.append((iid, person, "attendee" if meeting or sender is None else "to"))
    inter = pd.DataFrame(
        rows,
        columns=[
            "interaction_id",
            "account_id",
            "kind",
            "at",
            "thread_id",
            "reply_latency_s",
            "participants",
        ],
    )
    participations = pd.DataFrame(parts, columns=["interaction_id", "person_id", "role"])
    if len(participations):
        count = participations.groupby("interaction_id")["person_id"].nunique()
        inter["participants"] = inter["interaction_id"].map(count).fillna(0).astype("int64")
    inter["at"] = inter["at"].astype("int64")
    person_ids = sorted(set(participations["person_id"]))
    home_set = set(home) if home is not None else {p for p in person_ids if p.startswith("o")}
    people = pd.DataFrame(
        {
            "person_id": person_ids,
            "name": person_ids,
            "org_id": ["home" if p in home_set else "customer" for p in person_ids],
            "is_home": [p in home_set for p in person_ids],
        }
    )
    role_frame = pd.DataFrame(
        [
            (p, "customer", "", level, function, at(start), np.nan if end is None else at(end))
            for p, level, function, start, end in roles
        ],
        columns=["person_id", "org_id", "title", "level", "function", "start", "end"],
    )
    role_frame["start"] = role_frame["start"].astype("int64")
    role_frame["end"] = role_frame["end"].astype(float)
    account_rows = list(accounts) or [(a, "mid_market") for a in sorted(set(inter["account_id"]))]
    account_frame = pd.DataFrame(
        {
            "account_id": [a for a, _ in account_rows],
            "name": [a for a, _ in account_rows],
            "segment": [s for _, s in account_rows],
            "arr": 1.0,
            "renewal_date": np.nan,
            "owner_id": None,
        }
    )
    renewal_frame = pd.DataFrame(
        [(a, at(day), outcome) for a, day, outcome in renewals],
        columns=["account_id", "at", "outcome"],
    )
    renewal_frame["at"] = renewal_frame["at"].astype("int64")
    return PortfolioFrames(
        interactions=inter,
        participations=participations,
        people=people,
        roles=role_frame,
        accounts=account_frame,
        renewals=renewal_frame,
    )


def with_extra(frames: PortfolioFrames, extra: PortfolioFrames) -> PortfolioFrames:
    """``frames`` plus the interactions and participations of ``extra`` (people merged)."""
    people = pd.concat([frames.people, extra.people]).drop_duplicates("person_id")
    return replace(
        frames,
        interactions=pd.concat([frames.interactions, extra.interactions], ignore_index=True),
        participations=pd.concat([frames.participations, extra.participations], ignore_index=True),
        people=people.reset_index(drop=True),
    )
