"""Malformed requests get a 4xx with a clear message, never a 500 or a traceback."""

from __future__ import annotations

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

pytestmark = pytest.mark.store


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/accounts?limit=-1", 422, "query.limit: Input should be greater than or equal to 1"),
        ("/api/accounts?limit=0", 422, "query.limit"),
        ("/api/accounts?limit=501", 422, "less than or equal to 500"),
        ("/api/accounts?limit=ten", 422, "valid integer"),
        ("/api/accounts?offset=-5", 422, "query.offset"),
        ("/api/accounts?tier=6", 422, "query.tier"),
        ("/api/accounts?sort=colour", 422, "query.sort: Input should be 'name'"),
        ("/api/accounts?sort=", 422, "query.sort"),
        ("/api/accounts/acc-a/map?as_of=2024-13-01", 422, "query.as_of"),
        ("/api/accounts/acc-a/map?as_of=yesterday", 422, '(got "yesterday")'),
        ("/api/accounts/acc-a/map?as_of=0001-01-01", 422, "out of range"),
        ("/api/accounts/acc-a/map?as_of=9999-12-31", 422, "out of range"),
        ("/api/accounts/acc-a/suggestions?as_of=2024-02-30", 422, "query.as_of"),
        ("/api/people/u-am1/departure-impact?as_of=20240101", 422, "query.as_of"),
        ("/api/accounts/" + "x" * 300, 422, "path.account_id"),
        ("/api/people/nobody/departure-impact", 404, "person 'nobody' not found"),
        ("/api/people/u-am1/departure-impact?account_id=acc-c", 404, "not found"),
        ("/api/nothing-here", 404, "Not Found"),
        ("/api/kpis?by=region", 422, "query.by: Input should be 'segment', 'owner' or 'account'"),
        ("/api/kpis?from=2024-02-30", 422, "query.from"),
        ("/api/kpis?to=0001-01-01", 422, "to 0001-01-01 is out of range"),
        ("/api/kpis?from=2024-06-01&to=2024-01-01", 422, "to (2024-01-01) must be after from"),
        ("/api/kpis?from=2024-06-01&to=2024-06-01", 422, "must be after from"),
        ("/api/digest?since=0001-01-01", 422, "since 0001-01-01 is out of range"),
        ("/api/digest?since=9999-12-31", 422, "since 9999-12-31 is out of range"),
    ],
)
def test_bad_query_parameters(
    client: TestClient, keys: dict[str, str], path: str, status: int, message: str
) -> None:
    response = client.get(path, headers=headers(keys["admin"]))
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("{not json", 422, "the body is not valid JSON"),
        ('{"min_tier": 9}', 422, "body.min_tier"),
        ('{"min_tier": "high"}', 422, "body.min_tier"),
        ('{"capacities": {"u-ceo": "lots"}}', 422, "body.capacities.u-ceo"),
        ('{"capacities": {"u-ceo": -1}}', 422, "greater than or equal to 0"),
        ('{"capacities": {"u-ceo": 1000000000000}}', 422, "less than or equal to 100"),
        ('{"capacities": {"a-cto": 2}}', 422, "not our executives"),
        ('{"executive_levels": []}', 422, "body.executive_levels"),
        ('{"executive_levels": ["king"]}', 422, "body.executive_levels.0"),
        ('{"as_of": "soon"}', 422, "body.as_of"),
        ('{"as_of": "0001-01-01"}', 422, "as_of 0001-01-01 is out of range"),
        ('{"surprise": true}', 422, "body.surprise: Extra inputs are not permitted"),
        ("[]", 422, "body"),
    ],
)
def test_bad_plan_bodies(
    client: TestClient, keys: dict[str, str], body: str, status: int, message: str
) -> None:
    response = client.post(
        "/api/outreach/plan",
        headers={**headers(keys["leader"]), "Content-Type": "application/json"},
        content=body,
    )
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_wrong_method_is_405(client: TestClient, keys: dict[str, str]) -> None:
    response = client.delete("/api/accounts/acc-a", headers=headers(keys["admin"]))
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


def test_unexpected_errors_are_a_generic_500_without_traceback(
    client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catch-all handler: logged on the server, a plain body for the caller."""
    from stakegraph.api.read_model import ReadModel
    from stakegraph.api.service import accounts

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    # Both ways a list is answered: from the read model, and per request.
    monkeypatch.setattr(ReadModel, "page", explode)
    monkeypatch.setattr(accounts, "list_accounts", explode)
    response = client.get("/api/accounts", headers=headers(keys["admin"]))
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error; it has been logged"}
    assert "secret internals" not in response.text
