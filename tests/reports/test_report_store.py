"""The reports from a store (both backends): what they read lands in the page.

Acme (owner Alan) was analysed on 2024-05-25 (tier 3) and 2024-06-29 (tier 5, the account's
latest assessment); a bottleneck signal on 2024-06-10 and a stress-test play opened from it,
closed evaded; a renewal in 2023. Beta (owner Beth) has no snapshot.
"""

from __future__ import annotations

import calendar
import html as html_module
import re

import pytest

from stakegraph import playbook
from stakegraph.errors import UnknownIdError
from stakegraph.graph.store import GraphStore
from stakegraph.reports import monthly_report, qbr_report

pytestmark = pytest.mark.store


def day(text: str) -> int:
    y, m, d = (int(p) for p in text.split("-"))
    return calendar.timegm((y, m, d, 0, 0, 0))


@pytest.fixture
def reported(clean_store: GraphStore) -> GraphStore:
    clean_store.driver.execute_query(
        """
        CREATE (h:Organization:Home {id: 'home', name: 'Us', kind: 'home'})
        CREATE (:Person {id: 'u1', name: 'Alan Moss'})-[:MEMBER_OF]->(h)
        CREATE (:Person {id: 'u2', name: 'Beth Kim'})-[:MEMBER_OF]->(h)
        CREATE (a:Organization:Account {id: 'a1', name: 'Acme', kind: 'account',
                segment: 'enterprise', arr: 500000.0, owner_id: 'u1', risk_score: 0.8,
                risk_tier: 5, analyzed_at: $june29, renewal_epoch: $renewal,
                risk_factors: '[{"factor": "single_threaded", "value": 1.0, "contribution": 0.3}]'})
        CREATE (:Organization:Account {id: 'a2', name: 'Beta', kind: 'account',
                segment: 'smb', arr: 90000.0, owner_id: 'u2'})
        CREATE (a)-[:HAS_SNAPSHOT]->(:Snapshot {id: 'a1@1', account_id: 'a1',
                window_end: $may25, depth_score: 52.0, contacts_engaged: 6,
                analysis_risk_score: 0.5, analysis_risk_tier: 3})
        CREATE (a)-[:HAS_SNAPSHOT]->(:Snapshot {id: 'a1@2', account_id: 'a1',
                window_end: $june29, depth_score: 41.0, contacts_engaged: 3,
                analysis_risk_score: 0.8, analysis_risk_tier: 5})
        CREATE (a)-[:HAS_SIGNAL]->(:Signal {id: 'sig-1', account_id: 'a1',
                kind: 'single_node_bottleneck', at_epoch: $june10, severity: 0.7,
                summary: 'Traffic contracted onto Carol'})
        CREATE (a)-[:HAD_RENEWAL]->(:Renewal {id: 'a1|2023', date_epoch: $renewed,
                outcome: 'renewed'})
        """,
        june29=day("2024-06-29"),
        may25=day("2024-05-25"),
        june10=day("2024-06-10"),
        renewal=day("2024-09-01"),
        renewed=day("2023-09-01"),
        database_=clean_store.database,
    )
    play, _ = playbook.open_play(
        clean_store,
        "a1",
        signal_id="sig-1",
        kind="milestone_stress_test",
        assignee_id="u1",
        at=day("2024-06-11"),
    )
    playbook.close_play(clean_store, play, "evaded", at=day("2024-06-20"))
    return clean_store


def text_of(html: str) -> str:
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_monthly_report_from_the_store(reported: GraphStore) -> None:
    html = monthly_report(reported, "2024-06")
    text = text_of(html)
    assert "Portfolio trends, June 2024" in text
    assert "Acme 3 average 5 churn risk" in text  # the tier move
    # By owner: Alan 1 account, $500k, 1 at risk ($500k), 1 worse, 0 better, 1 signal,
    # depth 52.0 -> 41.0, 1 play opened, 1 closed.
    assert "Alan Moss 1 $500k 1 $500k 1 0 1 52.0 41.0 1 1" in text
    assert "Beth Kim 1 $90k 0 $0 0 0 0 - - 0 0" in text
    assert "1 opened and 1 closed this month: evaded 1" in text
    only_beth = text_of(monthly_report(reported, "2024-06", owner_id="u2"))
    assert "Acme" not in only_beth and "Beth Kim" in only_beth


def test_qbr_report_from_the_store(reported: GraphStore) -> None:
    text = text_of(qbr_report(reported, "a1", "2024-Q2"))
    assert "Acme: quarterly business review, 2024-Q2" in text
    assert "Traffic contracted onto Carol" in text
    assert "single threaded 1.00 0.30" in text
    assert "2023-09-01 renewed" in text
    assert (
        "milestone stress test single node bottleneck 2024-06-11 Alan Moss closed "
        "evaded -> resource protection" in text
    )
    assert "move the account to resource protection" in text
    with pytest.raises(UnknownIdError):
        qbr_report(reported, "a-none", "2024-Q2")
