from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from frames_builder import at, make_frames
from hypothesis import given, settings
from hypothesis import strategies as st

from stakegraph.analytics.centralization import (
    _betweenness_batch,
    _cut_vertices,
    betweenness_centralization,
    degree_centralization,
    herfindahl,
    stakeholder_centralization,
    traffic_concentration,
)


@pytest.mark.parametrize(
    ("graph", "degree", "betweenness"),
    [
        (nx.star_graph(4), 1.0, 1.0),  # 5 nodes: the hub is on every path
        (nx.complete_graph(5), 0.0, 0.0),
        (nx.cycle_graph(6), 0.0, 0.0),
        # path a-b-c-d: degrees 1,2,2,1 -> (4*2-6)/(3*2) = 1/3; betweenness 0,2,2,0 ->
        # (4*2-4)/(9*2/2) = 4/9
        (nx.path_graph(4), 1 / 3, 4 / 9),
        # Krackhardt kite: degrees sum 36, max 6 -> (60-36)/72 = 1/3; betweenness sum 44,
        # max 14 (Heather) -> (140-44)/324 = 8/27
        (nx.krackhardt_kite_graph(), 1 / 3, 8 / 27),
    ],
    ids=["star", "complete", "cycle", "path", "kite"],
)
def test_freeman_centralization_by_hand(graph: nx.Graph, degree: float, betweenness: float) -> None:
    assert degree_centralization(graph) == pytest.approx(degree)
    assert betweenness_centralization(graph) == pytest.approx(betweenness)


@pytest.mark.parametrize(("n", "expected"), [(1, 0.0), (2, 0.0)])
def test_tiny_graphs(n: int, expected: float) -> None:
    graph = nx.path_graph(n)
    assert degree_centralization(graph) == expected
    assert betweenness_centralization(graph) == expected


def test_empty_graph_is_nan() -> None:
    assert math.isnan(degree_centralization(nx.Graph()))
    assert math.isnan(betweenness_centralization(nx.Graph()))


def test_kite_betweenness_matches_networkx() -> None:
    graph = nx.krackhardt_kite_graph()
    ours = _betweenness_batch(nx.to_numpy_array(graph)[None])[0]
    reference = nx.betweenness_centrality(graph, normalized=False)
    assert ours == pytest.approx([reference[i] for i in range(10)])
    assert ours[7] == pytest.approx(14.0)  # Heather


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [([1, 1, 1, 1], 0.25), ([3, 1], 0.625), ([5], 1.0), ([2, 0, 2], 0.5)],
)
def test_herfindahl(amounts: list[float], expected: float) -> None:
    assert herfindahl(amounts) == pytest.approx(expected)


def test_herfindahl_of_nothing_is_nan() -> None:
    assert math.isnan(herfindahl([0, 0]))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 14),
    edges=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=40),
)
def test_betweenness_and_cut_points_match_networkx(n: int, edges: list[tuple[int, int]]) -> None:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((u, v) for u, v in edges if u < n and v < n and u != v)
    adjacency = nx.to_numpy_array(graph, nodelist=range(n))
    reference = nx.betweenness_centrality(graph, normalized=False)
    ours = _betweenness_batch(adjacency[None])[0]
    assert ours == pytest.approx([reference[i] for i in range(n)])
    u = np.array([a for a, _ in graph.edges()], dtype=np.int64)
    v = np.array([b for _, b in graph.edges()], dtype=np.int64)
    cuts = _cut_vertices(np.concatenate([u, v]), np.concatenate([v, u]), n)
    assert cuts.tolist() == sorted(nx.articulation_points(graph))


@pytest.mark.parametrize("seed", range(4))
def test_cut_vertices_of_many_networks_at_once_match_networkx(seed: int) -> None:
    """Many components (a window's accounts) in one search, from trees (every inner node
    a cut) to dense graphs (none), with isolated nodes between them."""
    rng = np.random.default_rng(seed)
    graph = nx.Graph()
    for density in np.tile([0.0, 0.5, 1.0, 1.5, 3.0], 8):
        size = int(rng.integers(1, 40))
        first = graph.number_of_nodes()
        graph.add_nodes_from(range(first, first + size))
        for node in range(first + 1, first + size):  # a random tree, then extra edges
            graph.add_edge(node, int(rng.integers(first, node)))
        for _ in range(int(density * size)):
            a, b = rng.integers(first, first + size, size=2)
            if a != b:
                graph.add_edge(int(a), int(b))
    u, v = (np.array(side, dtype=np.int64) for side in zip(*graph.edges(), strict=True))
    cuts = _cut_vertices(np.concatenate([u, v]), np.concatenate([v, u]), graph.number_of_nodes())
    expected = sorted(nx.articulation_points(graph))
    assert cuts.tolist() == expected and len(expected) > 0


def test_cut_vertices_by_hand() -> None:
    # A path 0-1-2-3, a star around 4 (leaves 5, 6), a triangle 7-8-9, node 10 alone.
    edges = [(0, 1), (1, 2), (2, 3), (4, 5), (4, 6), (7, 8), (8, 9), (9, 7)]
    u, v = (np.array(side) for side in zip(*edges, strict=True))
    assert _cut_vertices(np.r_[u, v], np.r_[v, u], 11).tolist() == [1, 2, 4]


def test_batched_padding_changes_nothing() -> None:
    kite = nx.to_numpy_array(nx.krackhardt_kite_graph())
    padded = np.zeros((2, 16, 16))
    padded[0, :10, :10] = kite
    padded[1, :5, :5] = nx.to_numpy_array(nx.star_graph(4))
    scores = _betweenness_batch(padded)
    assert scores[0, :10] == pytest.approx(_betweenness_batch(kite[None])[0])
    assert scores[1, :5] == pytest.approx([6, 0, 0, 0, 0])
    assert not scores[:, 10:].any()


def three_person_account():  # type: ignore[no-untyped-def]
    return make_frames(
        [
            ("e1", "acme", "email", 1, "o1", ["a", "b"]),
            ("e2", "acme", "email", 2, "a", ["o1"], 3600.0),
            ("m1", "acme", "meeting", 3, "o1", ["a"]),
            ("e3", "acme", "email", 4, "o1", ["a"], 7200.0),
        ],
        roles=[("a", "vp", "finance", -100, None), ("b", "manager", "it", -100, None)],
    )


def test_three_person_account_is_a_star_around_our_manager() -> None:
    table = stakeholder_centralization(three_person_account(), start=at(0), end=at(90))
    row = table.loc["acme"]
    assert (row.stakeholders, row.ties) == (3, 2)
    assert row.degree_centralization == pytest.approx(1.0)
    assert row.betweenness_centralization == pytest.approx(1.0)
    assert (row.articulation_point_count, row.articulation_points) == (1, "o1")


def test_three_person_account_traffic() -> None:
    # a: 1/2 + 1 + 1 + 1 = 3.5 units, b: 1/2 -> H = (7/8)^2 + (1/8)^2 = 0.78125
    row = traffic_concentration(three_person_account(), start=at(0), end=at(90)).loc["acme"]
    assert row.their_hhi == pytest.approx(0.78125)
    assert row.their_effective_threads == pytest.approx(1.28)
    assert row.our_hhi == pytest.approx(1.0)
    assert row.our_effective_threads == pytest.approx(1.0)


def test_silent_account_has_no_network() -> None:
    frames = three_person_account()
    table = stakeholder_centralization(frames, start=at(100), end=at(190))
    row = table.loc["acme"]
    assert row.stakeholders == 0
    assert math.isnan(row.degree_centralization)
    traffic = traffic_concentration(frames, start=at(100), end=at(190)).loc["acme"]
    assert math.isnan(traffic.their_hhi)
    assert traffic.their_effective_threads == 0.0
