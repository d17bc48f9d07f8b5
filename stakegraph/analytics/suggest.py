"""Re-mapping suggestions: who on our side should reach which of their senior people, and how.

Pure functions, no I/O. For one account, given the tie graph (people as nodes, tie
strength in ``(0, 1]`` on the edges), their senior stakeholders and our people:

1. :func:`reach` finds, for every stakeholder of theirs, the people of ours who have a
   direct tie to them. A senior stakeholder with none is **unreached**; with exactly one,
   **single-threaded** (Gartner-style multi-threading: a relationship held by one person
   leaves with that person).
2. :func:`match_score` scores one pairing (ours, theirs) from four parts in ``[0, 1]``:
   level parity, function affinity, the strength of the best warm path and the remaining
   outreach capacity of our person.
3. :func:`warm_path` is the weighted shortest path from our person to the stakeholder,
   with edge cost ``-log(strength)``: the path whose *product* of strengths is largest,
   i.e. the most likely chain of warm introductions (each hop must hold for the next to).
4. :func:`suggest_remapping` walks the stakeholders from the most senior down and gives
   each the best-scoring person of ours who still has capacity.

Worked example
--------------
Their CTO ``t`` is reached by nobody; their engineering director ``d`` talks to our
account manager ``m`` (strength 0.8) and ``t`` talks to ``d`` (0.5). Our CTO ``c`` (capacity
2) knows ``m`` (0.9). For ``c`` and ``t``: level parity 1, function affinity 0.7 (executive
to engineering); the warm path ``c → m → d → t`` has strength ``0.9 * 0.8 * 0.5 = 0.36``;
capacity ``2 / 2 = 1``. With the default weights (0.35, 0.25, 0.25, 0.15) the score is
``0.35 + 0.175 + 0.09 + 0.15 = 0.765``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from stakegraph.vocabulary import LEVEL_RANK, SENIOR_STAKEHOLDER_LEVELS

# The stakeholders a re-mapping makes sure we reach (director and up): not the
# executives of vocabulary.EXECUTIVE_LEVELS.
SENIOR_LEVELS = frozenset(SENIOR_STAKEHOLDER_LEVELS)
# Functions that talk the same language; an executive can open any door a little.
FUNCTION_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"engineering", "product", "it"}),
    frozenset({"finance", "procurement", "legal"}),
    frozenset({"sales", "marketing"}),
    frozenset({"operations", "support", "hr"}),
)
DEFAULT_CAPACITY = 3


@dataclass(frozen=True)
class Person:
    """A person as matching sees them: their role at the date, and (ours) their capacity."""

    person_id: str
    name: str | None = None
    title: str | None = None
    level: str | None = None
    function: str | None = None
    capacity: int = DEFAULT_CAPACITY

    @property
    def label(self) -> str:
        """``Name (Title)`` for sentences."""
        name = self.name or self.person_id
        role = self.title or " ".join(p for p in (self.level, self.function) if p)
        return f"{name} ({role})" if role else name


@dataclass(frozen=True)
class MatchWeights:
    """Weights of the four parts of a match score; they sum to 1 so scores stay in [0, 1]."""

    level_parity: float = 0.35
    function_affinity: float = 0.25
    tie: float = 0.25
    capacity: float = 0.15

    def __post_init__(self) -> None:
        parts = (self.level_parity, self.function_affinity, self.tie, self.capacity)
        if min(parts) < 0 or abs(sum(parts) - 1.0) > 1e-9:
            raise ValueError("match weights must be non-negative and sum to 1")


@dataclass(frozen=True)
class MatchScore:
    """A pairing's score and the parts it is made of (each in [0, 1])."""

    total: float
    level_parity: float
    function_affinity: float
    tie: float
    capacity: float


@dataclass(frozen=True)
class Suggestion:
    """Who should reach ``stakeholder``, and through whom."""

    stakeholder: Person
    reach: str  # "unreached" or "single_threaded"
    reached_through: tuple[str, ...]
    colleague: Person | None
    score: MatchScore | None
    path: tuple[str, ...] | None  # colleague ... stakeholder; None when no warm path exists
    path_strength: float
    reason: str


def level_parity(ours: str | None, theirs: str | None) -> float:
    """1 for the same level, minus a quarter per level apart; 0 when either is unknown.

    >>> level_parity("vp", "c_level")
    0.75
    """
    a, b = LEVEL_RANK.get(ours or ""), LEVEL_RANK.get(theirs or "")
    if a is None or b is None:
        return 0.0
    return 1.0 - abs(a - b) / 4.0


def function_affinity(ours: str | None, theirs: str | None) -> float:
    """1 same function, 0.7 when either is an executive, 0.6 same family, else 0.2.

    >>> function_affinity("it", "engineering"), function_affinity("sales", "legal")
    (0.6, 0.2)
    """
    if ours is None or theirs is None:
        return 0.2
    if ours == theirs:
        return 1.0
    if "executive" in (ours, theirs):
        return 0.7
    if any(ours in family and theirs in family for family in FUNCTION_FAMILIES):
        return 0.6
    return 0.2


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


def match_score(
    colleague: Person,
    stakeholder: Person,
    *,
    tie: float,
    remaining: int,
    weights: MatchWeights = MatchWeights(),
) -> MatchScore:
    """Score ``colleague`` (ours) for reaching ``stakeholder`` (theirs).

    ``tie`` is the warm-path strength in [0, 1]; ``remaining`` the colleague's outreach
    capacity still free (its share of their full capacity is the capacity part).

    >>> s = match_score(Person("c", level="c_level", function="executive", capacity=2),
    ...                 Person("t", level="c_level", function="engineering"),
    ...                 tie=0.36, remaining=2)
    >>> round(s.total, 3)
    0.765
    """
    level = level_parity(colleague.level, stakeholder.level)
    function = function_affinity(colleague.function, stakeholder.function)
    capacity = min(1.0, remaining / colleague.capacity) if colleague.capacity > 0 else 0.0
    capacity = max(0.0, capacity)
    total = (
        weights.level_parity * level
        + weights.function_affinity * function
        + weights.tie * tie
        + weights.capacity * capacity
    )
    return MatchScore(total, level, function, tie, capacity)


def suggest_remapping(
    graph: nx.Graph,
    stakeholders: Sequence[Person],
    colleagues: Sequence[Person],
    *,
    senior_levels: frozenset[str] = SENIOR_LEVELS,
    weights: MatchWeights = MatchWeights(),
    names: Mapping[str, str] | None = None,
) -> list[Suggestion]:
    """Suggestions for every senior stakeholder we do not reach, or reach through one person.

    Parameters
    ----------
    graph
        The account's tie graph (:func:`tie_graph`); may also hold people of neither list
        (their colleagues, ours without capacity) who can relay an introduction.
    stakeholders
        Their people (current roles); only ``senior_levels`` are considered.
    colleagues
        Our people who could reach out; those with no capacity are never chosen.
    names
        Person id to display name, for the reason sentences (ids otherwise).

    Returns
    -------
    list of Suggestion
        Most senior first, the unreached before the single-threaded. Greedy by that order:
        a colleague's remaining capacity drops with each stakeholder given to them.
    """
    names = dict(names or {})
    for p in (*stakeholders, *colleagues):
        names.setdefault(p.person_id, p.name or p.person_id)
    our_ids = [c.person_id for c in colleagues]
    senior = [s for s in stakeholders if s.level in senior_levels]
    contacts = reach(graph, [s.person_id for s in senior], our_ids)
    targets = [s for s in senior if len(contacts[s.person_id]) <= 1]
    targets.sort(
        key=lambda s: (-LEVEL_RANK.get(s.level or "", -1), len(contacts[s.person_id]), s.person_id)
    )
    remaining = {c.person_id: max(0, c.capacity) for c in colleagues}
    suggestions = []
    for stakeholder in targets:
        through = contacts[stakeholder.person_id]
        options = []
        for colleague in colleagues:
            if remaining[colleague.person_id] <= 0 or colleague.person_id in through:
                continue
            path = warm_path(graph, colleague.person_id, stakeholder.person_id)
            strength = path_strength(graph, path)
            score = match_score(
                colleague,
                stakeholder,
                tie=strength,
                remaining=remaining[colleague.person_id],
                weights=weights,
            )
            options.append((colleague, score, path, strength))
        # Highest score wins; equal scores go to the smallest id, so results are deterministic.
        best = min(options, key=lambda o: (-o[1].total, o[0].person_id), default=None)
        reach_kind = "unreached" if not through else "single_threaded"
        if best is None:
            suggestions.append(
                Suggestion(
                    stakeholder=stakeholder,
                    reach=reach_kind,
                    reached_through=through,
                    colleague=None,
                    score=None,
                    path=None,
                    path_strength=0.0,
                    reason=f"Nobody on our side has outreach capacity left for "
                    f"{stakeholder.label}.",
                )
            )
            continue
        colleague, score, path, strength = best
        remaining[colleague.person_id] -= 1
        suggestions.append(
            Suggestion(
                stakeholder=stakeholder,
                reach=reach_kind,
                reached_through=through,
                colleague=colleague,
                score=score,
                path=path,
                path_strength=strength,
                reason=explain_match(
                    colleague,
                    stakeholder,
                    score,
                    path,
                    names,
                    through,
                    declared=path is not None
                    and len(path) == 2
                    and not graph[path[0]][path[1]].get("engaged", True),
                ),
            )
        )
    return suggestions


def explain_match(
    colleague: Person,
    stakeholder: Person,
    score: MatchScore,
    path: Sequence[str] | None,
    names: Mapping[str, str],
    reached_through: Sequence[str] = (),
    *,
    declared: bool = False,
) -> str:
    """One sentence on why ``colleague`` should reach ``stakeholder``.

    ``declared``: the direct tie is a declared acquaintance, not an interaction.
    """
    parity = {1.0: "the same level", 0.75: "one level apart"}.get(
        score.level_parity, "different levels"
    )
    function = (
        "the same function"
        if score.function_affinity == 1.0
        else "executive reach"
        if score.function_affinity == 0.7
        else "related functions"
        if score.function_affinity == 0.6
        else "different functions"
    )
    if path is None:
        route = "no warm path exists, so this is a cold introduction"
    elif len(path) == 2 and declared:
        route = f"they already know each other (declared, strength {score.tie:.2g})"
    elif len(path) == 2:
        route = f"they already have a direct tie (strength {score.tie:.2g})"
    else:
        via = ", ".join(names.get(p, p) for p in path[1:-1])
        route = (
            f"a warm introduction runs via {via} ({len(path) - 1} hops, strength {score.tie:.2g})"
        )
    now = (
        f"today only {names.get(reached_through[0], reached_through[0])} reaches them"
        if len(reached_through) == 1
        else "nobody on our side reaches them today"
    )
    return (
        f"{colleague.label} should reach {stakeholder.label}: {now}; {parity}, {function}, "
        f"and {route}."
    )
