"""GET /api/digest on the hand-built API portfolio (api_portfolio.py), worked by hand.

Analysis date 2024-07-01. Since 2024-06-10: acc-a raised ``sig-a1`` (bottleneck, 06-20;
``sig-a2``, 06-01, was already open) and acc-c raised ``sig-c1`` (contraction, 06-15).
ARR at risk: acc-a 500k x 0.8 = 400k, acc-c 300k x 0.6 = 180k.
"""

from __future__ import annotations

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

from stakegraph.digest import build_digest
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store


def test_since_a_date_ranked_by_arr_at_risk_with_plays(
    client: TestClient, keys: dict[str, str]
) -> None:
    answer = client.get("/api/digest?since=2024-06-10", headers=headers(keys["leader"]))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["analyzed_at"] == "2024-06-30" and body["accounts"] == 3
    assert body["baseline"] == {
        "kind": "date",
        "at": "2024-06-10",
        "run_id": None,
        "ran_at": None,
        "tiers_known": False,
    }
    assert [
        (i["account_id"], i["change"], i["signal_id"], i["play"], i["arr_at_risk"], i["at"])
        for i in body["items"]
    ] == [
        ("acc-a", "signal_raised", "sig-a1", "executive_remapping", 400000.0, "2024-06-20"),
        ("acc-c", "signal_raised", "sig-c1", "milestone_stress_test", 180000.0, "2024-06-15"),
    ]
    assert body["count"] == 2


def test_against_the_last_recorded_run_the_api_records_nothing(
    client: TestClient, keys: dict[str, str], portfolio: GraphStore
) -> None:
    recorded = build_digest(portfolio, record=True)  # what `stakegraph digest` does
    for _ in range(2):
        body = client.get("/api/digest", headers=headers(keys["leader"])).json()
        assert body["baseline"]["kind"] == "run"
        assert body["baseline"]["run_id"] == recorded.recorded_run
        assert body["items"] == []
    portfolio.driver.execute_query(
        "MATCH (r:DigestRun) DETACH DELETE r", database_=portfolio.database
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [("since=2024-13-01", "query.since"), ("owner=" + "x" * 201, "query.owner")],
)
def test_bad_parameters_name_the_parameter(
    client: TestClient, keys: dict[str, str], query: str, message: str
) -> None:
    answer = client.get(f"/api/digest?{query}", headers=headers(keys["leader"]))
    assert answer.status_code == 422 and message in answer.text
