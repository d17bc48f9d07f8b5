"""Evidence and flags for one account's stakeholder map as of a date: pure, no I/O.

Tie *strength* is :func:`stakegraph.analytics.ties.tie_table`'s (the same number the
analysis run writes as ``[:TIE]``); this module adds what a drawn map needs on top of it:
the interactions behind each tie (when and how two people interacted) and the flags of
each person (champion, bottleneck, articulation point, departed, silent executive).
Pairs follow the stakeholder-edge convention of :mod:`stakegraph.analytics.windows`: the
sender (``from`` / ``organizer``) is linked to every other participant; an interaction
without a sender links every pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from stakegraph.vocabulary import EXECUTIVE_LEVELS

_SENDER_ROLES = ("from", "organizer")


@dataclass(frozen=True)
class Touch:
    """One interaction: who took part (person id, how) and when (epoch seconds)."""

    interaction_id: str
    kind: str
    at: int
    participants: tuple[tuple[str, str], ...]
    subject: str | None = None


@dataclass(frozen=True)
class TieEvidence:
    """One interaction behind a tie: when and how the two people interacted."""

    interaction_id: str
    kind: str
    at: int
    subject: str | None


@dataclass(frozen=True)
class MapTie:
    """An undirected tie, ``a < b``, as of the map's date."""

    a: str
    b: str
    strength: float
    interactions: int
    last_at: int
    kinds: tuple[str, ...]
    evidence: tuple[TieEvidence, ...] = field(default=())


@dataclass(frozen=True)
class MapPerson:
    """What the flags need to know about a person on the map."""

    person_id: str
    is_ours: bool
    level: str | None = None
    departed: bool = False


def touch_pairs(touch: Touch) -> list[tuple[str, str]]:
    """The pairs of people an interaction connects, each as ``(a, b)`` with ``a < b``.

    Examples
    --------
    >>> touch_pairs(Touch("i", "email", 0, (("x", "from"), ("y", "to"), ("z", "cc"))))
    [('x', 'y'), ('x', 'z')]
    >>> touch_pairs(Touch("i", "call", 0, (("x", "attendee"), ("y", "attendee"), ("z", "cc"))))
    [('x', 'y'), ('x', 'z'), ('y', 'z')]
    """
    people = sorted({person for person, _ in touch.participants})
    senders = sorted({p for p, role in touch.participants if role in _SENDER_ROLES})
    if not senders:
        return list(combinations(people, 2))
    pairs = {tuple(sorted((s, p))) for s in senders for p in people if p != s}
    return sorted((a, b) for a, b in pairs)


def tie_evidence(
    touches: Iterable[Touch], *, as_of: int, per_tie: int = 3
) -> dict[tuple[str, str], tuple[TieEvidence, ...]]:
    """The ``per_tie`` most recent interactions behind each pair, before ``as_of``.

    Examples
    --------
    >>> touches = [Touch("i1", "email", 10, (("a", "from"), ("b", "to"))),
    ...            Touch("i2", "call", 20, (("b", "organizer"), ("a", "attendee")))]
    >>> [e.interaction_id for e in tie_evidence(touches, as_of=30)["a", "b"]]
    ['i2', 'i1']
    """
    seen: dict[tuple[str, str], list[Touch]] = defaultdict(list)
    for touch in touches:
        if touch.at < as_of:
            for pair in touch_pairs(touch):
                seen[pair].append(touch)
    return {
        pair: tuple(
            TieEvidence(t.interaction_id, t.kind, t.at, t.subject)
            for t in sorted(history, key=lambda t: (t.at, t.interaction_id), reverse=True)[:per_tie]
        )
        for pair, history in seen.items()
    }


def map_flags(
    people: Mapping[str, MapPerson],
    ties: Iterable[MapTie],
    *,
    active: Iterable[str] = (),
    bottleneck_share: float = 0.5,
) -> dict[str, set[str]]:
    """Flags per person: champion, bottleneck, articulation_point, departed, silent_executive.

    - **champion** (the *tie champion*): the one person on their side (not departed) with
      the largest total tie strength to our people. Not the signals' traffic champion
      (:mod:`stakegraph.analytics.signals.champion`); docs/metrics.md sets them apart.
    - **bottleneck** (the *tie bottleneck*): a person carrying at least
      ``bottleneck_share`` of all tie strength between the two sides, when more than one
      cross-side tie exists. Not the single-node bottleneck signal, which is a
      contraction of traffic against the account's own history.
    - **articulation_point**: removing them disconnects the tie graph (Hopcroft-Tarjan, via
      networkx).
    - **departed**: given by the caller (their role ended before the date).
    - **silent_executive**: a VP or C-level of theirs, not departed, who took part in no
      interaction of the window (``active`` lists everyone who did).

    Examples
    --------
    A path ``us — x — y``: ``x`` is the champion, the bottleneck (all cross-side strength)
    and the articulation point.

    >>> people = {p: MapPerson(p, p == "us") for p in ("us", "x", "y")}
    >>> ties = [MapTie("us", "x", 0.5, 1, 0, ()), MapTie("x", "y", 0.5, 1, 0, ())]
    >>> sorted(map_flags(people, ties)["x"])
    ['articulation_point', 'champion']
    """
    flags: dict[str, set[str]] = {pid: set() for pid in people}
    ties = list(ties)
    cross = [
        t
        for t in ties
        if t.a in people and t.b in people and people[t.a].is_ours != people[t.b].is_ours
    ]
    to_ours: dict[str, float] = defaultdict(float)
    carried: dict[str, float] = defaultdict(float)
    for t in cross:
        theirs = t.b if people[t.a].is_ours else t.a
        to_ours[theirs] += t.strength
        carried[t.a] += t.strength
        carried[t.b] += t.strength
    candidates = [(s, pid) for pid, s in to_ours.items() if s > 0 and not people[pid].departed]
    if candidates:
        # Equal strengths go to the smallest id, deterministically.
        flags[min(candidates, key=lambda c: (-c[0], c[1]))[1]].add("champion")
    total = sum(t.strength for t in cross)
    if len(cross) > 1 and total > 0:
        for pid, s in carried.items():
            if s / total >= bottleneck_share:
                flags[pid].add("bottleneck")
    graph = nx.Graph()
    graph.add_edges_from((t.a, t.b) for t in ties if t.a in people and t.b in people)
    for pid in nx.articulation_points(graph):
        flags[pid].add("articulation_point")
    active_ids = set(active) | {p for t in ties for p in (t.a, t.b)}
    for pid, person in people.items():
        if person.departed:
            flags[pid].add("departed")
        elif not person.is_ours and person.level in EXECUTIVE_LEVELS and pid not in active_ids:
            flags[pid].add("silent_executive")
    return flags
