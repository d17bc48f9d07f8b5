"""Which role a person held at a date, seen from one account: pure, no I/O.

A role is held at ``at`` when ``start <= at < end`` (``end`` open while current): the same
half-open rule :mod:`stakegraph.analytics.windows` applies to every interaction. The map,
the suggestions and departure impact need more than a level at a time, so this adds the
side a person is on and whether they left:

- **Side.** One of ours when they are a member of the Home organization or ever held a
  role there; otherwise theirs. Only the roles on that side count (our people's roles at
  Home; theirs at the account), so a customer who once worked for a partner is judged on
  their role at the account.
- **Role at the date.** Of the side's roles held at ``at``, the latest started. A third
  party (no role on either side: a partner, or a person of another account on this one's
  meeting) shows none: their roles are another organization's data, which may be an
  account the viewer must not learn of (docs/api.md, threat model).
- **Departed.** Nothing held on their side at ``at`` but a role there that had ended by
  then; they show the last role they left.

Example: a customer was a director at the account from day 0 to day 100, then a VP at
another company. At day 50 they are the director; at day 150 they have departed and show
the director role they left.

>>> roles = [
...     {"org_id": "acc", "title": "Director", "level": "director", "start": 0, "end": 100},
...     {"org_id": "other", "title": "VP", "level": "vp", "start": 100, "end": None},
... ]
>>> role_at_date(roles, account_id="acc", at=50).title
'Director'
>>> held = role_at_date(roles, account_id="acc", at=150)
>>> held.departed, held.title
(True, 'Director')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["RoleAtDate", "holds", "role_at_date"]


@dataclass(frozen=True)
class RoleAtDate:
    """A person's side and role at a date, as seen from one account."""

    is_ours: bool
    title: str | None
    level: str | None
    function: str | None
    departed: bool


def holds(role: Mapping[str, Any], at: int) -> bool:
    """True when ``role`` (``start``, ``end`` epoch seconds, ``end`` None while current)
    is held at ``at``: ``start <= at < end``."""
    return bool(role["start"] <= at and (role.get("end") is None or role["end"] > at))


def role_at_date(
    roles: Sequence[Mapping[str, Any]],
    *,
    account_id: str,
    at: int,
    member_of_home: bool = False,
) -> RoleAtDate:
    """The side and role of a person at ``at``, from their dated roles (see the module).

    ``roles`` carry ``org_id``, ``home`` (the organization is ours), ``title``, ``level``,
    ``function``, ``start`` and ``end``; roles without a start are ignored.
    """
    dated = [r for r in roles if r.get("start") is not None]
    is_ours = member_of_home or any(r.get("home") for r in dated)
    side = [r for r in dated if (r.get("home") if is_ours else r.get("org_id") == account_id)]
    current = [r for r in side if holds(r, at)]
    ended = [r for r in side if r.get("end") is not None and r["end"] <= at]
    departed = bool(side) and not current and bool(ended)
    pool = current or ended
    role: Mapping[str, Any] = max(pool, key=lambda r: r["start"]) if pool else {}
    return RoleAtDate(
        is_ours=is_ours,
        title=role.get("title"),
        level=role.get("level"),
        function=role.get("function"),
        departed=departed,
    )
