"""The digest against a real store: what changed, worked out by hand (digest_portfolio.py),
and "since the last run" well defined: a second run with nothing changed lists nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from digest_portfolio import ANALYZED_AT, add_signal, epoch, set_tier

from stakegraph.digest import build_digest
from stakegraph.digest.render import to_html, to_json, to_markdown
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store


def changes(digest: object) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (i.account_id, i.change, i.signal_id or (i.people[0] if i.people else None), i.play)
        for i in digest.items  # type: ignore[attr-defined]
    ]


def test_first_run_compares_with_the_week_before_and_ranks_by_arr_at_risk(
    portfolio: GraphStore,
) -> None:
    digest = build_digest(portfolio, record=True)
    assert digest.analyzed_at == ANALYZED_AT
    assert digest.baseline.kind == "date" and digest.baseline.at == epoch("2024-06-24")
    assert not digest.baseline.tiers_known  # no run recorded yet: no tier moves
    assert changes(digest) == [
        ("acc-a", "signal_raised", "sig-a1", "value_delivery"),
        ("acc-a", "stakeholder_quiet", "Fay Lin", "executive_remapping"),
        ("acc-a", "renewal_window", None, "contract_restructuring"),
        ("acc-c", "signal_cleared", "sig-c1", None),
    ]
    quiet = digest.items[1]
    assert quiet.arr_at_risk == pytest.approx(400_000.0)
    assert quiet.title == "Fay Lin (CFO) quiet for 34 days"  # last seen 05-27 at 10:00
    assert digest.items[3].arr_at_risk == pytest.approx(180_000.0)
    assert digest.recorded_run == "all#1"


def test_a_second_run_with_no_changes_lists_nothing(portfolio: GraphStore) -> None:
    build_digest(portfolio, record=True)
    second = build_digest(portfolio, record=True)
    assert second.items == []
    assert second.baseline.kind == "run" and second.baseline.run_id == "all#1"
    assert second.recorded_run == "all#2"
    assert "Nothing new." in to_markdown(second)


def test_the_next_run_lists_only_what_changed_since(portfolio: GraphStore) -> None:
    build_digest(portfolio, record=True)
    set_tier(portfolio, "acc-b", 4, "below average", 0.5)
    add_signal(portfolio, "sig-b1", "acc-b", "response_latency_inflation", "2024-06-30", 0.9, [])
    digest = build_digest(portfolio, record=True)
    assert changes(digest) == [
        # The worse tier gets the play of the account's most severe open signal.
        ("acc-b", "tier_worsened", None, "milestone_stress_test"),
        ("acc-b", "signal_raised", "sig-b1", "milestone_stress_test"),
    ]
    assert (digest.items[0].tier_from, digest.items[0].tier_to) == (2, 4)
    assert digest.items[0].arr_at_risk == pytest.approx(50_000.0)
    assert build_digest(portfolio, record=True).items == []


def test_an_account_manager_gets_their_accounts_against_their_own_last_run(
    portfolio: GraphStore,
) -> None:
    build_digest(portfolio, record=True)  # leadership's run is not Alan's baseline
    alan = build_digest(portfolio, owner_id="u-am1", record=True)
    assert alan.scope == "owner:u-am1" and alan.baseline.kind == "date"
    assert {i.account_id for i in alan.items} == {"acc-a"}
    assert alan.accounts == 2
    assert build_digest(portfolio, owner_id="u-am1").items == []
    nobody = build_digest(portfolio, owner_id="u-none")
    assert nobody.items == [] and nobody.accounts == 0


def test_since_a_date_reconstructs_that_date_and_records_nothing(portfolio: GraphStore) -> None:
    build_digest(portfolio, record=True)
    since = build_digest(portfolio, since=epoch("2024-03-15"))
    assert since.baseline.kind == "date" and since.recorded_run is None
    # On 03-15: sig-a0 (03-01) open, nothing else; Fay seen weekly; renewal not due.
    assert changes(since) == [
        ("acc-a", "signal_raised", "sig-a1", "value_delivery"),
        ("acc-a", "signal_raised", "sig-a3", "executive_remapping"),
        ("acc-a", "stakeholder_quiet", "Fay Lin", "executive_remapping"),
        ("acc-a", "renewal_window", None, "contract_restructuring"),
        ("acc-a", "signal_cleared", "sig-a0", None),
    ]
    # A run of the same analysis date gives the tiers of that date: none moved.
    at_run = build_digest(portfolio, since=ANALYZED_AT)
    assert at_run.baseline.tiers_known


def test_the_formats_carry_the_same_items(portfolio: GraphStore) -> None:
    digest = build_digest(portfolio)
    record = json.loads(to_json(digest))
    assert [i["change"] for i in record["items"]] == [i.change for i in digest.items]
    markdown = to_markdown(digest)
    html = to_html(digest)
    for item in digest.items:
        assert item.account_name in markdown and item.account_name in html
    assert "Contract restructuring" in html and "$400k" in html
    # Leadership's report groups by owner, named: Alan (acc-a) before Beth (acc-c).
    assert html.index("<h2>Alan Moss (u-am1)</h2>") < html.index("<h2>Beth Kim (u-am2)</h2>")
    assert "## Alan Moss (u-am1)" in markdown


def test_the_command_line_records_runs_and_writes_every_format(
    portfolio: GraphStore, store_env: dict[str, str], tmp_path: Path
) -> None:
    def digest(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "stakegraph.cli", "digest", *args],
            env={**os.environ, **store_env, "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    first = json.loads(digest("--format", "json").stdout)
    assert [i["change"] for i in first["items"]] == [
        "signal_raised",
        "stakeholder_quiet",
        "renewal_window",
        "signal_cleared",
    ]
    assert first["recorded_run"] == "all#1"
    second = digest("--format", "json")
    assert json.loads(second.stdout)["items"] == [] and "recorded as all#2" in second.stderr
    preview = digest("--since", "2024-06-24", "--format", "md")
    assert "| Acme | $400k | 5 |" in preview.stdout and "recorded" not in preview.stderr
    page = tmp_path / "standup.html"
    digest("--owner", "u-am1", "--format", "html", "--output", str(page), "--no-record")
    assert "Weekly risk stand-up" in page.read_text() and "Cyan" not in page.read_text()
    assert "owner:u-am1" not in json.dumps(
        [r["id"] for r in portfolio.query("digest/runs_until", as_of=ANALYZED_AT, top=10)]
    )
