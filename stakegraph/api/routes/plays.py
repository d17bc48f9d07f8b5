"""Plays: opened on an account, assigned to one of ours, closed with an outcome, measured.

Reading is open to every role (scoped: an account manager sees the plays of their own
accounts); opening, assigning and closing to account managers (on their own accounts),
leaders and admins. Analysts read plays and their KPIs but change none (docs/api.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool

from stakegraph.api import schemas as s
from stakegraph.api.authz import AuthorizedAccount, AuthorizedPlay, ScopeDep
from stakegraph.api.deps import ComputedViewTurn, StoreDep, check_date_range, require
from stakegraph.api.errors import InvalidRequestError
from stakegraph.api.keys import Principal, Role
from stakegraph.api.service import plays

# Every play route computes per request (a play's effect reads its account's risk 4, 8 and
# 12 windows on; the KPIs read every play's): in the caller's key's turn
# (stakegraph.api.deps.key_turn), so that one key's many requests at once cannot hold the
# server's worker threads.
router = APIRouter(tags=["plays"], dependencies=[ComputedViewTurn])

# Account managers (their accounts: the authorization layer checks), leaders, admins.
PlayWriterDep = Annotated[Principal, Depends(require(Role.ACCOUNT_MANAGER, Role.LEADER))]

# A page of plays: a play with its history, notes and effect is up to a few KB, and one
# account manager may hold 1,000 per account, so a list is never answered whole.
DEFAULT_PAGE, MAX_PAGE = 50, 200
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="plays per page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="plays skipped (newest first)")]


def _check_day(name: str, day: date | None) -> None:
    """A play's day records what was done: not before our dates begin, not in the future
    (tomorrow, UTC, still passes: a caller east of UTC may already be there)."""
    if day is None:
        return
    check_date_range(name, day)
    latest = datetime.now(UTC).date() + timedelta(days=1)
    if day > latest:
        raise InvalidRequestError(
            f"{name} {day.isoformat()} is in the future (a play records what was done)"
        )


@router.get("/api/accounts/{account_id}/plays", response_model=s.PlaysPublic)
async def account_plays(
    account_id: AuthorizedAccount, store: StoreDep, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> s.PlaysPublic:
    """A page of the account's plays, newest first, each with its history and effect."""
    return await run_in_threadpool(
        lambda: plays.account_plays(store, account_id, limit=limit, offset=offset)
    )


@router.post(
    "/api/accounts/{account_id}/plays",
    response_model=s.PlayPublic,
    status_code=201,
    responses={200: {"model": s.PlayPublic, "description": "the request id was seen: its play"}},
)
async def open_play(
    account_id: AuthorizedAccount,
    principal: PlayWriterDep,
    store: StoreDep,
    body: s.PlayOpenRequest,
    response: Response,
) -> s.PlayPublic:
    """Open a play (201), or return the play this request id opened before (200)."""
    _check_day("opened_on", body.opened_on)
    play, created = await run_in_threadpool(plays.open_play, store, principal, account_id, body)
    if not created:
        response.status_code = 200
    return play


@router.get("/api/plays", response_model=s.PlaysPublic)
async def list_plays(
    store: StoreDep,
    scope: ScopeDep,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
) -> s.PlaysPublic:
    """A page of the plays the caller may see, newest first, and how many there are."""
    accounts = None if scope.accounts is None else sorted(scope.accounts)
    return await run_in_threadpool(
        lambda: plays.scoped_plays(store, accounts, status, limit=limit, offset=offset)
    )


@router.get("/api/plays/kpis", response_model=s.PlayKpisPublic)
async def play_kpis(store: StoreDep, scope: ScopeDep) -> s.PlayKpisPublic:
    """Plays opened, outcomes, and the risk of their accounts 4, 8 and 12 windows later."""
    accounts = None if scope.accounts is None else sorted(scope.accounts)
    return await run_in_threadpool(plays.kpis, store, accounts)


@router.get("/api/plays/{play_id}", response_model=s.PlayPublic)
async def get_play(play: AuthorizedPlay, store: StoreDep) -> s.PlayPublic:
    """One play with its dated history and effect."""
    return await run_in_threadpool(plays.play_public, store, play)


@router.post("/api/plays/{play_id}/assign", response_model=s.PlayPublic)
async def assign_play(
    play: AuthorizedPlay, principal: PlayWriterDep, store: StoreDep, body: s.PlayAssignRequest
) -> s.PlayPublic:
    """Assign the play to a person of our side (the same person again changes nothing)."""
    return await run_in_threadpool(plays.assign_play, store, principal, play, body)


@router.post("/api/plays/{play_id}/close", response_model=s.PlayPublic)
async def close_play(
    play: AuthorizedPlay, principal: PlayWriterDep, store: StoreDep, body: s.PlayCloseRequest
) -> s.PlayPublic:
    """Close the play with an outcome of its kind (the same outcome again changes nothing)."""
    _check_day("closed_on", body.closed_on)
    return await run_in_threadpool(plays.close_play, store, principal, play, body)
