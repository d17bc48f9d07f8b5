"""A small hand-built portfolio on which every curated exploration's answer is worked out by hand.

Analysed as of 2024-07-01 (``analyzed_at``; the 90 days before start on 2024-04-02).

Accounts (owner, segment, ARR, renewal, risk tier):

- ``acc-a`` Acme (Alan ``u-am1``, enterprise, 500k, renews 2024-09-15, tier 5)
- ``acc-b`` Beta (Alan, mid_market, 100k, 2025-03-01, tier 2)
- ``acc-c`` Cyan (Beth ``u-am2``, enterprise, 300k, 2024-08-01, tier 4)
- ``acc-d`` Delta (Beth, smb, 50k, no renewal date, tier 1)

Ours: Uma ``u-ceo`` (CEO), Omar ``u-cto`` (CTO), Alan, Beth. Theirs: at Acme Carol
``a-champ`` (director), Tom ``a-cto``, Fay ``a-cfo`` (C-level), Ed ``a-vp`` (VP), Gil
``a-gone`` (VP Product until 2024-05-15, then Head of Product at Cyan from 2024-06-01); at
Beta Bo ``b-vp`` (VP IT; a manager there before 2022) and Olga ``b-old`` (left Beta at the
end of 2023, now a manager at Delta); at Cyan Cy ``c-ceo``, Cara ``c-cfo`` (never in any
interaction) and Cleo ``c-mgr``; at Delta Dee ``d-dir``. Xena ``x-cons`` is a consultant
known only by address (no organization).

Every interaction is at 10:00 UTC on its day; they are listed in ``INTERACTIONS``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from stakegraph.graph.store import GraphStore

DAY = 86_400


def epoch(day: str) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


ANALYZED_AT = epoch("2024-07-01")

# id, name, segment, arr, renewal, owner, risk score, tier, tier label
ACCOUNTS: list[tuple[str, str, str, float, str | None, str, float, int, str]] = [
    ("acc-a", "Acme", "enterprise", 500_000.0, "2024-09-15", "u-am1", 0.8, 5, "churn risk"),
    ("acc-b", "Beta", "mid_market", 100_000.0, "2025-03-01", "u-am1", 0.3, 2, "above average"),
    ("acc-c", "Cyan", "enterprise", 300_000.0, "2024-08-01", "u-am2", 0.6, 4, "below average"),
    ("acc-d", "Delta", "smb", 50_000.0, None, "u-am2", 0.1, 1, "likely to renew"),
]

# organization, title, level, function, start, end
Role = tuple[str, str, str, str, str, str | None]
# id, name, organization (None: known only by address), roles
PEOPLE: list[tuple[str, str, str | None, list[Role]]] = [
    ("u-ceo", "Uma Chen", "home", [("home", "CEO", "c_level", "executive", "2020-01-01", None)]),
    ("u-cto", "Omar Diaz", "home", [("home", "CTO", "c_level", "engineering", "2020-01-01", None)]),
    ("u-am1", "Alan Moss", "home", [("home", "AM", "manager", "sales", "2020-01-01", None)]),
    ("u-am2", "Beth Kim", "home", [("home", "AM", "manager", "sales", "2020-01-01", None)]),
    (
        "a-champ",
        "Carol Reed",
        "acc-a",
        [("acc-a", "Director of Engineering", "director", "engineering", "2021-01-01", None)],
    ),
    (
        "a-cto",
        "Tom Hale",
        "acc-a",
        [("acc-a", "CTO", "c_level", "engineering", "2019-01-01", None)],
    ),
    ("a-cfo", "Fay Lin", "acc-a", [("acc-a", "CFO", "c_level", "finance", "2019-01-01", None)]),
    (
        "a-vp",
        "Ed Park",
        "acc-a",
        [("acc-a", "VP Operations", "vp", "operations", "2019-01-01", None)],
    ),
    (
        "a-gone",
        "Gil Ray",
        "acc-c",
        [
            ("acc-a", "VP Product", "vp", "product", "2019-01-01", "2024-05-15"),
            ("acc-c", "Head of Product", "director", "product", "2024-06-01", None),
        ],
    ),
    (
        "b-vp",
        "Bo Vance",
        "acc-b",
        [
            ("acc-b", "IT Manager", "manager", "it", "2018-01-01", "2022-01-01"),
            ("acc-b", "VP IT", "vp", "it", "2022-01-01", None),
        ],
    ),
    (
        "b-old",
        "Olga Berg",
        "acc-d",
        [
            ("acc-b", "Buyer", "manager", "procurement", "2019-01-01", "2023-12-31"),
            ("acc-d", "Buyer", "manager", "procurement", "2024-02-01", None),
        ],
    ),
    ("c-ceo", "Cy Ode", "acc-c", [("acc-c", "CEO", "c_level", "executive", "2018-01-01", None)]),
    ("c-cfo", "Cara Vos", "acc-c", [("acc-c", "CFO", "c_level", "finance", "2018-01-01", None)]),
    ("c-mgr", "Cleo Ng", "acc-c", [("acc-c", "IT Manager", "manager", "it", "2018-01-01", None)]),
    ("d-dir", "Dee Fox", "acc-d", [("acc-d", "Director IT", "director", "it", "2018-01-01", None)]),
    ("x-cons", "Xena Cole", None, []),
]

# id, kind, day, account, [(person, as)]
INTERACTIONS: list[tuple[str, str, str, str, list[tuple[str, str]]]] = [
    ("i01", "email", "2024-01-15", "acc-a", [("u-am1", "from"), ("a-cfo", "to")]),
    ("i02", "meeting", "2024-06-20", "acc-a", [("a-champ", "organizer"), ("a-cto", "attendee")]),
    ("i03", "email", "2024-06-25", "acc-a", [("u-am1", "from"), ("a-champ", "to")]),
    (
        "i04",
        "meeting",
        "2024-06-15",
        "acc-a",
        [
            ("u-am1", "organizer"),
            ("u-cto", "attendee"),
            ("u-ceo", "attendee"),
            ("a-champ", "attendee"),
            ("a-cto", "attendee"),
        ],
    ),
    ("i05", "email", "2024-05-20", "acc-a", [("a-vp", "from"), ("u-am1", "to")]),
    ("i06", "call", "2024-05-01", "acc-a", [("u-am1", "organizer"), ("a-gone", "attendee")]),
    ("i07", "meeting", "2024-06-10", "acc-b", [("u-am1", "organizer"), ("b-vp", "attendee")]),
    ("i08", "email", "2024-06-12", "acc-b", [("a-champ", "from"), ("b-vp", "to"), ("u-am1", "cc")]),
    ("i09", "meeting", "2024-06-10", "acc-c", [("u-am2", "organizer"), ("a-gone", "attendee")]),
    ("i10", "email", "2024-03-01", "acc-c", [("u-am2", "from"), ("c-ceo", "to")]),
    ("i11", "email", "2024-06-05", "acc-c", [("x-cons", "from"), ("c-mgr", "to"), ("u-am2", "cc")]),
    (
        "i12",
        "email",
        "2024-06-06",
        "acc-a",
        [("x-cons", "from"), ("a-champ", "to"), ("u-am1", "cc")],
    ),
    ("i13", "email", "2024-06-07", "acc-d", [("x-cons", "from"), ("d-dir", "to"), ("u-am2", "cc")]),
    ("i14", "meeting", "2024-06-18", "acc-d", [("u-am2", "organizer"), ("d-dir", "attendee")]),
    ("i15", "call", "2024-06-22", "acc-c", [("u-am2", "organizer"), ("c-mgr", "attendee")]),
]

# id, account, kind, day, severity, people concerned
SIGNALS: list[tuple[str, str, str, str, float, list[str]]] = [
    ("sig-a1", "acc-a", "single_node_bottleneck", "2024-06-20", 0.7, ["u-am1"]),
    ("sig-a2", "acc-a", "executive_withdrawal", "2024-06-01", 0.5, ["a-cfo"]),
    ("sig-a3", "acc-a", "response_latency_inflation", "2023-12-01", 0.4, []),
    ("sig-a4", "acc-a", "champion_departure", "2024-05-15", 0.9, ["a-gone"]),
    ("sig-c1", "acc-c", "engagement_contraction", "2024-06-15", 0.6, []),
    ("sig-c2", "acc-c", "executive_withdrawal", "2024-06-29", 0.3, ["c-ceo"]),
]

# account -> weekly depth scores, oldest first, the last window ending at ANALYZED_AT; the
# latest window also carries the ratios to the renewed baseline (a missing one: not finite).
SNAPSHOT_DEPTHS: dict[str, list[float]] = {
    "acc-a": [60.0, 55.0, 50.0, 45.0, 40.0],
    "acc-b": [50.0, 44.0],
    "acc-c": [30.0, 31.0],
}
LATEST_RATIOS: dict[str, dict[str, float]] = {
    "acc-a": {
        "contacts_engaged_ratio": 0.5,
        "meetings_ratio": 0.4,
        "inbound_emails_ratio": 0.3,
        "outbound_emails_ratio": 0.6,
    },
    "acc-b": {
        "contacts_engaged_ratio": 1.2,
        "meetings_ratio": 1.0,
        "inbound_emails_ratio": 1.1,
        "outbound_emails_ratio": 0.9,
    },
    "acc-c": {"contacts_engaged_ratio": 0.9, "meetings_ratio": 0.8},
}

# account, person a, person b (a < b), strength, interactions, last day
TIES: list[tuple[str, str, str, float, int, str]] = [
    ("acc-a", "a-champ", "u-am1", 0.6, 2, "2024-06-25"),
    ("acc-a", "a-champ", "a-cto", 0.5, 2, "2024-06-20"),
    ("acc-a", "u-am1", "u-cto", 0.9, 1, "2024-06-15"),
    ("acc-a", "u-ceo", "u-cto", 0.8, 1, "2024-06-15"),
    ("acc-b", "a-champ", "b-vp", 0.4, 1, "2024-06-12"),
    ("acc-b", "b-vp", "u-am1", 0.7, 2, "2024-06-12"),
]
# person a knows person b (knows.csv)
KNOWS: list[tuple[str, str]] = [("a-cto", "u-ceo"), ("a-vp", "u-ceo")]


def build_portfolio(store: GraphStore) -> None:
    """Write the portfolio above into an emptied store, with plain Cypher.

    Times are written as the importer and the analysis write them: epoch seconds
    (``*_epoch``, ``at``, ``window_end``, ``last_at``), and ``Interaction.at`` also as a
    datetime.
    """

    def run(text: str, **params: Any) -> None:
        store.driver.execute_query(text, params, database_=store.database)

    run("MATCH (n) DETACH DELETE n")
    run("CREATE (:Organization:Home {id: 'home', name: 'Stakegraph Inc', kind: 'home'})")
    run(
        """
        UNWIND $rows AS r
        CREATE (:Organization:Account {id: r.id, name: r.name, kind: 'account',
          segment: r.segment, arr: r.arr, renewal_epoch: r.renewal, owner_id: r.owner,
          risk_score: r.risk, risk_tier: r.tier, risk_tier_label: r.label,
          analyzed_at: $analyzed_at, tie_targets: r.tie_targets})
        """,
        analyzed_at=ANALYZED_AT,
        rows=[
            {
                "id": aid,
                "name": name,
                "segment": segment,
                "arr": arr,
                "renewal": epoch(renewal) if renewal else None,
                "owner": owner,
                "risk": risk,
                "tier": tier,
                "label": label,
                "tie_targets": sorted({b for acc, _, b, *_ in TIES if acc == aid}),
            }
            for aid, name, segment, arr, renewal, owner, risk, tier, label in ACCOUNTS
        ],
    )
    run(
        """
        UNWIND $rows AS r
        CREATE (p:Person {id: r.id, name: r.name, organization_id: r.org})
        WITH p, r
        OPTIONAL MATCH (o:Organization {id: r.org})
        FOREACH (org IN CASE WHEN o IS NULL THEN [] ELSE [o] END |
          CREATE (p)-[:MEMBER_OF]->(org))
        WITH p, r
        UNWIND r.roles AS role
        MATCH (o:Organization {id: role.org})
        CREATE (p)-[:HOLDS_ROLE {title: role.title, level: role.level, function: role.function,
                                 start_epoch: role.start, end_epoch: role.end}]->(o)
        """,
        rows=[
            {
                "id": pid,
                "name": name,
                "org": org,
                "roles": [
                    {
                        "org": role_org,
                        "title": title,
                        "level": level,
                        "function": function,
                        "start": epoch(start),
                        "end": epoch(end) if end else None,
                    }
                    for role_org, title, level, function, start, end in roles
                ],
            }
            for pid, name, org, roles in PEOPLE
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Organization {id: r.account})
        CREATE (i:Interaction {id: r.id, kind: r.kind, at_epoch: r.at,
                               at: datetime({epochSeconds: r.at}), account_id: r.account,
                               participants: size(r.people),
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
            }
            for iid, kind, day, account, people in INTERACTIONS
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Organization {id: r.account})
        CREATE (a)-[:HAS_SIGNAL]->(s:Signal {id: r.id, account_id: r.account, kind: r.kind,
               at: datetime({epochSeconds: r.at}), at_epoch: r.at, severity: r.severity,
               summary: r.kind + ' raised', evidence: '{}'})
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
                "severity": sev,
                "people": people,
            }
            for sid, acc, kind, day, sev, people in SIGNALS
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Organization {id: r.account})
        CREATE (a)-[:HAS_SNAPSHOT]->(s:Snapshot {id: r.id, account_id: r.account,
               window_start: r.end - 90 * 86400, window_end: r.end, depth_score: r.depth})
        SET s += r.ratios
        """,
        rows=[
            {
                "id": f"{acc}@{end}",
                "account": acc,
                "end": end,
                "depth": depth,
                "ratios": LATEST_RATIOS.get(acc, {}) if end == ANALYZED_AT else {},
            }
            for acc, depths in SNAPSHOT_DEPTHS.items()
            for index, depth in enumerate(depths)
            for end in [ANALYZED_AT - (len(depths) - 1 - index) * 7 * DAY]
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Person {id: r.a})
        MATCH (b:Person {id: r.b})
        CREATE (a)-[:TIE {account_id: r.account, strength: r.strength, last_at: r.last_at,
                          interactions: r.interactions, reciprocity: 1.0, channels: 1}]->(b)
        """,
        rows=[
            {
                "account": acc,
                "a": a,
                "b": b,
                "strength": strength,
                "interactions": n,
                "last_at": epoch(day) + 10 * 3600,
            }
            for acc, a, b, strength, n, day in TIES
        ],
    )
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Person {id: r.a})
        MATCH (b:Person {id: r.b})
        CREATE (a)-[:KNOWS {source: 'conference'}]->(b)
        """,
        rows=[{"a": a, "b": b} for a, b in KNOWS],
    )
