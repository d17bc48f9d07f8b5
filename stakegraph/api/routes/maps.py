"""Stakeholder maps: an account's people and ties as of a date, ready to draw."""

from __future__ import annotations

from fastapi import APIRouter

from stakegraph.api import schemas as s
from stakegraph.api import service
from stakegraph.api.deps import AccountIdPath, AsOfDep, PrincipalDep, SettingsDep, StoreDep

router = APIRouter(prefix="/api/accounts", tags=["stakeholder maps"])


@router.get("/{account_id}/map", response_model=s.StakeholderMapPublic)
def stakeholder_map(
    account_id: AccountIdPath,
    store: StoreDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    as_of: AsOfDep,
) -> s.StakeholderMapPublic:
    """People (role at the date, side, flags) and ties (strength, recency, evidence)."""
    return service.stakeholder_map(store, settings, principal, account_id, as_of)
