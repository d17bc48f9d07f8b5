"""An account's network measured by Graph Data Science gives the snapshot numpy gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from portfolio_frames import load_portfolio_frames

from stakegraph.analytics.centralization import network_measures
from stakegraph.analytics.windows import prepare_activity
from stakegraph.generate.portfolio import generate_portfolio
from stakegraph.graph.gds import gds_network_measures
from stakegraph.graph.store import GraphStore

pytestmark = [pytest.mark.store, pytest.mark.only_backend("neo4j")]


def test_snapshots_are_the_same_through_gds(neo4j_store: GraphStore, tmp_path: Path) -> None:
    """Every account measured by GDS (from 3 people up) against the numpy path."""
    measure = gds_network_measures(neo4j_store)
    assert measure is not None, "the tests' Neo4j has no GDS"
    generate_portfolio(tmp_path, accounts=12, seed=5)
    frames = load_portfolio_frames(tmp_path)
    activity = prepare_activity(frames)
    end = int(frames.interactions["at"].max()) + 1
    window = activity.between(end - 90 * 86_400, end)
    by_numpy = network_measures(window)
    by_gds = network_measures(window, large=measure, large_from=3)
    assert (by_numpy["stakeholders"] >= 3).sum() >= 6  # the comparison covers real networks
    pd.testing.assert_frame_equal(by_gds, by_numpy, atol=1e-9)
