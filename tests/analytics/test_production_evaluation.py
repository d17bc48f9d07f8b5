"""The evaluation through the production path, on each store.

A generated portfolio is ingested into the store (`import_directory`, as `stakegraph
ingest` does), analysed (`analyze`, which reads its frames back from the store and writes
signals and risk) and evaluated (`evaluate_against_truth`, as `stakegraph evaluate`): no
test-only loader anywhere. Every signal kind is held to a precision and a recall floor.

60 accounts (seed 5) keep it to a minute per store. With 4 to 15 events per kind one miss
moves recall by 7 to 25 points, so the floors sit below the figures measured on this
portfolio (in the comments); the 500-account figures are in docs/metrics.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stakegraph.analytics.run import analyze, evaluate_against_truth
from stakegraph.generate import generate_portfolio
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory
from stakegraph.vocabulary import SIGNAL_KINDS

pytestmark = [pytest.mark.store, pytest.mark.slow]

ACCOUNTS = 60
SEED = 5

# kind: (precision floor, recall floor)
FLOORS: dict[str, tuple[float, float] | None] = {
    # Measured with the file loader on this portfolio (2026-12-06): 0.86 / 1.00 (7
    # signals, 6 events), before and after the breadth test of everyone else.
    "single_node_bottleneck": (0.7, 0.8),
    # Departures, measured here on both stores (2026-12-06): champion 0.88 / 0.93 (17
    # signals, 15 events), stakeholder 0.71 / 0.60 (7 signals, 10 events); a departure
    # is found by either departure kind naming the person (evaluate.SAME_EVENT_KINDS).
    "champion_departure": (0.75, 0.8),
    # Measured here with the file loader: 0.89 / 0.73 of 11 since the executives' steering
    # committees and the slide's withdrawals only while the account goes on (generator,
    # 2026-12-06); 0.78 / 0.58 of 12 before, 0.64 / 0.58 before the reviews and the
    # 13-week limit.
    "executive_withdrawal": (0.7, 0.6),
    "response_latency_inflation": (0.7, 0.7),
    "engagement_contraction": (0.6, 0.6),
    "stakeholder_departure": (0.55, 0.5),
    # Beyond conversations, measured here (embedded store): usage 1.00 / 0.93 of 14,
    # feature depth 1.00 / 1.00 of 14, SLA policing 0.50 / 0.50 of 2 (0.33 / 0.50 before
    # the ticket events filed their own tickets and runs needed four weeks, 2026-12-06;
    # one miss moves it by 50 points at this size), co-innovation
    # 0.50 / 0.67 of 3 since it fires from three refusals (2026-12-07: one more false
    # alarm, an account refusing three of its latest; 0.67 / 0.67 with four; 0.50 / 0.67
    # before its history-of-acceptance rule; the same with the predictive tail, file
    # loader: its miss found 110 days after the event), business
    # reviews 0.67 / 0.80 of 5 (0.50 / 0.60 before they were judged on their latest six
    # sessions within 90 days, 2026-12-06).
    "usage_decline": (0.8, 0.8),
    "feature_depth_regression": (0.8, 0.8),
    "sla_policing": (0.5, 0.5),
    "co_innovation_withdrawal": (0.5, 0.6),
    "qbr_disengagement": (0.6, 0.8),
    # Two planted shifts in 60 accounts: both found since the shifts file their own exit
    # tickets (1.00 / 1.00 with the file loader, 2026-12-06; both missed, 0 signals,
    # before); a floor of one of two, its 500-account figures in docs/metrics.md.
    "ticket_mix_shift": (0.5, 0.5),
}


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("production-evaluation")
    generate_portfolio(directory, accounts=ACCOUNTS, seed=SEED)
    return directory


def wipe(store: GraphStore) -> None:
    """Delete everything in batches: one transaction over 60 accounts' graph exceeds
    Neo4j's transaction memory limit (and the next test's own one-statement wipe)."""
    while True:
        records, _, _ = store.driver.execute_query(
            "MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS deleted",
            database_=store.database,
        )
        if records[0]["deleted"] == 0:
            return


@pytest.fixture(scope="module")
def evaluation(store: GraphStore, portfolio: Path) -> Iterator[dict[str, Any]]:
    wipe(store)
    store.ensure_schema()
    imported = import_directory(store, portfolio, rejects_dir=portfolio.parent)
    assert imported.interactions_created > 0
    report = analyze(store, windows=2)
    assert report.accounts == ACCOUNTS
    truth = json.loads((portfolio / "truth.json").read_text())
    result = evaluate_against_truth(store, truth)
    yield result
    wipe(store)


def test_every_signal_kind_has_a_floor() -> None:
    assert set(FLOORS) == set(SIGNAL_KINDS)


@pytest.mark.parametrize("kind", SIGNAL_KINDS)
def test_each_kind_holds_its_precision_and_recall_floors(
    evaluation: dict[str, Any], kind: str
) -> None:
    figures = evaluation[kind]
    floors = FLOORS[kind]
    if figures["planted"] == 0 or floors is None:
        # Nothing of this kind in the truth (or too little to hold a floor on): at most
        # one account in ten may raise one.
        assert figures["signals"] <= ACCOUNTS // 10, figures
        return
    precision_floor, recall_floor = floors
    assert figures["signals"] > 0, kind
    assert figures["precision"] >= precision_floor, figures
    assert figures["recall"] >= recall_floor, figures


def test_departures_are_found_within_a_month(evaluation: dict[str, Any]) -> None:
    assert evaluation["champion_departure"]["median_lag_days"] <= 35


def test_risk_is_backtested_without_scores_after_the_renewal(
    evaluation: dict[str, Any],
) -> None:
    risk = evaluation["risk"]
    assert risk["scored_after_renewal"] == 0
    assert risk["accounts"] == ACCOUNTS
    assert risk["churned"] >= 10
    assert risk["auc"] >= 0.65  # 17 churns: coarse at this size
    assert risk["bottom_two_tiers_churn_share"] >= 0.45


def test_departures_say_which_are_observable_and_the_observable_ones_are_found(
    evaluation: dict[str, Any],
) -> None:
    # Measured here (2026-12-06, embedded store): every departure observable (champion 15
    # of 15, R 0.93; stakeholder 10 of 10, R 0.60); the 500-account portfolios hold
    # unobservable silences (docs/metrics.md).
    for kind, floor in (("champion_departure", 0.8), ("stakeholder_departure", 0.5)):
        figures = evaluation[kind]
        assert figures["observable"] is not None, "the truth records observability"
        assert 0 < figures["observable"] <= figures["planted"]
        assert figures["recall_observable"] >= floor, figures
