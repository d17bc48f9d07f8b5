"""People: what would happen if one of them left."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Query

from stakegraph.api import schemas as s
from stakegraph.api.authz import ScopeDep
from stakegraph.api.deps import (
    AsOfDep,
    CacheDep,
    ImpactSlotsDep,
    OneImpactPerKey,
    SettingsDep,
    StoreDep,
)
from stakegraph.api.service import people

router = APIRouter(prefix="/api/people", tags=["people"])


@router.get(
    "/{person_id}/departure-impact",
    response_model=s.DepartureImpactPublic,
    dependencies=[OneImpactPerKey],
    responses={429: {"description": "this key's previous departure impact is still computing"}},
)
async def departure_impact(
    person_id: Annotated[str, Path(min_length=1, max_length=200)],
    store: StoreDep,
    settings: SettingsDep,
    scope: ScopeDep,
    cache: CacheDep,
    slots: ImpactSlotsDep,
    as_of: AsOfDep,
    account_id: Annotated[
        str | None, Query(max_length=200, description="only this account")
    ] = None,
) -> s.DepartureImpactPublic:
    """Ties that break, stakeholders left unreachable or single-threaded, who could bridge.

    Cached per caller scope, and at most ``STAKEGRAPH_IMPACT_CONCURRENCY`` computed at once
    (an account manager's impact spans dozens of accounts): ten requests at once no longer
    share two cores ten ways and all finish last. A request waits for its slot without a
    worker thread, and a key computes one at a time.
    """

    def compute() -> s.DepartureImpactPublic:
        return cache.get_or_compute(
            ("departure-impact", scope.accounts, person_id, account_id, as_of),
            lambda: people.departure_impact(
                store, settings, scope, person_id, account_id=account_id, as_of=as_of
            ),
        )

    return await anyio.to_thread.run_sync(compute, limiter=slots)
