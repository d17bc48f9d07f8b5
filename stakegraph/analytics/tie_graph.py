"""The tie graph of one account and what can be read off it: who reaches whom, and the
strongest chain of warm introductions between two people.

Pure functions, no I/O. People are nodes; an edge carries the tie ``strength`` in
``(0, 1]`` (Granovetter 1973; Gilbert & Karahalios 2009, :mod:`stakegraph.analytics.ties`)
and its ``cost = -log(strength)``, so that a shortest path by cost is the path whose
*product* of strengths is largest: each hop of an introduction must hold for the next to.
Re-mapping suggestions (:mod:`.suggest`), departure impact (:mod:`.impact`) and the
outreach plan (:mod:`.outreach`) all read the same graph.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

import networkx as nx

__all__ = ["path_strength", "reach", "tie_graph", "warm_path"]


def tie_graph(
    ties: Iterable[tuple[str, str, float]],
    *,
    declared: Iterable[tuple[str, str]] = (),
    declared_strength: float = 0.1,
) -> nx.Graph:
    """An undirected graph of ties, each edge with ``strength`` and ``cost = -log(strength)``.

    ``ties`` come from interactions (``engaged=True``): they count as reaching someone.
    ``declared`` acquaintances (knows.csv) only carry introductions, at
    ``declared_strength``, unless an engaged tie already links the pair. Ties with a
    strength outside ``(0, 1]`` are dropped; a pair given twice keeps its strongest tie.
    """
    graph = nx.Graph()
    for a, b, strength in ties:
        if a == b or not (0.0 < strength <= 1.0):
            continue
        if graph.has_edge(a, b) and graph[a][b]["strength"] >= strength:
            continue
        graph.add_edge(a, b, strength=strength, cost=-math.log(strength), engaged=True)
    if 0.0 < declared_strength <= 1.0:
        for a, b in declared:
            if a != b and not graph.has_edge(a, b):
                graph.add_edge(
                    a,
                    b,
                    strength=declared_strength,
                    cost=-math.log(declared_strength),
                    engaged=False,
                )
    return graph


def warm_path(
    graph: nx.Graph, source: str, target: str, *, avoid: Iterable[str] = ()
) -> tuple[str, ...] | None:
    """The strongest chain of introductions from ``source`` to ``target`` (None if none).

    Dijkstra on ``-log(strength)``, so the path maximises the product of strengths;
    ``avoid`` lists people the path may not pass through (e.g. someone who is leaving).

    >>> g = tie_graph([("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", 0.5)])
    >>> warm_path(g, "a", "c")  # 0.81 through b beats 0.5 direct
    ('a', 'b', 'c')
    """
    blocked = set(avoid) - {source, target}
    view = nx.subgraph_view(graph, filter_node=lambda n: n not in blocked) if blocked else graph
    if source not in view or target not in view:
        return None
    try:
        return tuple(nx.dijkstra_path(view, source, target, weight="cost"))
    except nx.NetworkXNoPath:
        return None


def path_strength(graph: nx.Graph, path: Sequence[str] | None) -> float:
    """The product of tie strengths along ``path`` (0 for no path)."""
    if not path or len(path) < 2:
        return 0.0
    return math.prod(graph[a][b]["strength"] for a, b in itertools.pairwise(path))


def reach(
    graph: nx.Graph, stakeholders: Iterable[str], ours: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """For each stakeholder, the people of ours engaged with them directly (sorted).

    Only ties from interactions count; a declared acquaintance is a way in, not reach.
    """
    our_ids = set(ours)
    return {
        s: tuple(
            sorted(n for n, edge in graph[s].items() if n in our_ids and edge.get("engaged", True))
        )
        if s in graph
        else ()
        for s in stakeholders
    }
