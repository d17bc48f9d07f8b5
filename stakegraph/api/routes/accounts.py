"""Accounts: the portfolio list and one account's scores, signals and timeline."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from stakegraph.api import schemas as s
from stakegraph.api.authz import AuthorizedAccount
from stakegraph.api.deps import (
    CacheDep,
    PrincipalDep,
    ReadModelDep,
    SettingsDep,
    StoreDep,
    raw_json,
    scope_of,
)
from stakegraph.api.service import accounts

router = APIRouter(prefix="/api/accounts", tags=["accounts"])

SortField = Literal[
    "name", "-name", "segment", "-segment", "arr", "-arr", "renewal_date", "-renewal_date",
    "risk_score", "-risk_score", "risk_tier", "-risk_tier", "open_signals", "-open_signals",
]  # fmt: skip


@router.get("", response_model=s.AccountsPublic)
async def list_accounts(
    store: StoreDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    cache: CacheDep,
    model: ReadModelDep,
    segment: Annotated[str | None, Query(max_length=100, description="exact segment")] = None,
    tier: Annotated[int | None, Query(ge=1, le=5, description="risk tier 1-5")] = None,
    owner: Annotated[str | None, Query(max_length=200, description="owner person id")] = None,
    sort: Annotated[
        SortField, Query(description="field to sort by; a leading '-' sorts descending")
    ] = "-risk_score",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response | s.AccountsPublic:
    """Accounts with risk, tier, trend and open signals (account managers: their own)."""
    if model is not None:
        return raw_json(
            model.page(
                principal,
                segment=segment,
                tier=tier,
                owner_id=owner,
                sort=sort,
                limit=limit,
                offset=offset,
            )
        )
    key = ("accounts", scope_of(principal), segment, tier, owner, sort, limit, offset)
    return await run_in_threadpool(
        cache.get_or_compute,
        key,
        lambda: accounts.list_accounts(
            store,
            settings,
            principal,
            segment=segment,
            tier=tier,
            owner_id=owner,
            sort=sort,
            limit=limit,
            offset=offset,
        ),
    )


@router.get("/{account_id}", response_model=s.AccountDetailPublic)
async def get_account(
    account_id: AuthorizedAccount,
    store: StoreDep,
    settings: SettingsDep,
    cache: CacheDep,
    model: ReadModelDep,
) -> Response | s.AccountDetailPublic:
    """Scores, tier with its risk factors, open signals with evidence, metric timeline."""
    entry = model.entry(account_id) if model is not None else None
    if entry is not None:
        return raw_json(entry.detail)
    return await run_in_threadpool(
        cache.get_or_compute,
        ("account", account_id),
        lambda: accounts.account_detail(store, settings, account_id),
    )
