"""`POST /api/cypher` under attack: refusals change nothing and leak nothing."""

from __future__ import annotations

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store


def probes(store: GraphStore) -> int:
    records, _, _ = store.driver.execute_query(
        "MATCH (p:Probe) RETURN count(p) AS n", database_=store.database
    )
    return int(records[0]["n"])


@pytest.mark.parametrize(
    "query",
    [
        # the reported attack: a comment ended by a carriage return, then a batched write
        "WITH 1 AS x //\rUNWIND [1] AS i CALL (i) { CREATE (:Probe {t:i}) } "
        "IN TRANSACTIONS\nRETURN 1 AS done",
        "CALL `do.when`(true, 'CREATE (:Probe)', '')",
        "WITH 1 AS x //\rCREATE INDEX probe_idx IF NOT EXISTS FOR (p:Probe) ON (p.t)",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "SHOW DATABASES",
        "SHOW TRANSACTIONS",
    ],
)
def test_attacks_are_refused_and_leave_no_trace(
    client: TestClient, keys: dict[str, str], portfolio: GraphStore, query: str
) -> None:
    before = portfolio.counts(), probes(portfolio)
    response = client.post("/api/cypher", headers=headers(keys["analyst"]), json={"query": query})
    assert response.status_code == 400
    assert "root:" not in response.text and "127.0.0.1" not in response.text
    assert "rolled back" not in response.text or "changed the graph" in response.text
    assert (portfolio.counts(), probes(portfolio)) == before


def test_a_result_over_the_byte_cap_is_refused(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post(
        "/api/cypher",
        headers=headers(keys["analyst"]),
        json={"query": "RETURN range(1, 2000000) AS r"},
    )
    assert response.status_code == 400
    assert "byte result cap" in response.json()["detail"]
    assert len(response.content) < 1_000
