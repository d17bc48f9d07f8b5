"""Re-mapping suggestions: who on our side should reach which of their senior people, and how.

Pure functions, no I/O. For one account, given the tie graph (people as nodes, tie
strength in ``(0, 1]`` on the edges), their senior stakeholders and our people:

1. :func:`~stakegraph.analytics.tie_graph.reach` finds, for every stakeholder of theirs,
   the people of ours who have a direct tie to them. A senior stakeholder with none is
   **unreached**; with exactly one, **single-threaded** (Gartner-style multi-threading: a
   relationship held by one person leaves with that person).
2. :func:`~stakegraph.analytics.matching.match_score` scores one pairing (ours, theirs)
   from four parts in ``[0, 1]``: level parity, function affinity, the strength of the
   best warm path and the remaining outreach capacity of our person.
3. :func:`~stakegraph.analytics.tie_graph.warm_path` is the weighted shortest path from
   our person to the stakeholder, with edge cost ``-log(strength)``: the path whose
   *product* of strengths is largest, i.e. the most likely chain of warm introductions
   (each hop must hold for the next to).
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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from stakegraph.analytics.matching import (
    DEFAULT_WEIGHTS,
    LEVEL_RANK,
    MatchScore,
    MatchWeights,
    Person,
    match_score,
)
from stakegraph.analytics.tie_graph import path_strength, reach, warm_path
from stakegraph.analytics.warm_paths import Hop, hops_of
from stakegraph.vocabulary import SENIOR_STAKEHOLDER_LEVELS

# The stakeholders a re-mapping makes sure we reach (director and up): not the
# executives of vocabulary.EXECUTIVE_LEVELS.
SENIOR_LEVELS = frozenset(SENIOR_STAKEHOLDER_LEVELS)


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
    # The path's introductions, each with its kind, strength and evidence; () when cold.
    hops: tuple[Hop, ...] = ()


def suggest_remapping(
    graph: nx.Graph,
    stakeholders: Sequence[Person],
    colleagues: Sequence[Person],
    *,
    senior_levels: frozenset[str] = SENIOR_LEVELS,
    weights: MatchWeights = DEFAULT_WEIGHTS,
    names: Mapping[str, str] | None = None,
) -> list[Suggestion]:
    """Suggestions for every senior stakeholder we do not reach, or reach through one person.

    Parameters
    ----------
    graph
        The account's tie graph (:func:`stakegraph.analytics.tie_graph.tie_graph`); may
        also hold people of neither list (their colleagues, ours without capacity) who can
        relay an introduction.
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
        best = _best_colleague(graph, stakeholder, colleagues, remaining, through, weights)
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
                hops=hops_of(graph, path),
                reason=explain_match(
                    colleague,
                    stakeholder,
                    score,
                    path,
                    names,
                    through,
                    hops=hops_of(graph, path),
                ),
            )
        )
    return suggestions


def _best_colleague(
    graph: nx.Graph,
    stakeholder: Person,
    colleagues: Sequence[Person],
    remaining: Mapping[str, int],
    through: Sequence[str],
    weights: MatchWeights,
) -> tuple[Person, MatchScore, tuple[str, ...] | None, float] | None:
    """The best-scoring colleague with capacity left who does not reach them yet."""
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
    return min(options, key=lambda o: (-o[1].total, o[0].person_id), default=None)


def explain_match(
    colleague: Person,
    stakeholder: Person,
    score: MatchScore,
    path: Sequence[str] | None,
    names: Mapping[str, str],
    reached_through: Sequence[str] = (),
    *,
    hops: Sequence[Hop] = (),
) -> str:
    """One sentence on why ``colleague`` should reach ``stakeholder``.

    ``hops``: the path's introductions (:func:`~stakegraph.analytics.warm_paths.hops_of`),
    each said in words with its evidence.
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
    said = "; ".join(describe_hop(h, names) for h in hops)
    if path is None:
        route = "no warm path exists, so this is a cold introduction"
    elif len(path) == 2 and hops and hops[0].kind == "knows":
        route = f"they already know each other (declared, strength {score.tie:.2g})"
    elif len(path) == 2 and (not hops or hops[0].kind == "tie"):
        route = f"they already have a direct tie (strength {score.tie:.2g})"
    elif len(path) == 2:
        route = f"they are already linked ({said}; strength {score.tie:.2g})"
    else:
        via = ", ".join(names.get(p, p) for p in path[1:-1])
        route = (
            f"a warm introduction runs via {via} ({len(path) - 1} hops, strength "
            f"{score.tie:.2g}{': ' + said if said else ''})"
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


def describe_hop(hop: Hop, names: Mapping[str, str]) -> str:
    """One hop in words, with its evidence.

    >>> describe_hop(Hop("d", "t", "reports_to", 0.6,
    ...     {"report": "d", "manager": "t", "since": "2023-02-01", "until": None}),
    ...     {"d": "Dee", "t": "Tom"})
    'Dee reports to Tom (since 2023-02-01)'
    """
    a, b = names.get(hop.source, hop.source), names.get(hop.target, hop.target)
    e = hop.evidence
    if hop.kind == "reports_to":
        report, manager = names.get(str(e.get("report")), a), names.get(str(e.get("manager")), b)
        return f"{report} reports to {manager} (since {e.get('since')})"
    if hop.kind == "tie":
        return f"{a} and {b} interacted {_times(e.get('interactions'))} (last {e.get('last')})"
    if hop.kind == "co_attended":
        meetings = e.get("meetings")
        return (
            f"{a} and {b} attended {meetings} meeting{'' if meetings == 1 else 's'} together "
            f"(last {e.get('last')})"
        )
    if hop.kind == "former_colleague":
        return (
            f"{a} and {b} worked together at {e.get('organization')} "
            f"({e.get('from')} to {e.get('until')})"
        )
    since = f", since {e['since']}" if e.get("since") else ""
    return f"{a} knows {b} (declared{', ' + str(e['source']) if e.get('source') else ''}{since})"


def _times(count: object) -> str:
    return "once" if count == 1 else f"{count} times"
