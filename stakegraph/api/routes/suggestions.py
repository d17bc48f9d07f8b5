"""Re-mapping suggestions: who on our side should reach which of their senior people."""

from __future__ import annotations

from fastapi import APIRouter

from stakegraph.api import schemas as s
from stakegraph.api import service
from stakegraph.api.deps import (
    AccountIdPath,
    AsOfDep,
    CacheDep,
    PrincipalDep,
    SettingsDep,
    StoreDep,
    scope_of,
)

router = APIRouter(prefix="/api/accounts", tags=["suggestions"])


@router.get("/{account_id}/suggestions", response_model=s.SuggestionsPublic)
def remapping_suggestions(
    account_id: AccountIdPath,
    store: StoreDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cache: CacheDep,
    as_of: AsOfDep,
) -> s.SuggestionsPublic:
    """Unreached or single-threaded senior stakeholders, each with a match and a warm path."""
    return cache.get_or_compute(
        ("suggestions", scope_of(principal), account_id, as_of),
        lambda: service.remapping_suggestions(store, settings, principal, account_id, as_of),
    )
