"""Stakeholder maps: an account's people and ties as of a date, ready to draw."""

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

router = APIRouter(prefix="/api/accounts", tags=["stakeholder maps"])


@router.get("/{account_id}/map", response_model=s.StakeholderMapPublic)
def stakeholder_map(
    account_id: AccountIdPath,
    store: StoreDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cache: CacheDep,
    as_of: AsOfDep,
) -> s.StakeholderMapPublic:
    """People (role at the date, side, flags) and ties (strength, recency, evidence)."""
    return cache.get_or_compute(
        ("map", scope_of(principal), account_id, as_of),
        lambda: service.stakeholder_map(store, settings, principal, account_id, as_of),
    )
