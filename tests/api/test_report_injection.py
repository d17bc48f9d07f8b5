"""Security review: stored markup in names, notes and signal evidence reaches the reports
escaped, under a policy that runs no script (docs/api.md, "Reports")."""

from __future__ import annotations

import html
import re

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

from stakegraph.graph.store import GraphStore
from stakegraph.reports.page import content_security_policy

pytestmark = pytest.mark.store

HOSTILE = "</title><script>alert(1)</script><svg onload=alert(2)>\"'&"


def test_hostile_names_and_notes_are_escaped_in_reports(
    portfolio: GraphStore, client: TestClient, keys: dict[str, str]
) -> None:
    def run(text: str) -> None:
        portfolio.driver.execute_query(text, {"x": HOSTILE}, database_=portfolio.database)

    run("MATCH (a:Account) SET a.name = $x, a.segment = $x")
    run("MATCH (p:Person) SET p.name = $x, p.title = $x")
    am = headers(keys["account_manager"])
    opened = client.post(
        "/api/accounts/acc-a/plays",
        json={"kind": "value_delivery", "note": HOSTILE, "opened_on": "2024-06-10"},
        headers=am,
    )
    assert opened.status_code == 201, opened.text
    closed = client.post(
        f"/api/plays/{opened.json()['id']}/close",
        json={"outcome": "abandoned", "note": HOSTILE, "closed_on": "2024-06-12"},
        headers=am,
    )
    assert closed.status_code == 200, closed.text
    for path in (
        "/api/reports/monthly?month=2024-06",
        "/api/accounts/acc-a/reports/qbr?quarter=2024-Q2",
    ):
        answer = client.get(path, headers=am)
        assert answer.status_code == 200, answer.text
        page = answer.text
        # The hostile name is on the page, and only as text.
        assert html.escape(HOSTILE) in page, path
        assert not re.search(r"<script|<svg onload", page), path
        policy = answer.headers["content-security-policy"]
        assert policy == content_security_policy()
        assert "script-src" not in policy and "default-src 'none'" in policy
        assert "unsafe-inline" not in policy
        assert answer.headers["content-type"].startswith("text/html")
