"""The command line end to end, as a user runs it: separate processes on one store."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest

from stakegraph.graph.store import GraphStore

pytestmark = [pytest.mark.store, pytest.mark.slow]


def stakegraph(
    env: Mapping[str, str], *args: str, check: bool = True, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    """Run the command line with ``env`` (STAKEGRAPH_HOME and the store's variables)."""
    return subprocess.run(
        [sys.executable, "-m", "stakegraph.cli", *args],
        env={**os.environ, **env, "COLUMNS": str(columns)},
        capture_output=True,
        text=True,
        timeout=600,
        check=check,
    )


class Demo(NamedTuple):
    env: dict[str, str]  # reaches the session's store
    portfolio: Path  # the demo's generated import files and truth.json


@pytest.fixture(scope="module")
def demo(
    store: GraphStore, store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Demo:
    """`stakegraph demo` run on the session's store of this backend, emptied first.

    The session holds a lease on the embedded store, so every command attaches to it (as a
    user's commands do while `stakegraph serve` runs) instead of starting it again.
    """
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    portfolio = tmp_path_factory.mktemp("demo") / "portfolio"
    args = ("--accounts", "6", "--seed", "3", "--workdir", str(portfolio), "--no-serve")
    stakegraph(store_env, "demo", *args)
    return Demo(env=store_env, portfolio=portfolio)


def test_demo_loads_and_analyzes_every_account(demo: Demo) -> None:
    counts = json.loads(stakegraph(demo.env, "status", "--json").stdout)["counts"]
    truth = json.loads((demo.portfolio / "truth.json").read_text())
    assert counts["Account"] == len(truth["accounts"]) == 6
    assert counts["Interaction"] > 0
    # 52 weekly windows per account by default
    assert counts["Snapshot"] == 6 * 52
    assert counts["Renewal"] == len(truth["renewals"])


def test_cypher_json_prints_rows_as_objects(demo: Demo) -> None:
    done = stakegraph(
        demo.env,
        "cypher",
        "--json",
        "MATCH (a:Account) RETURN a.id AS id, a.risk_tier AS tier ORDER BY id",
    )
    rows = json.loads(done.stdout)
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert len(rows) == 6
    assert all(1 <= row["tier"] <= 5 for row in rows)


def test_cypher_table_shows_stored_times_as_dates(demo: Demo) -> None:
    query = "MATCH (s:Snapshot) RETURN s.window_end AS window_end ORDER BY window_end LIMIT 1"
    row = json.loads(stakegraph(demo.env, "cypher", "--json", query).stdout)[0]
    day = datetime.fromtimestamp(row["window_end"], UTC).date().isoformat()
    table = stakegraph(demo.env, "cypher", query).stdout
    assert day in table
    assert str(row["window_end"]) not in table  # the JSON keeps the number; the table a date


def test_cypher_refuses_writes_with_exit_code_1(demo: Demo) -> None:
    done = stakegraph(demo.env, "cypher", "MATCH (a:Account) DETACH DELETE a", check=False)
    assert done.returncode == 1
    assert "refused" in done.stderr
    counts = json.loads(stakegraph(demo.env, "status", "--json").stdout)["counts"]
    assert counts["Account"] == 6


def test_ingest_twice_changes_nothing_and_exits_0(demo: Demo) -> None:
    before = json.loads(stakegraph(demo.env, "status", "--json").stdout)["counts"]
    done = stakegraph(demo.env, "ingest", str(demo.portfolio))
    assert done.returncode == 0
    after = json.loads(stakegraph(demo.env, "status", "--json").stdout)["counts"]
    assert after == before


def test_evaluate_json_names_its_figures(demo: Demo) -> None:
    figures = json.loads(
        stakegraph(demo.env, "evaluate", str(demo.portfolio / "truth.json"), "--json").stdout
    )
    assert "bottom_two_tiers_churn_share" in figures["risk"]
    assert any(key.endswith("auc") for key in figures["risk"])
    kinds = {k for k, v in figures.items() if isinstance(v, dict) and "precision" in v}
    assert "champion_departure" in kinds


def test_evaluate_table_fits_an_80_column_terminal(demo: Demo) -> None:
    """Every kind's row, whole, with its figures; nothing wider than the terminal."""
    truth = str(demo.portfolio / "truth.json")
    figures = json.loads(stakegraph(demo.env, "evaluate", truth, "--json").stdout)
    lines = stakegraph(demo.env, "evaluate", truth, columns=80).stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for kind in ("single_node_bottleneck", "response_latency_inflation"):
        row = next(line.split() for line in lines if line.startswith(kind))
        assert row[1:4] == [str(figures[kind][key]) for key in ("planted", "detected", "signals")]


def test_kpis_count_the_planted_renewals(demo: Demo) -> None:
    """The retention of the sheet is the planted outcomes' (docs/metrics.md, "KPIs")."""
    truth = json.loads((demo.portfolio / "truth.json").read_text())
    renewals = truth["renewals"]
    kept = sum(r["outcome"] != "churned" for r in renewals)
    sheet = json.loads(stakegraph(demo.env, "kpis", "--json", "--by", "segment").stdout)
    portfolio = sheet["portfolio"]
    assert portfolio["renewals"] == len(renewals)
    assert portfolio["customer_retention_rate"]["numerator"] == kept
    assert portfolio["customer_retention_rate"]["value"] == pytest.approx(kept / len(renewals))
    # Net revenue retention from the generated renewals' revenue (a churn keeps none).
    with (demo.portfolio / "renewals.csv").open(encoding="utf-8") as handle:
        revenue = [
            (float(r["arr_before"]), float(r["arr_after"] or 0))
            for r in csv.DictReader(handle)
            if r["arr_before"] and (r["arr_after"] or r["outcome"] == "churned")
        ]
    nrr = portfolio["net_revenue_retention"]
    assert nrr["denominator"] == pytest.approx(sum(b for b, _ in revenue))
    assert nrr["value"] == pytest.approx(sum(a for _, a in revenue) / sum(b for b, _ in revenue))
    assert sum(g["sheet"]["renewals"] for g in sheet["groups"]) == len(renewals)
    table = stakegraph(demo.env, "kpis", "--by", "segment").stdout
    row = next(line for line in table.splitlines() if line.startswith("customer retention"))
    assert row.split()[2] == f"{100 * kept / len(renewals):.1f}%"


def test_suggestions_print_every_hop_with_its_evidence(demo: Demo) -> None:
    """The API's answer with --json; the table names each hop's kind and evidence."""
    accounts = json.loads(
        stakegraph(demo.env, "cypher", "--json", "MATCH (a:Account) RETURN a.id AS id").stdout
    )
    answers = {
        row["id"]: json.loads(stakegraph(demo.env, "suggestions", row["id"], "--json").stdout)
        for row in accounts
    }
    suggestions = [d for answer in answers.values() for d in answer["data"]]
    assert all(answer["count"] == len(answer["data"]) for answer in answers.values())
    warm = [d for d in suggestions if d["hops"]]
    assert warm, "no suggestion of the demo carries a warm path"
    kinds = {"reports_to", "tie", "co_attended", "knows", "former_colleague"}
    for d in warm:
        assert d["hops"][0]["from"]["id"] == d["suggested"]["id"]
        assert d["hops"][-1]["to"]["id"] == d["stakeholder"]["id"]
        assert all(h["kind"] in kinds and h["evidence"] for h in d["hops"])
    account = next(a for a, answer in answers.items() if any(d["hops"] for d in answer["data"]))
    table = stakegraph(demo.env, "suggestions", account).stdout
    hop = next(d for d in answers[account]["data"] if d["hops"])["hops"][0]
    assert f"{hop['kind']} " in table
    missing = stakegraph(demo.env, "suggestions", "no-such-account", check=False)
    assert missing.returncode == 1 and "no-such-account" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kpis", "--by", "region"], "expected segment, owner or account"),
        (["kpis", "--from", "2024-13-01"], "is not a date"),
        (["kpis", "--from", "2024-06-01", "--to", "2024-01-01"], "must be after --from"),
        (["analyze", "--window", "ninety"], "is not a duration"),
        (["analyze", "--as-of", "2024-13-01"], "is not a date"),
        (["ingest", "/no/such/dir"], "does not exist"),
        (["ingest", ".", "--writers", "0"], "Invalid value for '--writers'"),
        (["suggestions", "acc", "--as-of", "2024-02-30"], "is not a date"),
    ],
)
def test_bad_arguments_say_why(tmp_path: Path, args: list[str], message: str) -> None:
    done = stakegraph({"STAKEGRAPH_HOME": str(tmp_path), "NEO4J_URI": ""}, *args, check=False)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "arcadedb").exists()  # refused before any store was started


def test_keys_can_expire_and_list_says_when(tmp_path: Path) -> None:
    env = {"STAKEGRAPH_HOME": str(tmp_path), "NEO4J_URI": ""}
    created = stakegraph(env, "keys", "create", "--role", "analyst", "--expires-in-days", "30")
    key_id = created.stdout.strip().split("_")[1]
    stakegraph(env, "keys", "create", "--role", "leader", "--label", "staff")
    listed = stakegraph(env, "keys", "list").stdout.splitlines()
    (expiring,) = [line.split("\t") for line in listed if line.startswith(key_id)]
    (staff,) = [line.split("\t") for line in listed if line.endswith("staff")]
    expected = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    assert expiring[4].startswith(expected) and staff[4] == "never"
    refused = stakegraph(
        env, "keys", "create", "--role", "analyst", "--expires-in-days", "0", check=False
    )
    assert refused.returncode == 2 and "--expires-in-days" in refused.stderr
