"""Generated portfolios read back as frames, and the renewal engagement measured on them.

A module of its own rather than conftest.py: test modules import it, and every test
directory's conftest.py is a module named ``conftest``, so importing from one picks
whichever was loaded last when several test directories are selected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class LoadedPortfolio:
    """A generated portfolio read back: raw files, and participations resolved to people."""

    path: Path
    truth: dict[str, Any]
    organizations: pd.DataFrame
    people: pd.DataFrame
    roles: pd.DataFrame
    interactions: pd.DataFrame  # as written, duplicates included, all text
    renewals: pd.DataFrame
    knows: pd.DataFrame
    events: pd.DataFrame  # interactions deduplicated, with `at` as UTC timestamps
    participations: pd.DataFrame  # id, account_id, at, kind, field, person_id, home


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV of the import format as text columns (empty cells stay empty strings)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_portfolio(path: Path) -> LoadedPortfolio:
    """Read every file of a generated portfolio."""
    people = read_csv(path / "people.csv")
    interactions = read_csv(path / "interactions.csv")
    events = interactions.drop_duplicates("id").copy()
    events["at"] = pd.to_datetime(events["at"], format="ISO8601", utc=True)
    return LoadedPortfolio(
        path=path,
        truth=json.loads((path / "truth.json").read_text(encoding="utf-8")),
        organizations=read_csv(path / "organizations.csv"),
        people=people,
        roles=read_csv(path / "roles.csv"),
        interactions=interactions,
        renewals=read_csv(path / "renewals.csv"),
        knows=read_csv(path / "knows.csv"),
        events=events,
        participations=_participations(events, people),
    )


def _participations(events: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    by_address = {
        address: person_id
        for person_id, addresses in zip(people["id"], people["emails"], strict=True)
        for address in addresses.split(";")
        if address
    }
    frames = []
    for field in ("from", "to", "cc"):
        frame = events[["id", "account_id", "at", "kind"]].assign(
            field=field, label=events[field].str.split(";")
        )
        frame = frame.explode("label")
        frames.append(frame[frame["label"] != ""])
    parts = pd.concat(frames, ignore_index=True)
    parts["person_id"] = parts["label"].map(lambda label: by_address.get(label, label))
    parts["home"] = parts["person_id"].str.startswith("h-")
    return parts.drop(columns="label")


def renewal_engagement(portfolio: LoadedPortfolio, window_days: int = 180) -> pd.DataFrame:
    """Per renewal: contacts engaged, emails and meetings in the window before it.

    Only the account's own interactions count (bulk mail has no account).
    """
    parts = portfolio.participations
    customer = parts[~parts["home"] & (parts["account_id"] != "")]
    events = portfolio.events[portfolio.events["account_id"] != ""]
    events_by_account = dict(tuple(events.groupby("account_id")))
    contacts_by_account = dict(tuple(customer.groupby("account_id")))
    rows = []
    for renewal in portfolio.renewals.itertuples(index=False):
        end = pd.Timestamp(renewal.date, tz="UTC")
        begin = end - pd.Timedelta(days=window_days)
        account_events = events_by_account.get(renewal.account_id, events.iloc[:0])
        window = account_events[(account_events["at"] >= begin) & (account_events["at"] < end)]
        account_parts = contacts_by_account.get(renewal.account_id, customer.iloc[:0])
        in_window = account_parts[(account_parts["at"] >= begin) & (account_parts["at"] < end)]
        rows.append(
            {
                "account_id": renewal.account_id,
                "date": renewal.date,
                "outcome": renewal.outcome,
                "contacts": in_window["person_id"].nunique(),
                "emails": int((window["kind"] == "email").sum()),
                "meetings": int((window["kind"] == "meeting").sum()),
            }
        )
    return pd.DataFrame(rows)


def renewal_ratios(engagement: pd.DataFrame) -> dict[str, float]:
    """Mean engagement of renewing accounts over that of accounts churning at renewal."""
    churned = engagement[engagement["outcome"] == "churned"]
    renewing = engagement[engagement["outcome"] != "churned"]
    return {
        metric: float(renewing[metric].mean() / churned[metric].mean())
        for metric in ("contacts", "emails", "meetings")
    }
