"""On a generated portfolio, most re-mapping suggestions carry a warm path, every hop
explained: the figure the issue asked for, measured through the same path the API serves
(import, analyze, the read model's suggestions), with a floor.

The paths come from what a real import holds: reporting lines (roles.csv ``reports_to``),
meeting co-attendance, interaction ties, ``knows`` and shared past employers. A second
figure without the reporting lines says how much rests on the org chart: most of it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from stakegraph.analytics.run import analyze
from stakegraph.api.read_model import build_read_model
from stakegraph.api.schemas import SuggestionsPublic
from stakegraph.api.settings import ApiSettings
from stakegraph.generate import generate_portfolio
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

pytestmark = [pytest.mark.store, pytest.mark.slow]

ACCOUNTS = 40
SEED = 3  # neither the demo's seed (7) nor the held-out one the docs report (101)
WARM_FLOOR = 0.6


def _suggestions(store: GraphStore) -> list[SuggestionsPublic]:
    model = build_read_model(store, ApiSettings())
    return [SuggestionsPublic.model_validate_json(e.suggestions) for e in model.accounts.values()]


@pytest.fixture(scope="module")
def generated(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    files = tmp_path_factory.mktemp("warm-portfolio")
    generate_portfolio(files, accounts=ACCOUNTS, seed=SEED)
    import_directory(store, files, rejects_dir=tmp_path_factory.mktemp("warm-rejects"))
    analyze(store, windows=4)
    return store


def test_most_suggestions_carry_a_warm_path_every_hop_explained(generated: GraphStore) -> None:
    suggestions = [d for page in _suggestions(generated) for d in page.data]
    warm = [d for d in suggestions if d.hops]
    assert len(suggestions) >= ACCOUNTS  # enough to make a share mean something
    assert len(warm) / len(suggestions) >= WARM_FLOOR, (len(warm), len(suggestions))
    kinds = Counter(h.kind for d in warm for h in d.hops)
    assert {"reports_to", "co_attended", "tie"} <= set(kinds), kinds
    for d in warm:
        assert d.suggested is not None
        # The hops chain from our person to the stakeholder, each with its evidence.
        assert d.hops[0].from_.id == d.suggested.id and d.hops[-1].to.id == d.stakeholder.id
        for hop, after in zip(d.hops, d.hops[1:], strict=False):
            assert hop.to.id == after.from_.id
        for hop in d.hops:
            assert hop.evidence and 0 < hop.strength <= 1
        assert d.path_strength == pytest.approx(
            _product(h.strength for h in d.hops), rel=1e-3, abs=1e-4
        )
    for d in suggestions:
        if d.suggested is not None and not d.hops:
            assert "cold introduction" in d.reason


def _product(values: object) -> float:
    result = 1.0
    for value in values:  # type: ignore[attr-defined]
        result *= value
    return result


def test_without_reporting_lines_fewer_paths_but_some(generated: GraphStore) -> None:
    """Remove the org chart: co-attendance, ties, knows and past employers still carry some
    paths, far fewer (measured: 12 of 138 on this portfolio, against the floor of 60% with
    it). The share rests on the reporting lines an import gives (docs/metrics.md)."""
    with_lines = sum(1 for page in _suggestions(generated) for d in page.data if d.hops)
    generated.driver.execute_query(
        "MATCH ()-[l:REPORTS_TO]->() DELETE l", database_=generated.database
    )
    suggestions = [d for page in _suggestions(generated) for d in page.data]
    without = [d for d in suggestions if d.hops]
    assert all(h.kind != "reports_to" for d in without for h in d.hops)
    assert 0 < len(without) < with_lines / 2, (len(without), with_lines, len(suggestions))
