"""Stakeholder maps: an account's people and ties as of a date, ready to draw."""

from __future__ import annotations

from fastapi import APIRouter, Response

from stakegraph.api import schemas as s
from stakegraph.api.deps import (
    AccountIdPath,
    AsOfDep,
    CacheDep,
    PrincipalDep,
    ReadModelDep,
    SettingsDep,
    StoreDep,
    dated_account_view,
)
from stakegraph.api.service import maps

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
    return await dated_account_view(
        "map",
        model=model,
        cache=cache,
        principal=principal,
        account_id=account_id,
        as_of=as_of,
        compute=lambda: maps.stakeholder_map(store, settings, principal, account_id, as_of),
    )
