"""Dependencies of the route handlers, as ``Annotated`` aliases.

They are ``async`` because they only read app state: FastAPI runs a plain ``def``
dependency in its thread pool, a hop that costs more than the work itself.

``StoreDep`` is the app's one :class:`GraphStore`; ``SettingsDep`` the API settings;
``PrincipalDep`` the caller behind ``X-API-Key`` (401 without a valid one). Role checks
are small dependencies too, so a route states who may call it in its signature.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import Depends, Path, Query, Request, Response, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from stakegraph.api.cache import ResponseCache
from stakegraph.api.errors import (
    BusyError,
    InvalidRequestError,
    NotAuthenticatedError,
    PermissionDeniedError,
    RateLimitedError,
)
from stakegraph.api.keys import KeyRing, Principal, Role
from stakegraph.api.limits import RateLimits
from stakegraph.api.read_model import ReadModel, ReadModelHolder
from stakegraph.api.schemas import Day
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

T = TypeVar("T")
log = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-Key"
# auto_error=False: a missing key is our NotAuthenticatedError (401 with a clear message).
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="An API key.")


async def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


async def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


async def get_principal(
    request: Request,
    presented: Annotated[str | None, Security(_api_key)] = None,
) -> Principal:
    """The caller behind the presented key (:func:`identify`); every request of a key is
    counted against its rate limit (:mod:`.limits`)."""
    principal = identify(request.app.state, presented, request.client)
    limits: RateLimits = request.app.state.rate_limits
    if limits.per_key is not None and (wait := limits.per_key.take(principal.key_id)):
        raise RateLimitedError(
            f"too many requests with this API key (limit {limits.per_key.per_minute} a "
            "minute); try again later",
            retry_after_s=wait,
        )
    return principal


def identify(state: Any, presented: str | None, client: Any) -> Principal:
    """Whose key ``presented`` is, for the app's ``state`` (its key ring and limits):
    :class:`NotAuthenticatedError` without a valid one, and every invalid key counted
    against its address (``client``: the ASGI client, host first), which past its limit is
    :class:`RateLimitedError`. Asked by every route (:func:`get_principal`) and, before a
    request's body is read, by the HTTP edge: nobody without a key gets a body parsed."""
    if not presented:
        raise NotAuthenticatedError(f"missing API key: send it in the {API_KEY_HEADER} header")
    ring: KeyRing = state.key_ring
    principal = ring.authenticate(presented)
    if principal is not None:
        return principal
    limits: RateLimits = state.rate_limits
    address = client[0] if client else "unknown"
    wait = limits.failures.take(address) if limits.failures else 0.0
    if wait:
        log.warning("rate limit: too many invalid API keys from %s", address)
        raise RateLimitedError(
            "too many invalid API keys from this address; try again later",
            retry_after_s=wait,
        )
    raise NotAuthenticatedError("invalid, revoked or expired API key")


async def get_cache(request: Request) -> ResponseCache:
    cache: ResponseCache = request.app.state.cache
    return cache


async def get_impact_slots(request: Request) -> anyio.CapacityLimiter:
    """The slots of departure-impact computations (``STAKEGRAPH_IMPACT_CONCURRENCY``): a
    request waits for one without holding a worker thread."""
    slots: anyio.CapacityLimiter = request.app.state.impact_slots
    return slots


async def get_read_model(request: Request) -> ReadModel | None:
    """The current read model; None while it warms up or when it is turned off."""
    holder: ReadModelHolder | None = request.app.state.read_model
    return holder.model if holder is not None else None


StoreDep = Annotated[GraphStore, Depends(get_store)]
ReadModelDep = Annotated[ReadModel | None, Depends(get_read_model)]
CacheDep = Annotated[ResponseCache, Depends(get_cache)]
ImpactSlotsDep = Annotated[anyio.CapacityLimiter, Depends(get_impact_slots)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def one_impact_per_key(request: Request, principal: PrincipalDep) -> AsyncIterator[None]:
    """A key computes one departure impact at a time (429 for a second meanwhile).

    Before, each request waited for a slot inside a worker thread: one account manager's
    80 requests at once held all of the thread pool's 40 threads, and every other caller's
    request that needs one (Cypher, plays, KPIs) waited 41 s.
    """
    busy: set[str] = request.app.state.impact_callers
    if principal.key_id in busy:
        raise BusyError(
            "your previous departure-impact request is still being computed; a key "
            "computes one at a time"
        )
    busy.add(principal.key_id)
    try:
        yield
    finally:
        busy.discard(principal.key_id)


OneImpactPerKey = Depends(one_impact_per_key)


async def key_turn(request: Request, principal: PrincipalDep) -> anyio.Lock:
    """The caller's key's turn at views computed per request in the thread pool: held by
    one such computation of the key at a time, awaited (no worker thread) by the others.

    Before, one key's requests at once held the pool's 40 threads and everyone else's
    request that needs one waited: one leader key's 60 KPI sheets (other periods, so that
    the cache answered none, well within the rate limit) made an admin's map of another day
    wait 67 s instead of 0.11 s, and one account manager's 200 suggestions of other days
    made another key's play KPIs wait 6.8 s instead of 0.07 s (measured against a running
    server, 40-account demo, load average 9-13). Waiting rather than 429: the web app does
    not retry, and asks again when a period or a day changes while one is computing.
    """
    turns: dict[str, anyio.Lock] = request.app.state.key_turns
    turn = turns.get(principal.key_id)
    if turn is None:
        turn = turns[principal.key_id] = anyio.Lock()
    return turn


KeyTurnDep = Annotated[anyio.Lock, Depends(key_turn)]


async def computed_view_turn(turn: KeyTurnDep) -> AsyncIterator[None]:
    """Holds the key's turn for the whole request (the KPI sheet, the digest, the monthly
    report: computed per request, whatever the parameters)."""
    async with turn:
        yield


ComputedViewTurn = Depends(computed_view_turn)


def scope_of(principal: Principal) -> str:
    """What a caller may see, as a cache-key part: everything, or one owner's accounts."""
    return "*" if principal.sees_all_accounts else f"owner:{principal.owner_id}"


def require(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through ``roles`` (and admin), 403 for everyone else."""
    allowed = ", ".join(r.value for r in (*roles, Role.ADMIN))

    async def check(principal: PrincipalDep) -> Principal:
        if not principal.may(*roles):
            raise PermissionDeniedError(
                f"the {principal.role.value} role may not do this (allowed: {allowed})",
                role=principal.role.value,
            )
        return principal

    return check


LeaderDep = Annotated[Principal, Depends(require(Role.LEADER))]
AnalystDep = Annotated[Principal, Depends(require(Role.ANALYST))]


# --- shared parameters ----------------------------------------------------------------------

AccountIdPath = Annotated[str, Path(min_length=1, max_length=200, description="account id")]

# Dates outside this range cannot be real relationship data, and far ones overflow.
EARLIEST_DATE = date(1971, 1, 1)
LATEST_DATE = date(2200, 12, 31)


async def get_as_of(
    as_of: Annotated[
        Day | None,
        Query(description="YYYY-MM-DD; default: the account's last analysis date"),
    ] = None,
) -> date | None:
    check_date_range("as_of", as_of)
    return as_of


def check_date_range(name: str, day: date | None) -> None:
    """Every day a caller sends lies in ``[EARLIEST_DATE, LATEST_DATE]`` (None passes)."""
    if day is not None and not (EARLIEST_DATE <= day <= LATEST_DATE):
        raise InvalidRequestError(
            f"{name} {day.isoformat()} is out of range ({EARLIEST_DATE} to {LATEST_DATE})"
        )


AsOfDep = Annotated[date | None, Depends(get_as_of)]


def raw_json(body: bytes) -> Response:
    """An answer already serialized (by the read model): FastAPI passes a Response through
    without validating or encoding it again."""
    return Response(content=body, media_type="application/json")


async def dated_account_view(
    view: Literal["map", "suggestions"],
    *,
    model: ReadModel | None,
    cache: ResponseCache,
    account_id: str,
    as_of: date | None,
    compute: Callable[[], T],
    turn: anyio.Lock,
) -> Response | T:
    """An account's map or suggestions: precomputed for the model's own day, else computed.

    Another day (or no model yet) is computed off the event loop and cached, in the
    caller's key's turn (:func:`key_turn`; the precomputed answer needs none). The caller
    may see ``account_id`` (:data:`stakegraph.api.authz.AuthorizedAccount` checked it), and
    the answer is the same for everyone who may.
    """
    entry = model.entry(account_id) if model is not None else None
    if entry is not None and as_of in (None, entry.as_of):
        return raw_json(getattr(entry, view))
    async with turn:
        return await run_in_threadpool(cache.get_or_compute, (view, account_id, as_of), compute)
