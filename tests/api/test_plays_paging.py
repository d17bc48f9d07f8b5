"""The plays list a page at a time, and the request id's bound (docs/api.md, "Plays").

The finding: one account manager's key posted 590 plays (request ids of 150+ characters,
2,000-character notes) and every leader's ``GET /api/plays`` grew from 1.5 KB to 3.3 MB.
The portfolio (api_portfolio.py) holds ``play-a1`` on Alan's acc-a and ``play-c1`` on
Beth's acc-c; this module opens 12 more on acc-a, a day apart.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

pytestmark = pytest.mark.store

OPENED = 12


@pytest.fixture(scope="module")
def flooded(client: TestClient, keys: dict[str, str]) -> TestClient:
    am = headers(keys["account_manager"])
    for day in range(OPENED):
        body = {
            "kind": "value_delivery",
            "request_id": f"page-{day:02d}",
            "opened_on": f"2024-05-{day + 1:02d}",
            "note": "n" * 2000,
        }
        answer = client.post("/api/accounts/acc-a/plays", json=body, headers=am)
        assert answer.status_code == 201, answer.text
    return client


def every_page(client: TestClient, path: str, key: str, limit: int) -> list[dict[str, Any]]:
    plays: list[dict[str, Any]] = []
    for offset in range(0, 1000, limit):
        page = client.get(path, params={"limit": limit, "offset": offset}, headers=key).json()
        assert (page["limit"], page["offset"]) == (limit, offset)
        plays += page["data"]
        if offset + limit >= page["count"]:
            return plays
    raise AssertionError("never reached the count")


def test_pages_chain_into_the_whole_list_newest_first(
    flooded: TestClient, keys: dict[str, str]
) -> None:
    leader = headers(keys["leader"])
    whole = flooded.get("/api/plays", params={"limit": 200}, headers=leader).json()
    assert whole["count"] == len(whole["data"]) >= OPENED + 2
    ids = [p["id"] for p in whole["data"]]
    assert len(set(ids)) == len(ids)
    opened = [p["opened_at"] for p in whole["data"]]
    assert opened == sorted(opened, reverse=True)
    for limit in (1, 5, 7):
        assert [p["id"] for p in every_page(flooded, "/api/plays", leader, limit)] == ids
    first = flooded.get("/api/plays", params={"limit": 5}, headers=leader).json()
    assert [p["id"] for p in first["data"]] == ids[:5] and first["count"] == len(ids)
    past = flooded.get("/api/plays", params={"offset": 500}, headers=leader).json()
    assert (past["data"], past["count"]) == ([], len(ids))


def test_the_default_page_is_50_and_a_page_at_most_200(
    flooded: TestClient, keys: dict[str, str]
) -> None:
    leader = headers(keys["leader"])
    default = flooded.get("/api/plays", headers=leader).json()
    assert (default["limit"], default["offset"]) == (50, 0)
    for query in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "all"}):
        answer = flooded.get("/api/plays", params=query, headers=leader)
        assert answer.status_code == 422, (query, answer.text)
        assert f"query.{next(iter(query))}" in answer.json()["detail"]


def test_the_count_follows_the_status_and_the_callers_scope(
    flooded: TestClient, keys: dict[str, str]
) -> None:
    leader, am = headers(keys["leader"]), headers(keys["account_manager"])
    every = flooded.get("/api/plays", params={"limit": 200}, headers=leader).json()["data"]
    for status in ("open", "closed"):
        page = flooded.get("/api/plays", params={"status": status, "limit": 2}, headers=leader)
        assert page.json()["count"] == sum(p["status"] == status for p in every)
        assert {p["status"] for p in page.json()["data"]} <= {status}
    mine = flooded.get("/api/plays", params={"limit": 3}, headers=am).json()
    assert mine["count"] == sum(p["account_id"] == "acc-a" for p in every)
    assert {p["account_id"] for p in mine["data"]} == {"acc-a"}


def test_an_accounts_plays_page_too(flooded: TestClient, keys: dict[str, str]) -> None:
    am = headers(keys["account_manager"])
    path = "/api/accounts/acc-a/plays"
    whole = flooded.get(path, params={"limit": 200}, headers=am).json()
    assert whole["count"] == len(whole["data"]) >= OPENED + 1
    paged = every_page(flooded, path, am, 4)
    assert [p["id"] for p in paged] == [p["id"] for p in whole["data"]]
    assert flooded.get(path, params={"limit": 201}, headers=am).status_code == 422


@pytest.mark.parametrize(("length", "status"), [(64, 201), (65, 422), (150, 422)])
def test_a_request_id_holds_at_most_64_characters(
    client: TestClient, keys: dict[str, str], length: int, status: int
) -> None:
    am = headers(keys["account_manager"])
    request_id = f"{length}-".ljust(length, "r")
    body = {"kind": "value_delivery", "request_id": request_id}
    answer = client.post("/api/accounts/acc-b/plays", json=body, headers=am)
    assert answer.status_code == status, answer.text
    if status == 422:
        assert "body.request_id" in answer.json()["detail"]
        assert "64" in answer.json()["detail"]
    listed = client.get("/api/accounts/acc-b/plays", params={"limit": 200}, headers=am).json()
    assert (request_id in {p["request_id"] for p in listed["data"]}) == (status == 201)
