"""People: what would happen if one of them left."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from stakegraph.api import schemas as s
from stakegraph.api.authz import ScopeDep
from stakegraph.api.deps import AsOfDep, CacheDep, ImpactSlotsDep, SettingsDep, StoreDep
from stakegraph.api.service import people

router = APIRouter(prefix="/api/people", tags=["people"])


@router.get("/{person_id}/departure-impact", response_model=s.DepartureImpactPublic)
def departure_impact(
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
    share two cores ten ways and all finish last.
    """

    def compute() -> s.DepartureImpactPublic:
        with slots:
            return people.departure_impact(
                store, settings, scope, person_id, account_id=account_id, as_of=as_of
            )

    return cache.get_or_compute(
        ("departure-impact", scope.accounts, person_id, account_id, as_of), compute
    )
