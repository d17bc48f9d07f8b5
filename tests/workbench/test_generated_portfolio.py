"""The workbench on a generated portfolio: every exploration runs, answers checked against the
generator's files and truth, docs/analysts.md's walkthrough runs, the exports load."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from stakegraph.analytics.run import analyze
from stakegraph.generate import generate_portfolio
from stakegraph.graph.readonly import run_read_only
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory
from stakegraph.workbench.explorations import explorations, get_exploration, run_exploration
from stakegraph.workbench.export import TABLES, export_tables

pytestmark = [pytest.mark.store, pytest.mark.slow]

ACCOUNTS = 12
SEED = 11
DOCS = Path(__file__).resolve().parents[2] / "docs" / "analysts.md"


@pytest.fixture(scope="module")
def generated(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated files, ingested and analysed into the emptied session store."""
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    files = tmp_path_factory.mktemp("workbench-portfolio")
    generate_portfolio(files, accounts=ACCOUNTS, seed=SEED)
    import_directory(store, files, rejects_dir=tmp_path_factory.mktemp("workbench-rejects"))
    analyze(store)
    return files


def rows(store: GraphStore, query: str, **params: Any) -> list[dict[str, Any]]:
    return run_read_only(store, query, params, limit=100_000).rows


def required_params(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Values for the explorations that need some: the account with the most ties, and two
    people on it, ours and theirs, tied to each other."""
    tie = rows(
        store,
        "MATCH (a:Account) WITH a ORDER BY size(a.tie_targets) DESC LIMIT 1 "
        "MATCH (x:Person)-[t:TIE {account_id: a.id}]->(y:Person) "
        "RETURN a.id AS account_id, x.id AS a, y.id AS b ORDER BY t.strength DESC LIMIT 1",
    )[0]
    return {
        "account_ties": {"account_id": tie["account_id"]},
        "warm_path": {"from_person": tie["a"], "to_person": tie["b"]},
    }


@pytest.mark.parametrize("name", sorted(explorations()))
def test_every_exploration_runs_with_its_defaults(
    generated: Path, store: GraphStore, name: str
) -> None:
    params = required_params(store).get(name, {})
    result = run_exploration(store, name, params, limit=10_000)
    assert result.columns == get_exploration(name).columns
    assert not result.truncated


def test_former_contacts_are_the_moves_in_the_generated_roles(
    generated: Path, store: GraphStore
) -> None:
    roles = pd.read_csv(generated / "roles.csv", dtype=str, keep_default_na=False)
    accounts = set(
        pd.read_csv(generated / "organizations.csv", dtype=str).query("kind != 'home'")["id"]
    )
    roles = roles[roles["organization_id"].isin(accounts)]
    open_roles = roles[roles["end"] == ""]
    ended = roles[roles["end"] != ""]
    expected = set()
    for person, former in set(zip(ended["person_id"], ended["organization_id"], strict=True)):
        mine = open_roles[open_roles["person_id"] == person]
        if former in set(mine["organization_id"]):
            continue  # still there (a promotion)
        expected |= {(person, former, now) for now in mine["organization_id"] if now != former}
    found = run_exploration(store, "former_contacts_elsewhere", limit=10_000).rows
    assert {(r["person_id"], r["former_account_id"], r["account_id"]) for r in found} == expected
    truth = json.loads((generated / "truth.json").read_text())
    planted = {
        (e["person_id"], e["account_id"], e["details"]["new_organization_id"])
        for e in truth["events"]
        if e["kind"] == "champion_departure" and e["details"].get("new_organization_id")
    }
    assert planted and planted <= expected  # every planted champion move is listed


def test_summaries_add_up_to_the_portfolio(generated: Path, store: GraphStore) -> None:
    organizations = pd.read_csv(generated / "organizations.csv", dtype={"arr": float})
    customers = organizations[organizations["kind"] != "home"]
    tiers = run_exploration(store, "tier_overview").rows
    assert sum(r["accounts"] for r in tiers) == len(customers) == ACCOUNTS
    assert sum(r["arr"] for r in tiers) == pytest.approx(customers["arr"].sum())
    books = run_exploration(store, "owner_books").rows
    assert sum(r["accounts"] for r in books) == ACCOUNTS
    signals = run_exploration(store, "signals_by_month", limit=10_000).rows
    stored = rows(store, "MATCH (s:Signal) RETURN count(s) AS n")[0]["n"]
    assert sum(r["signals"] for r in signals) == stored > 0


@pytest.mark.parametrize("days", [3, 90])
def test_single_points_of_contact_match_the_generated_interactions(
    generated: Path, store: GraphStore, days: int
) -> None:
    """Worked out from interactions.csv: per account, our people (ids ``h-…``) on its
    interactions in the ``days`` before the analysis date. (Rows without an account are
    left to the importer's resolution; on this portfolio none of them reaches an account.)
    Generated teams are broad: over 90 days every account sees several of ours, over the
    last 3 days one account sees only one."""
    people = pd.read_csv(generated / "people.csv", dtype=str, keep_default_na=False)
    by_address = {
        address: pid
        for pid, addresses in zip(people["id"], people["emails"], strict=True)
        for address in addresses.split(";")
        if address
    }
    events = pd.read_csv(generated / "interactions.csv", dtype=str, keep_default_na=False)
    events = events.drop_duplicates("id")
    at = pd.to_datetime(events["at"], format="ISO8601", utc=True)
    analyzed = rows(store, "MATCH (a:Account) RETURN max(a.analyzed_at) AS t")[0]["t"]
    end = pd.Timestamp(analyzed, unit="s", tz="UTC")
    window = events[(at >= end - pd.Timedelta(days=days)) & (at < end)]
    ours: dict[str, set[str]] = {}
    for _, event in window[window["account_id"] != ""].iterrows():
        labels = ";".join([event["from"], event["to"], event["cc"]]).split(";")
        ids = {by_address.get(label, label) for label in labels if label}
        ours.setdefault(event["account_id"], set()).update(i for i in ids if i.startswith("h-"))
    single: dict[str, int] = {}
    for members in ours.values():
        if len(members) == 1:
            (person,) = members
            single[person] = single.get(person, 0) + 1
    found = run_exploration(
        store, "single_points_of_contact", {"min_accounts": 1, "days": days}
    ).rows
    assert {r["person_id"]: r["accounts"] for r in found} == single
    assert bool(single) == (days == 3)


def test_the_exports_load_with_their_documented_columns(
    generated: Path, store: GraphStore, tmp_path: Path
) -> None:
    documented = _documented_export_columns()
    written = {t.name: t for t in export_tables(store, tmp_path, file_format="parquet")}
    for table in TABLES:
        frame = pd.read_parquet(written[table.name].path)
        assert list(frame.columns[: len(table.columns)]) == documented[table.name]
    kpis = pd.read_parquet(written["account_kpis"].path)
    assert len(kpis) == ACCOUNTS and kpis["depth_score"].notna().all()
    assert kpis["risk_tier"].between(1, 5).all()
    snapshots = pd.read_parquet(written["snapshots"].path)
    assert len(snapshots) == ACCOUNTS * 52
    assert {"depth_score", "contacts_engaged", "degree_centralization"} <= set(snapshots.columns)
    assert str(snapshots["window_end"].dtype).startswith("datetime64")
    people = pd.read_csv(generated / "people.csv", dtype=str)
    exported_people = pd.read_parquet(written["people"].path)
    assert set(people["id"]) <= set(exported_people["person_id"])


def test_the_walkthrough_in_the_docs_runs(
    generated: Path,
    store_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 5
    for name, value in store_env.items():  # the session's store, of either backend
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    try:
        for block in blocks:
            exec(compile(block, str(DOCS), "exec"), namespace)  # our own docs
    finally:
        if "graph" in namespace:
            namespace["graph"].close()  # idempotent; the last block closes it too
    assert namespace["tiers"]["accounts"].sum() == ACCOUNTS
    assert str(namespace["signals"]["month"].dtype).startswith("datetime64")
    assert len(namespace["paths"]) > 0  # a warm path was found
    assert len(namespace["kpis"]) == ACCOUNTS


def _documented_export_columns() -> dict[str, list[str]]:
    """The export tables' columns as docs/analysts.md lists them (asides in brackets left out)."""
    text = DOCS.read_text(encoding="utf-8").split("## Exports for BI", 1)[1]
    return {
        name: re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", cells))
        for name, cells in re.findall(r"^\| `(\w+)` \| [^|]+ \| (.+) \|$", text, re.MULTILINE)
    }
