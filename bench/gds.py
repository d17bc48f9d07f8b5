"""Betweenness and articulation points of one account's network: numpy (the default
path, the baseline) against Graph Data Science in a Neo4j, by network size.

    .venv/bin/python bench/gds.py [--sizes 100 200 400 800 1600] [--repeat 3]

Starts a local Neo4j with GDS (neo4j-launcher/; or uses NEO4J_URI's). Each network is a
random graph with 4 ties per person on average, like a busy account's 90-day window. Prints
the median seconds of each path and the ratio numpy / GDS (above 1: GDS is faster), which
sets ``LARGE_NETWORK`` in analytics/centralization.py.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from stores import open_store

from stakegraph.analytics.centralization import network_measures
from stakegraph.analytics.frames import PortfolioFrames, empty_frames
from stakegraph.analytics.windows import prepare_activity
from stakegraph.graph.gds import gds_network_measures


def one_account(people: int, seed: int) -> PortfolioFrames:
    """One account whose email pairs form a random graph of ``people`` (4 ties each): one
    organization, nobody ours, so every email counts (analytics/windows.py)."""
    graph = nx.gnm_random_graph(people, 2 * people, seed=seed)
    ids = [f"p{i}" for i in range(people)]
    mails = [f"m{k}" for k in range(graph.number_of_edges())]
    interactions = pd.DataFrame(
        {
            "interaction_id": mails,
            "account_id": "acc",
            "kind": "email",
            "at": 1_700_000_000 + np.arange(len(mails)),
            "thread_id": None,
            "reply_latency_s": np.nan,
            "participants": 2,
        }
    )
    participations = pd.DataFrame(
        {
            "interaction_id": mails * 2,
            "person_id": [ids[a] for a, _ in graph.edges()] + [ids[b] for _, b in graph.edges()],
            "role": ["from"] * len(mails) + ["to"] * len(mails),
        }
    )
    frames = empty_frames()
    return replace(
        frames,
        interactions=interactions,
        participations=participations,
        people=pd.DataFrame({"person_id": ids, "name": ids, "org_id": "org", "is_home": False}),
        accounts=pd.DataFrame(
            {
                "account_id": ["acc"],
                "name": ["Account"],
                "segment": ["enterprise"],
                "arr": [1.0],
                "renewal_date": [np.nan],
                "owner_id": [None],
            }
        ),
    )


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800, 1600])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with open_store("neo4j", Path(tempfile.mkdtemp(prefix="bench-gds-"))) as (store, _):
        gds = gds_network_measures(store)
        if gds is None:
            raise SystemExit("this Neo4j has no Graph Data Science (neo4j-launcher/gds/)")
        print(f"{'people':>7} {'numpy s':>9} {'GDS s':>9} {'numpy/GDS':>10}")
        for people in args.sizes:
            window = prepare_activity(one_account(people, seed=people))
            assert network_measures(window)["stakeholders"].iloc[0] > 0.9 * people
            by_numpy = median_seconds(lambda w=window: network_measures(w), args.repeat)
            by_gds = median_seconds(
                lambda w=window: network_measures(w, large=gds, large_from=3), args.repeat
            )
            print(f"{people:>7} {by_numpy:>9.3f} {by_gds:>9.3f} {by_numpy / by_gds:>10.2f}")


if __name__ == "__main__":
    main()
