"""Departure impact: what happens to an account's relationships if one person leaves.

Pure functions, no I/O. Works for anyone — one of ours (an account manager changing
jobs) or one of theirs (the champion resigning). Over the account's tie graph
(:func:`stakegraph.analytics.tie_graph.tie_graph`), removing the person:

- **broken ties** are their own ties;
- a stakeholder of theirs becomes **unreachable** when some person of ours had a path to
  them before and none has one after;
- **lost direct contact**: had a direct tie to someone of ours, has none now, though a
  path remains (through a colleague);
- **single-threaded**: had two or more direct ties to us, has exactly one now.

For each affected stakeholder, the people who could **bridge**: our people ranked by the
strength of their best remaining path (``-log`` strength shortest path avoiding the
leaver). When no path remains, a **handover** is the way: the best path that goes
*through* the leaver, i.e. whom the leaver should introduce before going.

Worked example: ours ``m`` is tied to their ``c`` (0.8) and ``d`` (0.6); ``c`` and ``d`` are
tied (0.5); our ``x`` is tied to ``m`` (0.9) only. If ``m`` leaves, ``c`` and ``d`` lose every
path to us: both become unreachable, with handover ``x → m → c`` (0.72) and ``x → m → d``
(0.54).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from stakegraph.analytics.tie_graph import path_strength, reach, warm_path


@dataclass(frozen=True)
class Bridge:
    """A way for ``via`` (ours) to reach ``stakeholder`` once the leaver is gone."""

    stakeholder_id: str
    via_id: str
    path: tuple[str, ...]
    strength: float
    handover: bool  # True: the path runs through the leaver, to be walked before they go


@dataclass(frozen=True)
class DepartureImpact:
    """What one person's departure does to an account's relationships."""

    person_id: str
    broken_ties: tuple[tuple[str, float], ...]  # (other person, strength), strongest first
    unreachable: tuple[str, ...]
    lost_direct_contact: tuple[str, ...]
    single_threaded: tuple[tuple[str, str], ...]  # (stakeholder, the one contact left)
    bridges: tuple[Bridge, ...]

    @property
    def affected(self) -> tuple[str, ...]:
        return tuple(
            sorted(
                {*self.unreachable, *self.lost_direct_contact}
                | {s for s, _ in self.single_threaded}
            )
        )


def departure_impact(
    graph: nx.Graph,
    person_id: str,
    *,
    ours: Iterable[str],
    theirs: Iterable[str],
    bridges_per_stakeholder: int = 3,
) -> DepartureImpact:
    """The impact of ``person_id`` leaving, over the tie graph ``graph``.

    Parameters
    ----------
    graph
        Tie graph with ``strength`` and ``cost`` on edges (``tie_graph.tie_graph``).
    person_id
        The leaver; ours or theirs.
    ours, theirs
        Person ids of each side (the leaver may be in either).
    bridges_per_stakeholder
        How many bridge candidates to keep per affected stakeholder.

    Examples
    --------
    >>> from stakegraph.analytics.tie_graph import tie_graph
    >>> g = tie_graph([("m", "c", 0.8), ("m", "d", 0.6), ("c", "d", 0.5), ("x", "m", 0.9)])
    >>> impact = departure_impact(g, "m", ours={"m", "x"}, theirs={"c", "d"})
    >>> impact.unreachable, [(b.path, round(b.strength, 2)) for b in impact.bridges]
    (('c', 'd'), [(('x', 'm', 'c'), 0.72), (('x', 'm', 'd'), 0.54)])
    """
    our_ids = set(ours) - {person_id}
    their_ids = set(theirs) - {person_id}
    # Ties broken are interaction ties (a reporting line or a shared meeting is no thread of
    # the relationship to hand over); bridges may run over any link.
    broken = tuple(
        sorted(
            (
                (other, float(edge.get("tie_strength", edge["strength"])))
                for other, edge in graph[person_id].items()
                if edge.get("engaged", True)
            )
            if person_id in graph
            else (),
            key=lambda t: (-t[1], t[0]),
        )
    )
    after = graph.copy()
    if person_id in after:
        after.remove_node(person_id)
    direct_before = reach(graph, their_ids, set(ours))
    direct_after = reach(after, their_ids, our_ids)
    connected_before = _reachable_from(graph, set(ours))
    connected_after = _reachable_from(after, our_ids)

    unreachable = sorted(s for s in their_ids if s in connected_before and s not in connected_after)
    lost_direct = sorted(
        s for s in their_ids if direct_before[s] and not direct_after[s] and s in connected_after
    )
    single = sorted(
        (s, direct_after[s][0])
        for s in their_ids
        if len(direct_before[s]) >= 2 and len(direct_after[s]) == 1
    )

    bridges: list[Bridge] = []
    for stakeholder in sorted({*unreachable, *lost_direct} | {s for s, _ in single}):
        candidates = []
        for colleague in sorted(our_ids):
            if stakeholder in direct_after and colleague in direct_after[stakeholder]:
                continue  # already holds a thread of their own
            path = warm_path(graph, colleague, stakeholder, avoid=[person_id])
            handover = False
            if path is None and stakeholder in unreachable:
                path = warm_path(graph, colleague, stakeholder)
                handover = path is not None
            if path is not None:
                candidates.append(
                    Bridge(stakeholder, colleague, path, path_strength(graph, path), handover)
                )
        candidates.sort(key=lambda b: (-b.strength, b.via_id))
        bridges.extend(candidates[:bridges_per_stakeholder])
    return DepartureImpact(
        person_id=person_id,
        broken_ties=broken,
        unreachable=tuple(unreachable),
        lost_direct_contact=tuple(lost_direct),
        single_threaded=tuple(single),
        bridges=tuple(bridges),
    )


def _reachable_from(graph: nx.Graph, sources: set[str]) -> set[str]:
    seen: set[str] = set()
    for source in sources:
        if source in graph and source not in seen:
            seen |= nx.node_connected_component(graph, source)
    return seen
