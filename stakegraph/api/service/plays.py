"""Plays: list, open, assign, close and measure them through :mod:`stakegraph.playbook`
(the caller's scope was checked before, by :mod:`stakegraph.api.authz`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from stakegraph import playbook
from stakegraph.analytics.plays import Play, PlayEffect, PlayKpis, outcome_choices
from stakegraph.api import schemas as s
from stakegraph.api.keys import Principal
from stakegraph.api.service.serialize import as_date, as_datetime
from stakegraph.dates import epoch_seconds
from stakegraph.errors import UnknownIdError
from stakegraph.graph.store import GraphStore


def actor(principal: Principal) -> str:
    """Who did it, as the play's history records it: the person, or the key."""
    return principal.owner_id or f"key:{principal.key_id}"


def account_plays(store: GraphStore, account_id: str, *, limit: int, offset: int) -> s.PlaysPublic:
    if not store.query("plays/account_exists", account_id=account_id):
        raise UnknownIdError("account", account_id)
    return scoped_plays(store, [account_id], None, limit=limit, offset=offset)


def scoped_plays(
    store: GraphStore,
    account_ids: Sequence[str] | None,
    status: str | None,
    *,
    limit: int,
    offset: int,
) -> s.PlaysPublic:
    """One page of the plays, newest first, and how many there are over every page."""
    page = playbook.list_plays(store, account_ids, status=status, offset=offset, limit=limit)
    effects = playbook.effects_of(store, page)
    return s.PlaysPublic(
        data=[_public(p, effects[p.id]) for p in page],
        count=playbook.count_plays(store, account_ids, status=status),
        limit=limit,
        offset=offset,
    )


def open_play(
    store: GraphStore, principal: Principal, account_id: str, body: s.PlayOpenRequest
) -> tuple[s.PlayPublic, bool]:
    play, created = playbook.open_play(
        store,
        account_id,
        kind=body.kind,
        signal_id=body.signal_id,
        assignee_id=body.assignee_id,
        note=body.note,
        request_id=body.request_id,
        by=actor(principal),
        at=_epoch(body.opened_on),
    )
    return play_public(store, play), created


def assign_play(
    store: GraphStore, principal: Principal, play: Play, body: s.PlayAssignRequest
) -> s.PlayPublic:
    assigned, _ = playbook.assign_play(store, play, body.assignee_id, by=actor(principal))
    return play_public(store, assigned)


def close_play(
    store: GraphStore, principal: Principal, play: Play, body: s.PlayCloseRequest
) -> s.PlayPublic:
    closed, _ = playbook.close_play(
        store, play, body.outcome, note=body.note, by=actor(principal), at=_epoch(body.closed_on)
    )
    return play_public(store, closed)


def kpis(store: GraphStore, account_ids: Sequence[str] | None) -> s.PlayKpisPublic:
    return kpis_public(playbook.kpis(store, account_ids))


def play_public(store: GraphStore, play: Play) -> s.PlayPublic:
    return _public(play, playbook.effects_of(store, [play])[play.id])


def kpis_public(k: PlayKpis) -> s.PlayKpisPublic:
    return s.PlayKpisPublic.model_validate(asdict(k))


def _public(play: Play, effect: PlayEffect) -> s.PlayPublic:
    return s.PlayPublic(
        id=play.id,
        account_id=play.account_id,
        account_name=play.account_name,
        kind=play.kind,
        status=play.status,  # type: ignore[arg-type]
        opened_at=as_datetime(play.opened_at),
        opened_by=play.opened_by,
        request_id=play.request_id,
        signal_id=play.signal_id,
        signal_kind=play.signal_kind,
        assignee_id=play.assignee_id,
        assignee_name=play.assignee_name,
        outcome=play.outcome,
        next_step=play.next_step,
        closed_at=as_datetime(play.closed_at) if play.closed_at is not None else None,
        note=play.note,
        close_note=play.close_note,
        outcome_choices=list(outcome_choices(play.kind)),
        history=[s.PlayEventPublic(**{**asdict(e), "at": as_datetime(e.at)}) for e in play.history],
        effect=s.PlayEffectPublic(
            baseline_window_end=as_date(effect.baseline_window_end),
            risk_score=effect.risk_score,
            risk_tier=effect.risk_tier,
            depth_score=effect.depth_score,
            after=[
                s.FollowupPublic(
                    **{
                        **asdict(f),
                        "risk_window_end": as_date(f.risk_window_end),
                        "depth_window_end": as_date(f.depth_window_end),
                    }
                )
                for f in effect.after
            ],
        ),
    )


def _epoch(day: date | None) -> int | None:
    return None if day is None else epoch_seconds(day)
