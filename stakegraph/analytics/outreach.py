"""Portfolio outreach plan: our executives to at-risk accounts' senior people, optimally.

Pure functions, no I/O. Each executive of ours can take on ``capacity`` introductions this
cycle; each target (a senior stakeholder of an at-risk account) needs at most one. The
plan maximises the total utility of the pairs made, as an assignment problem solved
exactly with the Hungarian method (Kuhn 1955; :func:`scipy.optimize.linear_sum_assignment`).
Capacity is handled by replicating each executive into ``capacity`` identical slots, so
the rectangular slots-by-targets problem stays a plain assignment.

Why not greedy: with executives A, B and targets X, Y scored

====  ====  ====
      X     Y
====  ====  ====
A     0.9   0.8
B     0.7   0.1
====  ====  ====

greedy takes the best pair first (A-X, 0.9) and is left with B-Y (0.1): total 1.0. The
optimal plan is A-Y + B-X = 1.5.

The utility of a pair is :func:`stakegraph.analytics.matching.match_score` (level parity,
function affinity, tie strength; the capacity part is left out because slots already
carry capacity) scaled by the account's priority: ``score * (0.5 + 0.5 * risk)``, so a
riskier account wins a contested executive but a good match is never worth nothing.

Warm introductions first, at equal fit: the tie part (weight 0.3) is the strength of the
warm path (:mod:`.warm_paths`: reporting lines, ties, shared meetings, acquaintances,
former colleagues), so of two pairs with the same level parity and function affinity at
equally risky accounts, the one with a warm path has the higher utility and the plan takes
it, whether the choice is between executives for one stakeholder or between stakeholders
for one executive's last slot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.optimize import linear_sum_assignment

from stakegraph.analytics.matching import MatchScore, MatchWeights, Person, match_score
from stakegraph.analytics.tie_graph import path_strength, warm_path

# Slots are a pure capacity device: without a tie or capacity part, a match score is out of
# the remaining weights; rescale so it stays in [0, 1].
_PLAN_WEIGHTS = MatchWeights(level_parity=0.4, function_affinity=0.3, tie=0.3, capacity=0.0)


@dataclass(frozen=True)
class Target:
    """A senior stakeholder of an at-risk account, and how urgent the account is (0-1)."""

    account_id: str
    stakeholder: Person
    risk: float


@dataclass(frozen=True)
class Assignment:
    """One pair of the plan."""

    executive: Person
    target: Target
    utility: float
    score: MatchScore

    @property
    def warm(self) -> bool:
        """A warm path leads from the executive to the stakeholder (a warm introduction)."""
        return self.score.tie > 0


@dataclass(frozen=True)
class OutreachPlan:
    """The assignments, and the targets left without anyone (with why)."""

    assignments: tuple[Assignment, ...]
    uncovered: tuple[tuple[Target, str], ...]

    @property
    def total_utility(self) -> float:
        return sum(a.utility for a in self.assignments)

    @property
    def warm_introductions(self) -> int:
        """Assignments that are warm introductions."""
        return sum(1 for a in self.assignments if a.warm)


def optimal_assignment(
    utility: np.ndarray, capacities: Sequence[int], *, min_utility: float = 0.0
) -> list[tuple[int, int]]:
    """Pairs ``(executive, target)`` maximising total utility under per-executive capacity.

    Parameters
    ----------
    utility
        ``executives x targets`` matrix; a pair with utility ``<= min_utility`` is never
        made (leave a target uncovered rather than make a useless pair).
    capacities
        How many targets each executive can take (0 or more).

    Examples
    --------
    The 2x2 case from the module docstring, where greedy is wrong:

    >>> optimal_assignment(np.array([[0.9, 0.8], [0.7, 0.1]]), [1, 1])
    [(0, 1), (1, 0)]

    With capacity 2, A takes both:

    >>> optimal_assignment(np.array([[0.9, 0.8], [0.7, 0.1]]), [2, 0])
    [(0, 0), (0, 1)]
    """
    utility = np.asarray(utility, dtype=float)
    if utility.ndim != 2 or utility.shape[0] != len(capacities):
        raise ValueError("utility must be executives x targets, one capacity per executive")
    if not np.isfinite(utility).all():
        raise ValueError("utility must be finite")
    slots = [e for e, capacity in enumerate(capacities) for _ in range(max(0, capacity))]
    if not slots or utility.shape[1] == 0:
        return []
    # Pairs at or below the floor are worth 0 to the solver, then dropped: a zero pair
    # adds nothing, so the optimum over the useful pairs is unchanged.
    slot_utility = np.where(utility > min_utility, utility, 0.0)[slots, :]
    rows, cols = linear_sum_assignment(slot_utility, maximize=True)
    return sorted(
        (slots[r], int(c)) for r, c in zip(rows, cols, strict=True) if slot_utility[r, c] > 0
    )


def plan_outreach(
    executives: Sequence[Person],
    targets: Sequence[Target],
    tie_strength: Callable[[str, Target], float],
    *,
    min_score: float = 0.3,
    weights: MatchWeights = _PLAN_WEIGHTS,
) -> OutreachPlan:
    """Assign ``executives`` (their ``capacity`` each) to ``targets``, optimally.

    Parameters
    ----------
    executives
        Ours, with ``capacity`` = introductions they can take on.
    targets
        The senior stakeholders to cover.
    tie_strength
        ``tie_strength(executive_id, target)`` in [0, 1]: how warm the way in is.
    min_score
        Pairs whose match score is below this are never made.
    """
    scores = [
        [
            match_score(
                e,
                t.stakeholder,
                tie=tie_strength(e.person_id, t),
                remaining=e.capacity,
                weights=weights,
            )
            for t in targets
        ]
        for e in executives
    ]
    utility = np.array(
        [
            [
                s.total * (0.5 + 0.5 * min(1.0, max(0.0, t.risk))) if s.total >= min_score else 0.0
                for s, t in zip(row, targets, strict=True)
            ]
            for row in scores
        ],
        dtype=float,
    ).reshape(len(executives), len(targets))
    pairs = optimal_assignment(utility, [e.capacity for e in executives])
    assignments = tuple(
        Assignment(executives[e], targets[t], float(utility[e, t]), scores[e][t]) for e, t in pairs
    )
    covered = {t for _, t in pairs}
    free = sum(max(0, e.capacity) for e in executives) - len(pairs)
    uncovered = []
    for index, target in enumerate(targets):
        if index in covered:
            continue
        if not executives or not (utility[:, index] > 0).any():
            why = f"no executive of ours scores at least {min_score:.2f} for this person"
        elif free <= 0:
            why = "every suitable executive's capacity is already used by higher-value pairs"
        else:
            why = "the executives who fit are better used on other accounts"
        uncovered.append((target, why))
    return OutreachPlan(assignments=assignments, uncovered=tuple(uncovered))


def warm_path_strength(graphs: Mapping[str, nx.Graph]) -> Callable[[str, Target], float]:
    """The ``tie_strength`` of :func:`plan_outreach` read off each account's tie graph: the
    strength of the executive's warm path to the stakeholder in the graph of the target's
    account (:func:`~stakegraph.analytics.tie_graph.warm_path`); 0 without a graph or path.

    >>> from stakegraph.analytics.tie_graph import tie_graph
    >>> strength = warm_path_strength({"acc": tie_graph([("e", "m", 0.5), ("m", "t", 0.8)])})
    >>> strength("e", Target("acc", Person("t"), risk=0.9))
    0.4
    >>> strength("e", Target("other", Person("t"), risk=0.9))
    0.0
    """

    def tie_strength(executive_id: str, target: Target) -> float:
        graph = graphs.get(target.account_id)
        if graph is None:
            return 0.0
        return path_strength(graph, warm_path(graph, executive_id, target.stakeholder.person_id))

    return tie_strength
