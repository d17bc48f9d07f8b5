"""Plays through the API on the hand-built portfolio (api_portfolio.py): lifecycle, roles.

The portfolio holds ``play-a1`` (value delivery on Alan's acc-a, opened 2024-06-05 from
sig-a2) and ``play-c1`` (a stress-test on Beth's acc-c). acc-a's snapshots end weekly up to
2024-07-01 with depth 60, 55, 50, 45, 40.
"""

from __future__ import annotations

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

pytestmark = pytest.mark.store


def test_open_assign_close_through_the_api(client: TestClient, keys: dict[str, str]) -> None:
    am = headers(keys["account_manager"])
    body = {"signal_id": "sig-a1", "request_id": "api-1", "opened_on": "2024-06-03"}
    opened = client.post("/api/accounts/acc-a/plays", json=body, headers=am)
    assert opened.status_code == 201, opened.text
    play = opened.json()
    # A bottleneck prescribes executive re-mapping; Alan opened it.
    assert (play["kind"], play["signal_kind"], play["opened_by"]) == (
        "executive_remapping",
        "single_node_bottleneck",
        "u-am1",
    )
    assert play["outcome_choices"] == ["succeeded", "no_effect", "abandoned"]
    again = client.post("/api/accounts/acc-a/plays", json=body, headers=am)
    assert again.status_code == 200 and again.json()["id"] == play["id"]

    assigned = client.post(
        f"/api/plays/{play['id']}/assign", json={"assignee_id": "u-vps"}, headers=am
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee_name"] == "Vera Stone"
    theirs = client.post(
        f"/api/plays/{play['id']}/assign", json={"assignee_id": "a-cto"}, headers=am
    )
    assert theirs.status_code == 422 and "not one of ours" in theirs.json()["detail"]

    wrong = client.post(f"/api/plays/{play['id']}/close", json={"outcome": "evaded"}, headers=am)
    assert wrong.status_code == 422 and "succeeded, no_effect, abandoned" in wrong.json()["detail"]
    closed = client.post(
        f"/api/plays/{play['id']}/close",
        json={"outcome": "succeeded", "closed_on": "2024-06-28"},
        headers=am,
    )
    assert closed.status_code == 200, closed.text
    result = closed.json()
    assert (result["status"], result["outcome"], result["closed_at"]) == (
        "closed",
        "succeeded",
        "2024-06-28T00:00:00Z",
    )
    assert [e["status"] for e in result["history"]] == ["open", "assigned", "closed"]
    # Baseline: the snapshot ending 2024-06-03 (depth 60) and the risk acc-a carried when the
    # play was recorded (0.8, tier 5: no analysis left one on a snapshot); 4 windows later,
    # the snapshot ending 2024-07-01 (depth 40); 8 windows later, nothing yet.
    effect = result["effect"]
    assert (effect["baseline_window_end"], effect["depth_score"]) == ("2024-06-03", 60.0)
    assert (effect["risk_score"], effect["risk_tier"]) == (0.8, 5)
    four, eight = effect["after"][:2]
    assert (four["windows"], four["depth_window_end"], four["depth_change"]) == (
        4,
        "2024-07-01",
        -20.0,
    )
    assert four["risk_change"] is None and eight["depth_change"] is None
    conflict = client.post(
        f"/api/plays/{play['id']}/close", json={"outcome": "no_effect"}, headers=am
    )
    assert conflict.status_code == 409

    listed = client.get("/api/accounts/acc-a/plays", headers=am).json()
    assert play["id"] in {p["id"] for p in listed["data"]}
    mine = client.get("/api/plays", headers=am).json()
    assert {p["account_id"] for p in mine["data"]} == {"acc-a"}
    kpis = client.get("/api/plays/kpis", headers=am).json()
    assert kpis["opened"] == mine["count"]
    assert kpis["outcomes"]["executive_remapping"] == {"succeeded": 1}
    every = client.get("/api/plays/kpis", headers=headers(keys["leader"])).json()
    assert every["opened"] == kpis["opened"] + 1  # play-c1


def test_analysts_read_plays_and_change_none(client: TestClient, keys: dict[str, str]) -> None:
    analyst = headers(keys["analyst"])
    assert client.get("/api/plays/play-c1", headers=analyst).status_code == 200
    refused = client.post(
        "/api/accounts/acc-c/plays", json={"kind": "value_delivery"}, headers=analyst
    )
    assert refused.status_code == 403
    closing = client.post("/api/plays/play-c1/close", json={"outcome": "evaded"}, headers=analyst)
    assert closing.status_code == 403


def test_a_stress_test_closes_committed_or_evaded(client: TestClient, keys: dict[str, str]) -> None:
    leader = headers(keys["leader"])
    closed = client.post(
        "/api/plays/play-c1/close", json={"outcome": "evaded", "note": "no date"}, headers=leader
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["next_step"] == "resource_protection"
    am = headers(keys["account_manager"])
    assert client.get("/api/plays/play-c1", headers=am).json() == {
        "detail": "play 'play-c1' not found"
    }


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"kind": "pep_talk"}, "kind"),
        ({"kind": "value_delivery", "extra": 1}, "extra"),
        ({"kind": "value_delivery", "opened_on": "1900-01-01"}, "opened_on"),
        ({}, "kind"),
    ],
)
def test_bad_open_requests_name_the_field(
    client: TestClient, keys: dict[str, str], body: dict[str, object], name: str
) -> None:
    response = client.post("/api/accounts/acc-a/plays", json=body, headers=headers(keys["admin"]))
    assert response.status_code == 422
    assert name in response.text
