"""Digest states from the store, the baseline they are compared with, and recorded runs."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from stakegraph.analytics.digest import (
    AccountState,
    DigestItem,
    QuietStakeholder,
    SignalFact,
    StakeholderActivity,
    diff_states,
    is_quiet,
    state_from_record,
)
from stakegraph.dates import DAY, WEEK
from stakegraph.graph.store import GraphStore
from stakegraph.vocabulary import BULK_THRESHOLD, SENIOR_STAKEHOLDER_LEVELS

ALL_SCOPE = "all"


@dataclass(frozen=True)
class DigestOptions:
    """What counts as open, due and quiet (docs/metrics.md, "The weekly stand-up").

    Attributes
    ----------
    open_signal_days : int
        A signal is open for this many days after it is raised (default 90, as the API).
    renewal_days : int
        A renewal is due within this many days of the date (default 90).
    quiet_lookback_days : int
        The key stakeholders' conversations counted (default 365).
    min_appearances, min_quiet_days, gap_multiple
        :func:`stakegraph.analytics.digest.is_quiet` (defaults 3, 30, 3.0).
    levels : tuple of str
        A key stakeholder's levels (default director and up), besides a buying role.
    keep_runs : int
        Recorded runs kept per scope (default 52, a year of weekly runs).
    """

    open_signal_days: int = 90
    renewal_days: int = 90
    quiet_lookback_days: int = 365
    min_appearances: int = 3
    min_quiet_days: int = 30
    gap_multiple: float = 3.0
    levels: tuple[str, ...] = SENIOR_STAKEHOLDER_LEVELS
    keep_runs: int = 52


@dataclass(frozen=True)
class Baseline:
    """What the digest compared against.

    ``kind`` is ``run`` (the last recorded run of the scope: ``run_id``, ``at`` = the
    analysis date it reported on, ``ran_at`` = when), ``date`` (the state reconstructed as
    of ``at``: ``--since``, or a week before the analysis date before any run) or ``none``
    (nothing analyzed). ``tiers_known`` says whether tier moves could be judged.
    """

    kind: Literal["run", "date", "none"]
    at: int | None = None
    run_id: str | None = None
    ran_at: int | None = None
    tiers_known: bool = True


@dataclass(frozen=True)
class Digest:
    scope: str
    owner_id: str | None
    analyzed_at: int | None
    baseline: Baseline
    accounts: int
    items: list[DigestItem] = field(default_factory=list)
    recorded_run: str | None = None
    # The current states (what recording the run keeps) and the scope's last run number.
    states: list[AccountState] = field(default_factory=list, repr=False)
    last_seq: int = 0

    def as_record(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "owner_id": self.owner_id,
            "analyzed_at": self.analyzed_at,
            "baseline": vars(self.baseline),
            "accounts": self.accounts,
            "recorded_run": self.recorded_run,
            "items": [item.as_record() for item in self.items],
        }


def scope_key(owner_id: str | None) -> str:
    """``all`` (leadership), or ``owner:<id>`` (one account manager's book)."""
    return ALL_SCOPE if owner_id is None else f"owner:{owner_id}"


def current_states(
    store: GraphStore, account_ids: Iterable[str] | None, options: DigestOptions
) -> list[AccountState]:
    """Each analyzed account's state as of its analysis date."""
    return _states(store, _ids(account_ids), None, options, tiers=None)


def states_as_of(
    store: GraphStore,
    account_ids: Iterable[str] | None,
    as_of: int,
    options: DigestOptions,
) -> tuple[list[AccountState], bool]:
    """Each account's state reconstructed as of ``as_of``, and whether tiers were known.

    Signals, quiet stakeholders and renewals come from the store as of that date; the risk
    tier of each account from the latest recorded run of an analysis dated on or before
    it (``None`` when no run knows the account).
    """
    tiers: dict[str, tuple[int | None, str | None]] = {}
    for run in store.query("digest/runs_until", as_of=as_of, top=options.keep_runs):
        for record in json.loads(run["state"]):
            tiers.setdefault(record["account_id"], (record["tier"], record["tier_label"]))
    states = _states(store, _ids(account_ids), as_of, options, tiers=tiers)
    return states, bool(tiers)


def build_digest(
    store: GraphStore,
    *,
    account_ids: Iterable[str] | None = None,
    owner_id: str | None = None,
    since: int | None = None,
    record: bool = False,
    options: DigestOptions | None = None,
    scope: str | None = None,
) -> Digest:
    """The changes of the accounts in ``account_ids`` (None: all) owned by ``owner_id``
    (None: any owner), against the baseline described in the package docstring.

    With ``record``, the current states are recorded as the scope's new run (the baseline
    of the next one), and runs beyond ``options.keep_runs`` are pruned. ``scope`` names the
    series of runs when it is not the owner's (the alerts keep their own).
    """
    options = options or DigestOptions()
    scope = scope or scope_key(owner_id)
    current = [
        s
        for s in current_states(store, account_ids, options)
        if owner_id is None or s.owner_id == owner_id
    ]
    analyzed_at = _analyzed_at(store, [s.account_id for s in current])
    if analyzed_at is None:
        return Digest(scope, owner_id, None, Baseline("none"), accounts=0)
    ids = [s.account_id for s in current]
    last = store.query("digest/latest_run", scope=scope)
    if since is not None or not last:
        at = since if since is not None else analyzed_at - WEEK
        before, tiers_known = states_as_of(store, ids, at, options)
        baseline = Baseline("date", at=at, tiers_known=tiers_known)
    else:
        run = last[0]
        wanted = set(ids)
        before = [
            state_from_record(r) for r in json.loads(run["state"]) if r["account_id"] in wanted
        ]
        baseline = Baseline("run", at=run["analyzed_at"], run_id=run["id"], ran_at=run["ran_at"])
    digest = Digest(
        scope,
        owner_id,
        analyzed_at,
        baseline,
        accounts=len(current),
        items=diff_states(before, current),
        states=current,
        last_seq=int(last[0]["seq"]) if last else 0,
    )
    return record_digest(store, digest, options) if record else digest


def record_digest(
    store: GraphStore, digest: Digest, options: DigestOptions | None = None
) -> Digest:
    """Record ``digest``'s states as its scope's next run (the baseline of the one after)."""
    options = options or DigestOptions()
    scope, seq = digest.scope, digest.last_seq + 1
    run_id = f"{scope}#{seq}"
    row = {
        "id": run_id,
        "scope": scope,
        "seq": seq,
        "ran_at": int(time.time()),
        "analyzed_at": digest.analyzed_at,
        "baseline": json.dumps(vars(digest.baseline), sort_keys=True),
        "items": len(digest.items),
        "state": json.dumps([s.as_record() for s in digest.states], sort_keys=True),
    }
    store.write_many(
        [
            ("digest/record_run", {"rows": [row]}),
            ("digest/prune_runs", {"scope": scope, "top": options.keep_runs}),
        ]
    )
    return replace(digest, recorded_run=run_id)


def _ids(account_ids: Iterable[str] | None) -> list[str] | None:
    return None if account_ids is None else sorted(set(account_ids))


def _analyzed_at(store: GraphStore, ids: list[str]) -> int | None:
    if not ids:
        return None
    rows = store.query("digest/account_states", account_ids=ids)
    dates = [r["analyzed_at"] for r in rows if r["analyzed_at"] is not None]
    return int(max(dates)) if dates else None


def _states(
    store: GraphStore,
    account_ids: list[str] | None,
    as_of: int | None,
    options: DigestOptions,
    *,
    tiers: dict[str, tuple[int | None, str | None]] | None,
) -> list[AccountState]:
    """States as of ``as_of`` (None: each account's analysis date; only analyzed accounts).

    With ``tiers`` (a reconstruction), tiers come from it, not from the current assessment.
    """
    accounts = store.query("digest/account_states", account_ids=account_ids)
    if as_of is None:
        accounts = [a for a in accounts if a["analyzed_at"] is not None]
    look_from = {
        a["account_id"]: int(as_of if as_of is not None else a["analyzed_at"]) for a in accounts
    }
    signals = _signals_by_account(store, account_ids, as_of, options)
    quiet = _quiet_by_account(store, account_ids, as_of, options, look_from)
    states = []
    for row in accounts:
        since = look_from[row["account_id"]]
        renewal = row["renewal_at"]
        tier, label = row["tier"], row["tier_label"]
        if tiers is not None:
            tier, label = tiers.get(row["account_id"], (None, None))
        states.append(
            AccountState(
                account_id=row["account_id"],
                name=row["name"] or row["account_id"],
                owner_id=row["owner_id"],
                owner_name=row["owner_name"],
                arr=_number(row["arr"]),
                risk_score=_number(row["risk_score"]),
                tier=None if tier is None else int(tier),
                tier_label=label,
                renewal_at=None if renewal is None else int(renewal),
                renewal_due=renewal is not None
                and since <= renewal < since + options.renewal_days * DAY,
                signals=signals.get(row["account_id"], {}),
                quiet=quiet.get(row["account_id"], {}),
            )
        )
    return states


def _signals_by_account(
    store: GraphStore, account_ids: list[str] | None, as_of: int | None, options: DigestOptions
) -> dict[str, dict[str, SignalFact]]:
    found: dict[str, dict[str, SignalFact]] = defaultdict(dict)
    for row in store.query(
        "digest/open_signals",
        account_ids=account_ids,
        as_of=as_of,
        open_window_s=options.open_signal_days * DAY,
    ):
        found[row["account_id"]][row["id"]] = SignalFact(
            id=row["id"],
            kind=row["kind"],
            at=int(row["at"]),
            severity=float(row["severity"] or 0.0),
            summary=row["summary"] or "",
            people=tuple(sorted(p for p in row["people"] if p)),
        )
    return found


def _quiet_by_account(
    store: GraphStore,
    account_ids: list[str] | None,
    as_of: int | None,
    options: DigestOptions,
    look_from: dict[str, int],
) -> dict[str, dict[str, QuietStakeholder]]:
    rows = store.query(
        "digest/key_stakeholder_activity",
        account_ids=account_ids,
        as_of=as_of,
        levels=list(options.levels),
        days=options.quiet_lookback_days,
        bulk_threshold=BULK_THRESHOLD,
    )
    found: dict[str, dict[str, QuietStakeholder]] = defaultdict(dict)
    for row in rows:
        if row["account_id"] not in look_from:
            continue
        activity = StakeholderActivity(
            person_id=row["person_id"],
            name=row["name"] or row["person_id"],
            title=row["title"] or "",
            appearances=int(row["appearances"]),
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
        )
        quiet = is_quiet(
            activity,
            as_of=look_from[row["account_id"]],
            min_appearances=options.min_appearances,
            min_quiet_days=options.min_quiet_days,
            gap_multiple=options.gap_multiple,
        )
        if quiet is not None:
            found[row["account_id"]][quiet.person_id] = quiet
    return found


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
