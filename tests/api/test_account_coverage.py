"""The coverage that applies to an account, on its detail: one span per source, the account's
own in place of the source's span for every account, and nothing of another account's."""

from __future__ import annotations

import pytest
from api_portfolio import build_portfolio, epoch, headers
from fastapi.testclient import TestClient

from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

# (source, account or None, kinds, first day, last day or None), as coverage.csv loads them.
SPANS = [
    ("mail", None, ["email"], "2023-01-01", None),
    ("calendar", None, ["meeting", "call"], "2023-01-01", "2024-05-31"),
    ("mail", "acc-b", ["email"], "2023-01-01", "2024-03-31"),  # disconnected early
    ("crm", "acc-c", [], "2022-06-01", "2024-06-30"),  # another owner's account only
]


@pytest.fixture(scope="module")
def portfolio(store: GraphStore) -> GraphStore:
    build_portfolio(store)
    store.driver.execute_query(
        """
        UNWIND $rows AS r
        CREATE (c:Coverage {id: r.source + '|' + coalesce(r.account, ''), source: r.source,
          account_id: r.account, kinds: r.kinds, start_epoch: r.start, end_epoch: r.end})
        WITH c, r
        MATCH (a:Account {id: r.account})
        CREATE (a)-[:HAS_COVERAGE]->(c)
        """,
        {
            "rows": [
                {
                    "source": source,
                    "account": account,
                    "kinds": kinds,
                    "start": epoch(start),
                    "end": epoch(end) if end else None,
                }
                for source, account, kinds, start, end in SPANS
            ]
        },
        database_=store.database,
    )
    return store


@pytest.fixture(scope="module")
def client(served: TestClient) -> TestClient:
    """Served both ways (conftest.served)."""
    return served


def spans(client: TestClient, key: str, account: str) -> list[tuple[object, ...]]:
    answer = client.get(f"/api/accounts/{account}", headers=headers(key))
    assert answer.status_code == 200, answer.text
    return [
        (s["source"], tuple(s["kinds"]), s["start"], s["end"], s["account_only"])
        for s in answer.json()["data_coverage"]
    ]


def test_each_source_once_the_accounts_own_span_first(
    client: TestClient, keys: dict[str, str]
) -> None:
    manager = keys["account_manager"]  # owns acc-a and acc-b
    assert spans(client, manager, "acc-a") == [
        ("calendar", ("meeting", "call"), "2023-01-01", "2024-05-31", False),
        ("mail", ("email",), "2023-01-01", None, False),
    ]
    assert spans(client, manager, "acc-b") == [
        ("calendar", ("meeting", "call"), "2023-01-01", "2024-05-31", False),
        ("mail", ("email",), "2023-01-01", "2024-03-31", True),
    ]


def test_another_accounts_own_span_stays_with_it(client: TestClient, keys: dict[str, str]) -> None:
    leader = keys["leader"]
    assert ("crm", (), "2022-06-01", "2024-06-30", True) in spans(client, leader, "acc-c")
    for account in ("acc-a", "acc-b"):
        assert all(source != "crm" for source, *_ in spans(client, leader, account))
    # The account manager of acc-a and acc-b does not see acc-c at all.
    answer = client.get("/api/accounts/acc-c", headers=headers(keys["account_manager"]))
    assert answer.status_code == 404
