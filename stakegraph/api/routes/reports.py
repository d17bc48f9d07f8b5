"""Reports as printable HTML pages: the monthly portfolio trends and an account's QBR pack.

Every role may read them, scoped like everything else (an account manager's monthly report
covers their own accounts). A report carries its own Content-Security-Policy: its one
style element, allowed by hash, and nothing else (charts are inline SVG).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from stakegraph import reports
from stakegraph.api.authz import AuthorizedAccount, ScopeDep
from stakegraph.api.deps import ComputedViewTurn, StoreDep
from stakegraph.api.errors import InvalidRequestError
from stakegraph.reports.monthly import month_range
from stakegraph.reports.page import content_security_policy
from stakegraph.reports.qbr import quarter_range

router = APIRouter(tags=["reports"])

HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "a printable HTML page"}
}


def _page(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers={"Content-Security-Policy": content_security_policy()})


@router.get(
    "/api/reports/monthly",
    response_class=HTMLResponse,
    responses=HTML,
    dependencies=[ComputedViewTurn],
)
async def monthly_report(
    store: StoreDep,
    scope: ScopeDep,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")],
    owner: Annotated[
        str | None, Query(max_length=200, description="only this owner's accounts")
    ] = None,
) -> HTMLResponse:
    """Risk tiers, signals and depth over the month, by owner and segment (HTML)."""
    try:
        month_range(month)
    except ValueError as exc:
        raise InvalidRequestError(f"month: {exc}") from None
    accounts = None if scope.accounts is None else sorted(scope.accounts)
    label = None if scope.accounts is None or owner else "your accounts"
    html = await run_in_threadpool(
        reports.monthly_report, store, month, account_ids=accounts, owner_id=owner, scope=label
    )
    return _page(html)


@router.get(
    "/api/accounts/{account_id}/reports/qbr",
    response_class=HTMLResponse,
    responses=HTML,
    dependencies=[ComputedViewTurn],
)
async def qbr_report(
    account_id: AuthorizedAccount,
    store: StoreDep,
    quarter: Annotated[str, Query(pattern=r"^\d{4}-[Qq][1-4]$", description="YYYY-Qn")],
) -> HTMLResponse:
    """The account's quarterly business review pack (HTML)."""
    try:
        quarter_range(quarter)
    except ValueError as exc:
        raise InvalidRequestError(f"quarter: {exc}") from None
    return _page(await run_in_threadpool(reports.qbr_report, store, account_id, quarter))
