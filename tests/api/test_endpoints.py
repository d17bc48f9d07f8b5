"""Every endpoint's happy path on the hand-built portfolio, with values worked out by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def client(served: TestClient) -> TestClient:
    """Every answer twice: from the precomputed read model and computed per request."""
    return served


@pytest.fixture(scope="module")
def admin(keys: dict[str, str]) -> dict[str, str]:
    return headers(keys["admin"])


def test_health_and_ready_need_no_key(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_account_list_default_order_is_riskiest_first(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = client.get("/api/accounts", headers=admin).json()
    assert body["count"] == 3 and body["limit"] == 50 and body["offset"] == 0
    assert [a["id"] for a in body["data"]] == ["acc-a", "acc-c", "acc-b"]
    acme = body["data"][0]
    assert acme == {
        "id": "acc-a",
        "name": "Acme",
        "segment": "enterprise",
        "arr": 500000.0,
        "renewal_date": "2024-12-01",
        "owner_id": "u-am1",
        "risk_score": 0.8,
        "risk_tier": 5,
        "risk_tier_label": "churn risk",
        "analyzed_at": "2024-06-30",
        # The last four of five snapshots, oldest first; risk went up by 0.25.
        "trend": {
            "metric": "risk_score",
            "values": [0.55, 0.6, 0.7, 0.8],
            "change": pytest.approx(0.25),
            "direction": "worsening",
        },
        # sig-a3 (2023-12-01) is older than 90 days before the analysis: not open.
        "open_signals": 2,
        "open_signals_by_kind": {"executive_withdrawal": 1, "single_node_bottleneck": 1},
    }
    cyan, beta = body["data"][1], body["data"][2]
    # Cyan's snapshots carry depth only: +1 point is within the flat band (2 points).
    assert cyan["trend"] == {
        "metric": "depth_score",
        "values": [30.0, 31.0],
        "change": 1.0,
        "direction": "flat",
    }
    assert cyan["renewal_date"] is None and cyan["open_signals"] == 1
    assert beta["trend"]["direction"] == "unknown" and beta["open_signals"] == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("segment=enterprise", ["acc-a", "acc-c"]),
        ("tier=2", ["acc-b"]),
        ("owner=u-am2", ["acc-c"]),
        ("sort=name", ["acc-a", "acc-b", "acc-c"]),
        ("sort=-name", ["acc-c", "acc-b", "acc-a"]),
        ("sort=arr", ["acc-b", "acc-c", "acc-a"]),
        ("sort=renewal_date", ["acc-a", "acc-b", "acc-c"]),  # missing dates last
        ("sort=-renewal_date", ["acc-b", "acc-a", "acc-c"]),  # ... either way
        ("sort=-open_signals", ["acc-a", "acc-c", "acc-b"]),
        ("sort=risk_tier", ["acc-b", "acc-c", "acc-a"]),
        ("sort=name&limit=2", ["acc-a", "acc-b"]),
        ("sort=name&limit=2&offset=2", ["acc-c"]),
        ("sort=name&offset=5", []),
        ("segment=nope", []),
    ],
)
def test_account_list_filters_sorts_and_pages(
    client: TestClient, admin: dict[str, str], query: str, expected: list[str]
) -> None:
    response = client.get(f"/api/accounts?{query}", headers=admin)
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["data"]] == expected


def test_account_list_count_is_all_pages(client: TestClient, admin: dict[str, str]) -> None:
    body = client.get("/api/accounts?limit=1&offset=1&sort=name", headers=admin).json()
    assert body["count"] == 3 and len(body["data"]) == 1


def test_account_detail(client: TestClient, admin: dict[str, str]) -> None:
    body = client.get("/api/accounts/acc-a", headers=admin).json()
    assert body["risk_factors"] == [
        {"factor": "single_threaded", "value": 1.0, "contribution": 0.3},
        {"factor": "executive_withdrawal", "value": 1.0, "contribution": 0.2},
    ]
    assert body["signals"] == [
        {
            "id": "sig-a1",
            "kind": "single_node_bottleneck",
            "at": "2024-06-20T00:00:00Z",
            "severity": 0.7,
            "summary": "single_node_bottleneck raised",
            "evidence": {"share": 0.8},
            "people": [{"id": "u-am1", "name": "Alan Moss"}],
        },
        {
            "id": "sig-a2",
            "kind": "executive_withdrawal",
            "at": "2024-06-01T00:00:00Z",
            "severity": 0.5,
            "summary": "executive_withdrawal raised",
            "evidence": {"who": "Fay Lin"},
            "people": [{"id": "a-cfo", "name": "Fay Lin"}],
        },
    ]
    # every signal, open or not (sig-a3 is older than the open window), oldest first
    assert [(m["id"], m["at"]) for m in body["signal_history"]] == [
        ("sig-a3", "2023-12-01T00:00:00Z"),
        ("sig-a2", "2024-06-01T00:00:00Z"),
        ("sig-a1", "2024-06-20T00:00:00Z"),
    ]
    assert "evidence" not in body["signal_history"][0]
    timeline = body["timeline"]
    assert timeline["window_end"][-1] == "2024-07-01T00:00:00Z"
    assert timeline["window_start"][-1] == "2024-04-02T00:00:00Z"
    assert timeline["metrics"] == {
        "contacts_engaged": [1.0, 2.0, 3.0, 4.0, 5.0],
        "depth_score": [60.0, 55.0, 50.0, 45.0, 40.0],
        "risk_score": [0.5, 0.55, 0.6, 0.7, 0.8],
    }


def test_account_detail_tolerates_odd_derived_data(
    client: TestClient, admin: dict[str, str]
) -> None:
    """Cyan's risk_factors are not JSON and its signal evidence is plain text."""
    body = client.get("/api/accounts/acc-c", headers=admin).json()
    assert body["risk_factors"] == []
    assert [(s["id"], s["evidence"]) for s in body["signals"]] == [("sig-c1", "plain text")]
    assert body["timeline"]["metrics"]["depth_score"] == [30.0, 31.0]


def _one_way_email_strength(days: float) -> float:
    """tie_table's strength for one one-way email ``days`` before as_of (docs in ties.py)."""
    decay = 2 ** (-days / 45)
    frequency = 1 - math.exp(-decay / 4)
    return frequency * (0.40 + 0.20 * decay)


def test_stakeholder_map(client: TestClient, admin: dict[str, str]) -> None:
    body = client.get("/api/accounts/acc-a/map", headers=admin).json()
    assert (body["as_of"], body["window_start"], body["window_end"]) == (
        "2024-06-30",
        "2024-04-02",
        "2024-07-01",
    )
    nodes = {n["id"]: n for n in body["nodes"]}
    assert {pid: n["flags"] for pid, n in nodes.items()} == {
        "u-am1": ["bottleneck", "articulation_point"],
        "u-cto": [],
        "a-champ": ["champion", "bottleneck", "articulation_point"],
        "a-cto": [],
        "a-cfo": ["silent_executive"],  # emailed in January only
        "a-ops": [],
        "a-gone": ["departed"],  # role ended 2024-05-15
    }
    assert nodes["a-gone"]["title"] == "VP Product"  # the last role held there
    assert nodes["u-am1"]["is_ours"] and not nodes["a-champ"]["is_ours"]
    edges = {(e["source"], e["target"]): e for e in body["edges"]}
    assert set(edges) == {
        ("a-champ", "a-cto"),
        ("a-champ", "u-am1"),
        ("a-gone", "u-am1"),
        ("a-ops", "u-am1"),
        ("u-am1", "u-cto"),
    }
    ops = edges["a-ops", "u-am1"]
    # One email from Ed at 10:00 on 2024-06-01: 29 days and 14 hours before 2024-07-01.
    assert ops["strength"] == pytest.approx(_one_way_email_strength(29 + 14 / 24), abs=1e-4)
    assert ops["interactions"] == 1 and ops["days_since_last"] == 29
    assert ops["evidence"] == [
        {
            "interaction_id": "i5",
            "kind": "email",
            "at": "2024-06-01T10:00:00Z",
            "subject": "Ops question",
        }
    ]
    assert [e["interaction_id"] for e in edges["a-champ", "u-am1"]["evidence"]] == ["i2", "i4"]


def test_stakeholder_map_as_of_an_earlier_date(client: TestClient, admin: dict[str, str]) -> None:
    """On 2024-05-10 Gil still held his role, and Carol had not yet met anyone."""
    body = client.get("/api/accounts/acc-a/map?as_of=2024-05-10", headers=admin).json()
    nodes = {n["id"]: n for n in body["nodes"]}
    assert "departed" not in nodes["a-gone"]["flags"]
    assert "silent_executive" in nodes["a-cto"]["flags"]
    assert {(e["source"], e["target"]) for e in body["edges"]} == {("a-gone", "u-am1")}


def test_suggestions(client: TestClient, admin: dict[str, str]) -> None:
    body = client.get("/api/accounts/acc-a/suggestions", headers=admin).json()
    assert body["count"] == 4
    rows = [
        (
            d["stakeholder"]["id"],
            d["reach"],
            [p["id"] for p in d["reached_through"]],
            d["suggested"]["id"],
            [d["path"][0]["source"]["id"], *(h["target"]["id"] for h in d["path"])]
            if d["path"]
            else None,
        )
        for d in body["data"]
    ]
    assert rows == [
        ("a-cfo", "unreached", [], "u-ceo", None),
        # Omar attended the roadmap review with Carol (i4), who met Tom (i1).
        ("a-cto", "unreached", [], "u-cto", ["u-cto", "a-champ", "a-cto"]),
        ("a-ops", "single_threaded", ["u-am1"], "u-vps", ["u-vps", "a-ops"]),
        ("a-champ", "single_threaded", ["u-am1"], "u-ceo", None),
    ]
    cfo, cto, ops, champ = body["data"]
    # Uma for Fay: same level (1), executive reach (0.7), no path, full capacity.
    assert cfo["score"] == {
        "total": 0.675,
        "level_parity": 1.0,
        "function_affinity": 0.7,
        "tie": 0.0,
        "capacity": 1.0,
    }
    # Omar for Tom: 0.35 + 0.25 + 0.25 * (product of the two hops) + 0.15.
    product = math.prod(h["strength"] for h in cto["hops"])
    assert cto["path_strength"] == pytest.approx(product, abs=1e-4)
    assert cto["score"]["total"] == pytest.approx(0.75 + 0.25 * product, abs=1e-4)
    assert [h["kind"] for h in cto["path"]] == ["declared", "interaction"]
    assert [e["interaction_id"] for e in cto["path"][1]["evidence"]] == ["i1"]
    # The same path as hops: one meeting at 10:00 on 2024-06-15, 15 days 14 hours before
    # the window's end (2024-07-01): 0.5 * (1 - exp(-1/3)) * 2 ** (-(15 + 14/24) / 180)
    # = 0.1335; then Carol's tie with Tom.
    co, tie = cto["hops"]
    assert (co["from"]["id"], co["to"]["id"], co["kind"]) == ("u-cto", "a-champ", "co_attended")
    assert co["strength"] == pytest.approx(
        0.5 * (1 - math.exp(-1 / 3)) * 2 ** (-(15 + 14 / 24) / 180), abs=1e-4
    )
    assert co["evidence"] == {"meetings": 1, "first": "2024-06-15", "last": "2024-06-15"}
    assert (tie["from"]["id"], tie["to"]["id"], tie["kind"]) == ("a-champ", "a-cto", "tie")
    assert tie["evidence"] == {"interactions": 1, "last": "2024-06-20"}
    assert "attended 1 meeting together" in cto["reason"]
    assert cfo["hops"] == [] and cfo["path"] is None
    # Vera for Ed through a declared acquaintance (0.1): 0.35 + 0.05 + 0.025 + 0.15.
    assert ops["score"]["total"] == pytest.approx(0.575)
    assert ops["path"][0]["kind"] == "declared" and ops["path"][0]["evidence"] == []
    assert ops["hops"] == [
        {
            "from": {"id": "u-vps", "name": "Vera Stone"},
            "to": {"id": "a-ops", "name": "Ed Park"},
            "kind": "knows",
            "strength": 0.1,
            "evidence": {"source": "conference", "since": None},
        }
    ]
    assert "know each other" in ops["reason"]
    # Uma again for Carol, with half her capacity left: 0.175 + 0.175 + 0 + 0.075.
    assert champ["score"]["total"] == pytest.approx(0.425)
    assert champ["reason"].startswith("Uma Chen (CEO) should reach Carol Reed")


def test_outreach_plan_is_the_optimal_assignment(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post(
        "/api/outreach/plan", headers=headers(keys["leader"]), json={"as_of": "2024-06-30"}
    )
    assert response.status_code == 200
    body = response.json()
    pairs = sorted((a["executive"]["id"], a["stakeholder"]["id"]) for a in body["assignments"])
    # Worked out in the module docstring of this test file's portfolio: giving Omar to
    # Carol (his second-best) would cost 0.034 in total.
    assert pairs == [
        ("u-ceo", "a-cfo"),
        ("u-ceo", "c-ceo"),
        ("u-cto", "a-cto"),
        ("u-vps", "a-champ"),
        ("u-vps", "a-ops"),
    ]
    # Omar -> Tom: (0.4 + 0.3 + 0.3 * 0.9 * 0.6 * 0.5) * (0.5 + 0.5 * 0.8) = 0.7029 ...
    # Vera -> Ed through Vera's declared acquaintance (0.1):
    # (0.4 + 0.3 * 0.2 + 0.3 * 0.1) * 0.9 = 0.441.
    assert body["total_utility"] == pytest.approx(0.7029 + 0.549 + 0.56 + 0.324 + 0.441)
    warm = {(a["executive"]["id"], a["stakeholder"]["id"]): a["warm"] for a in body["assignments"]}
    assert warm == {
        ("u-ceo", "a-cfo"): False,
        ("u-ceo", "c-ceo"): False,
        ("u-cto", "a-cto"): True,
        ("u-vps", "a-champ"): False,
        ("u-vps", "a-ops"): True,
    }
    assert body["warm_introductions"] == 2
    assert body["uncovered"] == []
    assert {e["id"]: (e["capacity"], e["assigned"]) for e in body["executives"]} == {
        "u-ceo": (2, 2),
        "u-cto": (1, 1),
        "u-vps": (2, 2),
    }


def test_outreach_plan_defaults_to_the_last_analysis_date(
    client: TestClient, keys: dict[str, str]
) -> None:
    # The portfolio was analysed up to 2024-07-01 (exclusive): its plan, not today's.
    default = client.post("/api/outreach/plan", headers=headers(keys["leader"])).json()
    explicit = client.post(
        "/api/outreach/plan", headers=headers(keys["leader"]), json={"as_of": "2024-06-30"}
    ).json()
    assert default["as_of"] == "2024-06-30"
    assert default == explicit


def test_the_root_sends_people_to_the_web_app(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/app/"
    assert client.get("/").url.path == "/app/"


def test_outreach_plan_capacity_override_leaves_someone_uncovered(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = client.post(
        "/api/outreach/plan",
        headers=headers(keys["leader"]),
        json={"as_of": "2024-06-30", "capacities": {"u-ceo": 1}},
    ).json()
    assert len(body["assignments"]) == 4
    assert [u["stakeholder"]["id"] for u in body["uncovered"]] == ["a-champ"]
    assert "capacity" in body["uncovered"][0]["reason"]


def test_departure_impact_of_our_account_manager(client: TestClient, admin: dict[str, str]) -> None:
    body = client.get("/api/people/u-am1/departure-impact", headers=admin).json()
    assert body["person"] == {"id": "u-am1", "name": "Alan Moss"}
    impact = {a["account_id"]: a for a in body["accounts"]}
    assert set(impact) == {"acc-a", "acc-b"}
    acme = impact["acc-a"]
    assert [t["person"]["id"] for t in acme["broken_ties"]] == [
        "a-champ",
        "a-ops",
        "u-cto",
        "a-gone",
    ]
    # Omar attended the roadmap review with Carol: Carol, and Tom through her, stay reachable.
    assert [p["id"] for p in acme["unreachable"]] == ["a-gone"]
    assert [p["id"] for p in acme["lost_direct_contact"]] == ["a-champ", "a-ops"]  # Vera knows Ed
    assert acme["single_threaded"] == []
    first: dict[str, dict[str, Any]] = {}
    for bridge in acme["bridges"]:
        first.setdefault(bridge["stakeholder"]["id"], bridge)
    assert first["a-champ"]["via"]["id"] == "u-cto" and not first["a-champ"]["handover"]
    assert [p["id"] for p in first["a-champ"]["path"]] == ["u-cto", "a-champ"]
    assert first["a-gone"]["handover"]  # only through Alan, before he goes
    assert first["a-ops"]["via"]["id"] == "u-vps" and not first["a-ops"]["handover"]
    assert [p["id"] for p in impact["acc-b"]["unreachable"]] == ["b-vp"]


def test_departure_impact_of_their_champion(client: TestClient, admin: dict[str, str]) -> None:
    body = client.get("/api/people/a-champ/departure-impact", headers=admin).json()
    (acme,) = body["accounts"]
    assert [p["id"] for p in acme["unreachable"]] == ["a-cto"]
    assert acme["bridges"][0]["via"]["id"] == "u-am1"  # Alan, whom Carol should introduce
    assert acme["bridges"][0]["handover"]


def test_cypher_returns_rows(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post(
        "/api/cypher",
        headers=headers(keys["analyst"]),
        json={
            "query": "MATCH (a:Account) WHERE a.risk_tier >= $tier RETURN a.id AS id ORDER BY id",
            "parameters": {"tier": 4},
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "columns": ["id"],
        "rows": [{"id": "acc-a"}, {"id": "acc-c"}],
        "count": 2,
        "truncated": False,
    }


def test_cypher_row_limit(client: TestClient, keys: dict[str, str]) -> None:
    body = client.post(
        "/api/cypher",
        headers=headers(keys["analyst"]),
        json={"query": "UNWIND range(1, 50) AS i RETURN i", "limit": 3},
    ).json()
    assert body["rows"] == [{"i": 1}, {"i": 2}, {"i": 3}] and body["truncated"]
