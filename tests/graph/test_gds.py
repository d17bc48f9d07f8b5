"""Graph Data Science on the Neo4j the tests start: the same betweenness and articulation
points as networkx (and the same snapshots as numpy: tests/analytics/test_gds_snapshots.py);
nothing needs it."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from neo4j.exceptions import ClientError

from stakegraph.graph.gds import gds_network_measures, measure_network
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

GRAPHS = {
    "path": nx.path_graph(6),
    "star": nx.star_graph(7),
    "kite": nx.krackhardt_kite_graph(),
    "barbell": nx.barbell_graph(5, 3),  # two cliques joined by a path of cut vertices
    "complete": nx.complete_graph(8),  # no cut vertex
    "two components": nx.disjoint_union(nx.cycle_graph(5), nx.path_graph(4)),
    "sparse, with isolated people": nx.gnm_random_graph(600, 700, seed=3),
    "dense": nx.gnm_random_graph(300, 4000, seed=4),
}


def test_gds_is_found_where_it_is(store: GraphStore, backend: str) -> None:
    """Never on the embedded store; always on the tests' Neo4j (neo4j-launcher/gds/), whose
    Graph Data Science tests below must run, not skip."""
    found = gds_network_measures(store)
    assert (found is None) if backend == "embedded" else (found is not None)


@pytest.mark.only_backend("neo4j")
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_gds_agrees_with_networkx(neo4j_store: GraphStore, name: str) -> None:
    graph = GRAPHS[name]
    u, v = (np.array(side, dtype=np.int64) for side in zip(*graph.edges(), strict=True))
    betweenness, cuts = measure_network(neo4j_store, u, v, graph.number_of_nodes())
    expected = nx.betweenness_centrality(graph, normalized=False)
    np.testing.assert_allclose(betweenness, [expected[i] for i in range(len(expected))], atol=1e-6)
    assert cuts == sorted(nx.articulation_points(graph))


@pytest.mark.only_backend("neo4j")
def test_worked_example_by_hand(neo4j_store: GraphStore) -> None:
    """0-1-2 with 1-3-4: person 1 lies on 5 of the 10 shortest paths, 3 on 3; both are cuts."""
    u, v = np.array([0, 1, 1, 3]), np.array([1, 2, 3, 4])
    betweenness, cuts = measure_network(neo4j_store, u, v, 6)  # person 5 has no tie
    assert betweenness.tolist() == [0.0, 5.0, 0.0, 3.0, 0.0, 0.0]
    assert cuts == [1, 3]


@pytest.mark.only_backend("neo4j")
def test_only_the_procedures_stakegraph_uses_are_loaded(neo4j_store: GraphStore) -> None:
    """The server's allow-list (neo4j-launcher/neo4j.conf): the other GDS procedures, some
    of which write, are not there for anyone."""
    with pytest.raises(ClientError, match=r"ProcedureNotFound|no procedure"):
        neo4j_store.driver.execute_query(
            "CALL gds.graph.list() YIELD graphName RETURN graphName",
            database_=neo4j_store.database,
        )
