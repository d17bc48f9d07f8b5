"""Stakeholder maps: an account's people and ties as of a date, ready to draw."""

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
from stakegraph.api.service import maps

router = APIRouter(prefix="/api/accounts", tags=["stakeholder maps"])


@router.get("/{account_id}/map", response_model=s.StakeholderMapPublic)
async def stakeholder_map(
    account_id: AuthorizedAccount,
    store: StoreDep,
    settings: SettingsDep,
    cache: CacheDep,
    model: ReadModelDep,
    as_of: AsOfDep,
    turn: KeyTurnDep,
) -> Response | s.StakeholderMapPublic:
    """People (role at the date, side, flags) and ties (strength, recency, evidence)."""
    return await dated_account_view(
        "map",
        model=model,
        cache=cache,
        account_id=account_id,
        as_of=as_of,
        turn=turn,
        compute=lambda: maps.stakeholder_map(store, settings, account_id, as_of),
    )
