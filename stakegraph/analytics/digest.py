"""The weekly stand-up: what changed on each account between two states, ranked, with plays.

An account's **digest state** at a date is what an account team reviews each week: its
open signals, its risk tier, the key stakeholders who have gone quiet and whether its
renewal falls within the renewal window. The digest compares two states of every account
(the one recorded at the last digest run, or the one reconstructed as of a date, against
the current one) and lists the changes:

- ``signal_raised`` / ``signal_cleared``: a signal open now and not before / the reverse;
- ``tier_worsened`` / ``tier_improved``: the risk tier moved (5 = churn risk is worse);
- ``stakeholder_quiet``: a key stakeholder quiet now who was not before;
- ``renewal_window``: the renewal entered the window (within ``renewal_days`` of the date).

Each change carries the play an account team runs for it (:data:`PLAY_FOR_SIGNAL` for a
signal, :func:`play_for_change` for the rest) and is ranked by the account's **ARR at
risk**, ``arr x risk_score`` (docs/metrics.md, "The weekly stand-up"). Everything here is
pure: :mod:`stakegraph.digest` reads the states from the store and records each run.

Example: a state with one open signal, against one with none, gives one change:

>>> before = AccountState("acc-a", "Acme", tier=3, arr=100_000.0, risk_score=0.5)
>>> after = AccountState(
...     "acc-a", "Acme", tier=3, arr=100_000.0, risk_score=0.5,
...     signals={"s1": SignalFact("s1", "executive_withdrawal", at=0, severity=0.8)},
... )
>>> [(i.change, i.play, i.arr_at_risk) for i in diff_states([before], [after])]
[('signal_raised', 'value_delivery', 50000.0)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from stakegraph.dates import DAY
from stakegraph.vocabulary import (
    CONTRACT_RESTRUCTURING,
    EXECUTIVE_REMAPPING,
    PLAY_FOR_SIGNAL,
    TECHNICAL_USAGE_AUDIT,
    VALUE_DELIVERY,
)

__all__ = [
    "CHANGE_KINDS",
    "SIGNAL_RAISED",
    "TIER_WORSENED",
    "AccountState",
    "DigestItem",
    "QuietStakeholder",
    "SignalFact",
    "StakeholderActivity",
    "diff_states",
    "is_quiet",
    "play_for_change",
    "rank_items",
    "state_from_record",
]

SIGNAL_RAISED = "signal_raised"
SIGNAL_CLEARED = "signal_cleared"
TIER_WORSENED = "tier_worsened"
TIER_IMPROVED = "tier_improved"
STAKEHOLDER_QUIET = "stakeholder_quiet"
RENEWAL_WINDOW = "renewal_window"
# In the order an account's changes are listed (the most urgent first).
CHANGE_KINDS = (
    TIER_WORSENED,
    SIGNAL_RAISED,
    STAKEHOLDER_QUIET,
    RENEWAL_WINDOW,
    TIER_IMPROVED,
    SIGNAL_CLEARED,
)
# The bottom two tiers (below average, churn risk): a renewal there is restructured.
AT_RISK_TIERS = (4, 5)


@dataclass(frozen=True)
class SignalFact:
    """An open signal as the digest remembers it."""

    id: str
    kind: str
    at: int
    severity: float
    summary: str = ""
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuietStakeholder:
    """A key stakeholder of theirs who has gone quiet: last seen ``silent_days`` ago."""

    person_id: str
    name: str
    title: str
    last_seen: int
    silent_days: int


@dataclass(frozen=True)
class AccountState:
    """What the stand-up reviews of one account at one date."""

    account_id: str
    name: str
    owner_id: str | None = None
    owner_name: str | None = None
    arr: float | None = None
    risk_score: float | None = None
    tier: int | None = None
    tier_label: str | None = None
    renewal_at: int | None = None
    renewal_due: bool = False
    signals: Mapping[str, SignalFact] = field(default_factory=dict)
    quiet: Mapping[str, QuietStakeholder] = field(default_factory=dict)

    @property
    def arr_at_risk(self) -> float:
        """``arr x risk_score`` (0 when either is unknown)."""
        if self.arr is None or self.risk_score is None:
            return 0.0
        return float(self.arr) * float(self.risk_score)

    def as_record(self) -> dict[str, Any]:
        """The state as JSON-ready data (what a digest run records)."""
        return {
            "account_id": self.account_id,
            "name": self.name,
            "owner_id": self.owner_id,
            "owner_name": self.owner_name,
            "arr": self.arr,
            "risk_score": self.risk_score,
            "tier": self.tier,
            "tier_label": self.tier_label,
            "renewal_at": self.renewal_at,
            "renewal_due": self.renewal_due,
            "signals": [
                {**vars(s), "people": list(s.people)}
                for s in sorted(self.signals.values(), key=lambda s: s.id)
            ],
            "quiet": [vars(q) for q in sorted(self.quiet.values(), key=lambda q: q.person_id)],
        }


def state_from_record(record: Mapping[str, Any]) -> AccountState:
    """The inverse of :meth:`AccountState.as_record`."""
    signals = {
        s["id"]: SignalFact(**{**s, "people": tuple(s.get("people", ()))})
        for s in record.get("signals", [])
    }
    quiet = {q["person_id"]: QuietStakeholder(**q) for q in record.get("quiet", [])}
    plain = {k: v for k, v in record.items() if k not in ("signals", "quiet")}
    return AccountState(**plain, signals=signals, quiet=quiet)


@dataclass(frozen=True)
class StakeholderActivity:
    """A key stakeholder's conversations about the account over the lookback year."""

    person_id: str
    name: str
    title: str
    appearances: int
    first_seen: int | None
    last_seen: int | None


def is_quiet(
    activity: StakeholderActivity,
    *,
    as_of: int,
    min_appearances: int = 3,
    min_quiet_days: int = 30,
    gap_multiple: float = 3.0,
) -> QuietStakeholder | None:
    """The stakeholder as gone quiet at ``as_of``, or None.

    Quiet means: at least ``min_appearances`` (default 3) conversations in the lookback,
    and a silence since the last of them of at least ``min_quiet_days`` (default 30) days
    *and* at least ``gap_multiple`` (default 3) times their own mean gap between
    conversations, ``(last - first) / (appearances - 1)``: someone seen weekly is quiet
    after 30 days, someone seen monthly after 90.

    >>> weekly = StakeholderActivity("p", "P", "CFO", 10, 0, 9 * 7 * DAY)
    >>> is_quiet(weekly, as_of=9 * 7 * DAY + 31 * DAY).silent_days
    31
    >>> monthly = StakeholderActivity("p", "P", "CFO", 4, 0, 90 * DAY)
    >>> is_quiet(monthly, as_of=90 * DAY + 60 * DAY) is None  # 3 x 30 days not reached
    True
    """
    if activity.appearances < min_appearances or activity.last_seen is None:
        return None
    first = activity.first_seen if activity.first_seen is not None else activity.last_seen
    mean_gap = (activity.last_seen - first) / (activity.appearances - 1)
    silent = as_of - activity.last_seen
    if silent < min_quiet_days * DAY or silent < gap_multiple * mean_gap:
        return None
    return QuietStakeholder(
        person_id=activity.person_id,
        name=activity.name,
        title=activity.title,
        last_seen=activity.last_seen,
        silent_days=int(silent // DAY),
    )


@dataclass(frozen=True)
class DigestItem:
    """One change of one account, with the play it calls for."""

    account_id: str
    account_name: str
    owner_id: str | None
    owner_name: str | None
    arr: float | None
    risk_score: float | None
    risk_tier: int | None
    arr_at_risk: float
    change: str
    title: str
    play: str | None
    at: int | None = None
    severity: float | None = None
    signal_id: str | None = None
    signal_kind: str | None = None
    people: tuple[str, ...] = ()
    tier_from: int | None = None
    tier_to: int | None = None
    renewal_at: int | None = None

    def as_record(self) -> dict[str, Any]:
        return {**vars(self), "people": list(self.people)}


def play_for_change(
    change: str, state: AccountState, *, signal_kind: str | None = None
) -> str | None:
    """The play a change calls for (docs/metrics.md, "The weekly stand-up").

    - a raised signal: its kind's play (:data:`stakegraph.vocabulary.PLAY_FOR_SIGNAL`);
    - a key stakeholder gone quiet: executive re-mapping (a thread is being lost);
    - a worse tier: the play of the account's most severe open signal, or, with none open,
      a technical and usage audit (find what fell, and since when);
    - a renewal entering the window: contract restructuring in the bottom two tiers, value
      delivery otherwise;
    - a cleared signal, a better tier: none (close the play that was opened for it).

    >>> play_for_change("renewal_window", AccountState("a", "A", tier=5))
    'contract_restructuring'
    """
    if change == SIGNAL_RAISED:
        return PLAY_FOR_SIGNAL.get(signal_kind or "")
    if change == STAKEHOLDER_QUIET:
        return EXECUTIVE_REMAPPING
    if change == TIER_WORSENED:
        if state.signals:
            worst = max(state.signals.values(), key=lambda s: (s.severity, s.at, s.id))
            return PLAY_FOR_SIGNAL.get(worst.kind, TECHNICAL_USAGE_AUDIT)
        return TECHNICAL_USAGE_AUDIT
    if change == RENEWAL_WINDOW:
        return CONTRACT_RESTRUCTURING if state.tier in AT_RISK_TIERS else VALUE_DELIVERY
    return None


def diff_states(before: Iterable[AccountState], after: Iterable[AccountState]) -> list[DigestItem]:
    """Every change from ``before`` to ``after``, ranked (see :func:`rank_items`).

    Accounts only in ``after`` are compared with an empty state (no signals, nobody quiet,
    no renewal due, tier unknown: no tier move). Accounts only in ``before`` are gone from
    the scope and listed nowhere. A state's ``tier`` of None (not known then) gives no
    tier move.
    """
    previous = {s.account_id: s for s in before}
    items: list[DigestItem] = []
    for state in after:
        old = previous.get(state.account_id, AccountState(state.account_id, state.name))
        items.extend(_account_changes(old, state))
    return rank_items(items)


def rank_items(items: Sequence[DigestItem]) -> list[DigestItem]:
    """By ARR at risk (largest first), then account id, then :data:`CHANGE_KINDS` order,
    then severity (largest first), date and signal or person."""
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    return sorted(
        items,
        key=lambda i: (
            -i.arr_at_risk,
            i.account_id,
            order[i.change],
            -(i.severity or 0.0),
            i.at or 0,
            i.signal_id or "",
            i.people,
        ),
    )


def _account_changes(old: AccountState, new: AccountState) -> list[DigestItem]:
    base = DigestItem(
        account_id=new.account_id,
        account_name=new.name,
        owner_id=new.owner_id,
        owner_name=new.owner_name,
        arr=new.arr,
        risk_score=new.risk_score,
        risk_tier=new.tier,
        arr_at_risk=new.arr_at_risk,
        change="",
        title="",
        play=None,
        renewal_at=new.renewal_at,
    )
    items = []
    if old.tier is not None and new.tier is not None and old.tier != new.tier:
        change = TIER_WORSENED if new.tier > old.tier else TIER_IMPROVED
        label = f" ({new.tier_label})" if new.tier_label else ""
        items.append(
            replace(
                base,
                change=change,
                title=f"risk tier {old.tier} -> {new.tier}{label}",
                play=play_for_change(change, new),
                tier_from=old.tier,
                tier_to=new.tier,
            )
        )
    for signal in _added(new.signals, old.signals):
        items.append(_signal_item(base, signal, SIGNAL_RAISED, new))
    for signal in _added(old.signals, new.signals):
        items.append(_signal_item(base, signal, SIGNAL_CLEARED, new))
    for person in _added(new.quiet, old.quiet):
        items.append(
            replace(
                base,
                change=STAKEHOLDER_QUIET,
                title=f"{person.name} ({person.title}) quiet for {person.silent_days} days",
                play=play_for_change(STAKEHOLDER_QUIET, new),
                at=person.last_seen,
                people=(person.name,),
            )
        )
    if new.renewal_due and (not old.renewal_due or old.renewal_at != new.renewal_at):
        items.append(
            replace(
                base,
                change=RENEWAL_WINDOW,
                title=f"renews on {_day(new.renewal_at)}",
                play=play_for_change(RENEWAL_WINDOW, new),
                at=new.renewal_at,
            )
        )
    return items


def _day(epoch: int | None) -> str:
    return "?" if epoch is None else datetime.fromtimestamp(epoch, tz=UTC).date().isoformat()


def _added(now: Mapping[str, Any], then: Mapping[str, Any]) -> list[Any]:
    return [now[key] for key in sorted(now) if key not in then]


def _signal_item(
    base: DigestItem, signal: SignalFact, change: str, state: AccountState
) -> DigestItem:
    verb = "raised" if change == SIGNAL_RAISED else "cleared"
    summary = signal.summary or signal.kind.replace("_", " ")
    return replace(
        base,
        change=change,
        title=f"{verb}: {summary}",
        play=play_for_change(change, state, signal_kind=signal.kind),
        at=signal.at,
        severity=signal.severity,
        signal_id=signal.id,
        signal_kind=signal.kind,
        people=signal.people,
    )
