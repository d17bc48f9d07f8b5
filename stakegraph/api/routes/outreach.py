"""Portfolio outreach plans for leadership."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from starlette.concurrency import run_in_threadpool

from stakegraph.api import schemas as s
from stakegraph.api.deps import ComputedViewTurn, LeaderDep, StoreDep, check_date_range
from stakegraph.api.service import outreach

router = APIRouter(prefix="/api/outreach", tags=["outreach"])


@router.post("/plan", response_model=s.OutreachPlanPublic, dependencies=[ComputedViewTurn])
async def plan_outreach(
    store: StoreDep,
    principal: LeaderDep,
    request: Annotated[s.OutreachPlanRequest | None, Body()] = None,
) -> s.OutreachPlanPublic:
    """Assign our executives to at-risk accounts' senior people (leader, admin).

    Every field of the body is optional; no body at all plans with the defaults.
    """
    request = request or s.OutreachPlanRequest()
    check_date_range("as_of", request.as_of)
    return await run_in_threadpool(outreach.outreach_plan, store, request)
