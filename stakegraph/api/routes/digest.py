"""The weekly stand-up: what changed on the caller's accounts, ranked, with plays."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from stakegraph.api import schemas as s
from stakegraph.api.authz import ScopeDep
from stakegraph.api.deps import (
    ComputedViewTurn,
    PrincipalDep,
    SettingsDep,
    StoreDep,
    check_date_range,
)
from stakegraph.api.service import digest
from stakegraph.dates import epoch_seconds

router = APIRouter(prefix="/api/digest", tags=["digest"])


@router.get("", response_model=s.DigestPublic, dependencies=[ComputedViewTurn])
async def get_digest(
    store: StoreDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    scope: ScopeDep,
    owner: Annotated[
        str | None, Query(max_length=200, description="one owner's accounts (person id)")
    ] = None,
    since: Annotated[
        s.Day | None,
        Query(description="changes since this day (YYYY-MM-DD), not since the last run"),
    ] = None,
) -> s.DigestPublic:
    """Signals raised and cleared, tier moves, key stakeholders gone quiet and renewals
    entering the window, ranked by ARR at risk (account managers: their own accounts)."""
    check_date_range("since", since)
    return await run_in_threadpool(
        digest.digest_public,
        store,
        settings,
        principal,
        scope,
        owner=owner,
        since=epoch_seconds(since) if since is not None else None,
    )
