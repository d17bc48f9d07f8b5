"""Graph Data Science when the Neo4j server has it: the betweenness and articulation
points of large accounts' networks, computed in the store.

Nothing needs it. Without GDS (the embedded store, a Neo4j without the plugin) the same
measures come from numpy (``analytics/centralization.py``); tests/graph/test_gds.py holds
both to networkx's figures on the same graphs. Measured (bench/gds.py, bench/README.md):
on a 1,600-person network GDS answered in 1.4 s and the dense numpy form in 7.7 s, and
below ~500 people the round trip costs more than it saves, so only networks of at least
``LARGE_NETWORK`` people (analytics/centralization.py) go to GDS.
"""

from __future__ import annotations

import uuid
from functools import partial

import numpy as np
from neo4j.exceptions import Neo4jError

from stakegraph.analytics.centralization import NetworkMeasures
from stakegraph.graph.store import GraphStore

# Every one must be there (the server's allow-list may load only some).
GDS_PROCEDURES = frozenset(
    {
        "gds.graph.project",
        "gds.betweenness.stream",
        "gds.articulationPoints.stream",
        "gds.graph.drop",
    }
)


def gds_network_measures(store: GraphStore) -> NetworkMeasures | None:
    """GDS's measurement of one network on ``store``, or None when it lacks GDS."""
    if store.backend.startswith("embedded"):
        return None
    try:
        names = {row["name"] for row in store.query("gds/procedures")}
    except Neo4jError:  # SHOW PROCEDURES refused: no GDS to use
        return None
    return partial(measure_network, store) if names >= GDS_PROCEDURES else None


def measure_network(
    store: GraphStore, u: np.ndarray, v: np.ndarray, n: int
) -> tuple[np.ndarray, list[int]]:
    """Betweenness (pairs counted once) of nodes ``0..n-1`` and the articulation points of
    the undirected network with edges ``(u[i], v[i])``."""
    betweenness = np.zeros(n)
    if len(u) == 0:
        return betweenness, []
    graph = f"stakegraph-{uuid.uuid4().hex}"  # one per call: runs may overlap
    edges = np.column_stack([u, v]).astype(np.int64).tolist()
    try:
        row = store.query("gds/network_measures", graph=graph, edges=edges)[0]
    except Exception:
        store.query("gds/drop_graph", graph=graph)  # free the server's memory
        raise
    if row["betweenness"]:
        nodes, scores = zip(*row["betweenness"], strict=True)
        betweenness[np.asarray(nodes, dtype=np.int64)] = scores
    return betweenness, sorted(int(node) for node in row["cuts"])
