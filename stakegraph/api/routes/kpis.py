"""The account-management KPI sheet over a period, for the caller's accounts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from stakegraph.api import schemas as s
from stakegraph.api.authz import ScopeDep
from stakegraph.api.deps import (
    CacheDep,
    ComputedViewTurn,
    PrincipalDep,
    ReadModelDep,
    SettingsDep,
    StoreDep,
    check_date_range,
    scope_of,
)
from stakegraph.api.errors import InvalidRequestError
from stakegraph.api.service import kpis

router = APIRouter(prefix="/api/kpis", tags=["kpis"])


@router.get("", response_model=s.KpisPublic, dependencies=[ComputedViewTurn])
async def kpi_sheet(
    store: StoreDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    scope: ScopeDep,
    cache: CacheDep,
    model: ReadModelDep,
    by: Annotated[
        Literal["segment", "owner", "account"] | None,
        Query(description="one sheet per segment, owner or account besides the portfolio's"),
    ] = None,
    start: Annotated[
        s.Day | None, Query(alias="from", description="first day of the period (YYYY-MM-DD)")
    ] = None,
    end: Annotated[
        s.Day | None, Query(alias="to", description="first day after the period (YYYY-MM-DD)")
    ] = None,
) -> s.KpisPublic:
    """Retention, revenue retention, downgrades, exit reasons, engagement and relationship
    KPIs over ``[from, to)`` (no period: all history); account managers: their accounts."""
    check_date_range("from", start)
    check_date_range("to", end)
    if start is not None and end is not None and end <= start:
        raise InvalidRequestError(f"to ({end}) must be after from ({start})")
    key = ("kpis", scope_of(principal), by, start, end)
    return await run_in_threadpool(
        cache.get_or_compute,
        key,
        lambda: kpis.kpi_report(
            store, settings, scope.accounts, by=by, start=start, end=end, model=model
        ),
    )
