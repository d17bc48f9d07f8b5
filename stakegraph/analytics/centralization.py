"""Centralization of an account's stakeholder network: is everything running through one person?

Per account and window, on the undirected, unweighted graph of stakeholder edges (see
:mod:`stakegraph.analytics.windows`): Freeman degree and betweenness centralization
(Freeman 1979), articulation points, and the concentration of traffic on each side
(Herfindahl-Hirschman index and the effective number of threads ``1 / H``).

Tiny graphs are defined explicitly: with no node the centralizations are NaN (there is
no network to measure); with one or two nodes they are 0 (Freeman's normalizer vanishes
and a dyad is at once a star and a complete graph).

References
----------
Freeman, L. C. (1979). Centrality in social networks: conceptual clarification.
*Social Networks* 1(3), 215-239.
Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of
Mathematical Sociology* 25(2), 163-177.
Hirschman, A. O. (1964). The paternity of an index. *American Economic Review* 54(5), 761.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import networkx as nx
import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.kernels import compact_codes, concatenated_ranges, herfindahl_index
from stakegraph.analytics.windows import Activity, as_activity

__all__ = [
    "betweenness_centralization",
    "degree_centralization",
    "herfindahl",
    "stakeholder_centralization",
    "traffic_concentration",
]

# Graphs are padded to one of these sizes so that many share one batched matmul.
_PAD_SIZES = np.array([4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 128, 192])
_BATCH_CELLS = 1 << 21
# Betweenness (pairs counted once) and articulation points of one network given as edges
# (u[i], v[i]) between nodes 0..n-1: the store's own, when it has one (graph/gds.py).
NetworkMeasures = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, list[int]]]
# Networks of at least this many people go to a given NetworkMeasures: bench/gds.py
# measured numpy / GDS at 0.56 for 400 people, 0.95 for 500, 1.9 for 600 and 5.4 for 1,600.
LARGE_NETWORK = 500


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman degree centralization of an undirected graph, in [0, 1].

    ``C_D = sum_i (d_max - d_i) / ((n - 1)(n - 2))``: the total shortfall of every node's
    degree from the best-connected node, over its maximum (reached by a star).
    Directed graphs are read as undirected; self-loops and weights are ignored.

    Parameters
    ----------
    graph : networkx.Graph

    Returns
    -------
    float
        1 for a star, 0 for a complete graph or a cycle; 0 with one or two nodes; NaN
        with none.

    Examples
    --------
    >>> degree_centralization(nx.star_graph(4))
    1.0
    >>> degree_centralization(nx.complete_graph(4))
    0.0

    References
    ----------
    Freeman (1979), eq. 5 applied to degree.
    """
    n = graph.number_of_nodes()
    if n == 0:
        return float("nan")
    if n < 3:
        return 0.0
    degree = _adjacency(graph).sum(axis=1)
    return float((n * degree.max() - degree.sum()) / ((n - 1) * (n - 2)))


def betweenness_centralization(graph: nx.Graph) -> float:
    """Freeman betweenness centralization of an undirected graph, in [0, 1].

    ``C_B = sum_i (b_max - b_i) / ((n - 1)^2 (n - 2) / 2)`` where ``b_i`` is the number of
    shortest paths between other pairs that pass through ``i`` (each path split equally
    among the geodesics, pairs counted once). The denominator is the value for a star.

    Parameters
    ----------
    graph : networkx.Graph
        Read as undirected and unweighted.

    Returns
    -------
    float
        1 for a star, 0 for a complete graph; 0 with one or two nodes; NaN with none.

    Examples
    --------
    >>> betweenness_centralization(nx.star_graph(5))
    1.0
    >>> round(betweenness_centralization(nx.krackhardt_kite_graph()), 4)  # 8/27
    0.2963

    References
    ----------
    Freeman (1979), eq. 11; betweenness by Brandes (2001), in batched matrix form.
    """
    n = graph.number_of_nodes()
    if n == 0:
        return float("nan")
    if n < 3:
        return 0.0
    betweenness = _betweenness_batch(_adjacency(graph)[None, :, :])[0]
    return float((n * betweenness.max() - betweenness.sum()) / ((n - 1) ** 2 * (n - 2) / 2))


def herfindahl(amounts: Iterable[float]) -> float:
    """Herfindahl-Hirschman index of a set of amounts: ``H = sum_i s_i^2``, ``s_i = x_i / sum x``.

    Ranges from ``1 / k`` (``k`` equal shares) to 1 (one holder); NaN when the total is 0.
    ``1 / H`` is the effective number of holders.

    Examples
    --------
    >>> herfindahl([1, 1, 1, 1])
    0.25
    >>> herfindahl([3, 1])
    0.625

    References
    ----------
    Hirschman (1964); Herfindahl (1950).
    """
    x = np.asarray(list(amounts), dtype=float)
    return float(herfindahl_index(np.array([x.sum()]), np.array([(x**2).sum()]))[0])


def traffic_concentration(
    data: PortfolioFrames | Activity, *, start: int, end: int
) -> pd.DataFrame:
    """Herfindahl index of interaction share per contact, on their side and on ours.

    Each conversational interaction in ``[start, end)`` gives one unit of traffic to each
    side it involves, split equally among that side's participants (an email from our
    account manager to two of their people gives each of them 1/2). A contact's share is
    their traffic over the side's total; ``H = sum share^2`` and the effective number of
    threads is ``1 / H`` (1 = single-threaded; 0 when there is no traffic, H is then NaN).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``account_id``: ``their_hhi, their_effective_threads, our_hhi,
        our_effective_threads``. Without any ``is_home`` person everyone is "their" side
        and ours is empty (NaN, 0).

    Examples
    --------
    Their contacts ``x`` and ``y`` hold 3/4 and 1/4 of the traffic: ``H = 0.625``,
    ``1/H = 1.6`` threads.
    """
    activity = as_activity(data).between(start, end)
    parts = activity.participations
    home = parts["home"].to_numpy()
    row = parts["row"].to_numpy()
    inter = activity.interactions
    # Participations carry global row numbers; the window's interactions start at this one.
    offset = int(inter.index[0]) if len(inter) else 0
    people = inter["people"].to_numpy()
    home_n = inter["home_people"].to_numpy()
    node = parts["node"].to_numpy()
    out = pd.DataFrame(index=pd.Index(activity.account_ids, name="account_id"))
    for side, mask, side_n in (
        ("their", ~home, people - home_n),
        ("our", home, home_n),
    ):
        share = 1.0 / side_n[row[mask] - offset] if mask.any() else np.zeros(0)
        hhi = _side_hhi(activity, node[mask], share)
        out[f"{side}_hhi"] = hhi
        out[f"{side}_effective_threads"] = np.where(np.isnan(hhi), 0.0, 1.0 / hhi)
    return out


def stakeholder_centralization(
    data: PortfolioFrames | Activity, *, start: int, end: int
) -> pd.DataFrame:
    """Degree and betweenness centralization and articulation points of every account's network.

    The network in ``[start, end)`` has a node per person with a stakeholder edge in the
    window and an undirected, unweighted edge per linked pair.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``account_id``: ``stakeholders`` (nodes), ``ties`` (edges),
        ``degree_centralization``, ``betweenness_centralization`` (see the single-graph
        functions), ``articulation_point_count`` and ``articulation_points`` (their person
        ids, sorted and comma-joined).

    Examples
    --------
    An account whose three contacts are each mailed only by our account manager is a
    star: both centralizations are 1 and the manager is the one articulation point.
    """
    activity = as_activity(data).between(start, end)
    return network_measures(activity)


# --------------------------------------------------------------------------- helpers


def _adjacency(graph: nx.Graph) -> np.ndarray:
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    matrix = nx.to_numpy_array(undirected, weight=None)
    np.fill_diagonal(matrix, 0.0)
    return (matrix > 0).astype(float)


def _side_hhi(activity: Activity, node: np.ndarray, share: np.ndarray) -> np.ndarray:
    """HHI per account of the traffic ``share`` carried by each (account, person) node."""
    n_acc = activity.n_accounts
    traffic = np.bincount(node, weights=share, minlength=len(activity.node_account))
    total = np.bincount(activity.node_account, weights=traffic, minlength=n_acc)
    squares = np.bincount(activity.node_account, weights=traffic**2, minlength=n_acc)
    return herfindahl_index(total, squares)


def _betweenness_batch(adjacency: np.ndarray) -> np.ndarray:
    """Unnormalized betweenness (pairs counted once) of a batch of undirected graphs.

    ``adjacency`` is ``(B, n, n)`` with 0/1 entries and a zero diagonal; padding nodes
    are isolated and score 0. Brandes' accumulation is run for all sources at once: a
    breadth-first sweep by matrix products counts geodesics (a walk of length
    ``d(s, t)`` is a geodesic), then dependencies are accumulated level by level:
    ``delta[s, v] = sum_{w: d(s,w) = d(s,v)+1, v~w} sigma[s,v] / sigma[s,w] (1 + delta[s,w])``.
    """
    batch, n, _ = adjacency.shape
    reached = np.broadcast_to(np.eye(n, dtype=bool), (batch, n, n)).copy()
    sigma = reached.astype(float)
    frontier = sigma
    levels = [reached.copy()]  # levels[d]: (s, t) pairs at distance d
    while True:
        walks = frontier @ adjacency
        new = walks > 0
        new &= ~reached
        if not new.any():
            break
        frontier = walks * new
        sigma += frontier
        reached |= new
        levels.append(new)
    inverse_sigma = np.divide(1.0, sigma, out=np.zeros_like(sigma), where=sigma > 0)
    delta = np.zeros_like(sigma)
    for level in range(len(levels) - 2, 0, -1):
        coefficient = (1.0 + delta) * inverse_sigma * levels[level + 1]
        delta += (coefficient @ adjacency) * sigma * levels[level]
    # Each unordered pair is seen from both ends.
    return delta.sum(axis=1) / 2.0


def _articulation_points(indptr: list[int], indices: list[int], n: int) -> list[int]:
    """Articulation points of an undirected graph in CSR form (iterative Hopcroft-Tarjan)."""
    discovery = [-1] * n
    low = [0] * n
    parent = [-1] * n
    cursor = indptr[:-1]
    cut = [False] * n
    clock = 0
    for root in range(n):
        if discovery[root] != -1:
            continue
        discovery[root] = low[root] = clock
        clock += 1
        root_children = 0
        stack = [root]
        while stack:
            node = stack[-1]
            position = cursor[node]
            if position < indptr[node + 1]:
                cursor[node] = position + 1
                child = indices[position]
                if discovery[child] == -1:
                    discovery[child] = low[child] = clock
                    clock += 1
                    parent[child] = node
                    if node == root:
                        root_children += 1
                    stack.append(child)
                elif child != parent[node] and discovery[child] < low[node]:
                    low[node] = discovery[child]
            else:
                stack.pop()
                up = parent[node]
                if up >= 0:
                    if low[node] < low[up]:
                        low[up] = low[node]
                    if up != root and low[node] >= discovery[up]:
                        cut[up] = True
        if root_children > 1:
            cut[root] = True
    return [i for i in range(n) if cut[i]]


def network_measures(
    activity: Activity, *, large: NetworkMeasures | None = None, large_from: int = LARGE_NETWORK
) -> pd.DataFrame:
    """Centralizations and articulation points of every account's network in ``activity``.

    Networks of ``large_from`` people or more are measured by ``large`` when given (the
    store's Graph Data Science); the figures are the same (tests/graph/test_gds.py).
    """
    n_acc = activity.n_accounts
    pairs, _ = compact_codes(activity.edges["pair"].to_numpy(), len(activity.pair_node_a))
    a_node = activity.pair_node_a[pairs]
    b_node = activity.pair_node_b[pairs]
    e_acc = activity.node_account[a_node]  # pairs are sorted by account
    present, local = compact_codes(np.concatenate([a_node, b_node]), len(activity.node_account))
    gu, gv = local[: len(pairs)], local[len(pairs) :]  # index into this window's nodes
    node_acc = activity.node_account[present]
    node_person = activity.node_person[present]
    nodes = np.bincount(node_acc, minlength=n_acc)
    first_node = np.concatenate([[0], np.cumsum(nodes)[:-1]]).astype(np.int64)
    ties = np.bincount(e_acc, minlength=n_acc)

    degree = np.bincount(np.concatenate([gu, gv]), minlength=len(present)).astype(float)
    max_degree = np.zeros(n_acc)
    np.maximum.at(max_degree, node_acc, degree)
    with np.errstate(invalid="ignore", divide="ignore"):
        degree_c = (nodes * max_degree - 2.0 * ties) / ((nodes - 1) * (nodes - 2))
    degree_c = np.where(nodes < 3, 0.0, degree_c)
    degree_c[nodes == 0] = np.nan

    betweenness = np.zeros(len(present))
    graph_accounts = np.flatnonzero(nodes >= 3)
    edge_start = np.searchsorted(e_acc, np.arange(n_acc + 1))
    cuts_of_large: dict[int, list[int]] = {}
    if large is not None:
        for account in graph_accounts[nodes[graph_accounts] >= large_from]:
            edges = slice(edge_start[account], edge_start[account + 1])
            begin = first_node[account]
            scores, cuts = large(gu[edges] - begin, gv[edges] - begin, int(nodes[account]))
            betweenness[begin : begin + nodes[account]] = scores
            cuts_of_large[int(account)] = cuts
        graph_accounts = np.setdiff1d(graph_accounts, list(cuts_of_large))
    pad_of = np.searchsorted(_PAD_SIZES, nodes[graph_accounts])
    for pad_index in np.unique(pad_of):
        members = graph_accounts[pad_of == pad_index]
        size = (
            int(_PAD_SIZES[pad_index]) if pad_index < len(_PAD_SIZES) else int(nodes[members].max())
        )
        chunk = max(1, _BATCH_CELLS // (size * size))
        for begin in range(0, len(members), chunk):
            batch_accounts = members[begin : begin + chunk]
            counts = edge_start[batch_accounts + 1] - edge_start[batch_accounts]
            edge_index = concatenated_ranges(edge_start[batch_accounts], counts)
            slot = np.repeat(np.arange(len(batch_accounts)), counts)
            local_u = gu[edge_index] - first_node[e_acc[edge_index]]
            local_v = gv[edge_index] - first_node[e_acc[edge_index]]
            adjacency = np.zeros((len(batch_accounts), size, size))
            adjacency[slot, local_u, local_v] = 1.0
            adjacency[slot, local_v, local_u] = 1.0
            scores = _betweenness_batch(adjacency)
            node_index = concatenated_ranges(first_node[batch_accounts], nodes[batch_accounts])
            node_slot = np.repeat(np.arange(len(batch_accounts)), nodes[batch_accounts])
            local = node_index - first_node[node_acc[node_index]]
            betweenness[node_index] = scores[node_slot, local]
    max_b = np.zeros(n_acc)
    np.maximum.at(max_b, node_acc, betweenness)
    sum_b = np.bincount(node_acc, weights=betweenness, minlength=n_acc)
    with np.errstate(invalid="ignore", divide="ignore"):
        betweenness_c = (nodes * max_b - sum_b) / ((nodes - 1) ** 2 * (nodes - 2) / 2.0)
    betweenness_c = np.where(nodes < 3, 0.0, betweenness_c)
    betweenness_c[nodes == 0] = np.nan

    cut_count, cut_ids = _all_articulation_points(
        activity, graph_accounts, nodes, first_node, node_person, gu, gv
    )
    for account, cuts in cuts_of_large.items():
        ids = activity.person_ids[node_person[first_node[account] + np.asarray(cuts, dtype=int)]]
        cut_count[account] = len(cuts)
        cut_ids[account] = ",".join(sorted(ids))
    return pd.DataFrame(
        {
            "stakeholders": nodes,
            "ties": ties,
            "degree_centralization": np.clip(degree_c, 0.0, 1.0),
            "betweenness_centralization": np.clip(betweenness_c, 0.0, 1.0),
            "articulation_point_count": cut_count,
            "articulation_points": cut_ids,
        },
        index=pd.Index(activity.account_ids, name="account_id"),
    )


def _all_articulation_points(
    activity: Activity,
    graph_accounts: np.ndarray,
    nodes: np.ndarray,
    first_node: np.ndarray,
    node_person: np.ndarray,
    gu: np.ndarray,
    gv: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Articulation points per account from one CSR over every account's nodes."""
    n_acc = activity.n_accounts
    count = np.zeros(n_acc, dtype=np.int64)
    joined = np.full(n_acc, "", dtype=object)
    source = np.concatenate([gu, gv])
    target = np.concatenate([gv, gu])
    order = np.argsort(source, kind="stable")
    target = target[order]
    indptr = np.searchsorted(source[order], np.arange(len(node_person) + 1))
    for account in graph_accounts:
        begin = int(first_node[account])
        n = int(nodes[account])
        local_ptr = (indptr[begin : begin + n + 1] - indptr[begin]).tolist()
        local_idx = (target[indptr[begin] : indptr[begin + n]] - begin).tolist()
        cuts = _articulation_points(local_ptr, local_idx, n)
        if cuts:
            count[account] = len(cuts)
            ids = activity.person_ids[node_person[begin + np.asarray(cuts)]]
            joined[account] = ",".join(sorted(ids))
    return count, joined
