"""A five-account portfolio whose KPI sheet is worked out by hand (docs/metrics.md, "KPIs").

The same rows feed the pure tests (as frames) and the store tests (as an import directory,
plus the snapshots and risk scores an analysis would have written). The period is 2024
(``[2024-01-01, 2025-01-01)``), computed as of 2025-03-01.

- A (enterprise, u1, risk 0.2): 2024-03-01 expanded 100 -> 120
- B (enterprise, u1, 0.6): 2023-06-01 downgraded 200 -> 150; 2024-06-01 churned 150 ->
  (empty), "Budget cuts"
- C (smb, u2, 0.9): 2024-02-01 downgraded 50 -> 40, "seat reduction"; 2024-11-01 renewed
- D (smb, u2, 0.4): 2024-09-01 churned 80 -> 0, "moved to competitor"
- E (smb, u1, not scored): 2025-02-01 renewed 10 -> 10
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from stakegraph.analytics.kpis import (
    ENGAGEMENT_COLUMNS,
    SNAPSHOT_COLUMNS,
    SUGGESTION_COLUMNS,
    KpiFrames,
)
from stakegraph.dates import epoch_seconds


def day(text: str) -> int:
    return epoch_seconds(date.fromisoformat(text))


START, END, AS_OF = day("2024-01-01"), day("2025-01-01"), day("2025-03-01")

# account, segment, owner, risk score
ACCOUNTS = [
    ("A", "enterprise", "u1", 0.2),
    ("B", "enterprise", "u1", 0.6),
    ("C", "smb", "u2", 0.9),
    ("D", "smb", "u2", 0.4),
    ("E", "smb", "u1", None),
]
# account, date, outcome, arr_before, arr_after, reason
RENEWALS = [
    ("A", "2024-03-01", "expanded", 100.0, 120.0, None),
    ("B", "2023-06-01", "downgraded", 200.0, 150.0, "seat reduction"),
    ("B", "2024-06-01", "churned", 150.0, None, "Budget cuts"),
    ("C", "2024-02-01", "downgraded", 50.0, 40.0, "seat reduction"),
    ("C", "2024-11-01", "renewed", 40.0, 40.0, None),
    ("D", "2024-09-01", "churned", 80.0, 0.0, "moved to competitor"),
    ("E", "2025-02-01", "renewed", 10.0, 10.0, None),
]
# account, kind, date, status, person (theirs), our person
ENGAGEMENTS = [
    ("A", "qbr", "2023-10-01", "attended", "a1", "u1"),  # before the period
    ("A", "check_in", "2024-01-15", "attended", "a1", "u1"),
    ("A", "qbr", "2024-04-10", "attended", "a1", "u1"),
    ("A", "qbr", "2024-04-10", "no_show", "a2", "u1"),  # the same QBR: attended by a1
    ("A", "pilot", "2024-04-20", "accepted", "a2", None),
    ("B", "qbr", "2024-03-05", "declined", "b1", "u1"),
    ("C", "check_in", "2024-10-01", "attended", "c1", "u2"),
    ("C", "ebr", "2024-07-01", "attended", "c1", "u2"),
    ("C", "beta", "2024-12-10", "invited", "c1", None),  # an invitation is not engagement
    ("D", "check_in", "2024-02-01", "attended", "d1", "u2"),  # 213 days before D's renewal
    ("D", "qbr", "2024-05-01", "invited", "d1", "u2"),  # held, nobody recorded as attending
    ("E", "qbr", "2024-06-01", "attended", "e1", "u1"),
]
# What an analysis wrote: account, window end, multi_role, depth_score.
SNAPSHOTS = [
    ("A", "2024-06-01", True, 60.0),
    ("A", "2024-12-01", True, 70.0),
    ("B", "2024-05-01", False, 20.0),
    ("C", "2024-12-20", False, 40.0),
    ("D", "2025-02-01", True, 90.0),  # after the period
    ("E", "2024-10-01", True, 50.0),
]


def frames(suggestions: list[tuple[str, bool]] | None = None) -> KpiFrames:
    """The portfolio as the frames the KPI sheet reads."""
    return KpiFrames(
        accounts=pd.DataFrame(
            [(a, s, o, float("nan") if r is None else r) for a, s, o, r in ACCOUNTS],
            columns=["account_id", "segment", "owner_id", "risk_score"],
        ),
        renewals=pd.DataFrame(
            [
                (a, day(d), o, b, float("nan") if after is None else after, r)
                for a, d, o, b, after, r in RENEWALS
            ],
            columns=["account_id", "at", "outcome", "arr_before", "arr_after", "reason"],
        ),
        engagements=pd.DataFrame(
            [(a, k, s, day(d), p) for a, k, d, s, p, _ in ENGAGEMENTS],
            columns=["account_id", "kind", "status", "at", "person_id"],
        ).reindex(columns=list(ENGAGEMENT_COLUMNS)),
        snapshots=pd.DataFrame(
            [(a, day(d), m, depth) for a, d, m, depth in SNAPSHOTS],
            columns=list(SNAPSHOT_COLUMNS),
        ),
        suggestions=pd.DataFrame(suggestions or [], columns=list(SUGGESTION_COLUMNS)),
    )


def write_import(directory: Path) -> Path:
    """The portfolio as an import directory (one interaction, as the format requires)."""
    directory.mkdir(parents=True, exist_ok=True)
    orgs = [
        "id,name,domains,kind,segment,arr,renewal_date,owner_id",
        "ours,Ours,ours.example,home,,,,",
    ]
    orgs += [f"{a},Account {a},{a.lower()}.example,account,{s},,,{o}" for a, s, o, _ in ACCOUNTS]
    people = ["id,name,emails,organization_id", "u1,Uma,,ours", "u2,Ulf,,ours"]
    people += [f"{p},,,{p[0].upper()}" for p in ("a1", "a2", "b1", "c1", "d1", "e1")]
    renewals = ["account_id,date,outcome,arr_before,arr_after,reason"]
    renewals += [
        f"{a},{d},{o},{b:g},{'' if after is None else f'{after:g}'},{r or ''}"
        for a, d, o, b, after, r in RENEWALS
    ]
    engagements = ["account_id,kind,date,status,person_id,our_person_id"]
    engagements += [f"{a},{k},{d},{s},{p},{u or ''}" for a, k, d, s, p, u in ENGAGEMENTS]
    interactions = ["id,kind,at,from,to,account_id", "i1,email,2024-01-10T10:00:00Z,u1,a1,A"]
    for name, lines in (
        ("organizations", orgs),
        ("people", people),
        ("renewals", renewals),
        ("engagements", engagements),
        ("interactions", interactions),
    ):
        (directory / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


# What `stakegraph analyze` would have written (snapshots and the latest risk score), in the
# properties and relationships it writes them to.
ANALYSIS_WRITES = """
UNWIND $snapshots AS s
MATCH (a:Account {id: s.account_id})
CREATE (a)-[:HAS_SNAPSHOT]->(:Snapshot {id: s.account_id + '@' + toString(s.window_end),
        account_id: s.account_id, window_start: s.window_end - 7776000,
        window_end: s.window_end, multi_role: s.multi_role, depth_score: s.depth_score})
"""
RISK_WRITES = """
UNWIND $rows AS r
MATCH (a:Account {id: r.account_id})
SET a.risk_score = r.risk_score
"""


def analysis_rows() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    snapshots = [
        {"account_id": a, "window_end": day(d), "multi_role": m, "depth_score": depth}
        for a, d, m, depth in SNAPSHOTS
    ]
    risk = [{"account_id": a, "risk_score": r} for a, _, _, r in ACCOUNTS if r is not None]
    return snapshots, risk
