"""Dev loader: PortfolioFrames straight from an import directory, without the store.

Used by the analytics tests and the evaluation scripts before (and besides) the ingest
pipeline. It follows docs/import-format.md closely enough for generated portfolios:
``from``/``to``/``cc`` hold person ids or e-mail addresses (addresses are mapped through
``people.csv``; unknown ones become a person named by the lower-cased address), duplicate
interaction rows are kept (the analytics must be robust to them), and ``reply_latency_s``
is the time since the ``in_reply_to`` message when that message is known.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames, empty_coverage
from stakegraph.analytics.signals.beyond_tables import BeyondFrames
from stakegraph.ingest.ticket_rules import categorize_subject, read_ticket_rules

_ROLE_RANK = {"from": 0, "to": 1, "cc": 2}


def _epoch(values: pd.Series) -> np.ndarray:
    """ISO timestamps or dates (any offset) to int64 epoch seconds, UTC."""
    parsed = pd.to_datetime(values, utc=True, format="ISO8601")
    seconds = (parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    return np.asarray(seconds, dtype=np.int64)


def _optional_epoch(values: pd.Series) -> np.ndarray:
    out = np.full(len(values), np.nan)
    present = values.notna() & (values.astype(str).str.len() > 0)
    if present.any():
        out[present.to_numpy()] = _epoch(values[present]).astype(float)
    return out


def load_portfolio_frames(directory: Path | str) -> PortfolioFrames:
    """Read a generated (or hand-written) import directory into :class:`PortfolioFrames`."""
    directory = Path(directory)
    orgs = pd.read_csv(directory / "organizations.csv", dtype=str, keep_default_na=False)
    people_raw = pd.read_csv(directory / "people.csv", dtype=str, keep_default_na=False)
    home_orgs = set(orgs.loc[orgs["kind"] == "home", "id"])

    by_email: dict[str, str] = {}
    for pid, emails in zip(people_raw["id"], people_raw["emails"], strict=True):
        for email in str(emails).split(";"):
            if email:
                by_email[email.strip().lower()] = pid

    raw = pd.read_csv(directory / "interactions.csv", dtype=str, keep_default_na=False)
    at = _epoch(raw["at"])
    rows: list[tuple[str, str, str]] = []
    for iid, sender, to, cc in zip(raw["id"], raw["from"], raw["to"], raw["cc"], strict=True):
        for role, field in (("from", sender), ("to", to), ("cc", cc)):
            for label in str(field).split(";"):
                label = label.strip()
                if label:
                    key = label.lower()
                    rows.append((iid, by_email.get(key, label if "@" not in label else key), role))
    participations = pd.DataFrame(rows, columns=["interaction_id", "person_id", "role"])
    participations = (
        participations.assign(_rank=participations["role"].map(_ROLE_RANK))
        .sort_values("_rank", kind="stable")
        .drop_duplicates(["interaction_id", "person_id"])
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    distinct = participations.groupby("interaction_id").size()

    at_by_id = pd.Series(at, index=raw["id"]).groupby(level=0).first()
    parent_at = raw["in_reply_to"].map(at_by_id)
    latency = (at - parent_at.to_numpy(dtype=float)).astype(float)
    latency[~np.isfinite(latency) | (latency < 0)] = np.nan
    interactions = pd.DataFrame(
        {
            "interaction_id": raw["id"],
            "account_id": raw["account_id"],
            "kind": raw["kind"],
            "at": at,
            "thread_id": raw["thread_id"].replace("", None),
            "reply_latency_s": latency,
            "participants": raw["id"].map(distinct).fillna(0).astype("int64").to_numpy(),
        }
    )

    known = set(people_raw["id"])
    extra = sorted(set(participations["person_id"]) - known)
    people = pd.DataFrame(
        {
            "person_id": list(people_raw["id"]) + extra,
            "name": list(people_raw["name"]) + extra,
            "org_id": list(people_raw["organization_id"].replace("", None)) + [None] * len(extra),
            "is_home": [o in home_orgs for o in people_raw["organization_id"]]
            + [False] * len(extra),
        }
    )

    roles_raw = pd.read_csv(directory / "roles.csv", dtype=str, keep_default_na=False)
    roles = pd.DataFrame(
        {
            "person_id": roles_raw["person_id"],
            "org_id": roles_raw["organization_id"],
            "title": roles_raw["title"],
            "level": roles_raw["level"],
            "function": roles_raw["function"],
            "buying_role": roles_raw.get("buying_role", pd.Series("", index=roles_raw.index)),
            "start": _epoch(roles_raw["start"]),
            "end": _optional_epoch(roles_raw["end"]),
        }
    )

    account_rows = orgs[orgs["kind"] != "home"]
    accounts = pd.DataFrame(
        {
            "account_id": account_rows["id"].to_numpy(),
            "name": account_rows["name"].to_numpy(),
            "segment": account_rows["segment"].to_numpy(),
            "arr": pd.to_numeric(account_rows["arr"], errors="coerce").to_numpy(dtype=float),
            "renewal_date": _optional_epoch(account_rows["renewal_date"]),
            "owner_id": account_rows["owner_id"].replace("", None).to_numpy(),
        }
    )
    renewals_raw = pd.read_csv(directory / "renewals.csv", dtype=str, keep_default_na=False)
    renewals = pd.DataFrame(
        {
            "account_id": renewals_raw["account_id"],
            "at": _epoch(renewals_raw["date"]),
            "outcome": renewals_raw["outcome"],
        }
    )
    return PortfolioFrames(
        interactions=interactions,
        participations=participations,
        people=people,
        roles=roles,
        accounts=accounts,
        renewals=renewals,
        coverage=_coverage(directory),
    )


def _coverage(directory: Path) -> pd.DataFrame:
    """coverage.csv as the store reads it back (none: an empty frame)."""
    path = directory / "coverage.csv"
    if not path.exists():
        return empty_coverage()
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "source": raw["source"],
            "account_id": raw["account_id"].replace("", None).to_numpy(),
            "kinds": [tuple(k for k in kinds.split(";") if k) for kinds in raw["kinds"]],
            "start": _epoch(raw["start"]),
            "end": _optional_epoch(raw["end"]),
        }
    )


def load_truth(directory: Path | str) -> dict[str, Any]:
    """The generator's ``truth.json``."""
    truth: dict[str, Any] = json.loads((Path(directory) / "truth.json").read_text("utf-8"))
    return truth


def load_beyond_frames(directory: Path | str) -> BeyondFrames:
    """Usage, ticket categories (inferred from the subject where empty, by the directory's
    rule table) and engagements of an import directory, for the beyond-conversation
    detectors; files that are missing give empty frames."""
    directory = Path(directory)
    beyond = BeyondFrames.empty()
    usage, tickets, engagements = beyond.usage, beyond.tickets, beyond.engagements
    if (directory / "usage.csv").exists():
        raw = pd.read_csv(directory / "usage.csv", dtype=str, keep_default_na=False)
        usage = pd.DataFrame(
            {
                "account_id": raw["account_id"],
                "at": _epoch(raw["date"]),
                "metric": raw["metric"].str.lower(),
                "value": pd.to_numeric(raw["value"]).astype(float),
                "tier": raw["tier"].replace("", None),
            }
        )
    raw = pd.read_csv(directory / "interactions.csv", dtype=str, keep_default_na=False)
    if "category" in raw.columns:
        rules = read_ticket_rules(directory)
        of_tickets = raw[raw["kind"] == "ticket"].drop_duplicates("id")
        category = [
            given or categorize_subject(subject, rules)
            for given, subject in zip(of_tickets["category"], of_tickets["subject"], strict=True)
        ]
        tickets = pd.DataFrame(
            {
                "account_id": of_tickets["account_id"],
                "at": _epoch(of_tickets["at"]),
                "category": category,
            }
        )
    if (directory / "engagements.csv").exists():
        raw = pd.read_csv(directory / "engagements.csv", dtype=str, keep_default_na=False)
        engagements = pd.DataFrame(
            {
                "account_id": raw["account_id"],
                "kind": raw["kind"],
                "at": _epoch(raw["date"]),
                "status": raw["status"],
                "person_id": raw["person_id"].replace("", None),
            }
        )
    return BeyondFrames(usage=usage, tickets=tickets, engagements=engagements)
