"""Re-mapping suggestions: who on our side should reach which of their senior people."""

from __future__ import annotations

from fastapi import APIRouter, Response

from stakegraph.api import schemas as s
from stakegraph.api.authz import AuthorizedAccount
from stakegraph.api.deps import (
    AsOfDep,
    CacheDep,
    KeyTurnDep,
    ReadModelDep,
    SettingsDep,
    StoreDep,
    dated_account_view,
)
from stakegraph.api.service import suggestions

router = APIRouter(prefix="/api/accounts", tags=["suggestions"])


@router.get("/{account_id}/suggestions", response_model=s.SuggestionsPublic)
async def remapping_suggestions(
    account_id: AuthorizedAccount,
    store: StoreDep,
    settings: SettingsDep,
    cache: CacheDep,
    model: ReadModelDep,
    as_of: AsOfDep,
    turn: KeyTurnDep,
) -> Response | s.SuggestionsPublic:
    """Unreached or single-threaded senior stakeholders, each with a match and a warm path."""
    return await dated_account_view(
        "suggestions",
        model=model,
        cache=cache,
        account_id=account_id,
        as_of=as_of,
        turn=turn,
        compute=lambda: suggestions.remapping_suggestions(store, settings, account_id, as_of),
    )
