"""GET /api/kpis on the hand-built portfolio: the figures, and an account manager's scope.

The portfolio (api_portfolio.py): acc-a renewed 400k -> 500k on 2024-03-01 and attended
its QBR on 2024-04-01; acc-c downgraded 400k -> 300k ("budget") on 2024-05-01 after a
no-show at its QBR on 2024-04-15; acc-b has neither. Risk 0.8, 0.3, 0.6; last depth scores
acc-a 40, acc-c 31 (acc-b has no snapshot).
"""

from __future__ import annotations

from typing import Any

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def client(served: TestClient) -> TestClient:
    """The warm-introduction rate from the read model's suggestions and computed afresh."""
    return served


def values(sheet: dict[str, Any]) -> dict[str, Any]:
    return {
        name: sheet[name]["value"]
        for name in (
            "customer_retention_rate",
            "gross_revenue_retention",
            "net_revenue_retention",
            "downgrade_rate",
            "downgrade_to_churn_rate",
            "qbr_engagement_rate",
            "post_renewal_engagement_rate",
            "multi_role_share",
            "warm_intro_offer_rate",
            "mean_depth_score",
            "mean_churn_risk",
        )
    }


def warm_share(client: TestClient, key: str, account_ids: list[str]) -> tuple[int, int]:
    """(warm, offered) over the suggestions endpoint's answers: what the KPI must count."""
    warm = offered = 0
    for account_id in account_ids:
        body = client.get(f"/api/accounts/{account_id}/suggestions", headers=headers(key)).json()
        for item in body["data"]:
            if item["suggested"] is not None:
                offered += 1
                warm += item["path"] is not None
    return warm, offered


def test_the_whole_portfolio(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/api/kpis?by=segment", headers=headers(keys["leader"]))
    assert response.status_code == 200, response.text
    body = response.json()
    sheet = body["portfolio"]
    assert (sheet["accounts"], sheet["renewals"]) == (3, 2)
    assert values(sheet) == pytest.approx(
        {
            "customer_retention_rate": 1.0,  # a renewal and a downgrade: nobody churned
            "gross_revenue_retention": (400_000 + 300_000) / 800_000,
            "net_revenue_retention": (500_000 + 300_000) / 800_000,
            "downgrade_rate": 1 / 2,
            "downgrade_to_churn_rate": 0.0,  # acc-c has not churned since
            "qbr_engagement_rate": 1 / 2,  # acc-a attended, acc-c did not show
            "post_renewal_engagement_rate": 1 / 2,  # acc-a's QBR a month after its renewal
            "multi_role_share": 0.0,  # no stored snapshot is multi-role
            "warm_intro_offer_rate": 2 / 6,  # Omar's and Vera's paths, of six offers
            "mean_depth_score": (40 + 31) / 2,
            "mean_churn_risk": (0.8 + 0.3 + 0.6) / 3,
        }
    )
    # The offers are the suggestions the API serves: the same count, suggestion by suggestion.
    assert warm_share(client, keys["admin"], ["acc-a", "acc-b", "acc-c"]) == (2, 6)
    assert sheet["exit_reasons"] == {}
    assert sheet["check_in_impact"]["value"] is None
    assert [g["key"] for g in body["groups"]] == ["enterprise", "mid_market"]
    beta = body["groups"][1]["sheet"]
    assert beta["customer_retention_rate"] == {
        "value": None,
        "numerator": 0.0,
        "denominator": 0.0,
        "reason": "no renewals due in the period",
    }
    # With no period, the series runs over the months on record: from the first renewal
    # (March 2024) to the last snapshot (2024-07-01).
    months = [m["start"] for m in body["series"]]
    assert months[0] == "2024-03-01" and months[-1] == "2024-07-01"
    assert [m["renewals"] for m in body["series"]] == [1, 0, 1, 0, 0]


def test_a_period(client: TestClient, keys: dict[str, str]) -> None:
    body = client.get(
        "/api/kpis?from=2024-04-01&to=2024-06-01", headers=headers(keys["admin"])
    ).json()
    sheet = body["portfolio"]
    assert (sheet["start"], sheet["end"], sheet["renewals"]) == ("2024-04-01", "2024-06-01", 1)
    assert sheet["downgrade_rate"]["value"] == 1.0
    assert sheet["qbr_engagement_rate"]["value"] == 0.5
    assert sheet["post_renewal_engagement_rate"]["value"] == 0.0  # nothing after acc-c's
    assert [m["start"] for m in body["series"]] == ["2024-04-01", "2024-05-01"]
    # Two centuries: the same figures as all history, and the series only where data is.
    wide = client.get(
        "/api/kpis?from=1971-01-01&to=2200-12-31", headers=headers(keys["admin"])
    ).json()
    assert wide["portfolio"]["renewals"] == 2
    assert [m["start"] for m in wide["series"]] == [
        "2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01", "2024-07-01"
    ]  # fmt: skip


def test_an_account_manager_gets_the_figures_of_their_accounts_only(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = client.get("/api/kpis?by=owner", headers=headers(keys["account_manager"])).json()
    sheet = body["portfolio"]
    assert (sheet["accounts"], sheet["renewals"]) == (2, 1)  # acc-a and acc-b
    assert values(sheet) == pytest.approx(
        {
            "customer_retention_rate": 1.0,
            "gross_revenue_retention": 1.0,
            "net_revenue_retention": 500_000 / 400_000,
            "downgrade_rate": 0.0,
            "downgrade_to_churn_rate": None,
            "qbr_engagement_rate": 1.0,
            "post_renewal_engagement_rate": 1.0,
            "multi_role_share": 0.0,
            "warm_intro_offer_rate": 2 / 5,
            "mean_depth_score": 40.0,
            "mean_churn_risk": (0.8 + 0.3) / 2,
        }
    )
    assert [g["key"] for g in body["groups"]] == ["u-am1"]
    assert "budget" not in str(body) and "u-am2" not in str(body)
    by_account = client.get("/api/kpis?by=account", headers=headers(keys["account_manager"])).json()
    assert [g["key"] for g in by_account["groups"]] == ["acc-a", "acc-b"]
