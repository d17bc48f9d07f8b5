"""One portfolio ingested, analysed and evaluated on each store gives the same figures.

The whole pipeline runs on the embedded ArcadeDB and on Neo4j, one after the other, and
everything it stored or reported is compared: counts, every account's risk, every signal,
every snapshot's metrics, and the evaluation against the planted truth.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stakegraph.analytics.run import analyze, evaluate_against_truth
from stakegraph.config import Settings
from stakegraph.generate import generate_portfolio
from stakegraph.graph.local_neo4j import Neo4jEndpoint
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

pytestmark = [
    pytest.mark.store,
    pytest.mark.slow,
    pytest.mark.only_backend("embedded"),
    pytest.mark.only_backend("neo4j"),
]

ACCOUNTS = 8
SEED = 5
WINDOWS = 8


def rows(store: GraphStore, cypher: str) -> list[tuple[Any, ...]]:
    records, _, _ = store.driver.execute_query(cypher, database_=store.database)
    return sorted(tuple(record.values()) for record in records)


def run_pipeline(settings: Settings, portfolio: Path) -> dict[str, Any]:
    truth = json.loads((portfolio / "truth.json").read_text())
    with GraphStore.open(settings) as store:
        store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
        store.ensure_schema()
        imported = import_directory(store, portfolio, rejects_dir=portfolio.parent)
        report = analyze(store, windows=WINDOWS)
        return {
            "imported": (imported.interactions_created, imported.rows_rejected),
            "analysis": (report.accounts, report.snapshots, report.signals, report.ties),
            "counts": store.counts(),
            "risk": rows(
                store, "MATCH (a:Account) RETURN a.id, round(a.risk_score, 9), a.risk_tier"
            ),
            "signals": rows(
                store,
                "MATCH (s:Signal) RETURN s.id, s.kind, s.at_epoch, s.at.epochSeconds, s.at.hour, "
                "round(s.severity, 9)",
            ),
            "snapshots": rows(
                store,
                "MATCH (s:Snapshot) RETURN s.id, s.window_start_at.epochSeconds, "
                "s.window_end_at.day, s.contacts_engaged, round(s.depth_score, 9), "
                "round(s.degree_centralization, 9)",
            ),
            # as JSON text: kinds nothing was planted for score NaN, and NaN != NaN
            "evaluation": json.dumps(
                evaluate_against_truth(store, truth), sort_keys=True, default=float
            ),
        }


def test_a_portfolio_gives_the_same_figures_on_both_stores(
    tmp_path: Path, store_home: Path, neo4j_endpoint: Neo4jEndpoint
) -> None:
    portfolio = tmp_path / "portfolio"
    generate_portfolio(portfolio, accounts=ACCOUNTS, seed=SEED)
    embedded = run_pipeline(Settings(STAKEGRAPH_HOME=store_home, NEO4J_URI=""), portfolio)
    on_neo4j = run_pipeline(
        Settings(
            STAKEGRAPH_HOME=tmp_path / "home",
            NEO4J_URI=neo4j_endpoint.uri,
            NEO4J_USER=neo4j_endpoint.user,
            NEO4J_PASSWORD=neo4j_endpoint.password,
        ),
        portfolio,
    )
    assert embedded["counts"]["Account"] == ACCOUNTS
    assert embedded["signals"] and embedded["snapshots"]
    for part in embedded:
        assert on_neo4j[part] == embedded[part], part
