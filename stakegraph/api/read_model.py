"""The read model: every answer that does not depend on the caller, computed once, in memory.

The account list, an account's detail, and its stakeholder map and re-mapping suggestions
as of its analysis date change only when ``stakegraph ingest`` or ``stakegraph analyze``
writes to the store, yet computing them per request costs several store round trips and a
tie computation each (docs/api.md, "Performance"). So the API loads every account's data
with a few bulk reads (:func:`stakegraph.api.service.network.fetch_windows`), computes those
answers with the same functions the per-request path uses, and keeps them as JSON bytes.
A request then only checks who may see what and copies bytes out.

Freshness: :class:`ReadModelHolder` checks a cheap fingerprint of the store (``api/
model_stamp``: accounts, analysis dates, risk sums, import runs) every ``poll_s`` seconds
and rebuilds in the background when it changed, or when the model is older than
``max_age_s`` whatever the fingerprint says; the old model serves until the new one is
complete, then is swapped in whole. Who owns each account decides what an account manager
sees, so it is read at every check (``api/account_owners``) and a changed owner is applied
to the serving model at once, before a rebuild: an account given to another owner stops
being shown to the old one within one poll, not after a build of up to a minute. Anything
the model does not hold (an account created since the last build, a map as of another day,
departure impact) is computed per request.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from stakegraph.api.keys import Principal
from stakegraph.api.service import accounts, maps, network, suggestions
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

log = logging.getLogger(__name__)

SORTS = tuple(f"{sign}{name}" for name in accounts.SORT_FIELDS for sign in ("", "-"))


@dataclass(frozen=True)
class AccountEntry:
    """One account's precomputed answers (JSON) and what access and filters look at."""

    id: str
    owner_id: str | None
    segment: str | None
    risk_tier: int | None
    as_of: date  # the day of the precomputed map and suggestions
    row: bytes  # AccountPublic
    detail: bytes  # AccountDetailPublic
    map: bytes  # StakeholderMapPublic
    suggestions: bytes  # SuggestionsPublic


@dataclass(frozen=True)
class ReadModel:
    """Every account's answers as of one state of the store (immutable once built)."""

    stamp: tuple[Hashable, ...]
    accounts: Mapping[str, AccountEntry]
    orders: Mapping[str, tuple[str, ...]]  # sort parameter -> account ids in that order
    built_at: float  # time.monotonic() when the build finished
    build_s: float

    def entry(self, account_id: str) -> AccountEntry | None:
        """The account's answers, or None when the model does not hold it (ask the store).

        Only for an account the caller may see: :mod:`stakegraph.api.authz` decided that.
        """
        return self.accounts.get(account_id)

    def page(
        self,
        principal: Principal,
        *,
        segment: str | None,
        tier: int | None,
        owner_id: str | None,
        sort: str,
        limit: int,
        offset: int,
    ) -> bytes:
        """One page of the account list as ``AccountsPublic`` JSON (semantics of
        :func:`stakegraph.api.service.accounts.list_accounts`)."""
        if not principal.sees_all_accounts:
            if owner_id is not None and owner_id != principal.owner_id:
                return _page_json([], 0, limit, offset)
            owner_id = principal.owner_id
        matching = [
            entry
            for entry in (self.accounts[i] for i in self.orders[sort])
            if (segment is None or entry.segment == segment)
            and (tier is None or entry.risk_tier == tier)
            and (owner_id is None or entry.owner_id == owner_id)
        ]
        rows = [entry.row for entry in matching[offset : offset + limit]]
        return _page_json(rows, len(matching), limit, offset)


def _page_json(rows: list[bytes], count: int, limit: int, offset: int) -> bytes:
    # Rows are already JSON: joining bytes is what makes a page cost microseconds.
    return b'{"data":[%s],"count":%d,"limit":%d,"offset":%d}' % (
        b",".join(rows),
        count,
        limit,
        offset,
    )


def read_stamp(store: GraphStore) -> tuple[Hashable, ...]:
    """The store's fingerprint: it changes when an analysis or an import writes."""
    rows = store.query("api/model_stamp")
    row = rows[0] if rows else {}
    return tuple(
        _hashable(row.get(k))
        for k in (
            "accounts",
            "analyzed_at",
            "risk_sum",
            "tier_sum",
            "imports",
            "imported_at",
            "finished_at",
        )
    )


def _hashable(value: Any) -> Hashable:
    # A float sum read twice from an unchanged store is the same float; rounding only
    # guards against a backend summing in a different order.
    return round(value, 9) if isinstance(value, float) else value


def build_read_model(
    store: GraphStore, settings: ApiSettings, *, stamp: tuple[Hashable, ...] | None = None
) -> ReadModel:
    """Read every account's data in a few bulk queries and compute its answers."""
    started = time.perf_counter()
    stamp = read_stamp(store) if stamp is None else stamp
    open_window_s = settings.open_signal_days * network.DAY
    rows = store.query("api/model_accounts", open_window_s=open_window_s)
    snapshots: dict[str, list[dict[str, Any]]] = {}
    for r in store.query("api/model_snapshots"):
        snapshots.setdefault(r["account_id"], []).append(r["snapshot"])
    signals: dict[str, list[dict[str, Any]]] = {}
    for r in store.query("api/model_signals", open_window_s=open_window_s):
        signals.setdefault(r["account_id"], []).append(r)
    history: dict[str, list[dict[str, Any]]] = {}
    for r in store.query("api/model_signal_history"):
        history.setdefault(r["account_id"], []).append(r)
    # Spans for every account, and each account's own: an account reads only its share.
    spans: dict[str | None, list[dict[str, Any]]] = {}
    for r in store.query("api/coverage", account_ids=None):
        spans.setdefault(r["account_id"], []).append(r)
    days = accounts.default_days(store, rows)
    networks = network.build_networks(
        network.fetch_windows(
            store,
            days,
            window_days=settings.tie_window_days,
            history_days=settings.warm_history_days,
        )
    )
    entries: dict[str, AccountEntry] = {}
    for r in rows:
        account_snapshots = snapshots.get(r["id"], [])
        net = networks[r["id"]]
        entries[r["id"]] = AccountEntry(
            id=r["id"],
            owner_id=r["owner_id"],
            segment=r["segment"],
            risk_tier=r["risk_tier"],
            as_of=days[r["id"]],
            row=accounts.account_public(r, account_snapshots).model_dump_json().encode(),
            detail=accounts.detail_public(
                r,
                account_snapshots,
                signals.get(r["id"], []),
                history.get(r["id"], []),
                accounts.coverage_of(spans.get(None, []) + spans.get(r["id"], []), r["id"]),
            )
            .model_dump_json()
            .encode(),
            map=maps.map_public(net).model_dump_json().encode(),
            suggestions=suggestions.suggestions_public(net).model_dump_json(by_alias=True).encode(),
        )
    orders = {sort: tuple(r["id"] for r in accounts.sorted_rows(rows, sort)) for sort in SORTS}
    return ReadModel(
        stamp=stamp,
        accounts=entries,
        orders=orders,
        built_at=time.monotonic(),
        build_s=time.perf_counter() - started,
    )


class ReadModelHolder:
    """Keeps the current :class:`ReadModel` and rebuilds it when the store changes.

    ``model`` is None until the first build completes (requests are then answered per
    request). Builds run one at a time; readers never wait for one.
    """

    def __init__(
        self,
        store: Callable[[], GraphStore],
        settings: ApiSettings,
        *,
        on_swap: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._on_swap = on_swap
        self._build_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()
        self.model: ReadModel | None = None

    @property
    def state(self) -> Literal["ready", "warming"]:
        """``ready`` once a model serves, ``warming`` before."""
        return "ready" if self.model is not None else "warming"

    def refresh(self, *, force: bool = False) -> bool:
        """Rebuild when the store's fingerprint changed or the model is too old; True if it did.

        First, the serving model takes the store's current owners (:meth:`_with_owners`).
        """
        with self._build_lock:
            store = self._store()
            stamp = read_stamp(store)
            current = self.model
            if current is not None:
                current = self._with_owners(store, current)
            max_age = self._settings.read_model_max_age_s
            if (
                not force
                and current is not None
                and current.stamp == stamp
                and not (max_age > 0 and time.monotonic() - current.built_at > max_age)
            ):
                return False
            model = build_read_model(store, self._settings, stamp=stamp)
            self.model = model  # one reference assignment: readers see old or new, whole
            del current  # the previous model is freed now, not frozen below
            self.ready.set()
            self._on_swap()
            # Everything alive now (modules, the driver, this model) lives as long as the
            # process. A full collection scans it all: ~100 ms with the GIL held, measured
            # once per few thousand requests, which was the p99. Collect once here, then
            # exempt what is left from later collections.
            gc.collect()
            gc.freeze()
            log.info("read model: %d accounts built in %.1f s", len(model.accounts), model.build_s)
            return True

    def _with_owners(self, store: GraphStore, model: ReadModel) -> ReadModel:
        """``model`` with each account's owner as the store holds it now, swapped in when
        one changed (the answers stay the build's until the next one)."""
        owners = {r["id"]: r["owner_id"] for r in store.query("api/account_owners")}
        moved = {
            account_id: replace(entry, owner_id=owners[account_id])
            for account_id, entry in model.accounts.items()
            if account_id in owners and owners[account_id] != entry.owner_id
        }
        if not moved:
            return model
        model = replace(model, accounts={**model.accounts, **moved})
        self.model = model
        self._on_swap()
        log.info("read model: %d accounts changed owner", len(moved))
        return model

    def start(self) -> None:
        """Build now and then keep checking, in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="read-model", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self) -> None:
        poll_s = self._settings.read_model_poll_s
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception:  # a store that is down now may be back at the next check
                log.exception("read model: refresh failed; serving the previous one")
            if poll_s <= 0 and self.model is not None:
                return  # checked at start-up only
            # After a failure with no model yet, retry even when polling is off.
            self._stop.wait(poll_s if poll_s > 0 else 5.0)
