"""The command line end to end, as a user runs it: separate processes on one store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stakegraph.config import Settings
from stakegraph.graph.store import GraphStore

pytestmark = [pytest.mark.store, pytest.mark.slow]


def stakegraph(
    home: Path, *args: str, check: bool = True, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STAKEGRAPH_HOME": str(home), "COLUMNS": str(columns)}
    env.pop("NEO4J_URI", None)
    return subprocess.run(
        [sys.executable, "-m", "stakegraph.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=check,
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if os.environ.get("NEO4J_URI"):
        pytest.skip("the demo runs on the embedded store")
    home = tmp_path_factory.mktemp("demo-home")
    stakegraph(home, "demo", "--accounts", "6", "--seed", "3", "--no-serve")
    # Holding a lease keeps the store up, so every command below attaches to it (as a
    # user's commands do while `stakegraph serve` runs) instead of starting it again.
    with GraphStore.open(Settings(STAKEGRAPH_HOME=home)):
        yield home


def test_demo_loads_and_analyzes_every_account(demo_home: Path) -> None:
    counts = json.loads(stakegraph(demo_home, "status", "--json").stdout)["counts"]
    truth = json.loads((demo_home / "demo" / "truth.json").read_text())
    assert counts["Account"] == len(truth["accounts"]) == 6
    assert counts["Interaction"] > 0
    # 52 weekly windows per account by default
    assert counts["Snapshot"] == 6 * 52
    assert counts["Renewal"] == len(truth["renewals"])


def test_cypher_json_prints_rows_as_objects(demo_home: Path) -> None:
    done = stakegraph(
        demo_home,
        "cypher",
        "--json",
        "MATCH (a:Account) RETURN a.id AS id, a.risk_tier AS tier ORDER BY id",
    )
    rows = json.loads(done.stdout)
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert len(rows) == 6
    assert all(1 <= row["tier"] <= 5 for row in rows)


def test_cypher_table_shows_stored_times_as_dates(demo_home: Path) -> None:
    query = "MATCH (s:Snapshot) RETURN s.window_end AS window_end ORDER BY window_end LIMIT 1"
    row = json.loads(stakegraph(demo_home, "cypher", "--json", query).stdout)[0]
    day = datetime.fromtimestamp(row["window_end"], UTC).date().isoformat()
    table = stakegraph(demo_home, "cypher", query).stdout
    assert day in table
    assert str(row["window_end"]) not in table  # the JSON keeps the number; the table a date


def test_cypher_refuses_writes_with_exit_code_1(demo_home: Path) -> None:
    done = stakegraph(demo_home, "cypher", "MATCH (a:Account) DETACH DELETE a", check=False)
    assert done.returncode == 1
    assert "refused" in done.stderr
    counts = json.loads(stakegraph(demo_home, "status", "--json").stdout)["counts"]
    assert counts["Account"] == 6


def test_ingest_twice_changes_nothing_and_exits_0(demo_home: Path) -> None:
    before = json.loads(stakegraph(demo_home, "status", "--json").stdout)["counts"]
    done = stakegraph(demo_home, "ingest", str(demo_home / "demo"))
    assert done.returncode == 0
    after = json.loads(stakegraph(demo_home, "status", "--json").stdout)["counts"]
    assert after == before


def test_evaluate_json_names_its_figures(demo_home: Path) -> None:
    figures = json.loads(
        stakegraph(demo_home, "evaluate", str(demo_home / "demo" / "truth.json"), "--json").stdout
    )
    assert "bottom_two_tiers_churn_share" in figures["risk"]
    assert any(key.endswith("auc") for key in figures["risk"])
    kinds = {k for k, v in figures.items() if isinstance(v, dict) and "precision" in v}
    assert "champion_departure" in kinds


def test_evaluate_table_fits_an_80_column_terminal(demo_home: Path) -> None:
    """Every kind's row, whole, with its figures; nothing wider than the terminal."""
    truth = str(demo_home / "demo" / "truth.json")
    figures = json.loads(stakegraph(demo_home, "evaluate", truth, "--json").stdout)
    lines = stakegraph(demo_home, "evaluate", truth, columns=80).stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for kind in ("single_node_bottleneck", "response_latency_inflation"):
        row = next(line.split() for line in lines if line.startswith(kind))
        assert row[1:4] == [str(figures[kind][key]) for key in ("planted", "detected", "signals")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "--window", "ninety"], "is not a duration"),
        (["analyze", "--as-of", "2024-13-01"], "is not a date"),
        (["ingest", "/no/such/dir"], "does not exist"),
    ],
)
def test_bad_arguments_say_why(tmp_path: Path, args: list[str], message: str) -> None:
    done = stakegraph(tmp_path, *args, check=False)
    assert done.returncode == 2
    assert message in done.stderr
