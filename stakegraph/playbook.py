"""Plays in the store: open, assign, close, list, and measure them (docs/metrics.md, "Plays").

The one place that reads and writes ``Play`` nodes; the API (``api/service/plays.py``),
the CLI (``stakegraph plays``) and the reports call it. Every write is idempotent:

- a play's id is made from its account and the request id that opened it
  (:func:`play_id_for`), so repeating an ``open`` with the same request id returns the play
  it made the first time and writes nothing;
- assigning a play to the person it is already assigned to, and closing a closed play with
  the outcome it was closed with, change nothing; closing it with another outcome, or
  assigning a closed play, is a :class:`~stakegraph.errors.PlayStateError`.

Who may address which play is the API's authorization layer's business: ``account_ids``
parameters restrict reads to a caller's accounts (None: every account).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from stakegraph.analytics.plays import (
    DEFAULT_HORIZONS,
    Play,
    PlayEffect,
    PlayEvent,
    PlayKpis,
    play_effect,
    play_kpis,
)
from stakegraph.dates import WEEK
from stakegraph.errors import PlayLimitError, PlayRequestError, PlayStateError, UnknownIdError
from stakegraph.graph.store import GraphStore
from stakegraph.vocabulary import NEXT_STEP_FOR_OUTCOME, PLAY_FOR_SIGNAL, PLAY_OUTCOMES, PLAYS

# A bound on one account's plays, open and closed: each new request id makes a play, so
# without it one caller's loop could fill the store. A play per signal per week would take
# twenty years to reach it.
MAX_PLAYS_PER_ACCOUNT = 1000
# A caller's request id names one request (a UUID is 36 characters, a prefixed one a few
# more); every listing of the play carries it, so it is kept short.
MAX_REQUEST_ID_LENGTH = 64


def play_id_for(account_id: str, request_id: str) -> str:
    """The stable id of the play that request ``request_id`` opens on ``account_id``."""
    digest = hashlib.sha256(f"{account_id}\x1f{request_id}".encode()).hexdigest()
    return f"play-{digest[:16]}"


def default_request_id(kind: str, signal_id: str | None, at: int) -> str:
    """Without a request id, one per play kind, signal and day: the same ``open`` repeated on
    one day opens one play."""
    day = time.strftime("%Y-%m-%d", time.gmtime(at))
    return f"{kind}:{signal_id or '-'}:{day}"


def open_play(
    store: GraphStore,
    account_id: str,
    *,
    kind: str | None = None,
    signal_id: str | None = None,
    assignee_id: str | None = None,
    note: str | None = None,
    request_id: str | None = None,
    by: str | None = None,
    at: int | None = None,
) -> tuple[Play, bool]:
    """Open a play on an account; ``(play, created)``.

    ``kind`` defaults to the play the signal prescribes (``PLAY_FOR_SIGNAL``); the signal
    must be one of the account's. ``at`` (epoch seconds; default now) may record a play
    run earlier. With an ``assignee_id`` (a person of our side), it is assigned at once.
    """
    at = int(time.time()) if at is None else int(at)
    if not store.query("plays/account_exists", account_id=account_id):
        raise UnknownIdError("account", account_id)
    signal = None
    if signal_id is not None:
        rows = store.query("plays/account_signal", account_id=account_id, signal_id=signal_id)
        if not rows:
            raise PlayRequestError(
                f"signal {signal_id!r} not found on account {account_id!r}", field="signal_id"
            )
        signal = rows[0]
    if kind is None:
        if signal is None:
            raise PlayRequestError("give the play's kind, or the signal it answers", field="kind")
        kind = PLAY_FOR_SIGNAL[signal["kind"]]
    if kind not in PLAYS:
        raise PlayRequestError(f"unknown play {kind!r} (one of {', '.join(PLAYS)})", field="kind")
    if assignee_id is not None:
        _our_person(store, assignee_id)
    if request_id is not None and len(request_id) > MAX_REQUEST_ID_LENGTH:
        raise PlayRequestError(
            f"request id of {len(request_id)} characters (at most {MAX_REQUEST_ID_LENGTH})",
            field="request_id",
        )
    request_id = request_id or default_request_id(kind, signal_id, at)
    play_id = play_id_for(account_id, request_id)
    existing = _get(store, play_id, None)
    if existing is not None:
        if (existing.kind, existing.signal_id) != (kind, signal_id):
            raise PlayStateError(
                f"request id {request_id!r} already opened play {play_id} "
                f"({existing.kind}) on this account",
                play_id=play_id,
            )
        return existing, False
    if count_plays(store, [account_id]) >= MAX_PLAYS_PER_ACCOUNT:
        raise PlayLimitError(
            f"account {account_id!r} already holds as many plays as an account may "
            f"(at most {MAX_PLAYS_PER_ACCOUNT}): no new play can be opened on it"
        )
    statements: list[tuple[str, dict[str, Any]]] = [
        (
            "plays/merge_play",
            {
                "id": play_id,
                "account_id": account_id,
                "kind": kind,
                "signal_id": signal_id,
                "request_id": request_id,
                "at": at,
                "by": by,
                "note": note,
                "event": _event(PlayEvent("open", at, by=by, note=note)),
            },
        )
    ]
    if signal_id is not None:
        statements.append(("plays/link_signal", {"id": play_id, "signal_id": signal_id}))
    if assignee_id is not None:
        statements += _assign_statements(play_id, assignee_id, at, by)
    summary = store.write_many(statements)
    play = _get(store, play_id, None)
    assert play is not None, play_id
    return play, summary.nodes_created > 0


def assign_play(
    store: GraphStore, play: Play, person_id: str, *, by: str | None = None, at: int | None = None
) -> tuple[Play, bool]:
    """Assign an open play to a person of our side; ``(play, changed)``."""
    _our_person(store, person_id)
    if play.assignee_id == person_id:
        return play, False
    if play.status != "open":
        raise PlayStateError(f"play {play.id} is closed: it cannot be assigned", play_id=play.id)
    at = int(time.time()) if at is None else int(at)
    store.write_many(_assign_statements(play.id, person_id, at, by))
    return _reread(store, play), True


def close_play(
    store: GraphStore,
    play: Play,
    outcome: str,
    *,
    note: str | None = None,
    by: str | None = None,
    at: int | None = None,
) -> tuple[Play, bool]:
    """Close an open play with an outcome of its kind; ``(play, changed)``."""
    choices = PLAY_OUTCOMES[play.kind]
    if outcome not in choices:
        raise PlayRequestError(
            f"outcome {outcome!r} is not one of a {play.kind} play's: {', '.join(choices)}",
            field="outcome",
        )
    if play.status == "closed":
        if play.outcome == outcome:
            return play, False
        raise PlayStateError(
            f"play {play.id} was already closed as {play.outcome!r}", play_id=play.id
        )
    at = int(time.time()) if at is None else int(at)
    if at < play.opened_at:
        raise PlayRequestError("a play cannot close before it opened", field="closed_on")
    store.write(
        "plays/close_play",
        id=play.id,
        outcome=outcome,
        next_step=NEXT_STEP_FOR_OUTCOME.get(outcome),
        at=at,
        note=note,
        event=_event(PlayEvent("closed", at, by=by, outcome=outcome, note=note)),
    )
    return _reread(store, play), True


def get_play(store: GraphStore, play_id: str, account_ids: Sequence[str] | None) -> Play:
    """The play, when it belongs to one of ``account_ids`` (None: any); else not found."""
    play = _get(store, play_id, account_ids)
    if play is None:
        raise UnknownIdError("play", play_id)
    return play


def list_plays(
    store: GraphStore,
    account_ids: Sequence[str] | None,
    *,
    status: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[Play]:
    """Plays of ``account_ids`` (None: every account), newest first; with ``limit``, the
    ``limit`` plays after the first ``offset`` (a page: :func:`count_plays` counts them all)."""
    scope = None if account_ids is None else sorted(account_ids)
    if limit is None:
        rows = store.query("plays/list_plays", account_ids=scope, status=status)[offset:]
    else:
        rows = store.query(
            "plays/list_plays_page", account_ids=scope, status=status, offset=offset, limit=limit
        )
    return [_play(row) for row in rows]


def count_plays(
    store: GraphStore, account_ids: Sequence[str] | None, *, status: str | None = None
) -> int:
    """How many plays :func:`list_plays` lists over every page."""
    scope = None if account_ids is None else sorted(account_ids)
    (row,) = store.query("plays/count_plays", account_ids=scope, status=status)
    return int(row["plays"])


def effects_of(
    store: GraphStore,
    plays: Iterable[Play],
    *,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    step: int = WEEK,
) -> dict[str, PlayEffect]:
    """Each play's effect, measured on its account's snapshots."""
    plays = list(plays)
    snapshots: dict[str, list[dict[str, Any]]] = {}
    if plays:
        rows = store.query(
            "plays/play_snapshots", account_ids=sorted({p.account_id for p in plays})
        )
        for row in rows:
            snapshots.setdefault(row["account_id"], []).append(row)
    return {
        p.id: play_effect(p, snapshots.get(p.account_id, []), horizons=horizons, step=step)
        for p in plays
    }


def kpis(
    store: GraphStore,
    account_ids: Sequence[str] | None,
    *,
    since: int | None = None,
    until: int | None = None,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
) -> PlayKpis:
    """The play KPIs over the plays of ``account_ids`` opened in ``[since, until)``."""
    plays = [
        p
        for p in list_plays(store, account_ids)
        if (since is None or p.opened_at >= since) and (until is None or p.opened_at < until)
    ]
    return play_kpis(plays, effects_of(store, plays, horizons=horizons), horizons=horizons)


def as_dict(value: Any) -> dict[str, Any]:
    """A play, effect or KPI record as plain JSON-ready data."""
    return asdict(value)


def _our_person(store: GraphStore, person_id: str) -> None:
    if not store.query("plays/our_person", person_id=person_id):
        raise PlayRequestError(f"person {person_id!r} is not one of ours", field="assignee_id")


def _assign_statements(
    play_id: str, person_id: str, at: int, by: str | None
) -> list[tuple[str, dict[str, Any]]]:
    event = _event(PlayEvent("assigned", at, by=by, assignee_id=person_id))
    return [
        ("plays/unassign_play", {"id": play_id}),
        ("plays/assign_play", {"id": play_id, "person_id": person_id, "event": event}),
    ]


def _event(event: PlayEvent) -> str:
    return json.dumps({k: v for k, v in asdict(event).items() if v is not None}, sort_keys=True)


def _get(store: GraphStore, play_id: str, account_ids: Sequence[str] | None) -> Play | None:
    rows = store.query(
        "plays/get_play",
        id=play_id,
        account_ids=None if account_ids is None else sorted(account_ids),
    )
    return _play(rows[0]) if rows else None


def _reread(store: GraphStore, play: Play) -> Play:
    fresh = _get(store, play.id, None)
    assert fresh is not None, play.id
    return fresh


def _play(row: dict[str, Any]) -> Play:
    p = row["play"]
    history = tuple(PlayEvent(**json.loads(text)) for text in p.get("history") or [])
    return Play(
        id=p["id"],
        account_id=p["account_id"],
        kind=p["kind"],
        status=p["status"],
        opened_at=int(p["opened_epoch"]),
        account_name=row.get("account_name"),
        opened_by=p.get("opened_by"),
        request_id=p.get("request_id"),
        signal_id=p.get("signal_id"),
        signal_kind=row.get("signal_kind"),
        assignee_id=p.get("assignee_id"),
        assignee_name=row.get("assignee_name"),
        outcome=p.get("outcome"),
        next_step=p.get("next_step"),
        closed_at=int(p["closed_epoch"]) if p.get("closed_epoch") is not None else None,
        note=p.get("note"),
        close_note=p.get("close_note"),
        opened_risk_score=p.get("opened_risk_score"),
        opened_risk_tier=p.get("opened_risk_tier"),
        history=history,  # in the order it happened (appended), whatever dates were given
    )
