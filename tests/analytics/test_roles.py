"""The role a person held at a date, seen from one account: worked cases."""

from __future__ import annotations

from typing import Any

from stakegraph.analytics.roles import RoleAtDate, holds, role_at_date

DAY = 86_400


def role(org: str, title: str, level: str, start: int, end: int | None, **extra: Any) -> dict:
    return {
        "org_id": org,
        "title": title,
        "level": level,
        "function": "it",
        "start": start * DAY,
        "end": None if end is None else end * DAY,
        **extra,
    }


def test_a_role_is_held_from_its_start_until_just_before_its_end() -> None:
    director = role("acc", "Director", "director", 10, 20)
    assert not holds(director, 10 * DAY - 1)
    assert holds(director, 10 * DAY)
    assert holds(director, 20 * DAY - 1)
    assert not holds(director, 20 * DAY)  # half-open, as in analytics/windows.py
    assert holds(role("acc", "CTO", "c_level", 10, None), 10**6 * DAY)


def test_their_latest_started_current_role_at_the_account_wins() -> None:
    roles = [
        role("acc", "Manager", "manager", 0, None),
        role("acc", "Director", "director", 30, None),
        role("partner", "Advisor", "vp", 40, None),  # another organization: not their side
    ]
    assert role_at_date(roles, account_id="acc", at=50 * DAY) == RoleAtDate(
        is_ours=False, title="Director", level="director", function="it", departed=False
    )
    assert role_at_date(roles, account_id="acc", at=20 * DAY).title == "Manager"


def test_departed_shows_the_last_role_left_at_the_account() -> None:
    roles = [
        role("acc", "Manager", "manager", 0, 30),
        role("acc", "Director", "director", 30, 60),
        role("other", "VP", "vp", 60, None),
    ]
    at_70 = role_at_date(roles, account_id="acc", at=70 * DAY)
    assert (at_70.departed, at_70.title, at_70.level) == (True, "Director", "director")
    # Before their first role there they are neither current nor departed.
    early = role_at_date(roles, account_id="acc", at=-1)
    assert (early.departed, early.title) == (False, None)


def test_ours_are_judged_on_their_home_roles() -> None:
    roles = [
        role("home", "CTO", "c_level", 0, None, home=True),
        role("acc", "Consultant", "ic", 0, None),
    ]
    ours = role_at_date(roles, account_id="acc", at=5 * DAY)
    assert (ours.is_ours, ours.title) == (True, "CTO")
    member = role_at_date([], account_id="acc", at=0, member_of_home=True)
    assert member == RoleAtDate(True, None, None, None, departed=False)


def test_a_third_party_shows_no_role_of_another_organization() -> None:
    """A person of another account (or a partner) on this account's meeting: their title
    there is that organization's data, not this account's."""
    roles = [role("other-account", "Chief Operating Officer", "c_level", 0, None)]
    seen = role_at_date(roles, account_id="acc", at=DAY)
    assert seen == RoleAtDate(False, None, None, None, departed=False)


def test_roles_without_a_start_are_ignored() -> None:
    undated = {"org_id": "acc", "title": "Ghost", "level": "vp", "start": None, "end": None}
    assert role_at_date([undated], account_id="acc", at=DAY).title is None
