"""The outreach plan is an optimal assignment: checked on cases worked out by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from stakegraph.analytics.matching import Person
from stakegraph.analytics.outreach import (
    Target,
    optimal_assignment,
    plan_outreach,
    warm_path_strength,
)
from stakegraph.analytics.tie_graph import tie_graph


def test_two_by_two_where_greedy_is_wrong() -> None:
    """Greedy takes A-X (0.9) then B-Y (0.1) = 1.0; the optimum is A-Y + B-X = 1.5."""
    utility = np.array([[0.9, 0.8], [0.7, 0.1]])
    pairs = optimal_assignment(utility, [1, 1])
    assert pairs == [(0, 1), (1, 0)]
    assert sum(utility[e, t] for e, t in pairs) == pytest.approx(1.5)


def test_capacity_replicates_an_executive() -> None:
    utility = np.array([[0.9, 0.8, 0.7], [0.2, 0.1, 0.6]])
    # A can take two: A-X, A-Y and B-Z (0.9 + 0.8 + 0.6 = 2.3).
    assert optimal_assignment(utility, [2, 1]) == [(0, 0), (0, 1), (1, 2)]
    # Nobody over capacity, everyone within: with capacity 0 B takes nothing.
    assert optimal_assignment(utility, [2, 0]) == [(0, 0), (0, 1)]


def test_useless_pairs_are_never_made() -> None:
    utility = np.array([[0.0, 0.5]])
    assert optimal_assignment(utility, [2]) == [(0, 1)]
    assert optimal_assignment(utility, [2], min_utility=0.6) == []


@pytest.mark.parametrize(
    "utility",
    [
        np.array([[0.3, 0.9, 0.4], [0.8, 0.85, 0.1], [0.5, 0.2, 0.45]]),
        np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.45]]),
    ],
)
def test_matches_brute_force(utility: np.ndarray) -> None:
    """Against every possible one-to-one assignment (capacity 1 each)."""
    n_exec, n_target = utility.shape
    best = 0.0
    for targets in itertools.permutations(range(n_target), min(n_exec, n_target)):
        for execs in itertools.permutations(range(n_exec), len(targets)):
            best = max(best, sum(utility[e, t] for e, t in zip(execs, targets, strict=True)))
    pairs = optimal_assignment(utility, [1] * n_exec)
    assert sum(utility[e, t] for e, t in pairs) == pytest.approx(best)


def test_rejects_malformed_input() -> None:
    with pytest.raises(ValueError, match="one capacity per executive"):
        optimal_assignment(np.zeros((2, 2)), [1])
    with pytest.raises(ValueError, match="finite"):
        optimal_assignment(np.array([[np.nan]]), [1])
    assert optimal_assignment(np.zeros((0, 3)), []) == []


def test_plan_outreach_scores_and_explains() -> None:
    """CEO and VP for a CFO and a VP at a risky account (risk 1: factor 1).

    Plan weights (0.4, 0.3, 0.3): CEO-CFO 0.4 + 0.21 = 0.61; CEO-VP 0.3 + 0.21 = 0.51;
    VP-CFO 0.3 + 0.3 * 1 (same function) = 0.6; VP-VP 0.4 + 0.06 = 0.46.
    Optimum: CEO-CFO + VP-VP = 1.07 vs CEO-VP + VP-CFO = 1.11 -> the second.
    """
    ceo = Person("ceo", "Uma", "CEO", "c_level", "executive", capacity=1)
    vpf = Person("vpf", "Val", "VP Finance", "vp", "finance", capacity=1)
    targets = [
        Target("acc", Person("cfo", "Fay", "CFO", "c_level", "finance"), 1.0),
        Target("acc", Person("vpo", "Ed", "VP Ops", "vp", "operations"), 1.0),
    ]
    plan = plan_outreach([ceo, vpf], targets, lambda e, t: 0.0)
    pairs = [(a.executive.person_id, a.target.stakeholder.person_id) for a in plan.assignments]
    assert pairs == [("ceo", "vpo"), ("vpf", "cfo")]
    assert plan.total_utility == pytest.approx(1.11)
    assert plan.uncovered == ()


def test_plan_outreach_reports_the_uncovered_and_why() -> None:
    ceo = Person("ceo", "Uma", "CEO", "c_level", "executive", capacity=1)
    targets = [
        Target("a", Person("cfo", "Fay", "CFO", "c_level", "finance"), 0.9),
        Target("b", Person("cto", "Tom", "CTO", "c_level", "engineering"), 0.1),
        Target("c", Person("eng", "Ivy", "Engineer", "ic", "sales"), 0.5),
    ]
    plan = plan_outreach([ceo], targets, lambda e, t: 0.0)
    # Both C-levels score 0.61; the riskier account wins (0.61 * 0.95 > 0.61 * 0.55).
    assert [a.target.account_id for a in plan.assignments] == ["a"]
    reasons = {t.account_id: why for t, why in plan.uncovered}
    assert "capacity is already used" in reasons["b"]
    assert "no executive of ours scores at least" in reasons["c"]  # 0 + 0.21 < 0.3


def test_warm_path_strength_reads_the_target_accounts_graph() -> None:
    graphs = {
        "acc": tie_graph([("exec", "am", 0.5), ("am", "cto", 0.8)]),
        "other": tie_graph([("exec", "cto", 0.9)]),  # the same person id, another account
    }
    strength = warm_path_strength(graphs)
    assert strength("exec", Target("acc", Person("cto"), 0.5)) == pytest.approx(0.4)
    assert strength("exec", Target("other", Person("cto"), 0.5)) == pytest.approx(0.9)
    assert strength("exec", Target("none", Person("cto"), 0.5)) == 0.0
    assert strength("stranger", Target("acc", Person("cto"), 0.5)) == 0.0


def test_warm_introductions_win_at_equal_fit() -> None:
    """Two VPs of ours fit their VP Engineering equally (same level, same function); only
    Vic has a warm path (a reporting line and a tie: 0.8 * 0.6 = 0.48). Vic gets her, and
    with one slot left for two equally fitting stakeholders, Vic takes the warm one."""
    vic = Person("vic", "Vic", "VP Engineering", "vp", "engineering", capacity=1)
    val = Person("val", "Val", "VP Engineering", "vp", "engineering", capacity=1)
    target = Target("acc", Person("t", "Tess", "VP Engineering", "vp", "engineering"), 0.5)
    graphs = {"acc": tie_graph([("vic", "d", 0.8), ("d", "t", 0.6)])}
    # Listed cold-first, so that order cannot be what decides.
    plan = plan_outreach([val, vic], [target], warm_path_strength(graphs))
    (chosen,) = plan.assignments
    assert chosen.executive.person_id == "vic" and chosen.warm
    # (0.4 + 0.3 + 0.3 * 0.48) * (0.5 + 0.5 * 0.5) = 0.844 * 0.75 = 0.633
    assert chosen.utility == pytest.approx(0.633)
    assert plan.warm_introductions == 1

    cold_target = Target("acc2", Person("u", "Uli", "VP Engineering", "vp", "engineering"), 0.5)
    plan = plan_outreach([vic], [cold_target, target], warm_path_strength(graphs))
    assert [a.target.stakeholder.person_id for a in plan.assignments] == ["t"]
    assert [t.stakeholder.person_id for t, _ in plan.uncovered] == ["u"]
