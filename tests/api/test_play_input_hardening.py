"""Security review of the play routes' inputs (docs/api.md, "Plays" and "Threat model").

Each test names the finding it holds the API to: what an account manager may write into a
play (its notes, request id and dates) is bounded and validated before anything is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

pytestmark = pytest.mark.store


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("note", "ok\x00then"),  # NUL: truncates the text in C tools and some stores
        ("note", "paid \u202eetov\u202c"),  # right-to-left override: shows text reversed
        ("note", "bell\x07"),
        ("request_id", "r\x1b[31m"),  # terminal escape in the CLI's listing
        ("request_id", "   "),  # blank: a request id that names nothing
        ("request_id", "\u200b\u2060 "),  # zero-width characters only: blank too
        ("opened_on", "1735689600"),  # a day is YYYY-MM-DD, not epoch seconds
    ],
)
def test_finding_play_text_rejects_control_characters(
    client: TestClient, keys: dict[str, str], field: str, value: str
) -> None:
    am = headers(keys["account_manager"])
    body = {"kind": "value_delivery", "request_id": "ctrl-check", field: value}
    answer = client.post("/api/accounts/acc-a/plays", json=body, headers=am)
    assert answer.status_code == 422, answer.text
    assert f"body.{field}" in answer.json()["detail"]
    listed = client.get("/api/accounts/acc-a/plays", headers=am).json()["data"]
    assert all(value not in (p["note"] or "") + p["request_id"] for p in listed)
    assert all(p["request_id"] != "ctrl-check" for p in listed)


def test_finding_play_text_keeps_ordinary_writing(client: TestClient, keys: dict[str, str]) -> None:
    am = headers(keys["account_manager"])
    note = 'Call with Fay:\n\t- budget <ok> & "signed"\r\nNächste Woche: 予算 ✓'
    body = {"kind": "value_delivery", "request_id": "plain-text-1", "note": note}
    answer = client.post("/api/accounts/acc-a/plays", json=body, headers=am)
    assert answer.status_code in (200, 201), answer.text
    assert answer.json()["note"] == note


def test_finding_play_dates_cannot_be_in_the_future(
    client: TestClient, keys: dict[str, str]
) -> None:
    """A play dated years ahead would count in every KPI and report of that future, and
    could only be closed by dating the close as far ahead."""
    am = headers(keys["account_manager"])
    tomorrow = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    body = {"kind": "value_delivery", "request_id": "future-1", "opened_on": tomorrow}
    answer = client.post("/api/accounts/acc-a/plays", json=body, headers=am)
    assert answer.status_code == 422 and "opened_on" in answer.json()["detail"], answer.text
    assert "future-1" not in {
        p["request_id"] for p in client.get("/api/plays", headers=am).json()["data"]
    }
    opened = client.post(
        "/api/accounts/acc-a/plays",
        json={"kind": "value_delivery", "request_id": "future-2", "opened_on": "2024-06-10"},
        headers=am,
    )
    assert opened.status_code in (200, 201), opened.text
    closed = client.post(
        f"/api/plays/{opened.json()['id']}/close",
        json={"outcome": "abandoned", "closed_on": "2200-01-01"},
        headers=am,
    )
    assert closed.status_code == 422 and "closed_on" in closed.json()["detail"], closed.text
    assert client.get(f"/api/plays/{opened.json()['id']}", headers=am).json()["status"] == "open"


def test_finding_plays_per_account_are_bounded(
    client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each new request id made a new play: one account manager's loop could fill the store.
    An account holds at most ``MAX_PLAYS_PER_ACCOUNT`` plays; repeats of a request still
    answer with their play."""
    from stakegraph import playbook

    am = headers(keys["account_manager"])
    held = client.get("/api/accounts/acc-b/plays", headers=am).json()["count"]
    held_a = client.get("/api/accounts/acc-a/plays", headers=am).json()["count"]
    limit = max(held, held_a) + 3
    monkeypatch.setattr(playbook, "MAX_PLAYS_PER_ACCOUNT", limit)
    room = limit - held
    opened = [
        client.post(
            "/api/accounts/acc-b/plays",
            json={"kind": "value_delivery", "request_id": f"flood-{i}"},
            headers=am,
        )
        for i in range(room + 2)
    ]
    assert [r.status_code for r in opened] == [201] * room + [409, 409], opened[-1].text
    assert "at most" in opened[-1].json()["detail"]
    assert client.get("/api/accounts/acc-b/plays", headers=am).json()["count"] == limit
    again = client.post(
        "/api/accounts/acc-b/plays",
        json={"kind": "value_delivery", "request_id": "flood-0"},
        headers=am,
    )
    assert again.status_code == 200 and again.json()["id"] == opened[0].json()["id"]
    # Another account is not held by acc-b's plays.
    other = client.post(
        "/api/accounts/acc-a/plays",
        json={"kind": "value_delivery", "request_id": "not-flooded"},
        headers=am,
    )
    assert other.status_code in (200, 201), other.text
