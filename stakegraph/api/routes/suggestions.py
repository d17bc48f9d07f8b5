"""Re-mapping suggestions: who on our side should reach which of their senior people."""

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

router = APIRouter(prefix="/api/accounts", tags=["suggestions"])


@router.get("/{account_id}/suggestions", response_model=s.SuggestionsPublic)
async def remapping_suggestions(
    account_id: AccountIdPath,
    store: StoreDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cache: CacheDep,
    model: ReadModelDep,
    as_of: AsOfDep,
) -> Response | s.SuggestionsPublic:
    """Unreached or single-threaded senior stakeholders, each with a match and a warm path."""
    entry = model.entry(principal, account_id) if model is not None else None
    if entry is not None and as_of in (None, entry.as_of):
        return raw_json(entry.suggestions)
    # Another day (or no model yet): computed now, off the event loop, and cached.
    return await run_in_threadpool(
        cache.get_or_compute,
        ("suggestions", scope_of(principal), account_id, as_of),
        lambda: service.remapping_suggestions(store, settings, principal, account_id, as_of),
    )
