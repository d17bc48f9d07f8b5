"""Warm introductions that exist: the links a path may take, their strength and evidence.

Pure functions, no I/O. A warm path (:func:`stakegraph.analytics.tie_graph.warm_path`) runs
over a graph whose edges are *links* between two people, each of one kind:

============================  ==========================================================
kind                          where it comes from, and its strength
============================  ==========================================================
``tie``                       interactions in the window (:mod:`.ties`): the tie strength
``reports_to``                a reporting line held at the date (roles.csv ``reports_to``,
                              CRM ``ReportsToId``): ``0.6``. A manager introduces their
                              direct reports, and a report their manager, more readily
                              than any acquaintance does.
``co_attended``               meetings and calls both attended (any side, organizer or
                              not) in the history read: ``0.5 * (1 - exp(-n / 3)) *
                              2 ** (-d / 180)`` for ``n`` meetings, the last ``d`` days ago
``knows``                     a declared acquaintance (knows.csv): ``0.1``
``former_colleague``          roles at the same organization that overlapped for at least
                              30 days, one of them over by the date: ``0.3 * min(1,
                              overlap / 365 days)``
============================  ==========================================================

Two people linked several ways keep their strongest link (its kind and evidence). Every
link carries its evidence: the dates and counts it was read from. Only ``tie`` links count
as *reaching* someone (:func:`~stakegraph.analytics.tie_graph.reach`); the others only
carry introductions. The strengths are judgement, not fitted: they order a manager's
introduction above a repeated meeting above a former colleague above a declared
acquaintance, and a path's strength is the product of its links' (each introduction must
hold for the next to), so a short path through strong links wins.

Worked example: their CTO ``t`` reports to nobody we reach; their director ``d`` reports
to ``t`` (0.6) and talks to our account manager ``m`` (tie 0.8). The path ``m -> d -> t``
has strength ``0.8 * 0.6 = 0.48``; without the reporting line there is no path at all.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import networkx as nx

__all__ = [
    "HOP_KINDS",
    "Hop",
    "Link",
    "ReportingLine",
    "co_attendance_links",
    "former_colleague_links",
    "hops_of",
    "knows_links",
    "reporting_links",
    "tie_links",
    "warm_graph",
]

HOP_KINDS = ("reports_to", "tie", "co_attended", "knows", "former_colleague")
REPORTS_TO_STRENGTH = 0.6
KNOWS_STRENGTH = 0.1
CO_ATTENDED_SCALE = 0.5
CO_ATTENDED_SATURATION = 3.0  # meetings
CO_ATTENDED_HALF_LIFE_DAYS = 180.0
CO_ATTENDED_KINDS = frozenset({"meeting", "call"})
FORMER_COLLEAGUE_SCALE = 0.3
FORMER_COLLEAGUE_FULL_DAYS = 365.0
FORMER_COLLEAGUE_MIN_DAYS = 30
_DAY = 86_400

Evidence = Mapping[str, str | int | float | None]


@dataclass(frozen=True)
class Link:
    """A way two people are linked, ``a < b`` (undirected), with what shows it."""

    a: str
    b: str
    kind: str
    strength: float
    evidence: Evidence = field(default_factory=dict)


@dataclass(frozen=True)
class Hop:
    """One introduction along a path: ``source`` can introduce us to ``target``."""

    source: str
    target: str
    kind: str
    strength: float
    evidence: Evidence


@dataclass(frozen=True)
class ReportingLine:
    """``report`` reports to ``manager`` over ``[start, end)`` (epoch seconds; end None
    while current)."""

    report: str
    manager: str
    start: int
    end: int | None = None


def day_label(epoch: int | None) -> str | None:
    """An epoch second as its UTC day, ``YYYY-MM-DD`` (None stays None).

    >>> day_label(0)
    '1970-01-01'
    """
    if epoch is None:
        return None
    return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()


def _link(a: str, b: str, kind: str, strength: float, evidence: dict[str, Any]) -> Link:
    low, high = (a, b) if a < b else (b, a)
    return Link(low, high, kind, strength, evidence)


def reporting_links(
    lines: Iterable[ReportingLine], *, at: int, strength: float = REPORTS_TO_STRENGTH
) -> list[Link]:
    """A link for every reporting line held at ``at`` (``start <= at < end``).

    >>> [l.evidence["manager"] for l in reporting_links(
    ...     [ReportingLine("d", "t", 0), ReportingLine("x", "t", 0, 10)], at=20)]
    ['t']
    """
    links = []
    for line in lines:
        if line.report == line.manager or not (
            line.start <= at and (line.end is None or at < line.end)
        ):
            continue
        evidence = {
            "report": line.report,
            "manager": line.manager,
            "since": day_label(line.start),
            "until": day_label(line.end),
        }
        links.append(_link(line.report, line.manager, "reports_to", strength, evidence))
    return links


def co_attendance_links(
    meetings: Iterable[tuple[int, Sequence[str]]],
    *,
    as_of: int,
    scale: float = CO_ATTENDED_SCALE,
    saturation: float = CO_ATTENDED_SATURATION,
    half_life_days: float = CO_ATTENDED_HALF_LIFE_DAYS,
) -> list[Link]:
    """A link for every pair of people who attended the same meetings before ``as_of``.

    ``meetings`` are ``(at, person ids)``; broadcasts must already be left out. Strength
    ``scale * (1 - exp(-n / saturation)) * 2 ** (-days since the last / half_life_days)``.

    >>> [(l.a, l.b, round(l.strength, 3), l.evidence["meetings"]) for l in
    ...  co_attendance_links([(0, ["x", "y"]), (0, ["x", "y", "x"])], as_of=1)]
    [('x', 'y', 0.243, 2)]
    """
    seen: dict[tuple[str, str], list[int]] = {}
    for at, people in meetings:
        if at >= as_of:
            continue
        for a, b in itertools.combinations(sorted(set(people)), 2):
            seen.setdefault((a, b), []).append(int(at))
    links = []
    for (a, b), times in sorted(seen.items()):
        days = (as_of - max(times)) / _DAY
        strength = (
            scale * (1.0 - math.exp(-len(times) / saturation)) * 2.0 ** (-days / half_life_days)
        )
        evidence = {
            "meetings": len(times),
            "first": day_label(min(times)),
            "last": day_label(max(times)),
        }
        links.append(Link(a, b, "co_attended", strength, evidence))
    return links


def tie_links(ties: Iterable[tuple[str, str, float, int, int]]) -> list[Link]:
    """A link for every interaction tie ``(a, b, strength, interactions, last_at)``.

    >>> tie_links([("b", "a", 0.8, 5, 0)])[0].evidence
    {'interactions': 5, 'last': '1970-01-01'}
    """
    return [
        _link(a, b, "tie", strength, {"interactions": int(count), "last": day_label(last_at)})
        for a, b, strength, count, last_at in ties
    ]


def knows_links(
    pairs: Iterable[tuple[str, str, str | None, int | None]],
    *,
    strength: float = KNOWS_STRENGTH,
) -> list[Link]:
    """A link for every declared acquaintance ``(a, b, source, since)``."""
    links: dict[tuple[str, str], Link] = {}
    for a, b, source, since in pairs:
        if a != b:
            link = _link(a, b, "knows", strength, {"source": source, "since": day_label(since)})
            links.setdefault((link.a, link.b), link)
    return list(links.values())


def former_colleague_links(
    roles: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    at: int,
    names: Mapping[str, str] | None = None,
    scale: float = FORMER_COLLEAGUE_SCALE,
    full_days: float = FORMER_COLLEAGUE_FULL_DAYS,
    min_days: int = FORMER_COLLEAGUE_MIN_DAYS,
) -> list[Link]:
    """A link for every two people who worked at the same organization at the same time
    (at least ``min_days``), and no longer both do at ``at``.

    ``roles`` maps a person id to their roles (``org_id``, ``start``, ``end`` epoch
    seconds; ``end`` None while current); ``names`` organization ids to names for the
    evidence. Strength ``scale * min(1, overlap days / full_days)``; a pair who overlapped
    at several organizations keeps the longest overlap.

    >>> year = 365 * 86_400
    >>> roles = {"a": [{"org_id": "o", "start": 0, "end": 2 * year}],
    ...          "b": [{"org_id": "o", "start": year // 2, "end": None}]}
    >>> [(l.a, l.b, l.strength, l.evidence["days"]) for l in
    ...  former_colleague_links(roles, at=3 * year)]
    [('a', 'b', 0.3, 547)]
    """
    spells: dict[str, list[tuple[str, int, int | None]]] = {}
    for person, held in roles.items():
        for role in held:
            if role.get("org_id") is None or role.get("start") is None:
                continue
            end = role.get("end")
            spells.setdefault(str(role["org_id"]), []).append(
                (person, int(role["start"]), None if end is None else int(end))
            )
    best: dict[tuple[str, str], Link] = {}
    for org, held_there in spells.items():
        # Only a spell over by ``at`` makes a *former* colleague: pair those with all others.
        ended = [s for s in held_there if s[2] is not None and s[2] <= at]
        for (p, p_start, p_end), (q, q_start, q_end) in itertools.product(ended, held_there):
            if p == q:
                continue
            start = max(p_start, q_start)
            end = min(e for e in (p_end, q_end, at) if e is not None)
            days = (end - start) // _DAY
            if days < min_days:
                continue
            strength = scale * min(1.0, days / full_days)
            evidence = {
                "organization_id": org,
                "organization": (names or {}).get(org, org),
                "from": day_label(start),
                "until": day_label(end),
                "days": int(days),
            }
            link = _link(p, q, "former_colleague", strength, evidence)
            known = best.get((link.a, link.b))
            if known is None or (int(known.evidence["days"] or 0), known.evidence["from"]) < (
                int(days),
                evidence["from"],
            ):
                best[(link.a, link.b)] = link
    return [best[k] for k in sorted(best)]


def warm_graph(links: Iterable[Link]) -> nx.Graph:
    """The graph a warm path runs over: one edge per linked pair, its strongest link.

    Edges carry ``strength``, ``cost = -log(strength)``, ``kind``, ``evidence``,
    ``tie_strength`` (the interaction tie's, 0 without one) and ``engaged`` (true when a
    ``tie`` links the pair, whatever the strongest link: interactions reach someone, the
    rest only introduce). Links with a strength outside ``(0, 1]`` are dropped; equal
    strengths keep the kind earliest in :data:`HOP_KINDS`.

    >>> g = warm_graph([Link("a", "b", "knows", 0.1), Link("a", "b", "reports_to", 0.6)])
    >>> g["a"]["b"]["kind"], g["a"]["b"]["engaged"]
    ('reports_to', False)
    >>> g = warm_graph([Link("a", "b", "tie", 0.2), Link("a", "b", "reports_to", 0.6)])
    >>> g["a"]["b"]["kind"], g["a"]["b"]["engaged"]
    ('reports_to', True)
    """
    graph = nx.Graph()
    order = {kind: i for i, kind in enumerate(HOP_KINDS)}
    for link in links:
        if link.a == link.b or not (0.0 < link.strength <= 1.0):
            continue
        engaged = link.kind == "tie"
        tie_strength = link.strength if engaged else 0.0
        if graph.has_edge(link.a, link.b):
            edge = graph[link.a][link.b]
            # Reach is any interaction tie, whichever link carries introductions.
            edge["engaged"] = edge["engaged"] or engaged
            edge["tie_strength"] = max(edge["tie_strength"], tie_strength)
            if (edge["strength"], -order.get(edge["kind"], 99)) >= (
                link.strength,
                -order.get(link.kind, 99),
            ):
                continue
            engaged, tie_strength = edge["engaged"], edge["tie_strength"]
        graph.add_edge(
            link.a,
            link.b,
            strength=link.strength,
            cost=-math.log(link.strength),
            kind=link.kind,
            evidence=dict(link.evidence),
            engaged=engaged,
            tie_strength=tie_strength,
        )
    return graph


def hops_of(graph: nx.Graph, path: Sequence[str] | None) -> tuple[Hop, ...]:
    """The hops of ``path`` (in its direction), each with its link's kind and evidence.

    Edges of a graph built without kinds (:func:`~stakegraph.analytics.tie_graph.tie_graph`)
    read as ``tie`` when engaged, else ``knows``.
    """
    if not path or len(path) < 2:
        return ()
    hops = []
    for a, b in itertools.pairwise(path):
        edge = graph[a][b]
        kind = edge.get("kind") or ("tie" if edge.get("engaged", True) else "knows")
        hops.append(Hop(a, b, kind, float(edge["strength"]), dict(edge.get("evidence") or {})))
    return tuple(hops)
