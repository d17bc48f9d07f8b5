"""Time ``snapshot_series`` on a synthetic portfolio; prints figures, asserts nothing.

Run: ``python bench/snapshot_series.py [accounts] [interactions]`` (defaults
2,000 and 1,000,000, 52 weekly windows). The naive baseline builds a networkx graph from
scratch per account per window for the graph measures only; it is timed on a sample of
account-windows and extrapolated.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

# The random portfolio builder lives with the analytics tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "analytics"))

from synthetic_portfolio import START, random_portfolio

from stakegraph.analytics.snapshot import snapshot_series
from stakegraph.analytics.windows import (
    account_stakeholder_edges,
    prepare_activity,
    window_grid,
)
from stakegraph.dates import DAY


def main(n_accounts: int = 2000, n_interactions: int = 1_000_000, sample: int = 300) -> None:
    began = time.perf_counter()
    frames = random_portfolio(n_accounts, n_interactions)
    print(f"generate        {time.perf_counter() - began:7.2f} s")
    as_of = START + 730 * DAY

    began = time.perf_counter()
    activity = prepare_activity(frames)
    prepared = time.perf_counter() - began
    print(f"prepare         {prepared:7.2f} s")
    began = time.perf_counter()
    series = snapshot_series(activity, as_of=as_of, windows=52)
    mapped = time.perf_counter() - began
    print(f"snapshot_series {mapped:7.2f} s  ({len(series)} rows)")
    print(f"total           {prepared + mapped:7.2f} s")

    edges = account_stakeholder_edges(activity)
    grid = window_grid(as_of, windows=52)
    rng = np.random.default_rng(1)
    accounts = rng.choice(activity.account_ids, sample)
    windows = rng.integers(0, len(grid), sample)
    by_account = {account: group for account, group in edges.groupby("account_id")}
    began = time.perf_counter()
    for account, k in zip(accounts, windows, strict=True):
        start, end = grid.iloc[k]
        own = by_account.get(account, edges.iloc[:0])
        mine = own[(own["at"] >= start) & (own["at"] < end)]
        graph = nx.Graph()
        graph.add_edges_from(zip(mine["source"], mine["target"], strict=True))
        if graph.number_of_nodes() > 2:
            nx.betweenness_centrality(graph)
            nx.degree_centrality(graph)
            list(nx.articulation_points(graph))
    naive = (time.perf_counter() - began) / sample * n_accounts * len(grid)
    print(f"naive networkx  {naive:7.2f} s  (graph measures only, edges pre-split, extrapolated)")
    print(f"speed-up        {naive / (prepared + mapped):7.1f} x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
