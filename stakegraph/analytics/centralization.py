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
from scipy import sparse
from scipy.sparse.csgraph import depth_first_order

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.kernels import compact_codes, concatenated_ranges, herfindahl_index
from stakegraph.analytics.windows import Activity, as_activity

__all__ = [
    "betweenness_centralization",
    "degree_centralization",
    "herfindahl",
    "network_columns",
    "stakeholder_centralization",
    "traffic_columns",
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
    return pd.DataFrame(
        traffic_columns(activity), index=pd.Index(activity.account_ids, name="account_id")
    )


def traffic_columns(window: Activity) -> dict[str, np.ndarray]:
    """:func:`traffic_concentration` of an activity already cut to its window, as arrays
    in account code order."""
    parts = window.participations
    home = parts["home"].to_numpy()
    row = parts["row"].to_numpy()
    inter = window.interactions
    # Participations carry global row numbers; the window's interactions start at this one.
    offset = int(inter.index[0]) if len(inter) else 0
    people = inter["people"].to_numpy()
    home_n = inter["home_people"].to_numpy()
    node = parts["node"].to_numpy()
    out = {}
    for side, mask, side_n in (
        ("their", ~home, people - home_n),
        ("our", home, home_n),
    ):
        share = 1.0 / side_n[row[mask] - offset] if mask.any() else np.zeros(0)
        hhi = _side_hhi(window, node[mask], share)
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


def _cut_vertices(source: np.ndarray, target: np.ndarray, n: int) -> np.ndarray:
    """Articulation points (sorted) of an undirected graph on nodes ``0..n-1`` given as
    directed edges ``source[i] -> target[i]`` listing every edge both ways, no self-loops.

    Hopcroft & Tarjan (1973) on one depth-first tree, with the per-node recursion done by
    whole-array operations: scipy walks the tree (from a virtual root above every
    component, so every component is searched in one call) and, with ``disc`` the
    preorder position, a child ``c`` of a non-root ``v`` makes ``v`` a cut vertex when no
    node of ``c``'s subtree has a neighbour before ``v``: ``low(c) >= disc(v)``, where
    ``low(c)`` is the least ``disc`` of any node or neighbour of a node in the subtree.
    In preorder a subtree is one run of positions, so ``low`` is a range minimum (a sparse
    table) and the run's end the first later position whose parent comes before ``c``
    (a binary search on the same table). A component's root is a cut vertex when it has
    two children or more. Counting the tree edge to the parent in ``low`` changes no
    answer: it only ever lowers ``low(c)`` to ``disc(v)``, which the test allows.

    Examples
    --------
    >>> # the path 0 - 1 - 2 - 3 and the separate edge 4 - 5
    >>> u, v = np.array([0, 1, 2, 4]), np.array([1, 2, 3, 5])
    >>> _cut_vertices(np.r_[u, v], np.r_[v, u], 6)
    array([1, 2])
    """
    if n == 0 or len(source) == 0:
        return np.zeros(0, dtype=np.int64)
    # The virtual root is linked to every node: the search from it takes each component's
    # first node as a child and searches that component whole before the next. Its own
    # links are left out of every ``low``.
    tree_root = n
    rows = np.concatenate([source, np.full(n, tree_root)])
    cols = np.concatenate([target, np.arange(n)])
    rooted = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n + 1))
    order, parent = depth_first_order(rooted, tree_root, directed=False, return_predecessors=True)
    disc = np.empty(n + 1, dtype=np.int64)
    disc[order] = np.arange(n + 1)
    reach = disc[:n].copy()
    np.minimum.at(reach, source, disc[target])

    below = np.full(n + 1, -1, dtype=np.int64)  # by position: the parent's position
    below[1:] = disc[parent[order[1:]]]
    reach_at = np.full(n + 1, n + 1, dtype=np.int64)
    reach_at[1:] = reach[order[1:]]
    parent_table, reach_table = _min_table(below), _min_table(reach_at)

    child = np.flatnonzero(parent[:n] != tree_root)  # every node below a component's root
    start = disc[child]
    end = start + 1  # grown to the first position whose parent comes before the child
    for level in range(len(parent_table) - 1, -1, -1):  # the run's length, bit by bit
        step = 1 << level
        fits = end + step <= n + 1
        grow = fits & (parent_table[level][np.where(fits, end, 0)] >= start)
        end = end + step * grow
    level = np.floor(np.log2(end - start)).astype(np.int64)
    low = np.minimum(
        _table_at(reach_table, level, start), _table_at(reach_table, level, end - (1 << level))
    )
    up = parent[child]
    cut = np.zeros(n, dtype=bool)
    not_root = parent[up] != tree_root
    cut[up[not_root & (low >= disc[up])]] = True
    children = np.bincount(up[~not_root], minlength=n)
    cut[children >= 2] = True
    return np.flatnonzero(cut)


def _min_table(values: np.ndarray) -> list[np.ndarray]:
    """Sparse table: ``table[k][i] = min(values[i : i + 2**k])`` (as far as it fits)."""
    table = [values]
    step = 1
    while 2 * step <= len(values):
        previous = table[-1]
        table.append(np.minimum(previous[: len(previous) - step], previous[step:]))
        step *= 2
    return table


def _table_at(table: list[np.ndarray], level: np.ndarray, position: np.ndarray) -> np.ndarray:
    """``table[level[i]][position[i]]`` for every ``i``."""
    out = np.empty(len(level), dtype=table[0].dtype)
    for k in np.unique(level):
        mask = level == k
        out[mask] = table[k][position[mask]]
    return out


def network_measures(
    activity: Activity, *, large: NetworkMeasures | None = None, large_from: int = LARGE_NETWORK
) -> pd.DataFrame:
    """Centralizations and articulation points of every account's network in ``activity``.

    Networks of ``large_from`` people or more are measured by ``large`` when given (the
    store's Graph Data Science); the figures are the same (tests/graph/test_gds.py).
    """
    return pd.DataFrame(
        network_columns(activity, large=large, large_from=large_from),
        index=pd.Index(activity.account_ids, name="account_id"),
    )


def network_columns(
    activity: Activity, *, large: NetworkMeasures | None = None, large_from: int = LARGE_NETWORK
) -> dict[str, np.ndarray]:
    """:func:`network_measures` as arrays in account code order."""
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
    return {
        "stakeholders": nodes,
        "ties": ties,
        "degree_centralization": np.clip(degree_c, 0.0, 1.0),
        "betweenness_centralization": np.clip(betweenness_c, 0.0, 1.0),
        "articulation_point_count": cut_count,
        "articulation_points": cut_ids,
    }


def _all_articulation_points(
    activity: Activity,
    graph_accounts: np.ndarray,
    nodes: np.ndarray,
    first_node: np.ndarray,
    node_person: np.ndarray,
    gu: np.ndarray,
    gv: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Articulation points of every account in ``graph_accounts``, by one search over the
    union of their networks (accounts share no node, so its cut vertices are theirs)."""
    n_acc = activity.n_accounts
    node_account = np.repeat(np.arange(n_acc), nodes)
    measured = np.zeros(n_acc, dtype=bool)
    measured[graph_accounts] = True
    inside = measured[node_account[gu]]
    u, v = gu[inside], gv[inside]
    cuts = _cut_vertices(np.concatenate([u, v]), np.concatenate([v, u]), len(node_person))
    cut_account = node_account[cuts]  # ascending: nodes are numbered account by account
    count = np.bincount(cut_account, minlength=n_acc).astype(np.int64)
    joined = np.full(n_acc, "", dtype=object)
    bounds = np.searchsorted(cut_account, np.arange(n_acc + 1))
    for account in np.flatnonzero(count):
        ids = activity.person_ids[node_person[cuts[bounds[account] : bounds[account + 1]]]]
        joined[account] = ",".join(sorted(ids))
    return count, joined
