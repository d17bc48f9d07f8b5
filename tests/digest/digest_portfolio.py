"""A hand-built portfolio whose weekly changes can be worked out by hand.

Analysis date 2024-07-01 (midnight; the week before is 2024-06-24). Open window 90 days.

- ``acc-a`` Acme (owner Alan ``u-am1``), ARR 500k, risk 0.8, tier 5: ARR at risk 400k.
  Signals: ``sig-a1`` executive withdrawal 2024-06-27 (open now, not yet on 06-24);
  ``sig-a3`` bottleneck 2024-04-10 (open on both dates); ``sig-a0`` latency 2024-03-01
  (open on neither). Fay Lin, CFO, was on a conversation every week from 2024-01-01 to
  2024-05-27 at 10:00 (mean gap 7 days): 27.6 days silent on 06-24 (not quiet), 34.6
  on 07-01 (quiet: at least 30 days and 3 x 7).
  Renewal 2024-09-25: outside the 90 days from 06-24 (to 09-22), inside from 07-01.
- ``acc-b`` Beta (Alan), ARR 100k, risk 0.3, tier 2: 30k. Bo Vance, VP IT, seen twice
  (too few conversations to go quiet). Renewal 2025-03-01.
- ``acc-c`` Cyan (Beth ``u-am2``), ARR 300k, risk 0.6, tier 4: 180k. ``sig-c1`` contraction
  2024-04-01: open on 06-24 (from 03-26), not on 07-01 (from 04-02): cleared.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from stakegraph.graph.store import GraphStore


def epoch(day: str) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


ANALYZED_AT = epoch("2024-07-01")

ACCOUNTS = [
    ("acc-a", "Acme", "u-am1", 500_000.0, 0.8, 5, "churn risk", "2024-09-25"),
    ("acc-b", "Beta", "u-am1", 100_000.0, 0.3, 2, "above average", "2025-03-01"),
    ("acc-c", "Cyan", "u-am2", 300_000.0, 0.6, 4, "below average", None),
]
PEOPLE = [
    ("u-am1", "Alan Moss", "home", "Account Manager", "manager"),
    ("u-am2", "Beth Kim", "home", "Account Manager", "manager"),
    ("a-cfo", "Fay Lin", "acc-a", "CFO", "c_level"),
    ("b-vp", "Bo Vance", "acc-b", "VP IT", "vp"),
]
SIGNALS = [
    ("sig-a1", "acc-a", "executive_withdrawal", "2024-06-27", 0.8, ["a-cfo"]),
    ("sig-a3", "acc-a", "single_node_bottleneck", "2024-04-10", 0.6, []),
    ("sig-a0", "acc-a", "response_latency_inflation", "2024-03-01", 0.4, []),
    ("sig-c1", "acc-c", "engagement_contraction", "2024-04-01", 0.5, []),
]


def _weekly(first: str, last: str) -> list[str]:
    day, end, days = date.fromisoformat(first), date.fromisoformat(last), []
    while day <= end:
        days.append(day.isoformat())
        day += timedelta(days=7)
    return days


def interactions() -> list[tuple[str, str, str, list[str]]]:
    rows = [
        (f"ia{n}", "acc-a", day, ["u-am1", "a-cfo"])
        for n, day in enumerate(_weekly("2024-01-01", "2024-05-27"))
    ]
    rows += [("ib1", "acc-b", "2024-05-01", ["u-am1", "b-vp"])]
    rows += [("ib2", "acc-b", "2024-06-20", ["u-am1", "b-vp"])]
    return rows


def run(store: GraphStore, text: str, **params: Any) -> None:
    store.driver.execute_query(text, params, database_=store.database)


def build(store: GraphStore) -> None:
    """Write the portfolio into an emptied store (schema kept)."""
    run(store, "MATCH (n) DETACH DELETE n")
    store.ensure_schema()
    run(store, "CREATE (:Organization:Home {id: 'home', name: 'Us', kind: 'home'})")
    run(
        store,
        """
        UNWIND $rows AS r
        CREATE (:Organization:Account {id: r[0], name: r[1], owner_id: r[2], arr: r[3],
          risk_score: r[4], risk_tier: r[5], risk_tier_label: r[6], renewal_epoch: r[7],
          analyzed_at: $at, kind: 'account'})
        """,
        rows=[[*a[:7], epoch(a[7]) if a[7] else None] for a in ACCOUNTS],
        at=ANALYZED_AT,
    )
    run(
        store,
        """
        UNWIND $rows AS r
        MATCH (o:Organization {id: r[2]})
        CREATE (p:Person {id: r[0], name: r[1]})-[:HOLDS_ROLE {title: r[3], level: r[4],
          function: 'executive', start_epoch: $start}]->(o)
        """,
        rows=[list(p) for p in PEOPLE],
        start=epoch("2020-01-01"),
    )
    run(
        store,
        """
        UNWIND $rows AS r
        MATCH (a:Organization {id: r[1]})
        CREATE (i:Interaction {id: r[0], kind: 'meeting', at_epoch: r[2], account_id: r[1],
          participants: size(r[3]), person_ids: r[3], bulk: false,
          person_roles: [x IN r[3] | 'attendee']})-[:ABOUT]->(a)
        WITH i, r UNWIND r[3] AS pid
        MATCH (p:Person {id: pid})
        CREATE (p)-[:PARTICIPATED {as: 'attendee'}]->(i)
        """,
        rows=[[i, acc, epoch(day) + 36_000, people] for i, acc, day, people in interactions()],
    )
    for signal in SIGNALS:
        add_signal(store, *signal)


def add_signal(
    store: GraphStore,
    signal_id: str,
    account_id: str,
    kind: str,
    day: str,
    severity: float,
    people: list[str],
) -> None:
    run(
        store,
        """
        MATCH (a:Organization {id: $account})
        CREATE (a)-[:HAS_SIGNAL]->(s:Signal {id: $id, account_id: $account, kind: $kind,
          at_epoch: $at, severity: $severity, summary: $kind + ' on ' + $day})
        WITH s UNWIND $people AS pid
        MATCH (p:Person {id: pid}) CREATE (s)-[:CONCERNS]->(p)
        """,
        id=signal_id,
        account=account_id,
        kind=kind,
        at=epoch(day),
        day=day,
        severity=severity,
        people=people,
    )


def set_tier(store: GraphStore, account_id: str, tier: int, label: str, risk: float) -> None:
    run(
        store,
        "MATCH (a:Organization {id: $id}) "
        "SET a.risk_tier = $tier, a.risk_tier_label = $label, a.risk_score = $risk",
        id=account_id,
        tier=tier,
        label=label,
        risk=risk,
    )
