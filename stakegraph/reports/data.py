"""What a report reads from the store, once, and the per-date lookups both reports share.

Reports are computed from the same data as everything else: the accounts' latest
assessment, their snapshots (depth, engagement, and the risk each analysis left on the
window it scored), signals, renewals and plays. :func:`read_report_data` reads them for a
set of accounts and a period; the figures are then pure functions of :class:`ReportData`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stakegraph import playbook
from stakegraph.analytics.plays import Play, PlayEffect
from stakegraph.graph.store import GraphStore


@dataclass(frozen=True)
class ReportData:
    """Accounts (dicts, by id), and per account its snapshots, signals, renewals and plays."""

    accounts: dict[str, dict[str, Any]]
    snapshots: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    signals: list[dict[str, Any]] = field(default_factory=list)
    renewals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    plays: list[Play] = field(default_factory=list)
    effects: dict[str, PlayEffect] = field(default_factory=dict)

    def risk_factors(self, account_id: str) -> list[dict[str, Any]]:
        raw = self.accounts[account_id].get("risk_factors")
        try:
            factors = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return []
        return [f for f in factors or [] if isinstance(f, dict)]


def read_report_data(
    store: GraphStore, account_ids: Sequence[str] | None, *, since: int, until: int
) -> ReportData:
    """Everything a report over ``account_ids`` (None: every account) and ``[since, until)``
    needs; snapshots from ``since`` back to the one before it (the period's baseline)."""
    accounts = {
        row["id"]: row
        for row in store.query(
            "reports/accounts",
            account_ids=None if account_ids is None else sorted(account_ids),
        )
    }
    ids = sorted(accounts)
    snapshots: dict[str, list[dict[str, Any]]] = {}
    # A year before the period: the baseline of each figure is the last value before it.
    for row in store.query(
        "reports/snapshots", account_ids=ids, since=since - 366 * 86_400, until=until
    ):
        snapshots.setdefault(row["account_id"], []).append(row)
    renewals: dict[str, list[dict[str, Any]]] = {}
    for row in store.query("reports/renewals", account_ids=ids):
        renewals.setdefault(row["account_id"], []).append(row)
    signals = store.query("reports/signals", account_ids=ids, since=since, until=until)
    plays = [p for p in playbook.list_plays(store, ids) if p.opened_at < until]
    return ReportData(
        accounts=accounts,
        snapshots=snapshots,
        signals=signals,
        renewals=renewals,
        plays=plays,
        effects=playbook.effects_of(store, plays),
    )


def value_at(rows: Sequence[dict[str, Any]], key: str, at: int) -> float | None:
    """The account's ``key`` on its latest snapshot whose window ends at or before ``at``."""
    best = None
    for row in rows:
        if int(row["window_end"]) <= at and row.get(key) is not None:
            best = row
    return None if best is None else float(best[key])


def tier_at(data: ReportData, account_id: str, at: int) -> int | None:
    """The tier of the latest analysis at or before ``at``: a snapshot's, or the account's own
    latest assessment when that was made by then."""
    points = [
        (int(r["window_end"]), int(r["risk_tier"]))
        for r in data.snapshots.get(account_id, [])
        if r.get("risk_tier") is not None
    ]
    account = data.accounts[account_id]
    if account.get("risk_tier") is not None and account.get("analyzed_at") is not None:
        points.append((int(account["analyzed_at"]), int(account["risk_tier"])))
    known = [p for p in points if p[0] <= at]
    return max(known)[1] if known else None


def risk_at(data: ReportData, account_id: str, at: int) -> float | None:
    """The risk score of the latest analysis at or before ``at`` (as :func:`tier_at`)."""
    points = [
        (int(r["window_end"]), float(r["risk_score"]))
        for r in data.snapshots.get(account_id, [])
        if r.get("risk_score") is not None
    ]
    account = data.accounts[account_id]
    if account.get("risk_score") is not None and account.get("analyzed_at") is not None:
        points.append((int(account["analyzed_at"]), float(account["risk_score"])))
    known = [p for p in points if p[0] <= at]
    return max(known)[1] if known else None
