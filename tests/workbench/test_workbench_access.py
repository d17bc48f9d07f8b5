"""The workbench from a notebook, the command line and the export, on the hand-built portfolio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from workbench_portfolio import ANALYZED_AT, build_portfolio, epoch

import stakegraph
from stakegraph.graph.readonly import ReadOnlyQueryError
from stakegraph.graph.store import GraphStore
from stakegraph.workbench.export import TABLES, ExportError, export_tables
from stakegraph.workbench.frames import frame_to_csv
from stakegraph.workbench.notebook import TruncatedResultWarning, Workbench

pytestmark = pytest.mark.store

UTC_DAY = "datetime64[us, UTC]"


def utc(day: str, hour: int = 0) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=hour)


@pytest.fixture(scope="module")
def portfolio(store: GraphStore) -> GraphStore:
    build_portfolio(store)
    return store


# --- notebooks ---------------------------------------------------------------------------------


def test_connect_explores_into_a_frame_with_timestamps(
    portfolio: GraphStore,
    store_home: Path,
    store_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in store_env.items():  # NEO4J_URI and friends on the Neo4j leg
        monkeypatch.setenv(name, value)
    with stakegraph.connect(store_home) as graph:  # attaches to the session's store
        frame = graph.explore("silent_key_stakeholders", silent_days=60)
    assert list(frame["person_id"]) == ["c-cfo", "c-ceo", "a-cfo"]
    assert list(frame["renewal_at"]) == [utc("2024-08-01")] * 2 + [utc("2024-09-15")]
    assert frame["last_seen_at"].iloc[1:].tolist() == [utc("2024-03-01", 10), utc("2024-01-15", 10)]
    assert pd.isna(frame["last_seen_at"].iloc[0])
    assert str(frame["days_silent"].dtype) == "Int64"  # whole days, one missing
    assert frame["days_silent"].iloc[1:].tolist() == [121, 167]


def test_run_reads_temporal_values_and_epoch_seconds(portfolio: GraphStore) -> None:
    graph = Workbench(portfolio)
    frame = graph.run(
        "MATCH (i:Interaction {id: $id}) RETURN i.at AS at_value, i.at_epoch AS at_epoch, "
        "i.at_epoch AS seconds, date(i.at) AS day",
        id="i05",
    )
    row = frame.iloc[0]
    assert row["at_value"] == row["at_epoch"] == utc("2024-05-20", 10)  # a datetime; an instant
    assert row["seconds"] == epoch("2024-05-20") + 10 * 3600  # not named as an instant
    assert row["day"] == utc("2024-05-20")


def test_run_is_read_only(portfolio: GraphStore) -> None:
    graph = Workbench(portfolio)
    with pytest.raises(ReadOnlyQueryError):
        graph.run("MATCH (a:Account) SET a.name = 'x' RETURN a")
    names = graph.run("MATCH (a:Account) RETURN a.name AS name ORDER BY name")["name"]
    assert names.tolist() == ["Acme", "Beta", "Cyan", "Delta"]


def test_a_cut_result_warns(portfolio: GraphStore) -> None:
    graph = Workbench(portfolio, limit=2)
    with pytest.warns(TruncatedResultWarning, match="more than 2 rows"):
        frame = graph.explore("tier_overview")
    assert len(frame) == 2 and frame.attrs["truncated"]


def test_the_list_of_explorations_names_each_with_its_defaults() -> None:
    listed = Workbench.explorations()
    row = listed.set_index("name").loc["silent_key_stakeholders"]
    assert row["parameters"] == "as_of=null, renewal_days=90, silent_days=30, levels=vp,c_level"


# --- the command line --------------------------------------------------------------------------


def stakegraph_cli(store_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **store_env, "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "stakegraph.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_cli_lists_every_exploration(portfolio: GraphStore, store_env: dict[str, str]) -> None:
    done = stakegraph_cli(store_env, "explore", "--list")
    assert done.returncode == 0
    for name in ("silent_key_stakeholders", "warm_path", "owner_books"):
        assert name in done.stdout


def test_cli_runs_an_exploration_with_params_as_json_and_csv(
    portfolio: GraphStore, store_env: dict[str, str]
) -> None:
    args = ["explore", "warm_path", "--param", "from_person=u-cto", "-p", "to_person=a-cto"]
    as_json = json.loads(stakegraph_cli(store_env, *args, "--json").stdout)
    assert [row["person_ids"] for row in as_json] == [
        ["u-cto", "u-am1", "a-champ", "a-cto"],
        ["u-cto", "u-ceo", "a-cto"],
    ]
    done = stakegraph_cli(store_env, "explore", "at_risk_renewals", "--csv", "-p", "min_tier=5")
    frame = pd.read_csv(StringIO(done.stdout))
    assert frame["account_id"].tolist() == ["acc-a"]
    assert frame["renewal_at"].tolist() == ["2024-09-15T00:00:00Z"]
    table = stakegraph_cli(store_env, "explore", "tier_overview", "-p", "segment=smb").stdout
    assert "likely to renew" in table and "churn risk" not in table


def test_cli_names_a_bad_parameter_and_exits_1(store_env: dict[str, str]) -> None:
    done = stakegraph_cli(store_env, "explore", "owner_books", "-p", "min_tier=high")
    assert done.returncode == 1
    assert "parameter 'min_tier': 'high' is not a whole number" in done.stderr


# --- exports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_export_writes_every_table_with_its_documented_columns(
    portfolio: GraphStore, tmp_path: Path, file_format: str
) -> None:
    written = export_tables(portfolio, tmp_path, file_format=file_format)  # type: ignore[arg-type]
    assert [t.name for t in written] == [t.name for t in TABLES]
    frames = {t.name: _read(t.path, file_format) for t in written}
    for table in TABLES:
        columns = list(frames[table.name].columns)
        assert columns[: len(table.columns)] == list(table.columns), table.name
    assert {t.name: t.rows for t in written} == {
        "accounts": 4,
        "people": 16,
        "roles": 18,
        "renewals": 0,
        "account_kpis": 4,
        "snapshots": 9,
        "signals": 6,
        "ties": 6,
    }
    kpis = frames["account_kpis"].set_index("account_id")
    assert kpis.loc["acc-a", "open_signals"] == 3  # May 15, June 1 and June 20; not December
    assert kpis.loc["acc-a", "depth_score"] == 40.0
    assert kpis.loc["acc-a", "contacts_engaged_ratio"] == 0.5
    assert kpis.loc["acc-a", "window_end"] == kpis.loc["acc-a", "analyzed_at"] == utc("2024-07-01")
    assert pd.isna(kpis.loc["acc-d", "depth_score"])  # no snapshot
    people = frames["people"].set_index("person_id")
    assert people.loc["a-gone", ["organization_id", "title", "level"]].tolist() == [
        "acc-c",
        "Head of Product",
        "director",
    ]
    assert bool(people.loc["u-am1", "is_ours"]) and not bool(people.loc["a-gone", "is_ours"])
    signals = frames["signals"].set_index("signal_id")
    assert signals.loc["sig-a4", "raised_at"] == utc("2024-05-15")
    assert signals.loc["sig-a4", "person_ids"] == "a-gone"
    snapshots = frames["snapshots"]
    assert snapshots["window_end"].max() == pd.Timestamp(ANALYZED_AT, unit="s", tz="UTC")
    assert {"depth_score", "meetings_ratio"} <= set(snapshots.columns)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [t["rows"] for t in manifest["tables"]] == [t.rows for t in written]
    assert not list(tmp_path.glob(".*partial"))


def test_export_of_some_tables_and_bad_requests(portfolio: GraphStore, tmp_path: Path) -> None:
    written = export_tables(portfolio, tmp_path, tables=["ties"])
    assert [t.path.name for t in written] == ["ties.csv"]
    with pytest.raises(ExportError, match="no table 'edges'"):
        export_tables(portfolio, tmp_path, tables=["edges"])
    with pytest.raises(ExportError, match="use csv or parquet"):
        export_tables(portfolio, tmp_path, file_format="xlsx")  # type: ignore[arg-type]


def _read(path: Path, file_format: str) -> pd.DataFrame:
    if file_format == "parquet":
        return pd.read_parquet(path)
    frame = pd.read_csv(path)
    for column in frame.columns:
        if column.endswith(("_at", "_date")) or column in ("window_start", "window_end"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def test_csv_exports_keep_formulas_out_of_spreadsheets(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    # Names come from outside: a mail's sender may call themselves "=HYPERLINK(...)". A
    # spreadsheet runs a text cell that begins with =, +, -, @, a tab or a carriage return,
    # so such cells are written with a leading apostrophe; a negative number stays one.
    names = ['=HYPERLINK("http://x.example","open")', "+1-555", "-2+3", "@SUM(A1)", "Ann"]
    clean_store.driver.execute_query(
        "UNWIND range(0, size($names) - 1) AS k "
        "CREATE (:Person {id: 'p-' + toString(k), name: $names[k], outreach_capacity: -1})",
        {"names": names},
        database_=clean_store.database,
    )
    export_tables(clean_store, tmp_path, tables=["people"])
    frame = pd.read_csv(tmp_path / "people.csv")
    assert frame["name"].tolist() == [f"'{n}" for n in names[:4]] + ["Ann"]
    assert frame["outreach_capacity"].tolist() == [-1] * 5
    shown = frame_to_csv(pd.DataFrame({"name": names, "n": [-1, 0, 1, 2, 3]}))
    assert pd.read_csv(StringIO(shown))["name"].tolist() == frame["name"].tolist()
