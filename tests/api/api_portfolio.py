"""A small hand-built portfolio, so every API answer can be worked out by hand.

As of 2024-06-30 (the analysis ran at midnight 2024-07-01; the tie window is the 90 days
before), account ``acc-a`` ("Acme", owner Alan ``u-am1``):

- ``a-champ`` Carol, Director of Engineering: meets and emails Alan; also meets her CTO
- ``a-cto`` Tom, CTO: only talks to Carol (reached only through her)
- ``a-cfo`` Fay, CFO: emailed in January only -> silent executive
- ``a-ops`` Ed, VP Operations: one email to Alan (single-threaded); knows our Vera (knows.csv)
- ``a-gone`` Gil, VP Product: a call with Alan on 2024-05-01, role ended 2024-05-15 -> departed

``acc-b`` ("Beta", owner Alan) has one VP; ``acc-c`` ("Cyan", owner Beth ``u-am2``) a silent
CEO. Ours: Uma (CEO, capacity 2), Omar (CTO, capacity 1), Vera (VP Sales, capacity 2),
Alan and Beth (account managers).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from stakegraph.graph.store import GraphStore

DAY = 86_400


def epoch(day: str) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


AS_OF = "2024-06-30"
ANALYZED_AT = epoch("2024-07-01")

ACCOUNTS: list[dict[str, Any]] = [
    {
        "id": "acc-a",
        "name": "Acme",
        "segment": "enterprise",
        "arr": 500_000.0,
        "renewal": "2024-12-01",
        "owner_id": "u-am1",
        "risk_score": 0.8,
        "risk_tier": 5,
        "risk_tier_label": "churn risk",
        "risk_factors": json.dumps(
            [
                {"factor": "single_threaded", "value": 1.0, "contribution": 0.3},
                {"factor": "executive_withdrawal", "value": 1.0, "contribution": 0.2},
            ]
        ),
    },
    {
        "id": "acc-b",
        "name": "Beta",
        "segment": "mid_market",
        "arr": 100_000.0,
        "renewal": "2025-03-01",
        "owner_id": "u-am1",
        "risk_score": 0.3,
        "risk_tier": 2,
        "risk_tier_label": "above average",
        "risk_factors": "[]",
    },
    {
        "id": "acc-c",
        "name": "Cyan",
        "segment": "enterprise",
        "arr": 300_000.0,
        "renewal": None,
        "owner_id": "u-am2",
        "risk_score": 0.6,
        "risk_tier": 4,
        "risk_tier_label": "below average",
        "risk_factors": "not json",
    },
]

MANAGER = ("manager", "sales", "2020-01-01", None)
# id, name, organization, capacity, [(title, level, function, start, end)]
PEOPLE: list[tuple[str, str, str, int | None, list[tuple[str, str, str, str, str | None]]]] = [
    ("u-ceo", "Uma Chen", "home", 2, [("CEO", "c_level", "executive", "2020-01-01", None)]),
    ("u-cto", "Omar Diaz", "home", 1, [("CTO", "c_level", "engineering", "2020-01-01", None)]),
    ("u-vps", "Vera Stone", "home", 2, [("VP Sales", "vp", "sales", "2020-01-01", None)]),
    (
        "u-am1",
        "Alan Moss",
        "home",
        3,
        [("Account Manager", "manager", "sales", "2020-01-01", None)],
    ),
    ("u-am2", "Beth Kim", "home", 3, [("Account Manager", "manager", "sales", "2020-01-01", None)]),
    (
        "a-champ",
        "Carol Reed",
        "acc-a",
        None,
        [("Director of Engineering", "director", "engineering", "2021-01-01", None)],
    ),
    ("a-cto", "Tom Hale", "acc-a", None, [("CTO", "c_level", "engineering", "2019-01-01", None)]),
    ("a-cfo", "Fay Lin", "acc-a", None, [("CFO", "c_level", "finance", "2019-01-01", None)]),
    (
        "a-ops",
        "Ed Park",
        "acc-a",
        None,
        [("VP Operations", "vp", "operations", "2019-01-01", None)],
    ),
    (
        "a-gone",
        "Gil Ray",
        "acc-a",
        None,
        [("VP Product", "vp", "product", "2019-01-01", "2024-05-15")],
    ),
    ("b-vp", "Bo Vance", "acc-b", None, [("VP IT", "vp", "it", "2020-01-01", None)]),
    ("c-ceo", "Cy Ode", "acc-c", None, [("CEO", "c_level", "executive", "2018-01-01", None)]),
]

# id, kind, day, account, [(person, as)], subject
INTERACTIONS: list[tuple[str, str, str, str, list[tuple[str, str]], str]] = [
    ("i0", "email", "2024-01-15", "acc-a", [("u-am1", "from"), ("a-cfo", "to")], "Budget"),
    (
        "i1",
        "meeting",
        "2024-06-20",
        "acc-a",
        [("a-champ", "organizer"), ("a-cto", "attendee")],
        "Internal sync",
    ),
    ("i2", "email", "2024-06-25", "acc-a", [("u-am1", "from"), ("a-champ", "to")], "Follow-up"),
    (
        "i4",
        "meeting",
        "2024-06-15",
        "acc-a",
        [("u-am1", "organizer"), ("u-cto", "attendee"), ("a-champ", "attendee")],
        "Roadmap review",
    ),
    ("i5", "email", "2024-06-01", "acc-a", [("a-ops", "from"), ("u-am1", "to")], "Ops question"),
    ("i6", "call", "2024-05-01", "acc-a", [("u-am1", "organizer"), ("a-gone", "attendee")], "Call"),
    ("i7", "meeting", "2024-06-10", "acc-b", [("u-am1", "organizer"), ("b-vp", "attendee")], "QBR"),
]

SIGNALS: list[tuple[str, str, str, str, float, str, list[str]]] = [
    ("sig-a1", "acc-a", "single_node_bottleneck", "2024-06-20", 0.7, '{"share": 0.8}', ["u-am1"]),
    ("sig-a2", "acc-a", "executive_withdrawal", "2024-06-01", 0.5, '{"who": "Fay Lin"}', ["a-cfo"]),
    ("sig-a3", "acc-a", "response_latency_inflation", "2023-12-01", 0.4, "{}", []),
    ("sig-c1", "acc-c", "engagement_contraction", "2024-06-15", 0.6, "plain text", []),
]

# Snapshots: account, [(risk_score, depth_score)] oldest first, weekly up to ANALYZED_AT.
SNAPSHOTS: dict[str, list[tuple[float | None, float]]] = {
    "acc-a": [(0.5, 60.0), (0.55, 55.0), (0.6, 50.0), (0.7, 45.0), (0.8, 40.0)],
    "acc-c": [(None, 30.0), (None, 31.0)],
}

# Renewals (account, date, outcome, arr before, after, reason) and engagements (account,
# kind, date, status, their person) for the KPI sheet.
RENEWALS = [
    ("acc-a", "2024-03-01", "renewed", 400_000.0, 500_000.0, None),
    ("acc-c", "2024-05-01", "downgraded", 400_000.0, 300_000.0, "budget"),
]
ENGAGEMENTS = [
    ("acc-a", "qbr", "2024-04-01", "attended", "a-champ"),
    ("acc-c", "qbr", "2024-04-15", "no_show", "c-ceo"),
]
# Plays: id, account, kind, signal, status, opened day, assignee.
PLAYS: list[tuple[str, str, str, str | None, str, str, str | None]] = [
    ("play-a1", "acc-a", "value_delivery", "sig-a2", "open", "2024-06-05", "u-am1"),
    ("play-c1", "acc-c", "milestone_stress_test", "sig-c1", "open", "2024-06-16", "u-am2"),
]

# Stored ties of the last analysis run (read by outreach plans): lower id first.
TIES: list[tuple[str, str, str, float]] = [
    ("acc-a", "a-champ", "u-am1", 0.6),
    ("acc-a", "a-champ", "a-cto", 0.5),
    ("acc-a", "u-am1", "u-cto", 0.9),
]


def build_portfolio(store: GraphStore) -> None:
    """Write the portfolio above into an emptied store, with plain Cypher.

    Interactions carry the participant read copy (``person_ids``, ``person_roles``) as the
    importer writes it, so ``stakegraph analyze`` can run on this portfolio too.
    """

    def run(text: str, **params: Any) -> None:
        store.driver.execute_query(text, params, database_=store.database)

    run("MATCH (n) DETACH DELETE n")
    run("CREATE (:Organization:Home {id: 'home', name: 'Stakegraph Inc', kind: 'home'})")
    run(
        """
        UNWIND $rows AS r
        CREATE (a:Organization:Account {id: r.id, name: r.name, kind: 'account',
          segment: r.segment, arr: r.arr, owner_id: r.owner_id, risk_score: r.risk_score,
          risk_tier: r.risk_tier, risk_tier_label: r.risk_tier_label,
          risk_factors: r.risk_factors, analyzed_at: r.analyzed_at,
          renewal_epoch: r.renewal_epoch})
        """,
        rows=[
            {
                **a,
                "analyzed_at": ANALYZED_AT,
                "renewal_epoch": epoch(a["renewal"]) if a["renewal"] else None,
            }
            for a in ACCOUNTS
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (o:Organization {id: r.org})
        CREATE (p:Person {id: r.id, name: r.name, organization_id: r.org,
                          outreach_capacity: r.capacity})-[:MEMBER_OF]->(o)
        WITH p, o, r
        UNWIND r.roles AS role
        CREATE (p)-[:HOLDS_ROLE {title: role.title, level: role.level, function: role.function,
                                 start_epoch: role.start, end_epoch: role.end}]->(o)
        """,
        rows=[
            {
                "id": pid,
                "name": name,
                "org": org,
                "capacity": capacity,
                "roles": [
                    {
                        "title": t,
                        "level": lv,
                        "function": fn,
                        "start": epoch(st),
                        "end": epoch(en) if en else None,
                    }
                    for t, lv, fn, st, en in roles
                ],
            }
            for pid, name, org, capacity, roles in PEOPLE
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Account {id: r.account})
        CREATE (i:Interaction {id: r.id, kind: r.kind, at_epoch: r.at, subject: r.subject,
                               account_id: r.account, participants: size(r.people),
                               person_ids: [p IN r.people | p.id],
                               person_roles: [p IN r.people | p.as]})-[:ABOUT]->(a)
        WITH i, r
        UNWIND r.people AS part
        MATCH (p:Person {id: part.id})
        CREATE (p)-[:PARTICIPATED {as: part.as}]->(i)
        """,
        rows=[
            {
                "id": iid,
                "kind": kind,
                "at": epoch(day) + 10 * 3600,
                "account": account,
                "people": [{"id": p, "as": role} for p, role in people],
                "subject": subject,
            }
            for iid, kind, day, account, people, subject in INTERACTIONS
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Account {id: r.account})
        CREATE (a)-[:HAS_SIGNAL]->(s:Signal {id: r.id, account_id: r.account, kind: r.kind,
               at: datetime({epochSeconds: r.at}), at_epoch: r.at, severity: r.severity,
               summary: r.kind + ' raised', evidence: r.evidence})
        WITH s, r
        UNWIND r.people AS pid
        MATCH (p:Person {id: pid})
        CREATE (s)-[:CONCERNS]->(p)
        """,
        rows=[
            {
                "id": sid,
                "account": acc,
                "kind": kind,
                "at": epoch(day),
                "severity": severity,
                "evidence": evidence,
                "people": people,
            }
            for sid, acc, kind, day, severity, evidence, people in SIGNALS
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Account {id: r.account})
        CREATE (a)-[:HAS_SNAPSHOT]->(:Snapshot {id: r.id, account_id: r.account,
               window_start: r.start, window_end: r.end, risk_score: r.risk, depth_score: r.depth,
               contacts_engaged: r.contacts})
        """,
        rows=[
            {
                "id": f"{acc}@{end}",
                "account": acc,
                "start": end - 90 * DAY,
                "end": end,
                "risk": risk,
                "depth": depth,
                "contacts": index + 1,
            }
            for acc, series in SNAPSHOTS.items()
            for index, (risk, depth) in enumerate(series)
            for end in [ANALYZED_AT - (len(series) - 1 - index) * 7 * DAY]
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Person {id: r.a}), (b:Person {id: r.b})
        CREATE (a)-[:TIE {account_id: r.account, strength: r.strength, last_at: 0,
                          interactions: 1, reciprocity: 1.0, channels: 1}]->(b)
        """,
        rows=[{"account": acc, "a": a, "b": b, "strength": st} for acc, a, b, st in TIES],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Account {id: r.account})
        CREATE (a)-[:HAD_RENEWAL]->(:Renewal {id: r.account + '@' + r.day, account_id: r.account,
               date: date(r.day), date_epoch: r.at, outcome: r.outcome, arr_before: r.before,
               arr_after: r.after, reason: r.reason})
        """,
        rows=[
            {
                "account": a,
                "day": d,
                "at": epoch(d),
                "outcome": o,
                "before": b,
                "after": f,
                "reason": r,
            }
            for a, d, o, b, f, r in RENEWALS
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Account {id: r.account})
        CREATE (a)-[:HAD_ENGAGEMENT]->(:Engagement {id: r.account + '|' + r.kind + '|' + r.day
               + '|' + r.person, account_id: r.account, kind: r.kind, status: r.status,
               date: date(r.day), date_epoch: r.at, person_id: r.person})
        """,
        rows=[
            {"account": a, "kind": k, "day": d, "at": epoch(d), "status": st, "person": p}
            for a, k, d, st, p in ENGAGEMENTS
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Account {id: r.account}), (s:Signal {id: r.signal}), (who:Person {id: r.who})
        CREATE (a)-[:HAS_PLAY]->(p:Play {id: r.id, account_id: r.account, kind: r.kind,
               signal_id: r.signal, status: r.status, opened_epoch: r.at, request_id: r.id,
               opened_at: datetime({epochSeconds: r.at}), assignee_id: r.who,
               history: ['{"at": ' + toString(r.at) + ', "status": "open"}']})
        CREATE (p)-[:FROM_SIGNAL]->(s)
        CREATE (p)-[:ASSIGNED_TO]->(who)
        """,
        rows=[
            {
                "id": pid,
                "account": acc,
                "kind": kind,
                "signal": sig,
                "status": status,
                "at": epoch(day),
                "who": who,
            }
            for pid, acc, kind, sig, status, day, who in PLAYS
        ],
    )
    run(
        """
        MATCH (a:Person {id: 'a-ops'}), (b:Person {id: 'u-vps'})
        CREATE (a)-[:KNOWS {since: '2019', source: 'conference'}]->(b)
        """
    )


def headers(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


@contextmanager
def changed_portfolio(
    store: GraphStore, change: Callable[[GraphStore], None]
) -> Iterator[GraphStore]:
    """The portfolio with ``change`` made to it; rebuilt as it was afterwards, so the next
    module finds the portfolio as it is everywhere else."""
    build_portfolio(store)
    change(store)
    yield store
    build_portfolio(store)
