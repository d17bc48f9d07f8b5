"""Contacts built by hand for the generator's worked examples.

A module of its own rather than conftest.py (see generated_portfolio.py for why).
"""

from __future__ import annotations

from stakegraph.generate.people import Person, RoleSpell


def hand_contact(plan_id: str, number: int, engagement: float, level: str = "manager") -> Person:
    """Contact ``c-<number>`` of the account, in operations at ``level`` from day 0."""
    spell = RoleSpell(plan_id, f"{level.title()}, Operations", level, "operations", start=0)
    return Person(
        id=f"c-{number}",
        name=f"Contact {number}",
        emails={},
        spells=[spell],
        engagement=engagement,
        latency_median_hours=4.0,
        latency_sigma=0.5,
    )
