"""The monthly and QBR figures on a three-account portfolio worked out by hand.

June 2024 (``[2024-06-01, 2024-07-01)``); owners Alan (u1: Acme, Cyan) and Beth (u2: Beta);
segments enterprise (Acme, Beta) and smb (Cyan).

- Acme: snapshots 03-30 (depth 55, risk 0.3 tier 2), 05-25 (50, tier 3), 06-08 (45, no
  analysis), 06-29 (40, 0.8 tier 5, also the account's latest assessment); signals 05-30
  latency, 06-03 executive withdrawal (answered by play p1, closed 06-20 evaded), 06-10
  bottleneck; renewal 2024-09-01.
- Beta: 05-25 (30, tier 2), 06-29 (36, tier 2); signal 06-12 executive withdrawal; play p2
  opened 05-20, closed 06-02 succeeded.
- Cyan: one snapshot 06-15 (depth 20), never scored; play p3 opened 06-25, open.
"""

from __future__ import annotations

import calendar
from typing import Any

import pytest

from stakegraph.analytics.plays import Play
from stakegraph.reports.data import ReportData
from stakegraph.reports.monthly import month_range, monthly_figures, render_monthly
from stakegraph.reports.qbr import qbr_figures, quarter_range, render_qbr


def day(text: str) -> int:
    y, m, d = (int(p) for p in text.split("-"))
    return calendar.timegm((y, m, d, 0, 0, 0))


def snap(
    end: str, depth: float, risk: float | None = None, tier: int | None = None, **more: Any
) -> dict[str, Any]:
    return {
        "window_end": day(end),
        "depth_score": depth,
        "risk_score": risk,
        "risk_tier": tier,
        **more,
    }


ACCOUNTS = {
    "a1": {
        "id": "a1",
        "name": "Acme",
        "segment": "enterprise",
        "owner_id": "u1",
        "owner_name": "Alan",
        "arr": 500_000.0,
        "risk_score": 0.8,
        "risk_tier": 5,
        "analyzed_at": day("2024-06-29"),
        "renewal_epoch": day("2024-09-01"),
        "risk_factors": '[{"factor": "executive_withdrawal", "value": 1.0, "contribution": 0.4}]',
    },
    "a2": {
        "id": "a2",
        "name": "Beta",
        "segment": "enterprise",
        "owner_id": "u2",
        "owner_name": "Beth",
        "arr": 200_000.0,
        "risk_score": 0.2,
        "risk_tier": 2,
        "analyzed_at": day("2024-06-29"),
        "renewal_epoch": None,
        "risk_factors": "[]",
    },
    "a3": {
        "id": "a3",
        "name": "Cyan",
        "segment": "smb",
        "owner_id": "u1",
        "owner_name": "Alan",
        "arr": 50_000.0,
        "risk_score": None,
        "risk_tier": None,
        "analyzed_at": None,
        "renewal_epoch": None,
        "risk_factors": None,
    },
}
SNAPSHOTS = {
    "a1": [
        snap("2024-03-30", 55.0, 0.3, 2),
        snap("2024-05-25", 50.0, 0.5, 3),
        snap("2024-06-08", 45.0),
        snap("2024-06-29", 40.0, 0.8, 5, multi_role=True, senior_contacts_engaged=0),
    ],
    "a2": [snap("2024-05-25", 30.0, 0.2, 2), snap("2024-06-29", 36.0, 0.2, 2)],
    "a3": [snap("2024-06-15", 20.0)],
}
SIGNALS = [
    {
        "account_id": "a1",
        "id": "s0",
        "kind": "response_latency_inflation",
        "at": day("2024-05-30"),
        "severity": 0.4,
        "summary": "slower",
    },
    {
        "account_id": "a1",
        "id": "s1",
        "kind": "executive_withdrawal",
        "at": day("2024-06-03"),
        "severity": 0.6,
        "summary": "CFO gone quiet",
    },
    {
        "account_id": "a1",
        "id": "s2",
        "kind": "single_node_bottleneck",
        "at": day("2024-06-10"),
        "severity": 0.7,
        "summary": "one thread",
    },
    {
        "account_id": "a2",
        "id": "s3",
        "kind": "executive_withdrawal",
        "at": day("2024-06-12"),
        "severity": 0.5,
        "summary": "VP quiet",
    },
]
PLAYS = [
    Play(
        id="p1",
        account_id="a1",
        kind="milestone_stress_test",
        status="closed",
        opened_at=day("2024-06-05"),
        signal_id="s1",
        signal_kind="executive_withdrawal",
        outcome="evaded",
        next_step="resource_protection",
        closed_at=day("2024-06-20"),
        assignee_id="u1",
        assignee_name="Alan",
    ),
    Play(
        id="p2",
        account_id="a2",
        kind="value_delivery",
        status="closed",
        opened_at=day("2024-05-20"),
        outcome="succeeded",
        closed_at=day("2024-06-02"),
    ),
    Play(
        id="p3",
        account_id="a3",
        kind="technical_usage_audit",
        status="open",
        opened_at=day("2024-06-25"),
    ),
]
DATA = ReportData(
    accounts=ACCOUNTS,
    snapshots=SNAPSHOTS,
    signals=SIGNALS,
    renewals={"a1": [{"account_id": "a1", "at": day("2023-09-01"), "outcome": "renewed"}]},
    plays=PLAYS,
)


def test_month_and_quarter_ranges() -> None:
    assert month_range("2024-06") == (day("2024-06-01"), day("2024-07-01"))
    assert month_range("2024-12") == (day("2024-12-01"), day("2025-01-01"))
    assert quarter_range("2024-q4") == (day("2024-10-01"), day("2025-01-01"))
    for bad in ("2024-13", "June", "2024-Q5"):
        with pytest.raises(ValueError, match="like"):
            (quarter_range if "Q" in bad else month_range)(bad)


def test_monthly_figures() -> None:
    f = monthly_figures(DATA, "2024-06")
    assert (f.accounts, f.arr) == (3, 750_000.0)
    assert f.tiers_start == {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0, "unscored": 1}
    assert f.tiers_end == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1, "unscored": 1}
    assert f.tier_moves == [("Acme", 3, 5)]
    assert f.at_risk == [("Acme", "Alan", 500_000.0, 5, 2)]
    # The latency signal of 05-30 is May's.
    assert f.signals_by_kind == {"single_node_bottleneck": 1, "executive_withdrawal": 2}
    assert [counts for _, counts in f.signals_by_week] == [
        {"executive_withdrawal": 1},
        {"single_node_bottleneck": 1, "executive_withdrawal": 1},
        {},
        {},
        {},
    ]
    assert f.depth_by_segment == {
        "enterprise": [(day("2024-06-08"), 45.0), (day("2024-06-29"), 38.0)],
        "smb": [(day("2024-06-15"), 20.0)],
    }
    alan, beth = f.by_owner
    assert (alan.label, alan.accounts, alan.arr, alan.at_risk_accounts, alan.arr_at_risk) == (
        "Alan",
        2,
        550_000.0,
        1,
        500_000.0,
    )
    assert (alan.tier_worsened, alan.tier_improved, alan.signals) == (1, 0, 2)
    # Cyan has no depth at the month's start: the means are Acme's alone.
    assert (alan.depth_start, alan.depth_end, alan.plays_opened, alan.plays_closed) == (
        50.0,
        40.0,
        2,
        1,
    )
    assert (
        beth.signals,
        beth.depth_start,
        beth.depth_end,
        beth.plays_opened,
        beth.plays_closed,
    ) == (
        1,
        30.0,
        36.0,
        0,
        1,
    )
    enterprise, smb = f.by_segment
    assert (enterprise.accounts, enterprise.arr, enterprise.signals) == (2, 700_000.0, 3)
    assert (enterprise.depth_start, enterprise.depth_end) == (40.0, 38.0)
    assert (smb.depth_start, smb.plays_opened, smb.plays_closed) == (None, 1, 0)
    assert (f.plays_opened, f.plays_closed, f.outcomes) == (2, 2, {"evaded": 1, "succeeded": 1})


def test_monthly_page_has_its_sections_and_figures() -> None:
    html = render_monthly(monthly_figures(DATA, "2024-06"))
    for heading in (
        "Summary",
        "Risk tiers",
        "Signals",
        "Relationship depth",
        "By owner",
        "By segment",
        "Plays",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "Portfolio trends, June 2024" in html
    assert html.count("<svg") == 3
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "<td>Acme</td><td>3 average</td><td>5 churn risk</td>" in html
    assert "2 opened and 2 closed this month: evaded 1, succeeded 1" in html


def test_qbr_figures() -> None:
    f = qbr_figures(DATA, "a1", "2024-Q2")
    assert (f.tier_start, f.tier_end, f.risk_start, f.risk_end) == (2, 5, 0.3, 0.8)
    assert (f.depth_start, f.depth_end) == (55.0, 40.0)
    assert [s["id"] for s in f.signals] == ["s0", "s1", "s2"]
    assert f.days_to_renewal == 62  # 2024-07-01 to 2024-09-01
    assert f.readiness == {
        "tier": False,
        "no_signals": False,
        "multi_role": True,
        "senior_contact": False,
        "depth_holding": False,
    }
    assert f.ready == "not ready"
    assert [p.id for p in f.plays] == ["p1"]
    assert f.next_steps == [
        "Open a milestone stress test play for the response latency inflation signal of "
        "2024-05-30.",
        "Open an executive remapping play for the single node bottleneck signal of 2024-06-10.",
        "The milestone stress-test was evaded: move the account to resource protection.",
        "Renewal in 62 days after the quarter: agree the renewal plan.",
    ]
    assert [(r["outcome"]) for r in f.renewals] == ["renewed"]


def test_qbr_page_has_its_sections() -> None:
    html = render_qbr(qbr_figures(DATA, "a1", "2024-Q2"))
    for heading in (
        "Executive summary",
        "Account health",
        "Churn and retention analysis",
        "Expansion readiness",
        "Feedback and action items",
        "Recommended next steps",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert html.count("<svg") == 4
    assert "Acme ends 2024-Q2 in tier 5 (churn risk), from tier 2 at its start" in html
    assert "Not ready: 1 of 5 criteria met." in html
    assert "evaded -&gt; resource protection" in html
