from __future__ import annotations

import numpy as np
import pytest
from frames_builder import at, make_frames

from stakegraph.analytics.depth import DepthParameters, depth_from_contacts, relationship_depth

# The module docstring's worked example: three contacts of strengths 0.8 (finance, vp),
# 0.6 (finance, manager) and 0.4 (it, manager) at one account.
WORKED_EXAMPLE = {
    "contact_account": np.array([0, 0, 0]),
    "contact_strength": np.array([0.8, 0.6, 0.4]),
    "role_account": np.array([0, 0, 0]),
    "role_contact": np.array([0, 1, 2]),
    "role_function": np.array([5, 5, 3]),
    "role_level": np.array([3, 1, 1]),
    "n_accounts": 1,
}


def test_worked_example() -> None:
    out = depth_from_contacts(**WORKED_EXAMPLE)
    people, functions, levels = 1.8 / 6, 1.2 / 4, 1.4 / 3
    assert out["depth_score"][0] == pytest.approx(100 * (people * functions * levels) ** (1 / 3))
    assert out["depth_score"][0] == pytest.approx(34.76, abs=0.01)


def test_fill_levels_come_from_the_parameters() -> None:
    """The worked example with people coverage filled by 1.8 of summed strength (not 6)
    and functions by 1.2: ``100 * (1 * 1 * 1.4 / 3) ** (1/3) = 77.6``."""
    out = depth_from_contacts(
        **WORKED_EXAMPLE, params=DepthParameters(contacts_full=1.8, functions_full=1.2)
    )
    assert out["people_coverage"][0] == pytest.approx(1.0)
    assert out["function_coverage"][0] == pytest.approx(1.0)
    assert out["depth_score"][0] == pytest.approx(100 * (1.4 / 3) ** (1 / 3))
    assert out["depth_score"][0] == pytest.approx(77.6, abs=0.05)


def test_coverage_saturates_at_one() -> None:
    n = 8
    out = depth_from_contacts(
        contact_account=np.zeros(n, dtype=int),
        contact_strength=np.ones(n),
        role_account=np.zeros(n, dtype=int),
        role_contact=np.arange(n),
        role_function=np.arange(n),
        role_level=np.arange(n) % 5,
        n_accounts=2,
    )
    assert out["depth_score"].tolist() == [100.0, 0.0]


def test_broad_account_is_deeper_than_single_threaded() -> None:
    roles = [
        ("a", "vp", "finance", -100, None),
        ("b", "manager", "it", -100, None),
        ("c", "director", "legal", -100, None),
        ("d", "ic", "engineering", -100, None),
    ]
    single = [
        (f"e{i}", "acme", "email", i, "o1" if i % 2 else "a", ["a" if i % 2 else "o1"])
        for i in range(12)
    ]
    broad = [
        (f"g{i}", "globex", "email", i, "o1" if i % 2 else p, [p if i % 2 else "o1"])
        for i in range(12)
        for p in "abcd"
    ]
    broad = [(f"{iid}{p}", *rest) for (iid, *rest), p in zip(broad, "abcd" * 12, strict=True)]
    frames = make_frames(single + broad, roles=roles)
    depth = relationship_depth(frames, start=at(0), end=at(90))["depth_score"]
    assert 0 < depth["acme"] < depth["globex"] <= 100
