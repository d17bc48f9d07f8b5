"""Stakeholder maps: an account's people and ties as of a date, ready to draw."""

from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from stakegraph.api import schemas as s
from stakegraph.api import service
from stakegraph.api.deps import (
    AccountIdPath,
    AsOfDep,
    CacheDep,
    PrincipalDep,
    ReadModelDep,
    SettingsDep,
    StoreDep,
    raw_json,
    scope_of,
)

router = APIRouter(prefix="/api/accounts", tags=["stakeholder maps"])


@router.get("/{account_id}/map", response_model=s.StakeholderMapPublic)
async def stakeholder_map(
    account_id: AccountIdPath,
    store: StoreDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cache: CacheDep,
    model: ReadModelDep,
    as_of: AsOfDep,
) -> Response | s.StakeholderMapPublic:
    """People (role at the date, side, flags) and ties (strength, recency, evidence)."""
    entry = model.entry(principal, account_id) if model is not None else None
    if entry is not None and as_of in (None, entry.as_of):
        return raw_json(entry.map)
    # Another day (or no model yet): computed now, off the event loop, and cached.
    return await run_in_threadpool(
        cache.get_or_compute,
        ("map", scope_of(principal), account_id, as_of),
        lambda: service.stakeholder_map(store, settings, principal, account_id, as_of),
    )
