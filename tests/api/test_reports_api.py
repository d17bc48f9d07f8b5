"""Reports through the API on the hand-built portfolio (api_portfolio.py): scoped, HTML with
its own Content-Security-Policy, bad periods refused."""

from __future__ import annotations

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

from stakegraph.reports.page import content_security_policy

pytestmark = pytest.mark.store


def test_monthly_report_is_scoped_to_the_callers_accounts(
    client: TestClient, keys: dict[str, str]
) -> None:
    """July 2024: the analysis of 2024-07-01 put Acme (Alan's) in tier 5, Cyan (Beth's) in 4."""
    mine = client.get(
        "/api/reports/monthly?month=2024-07", headers=headers(keys["account_manager"])
    )
    assert mine.status_code == 200, mine.text
    assert mine.headers["content-type"].startswith("text/html")
    assert mine.headers["content-security-policy"] == content_security_policy()
    assert "Acme" in mine.text and "Cyan" not in mine.text and "Beth Kim" not in mine.text
    assert "your accounts; 2024-07-01 to 2024-07-31" in mine.text
    every = client.get("/api/reports/monthly?month=2024-07", headers=headers(keys["leader"]))
    assert "Cyan" in every.text


def test_qbr_pack_of_an_account(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get(
        "/api/accounts/acc-a/reports/qbr?quarter=2024-Q2", headers=headers(keys["analyst"])
    )
    assert response.status_code == 200
    assert "Acme: quarterly business review, 2024-Q2" in response.text
    assert "<h2>Expansion readiness</h2>" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/reports/monthly?month=2024-13",
        "/api/reports/monthly?month=June",
        "/api/accounts/acc-a/reports/qbr?quarter=2024-Q5",
    ],
)
def test_a_bad_period_is_a_422(client: TestClient, keys: dict[str, str], url: str) -> None:
    response = client.get(url, headers=headers(keys["admin"]))
    assert response.status_code == 422
    assert "month" in response.text or "quarter" in response.text
