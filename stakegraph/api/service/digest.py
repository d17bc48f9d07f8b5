"""The weekly stand-up for the caller's accounts (``GET /api/digest``); it never records."""

from __future__ import annotations

from stakegraph.analytics.digest import DigestItem
from stakegraph.api import schemas as s
from stakegraph.api.authz import Scope
from stakegraph.api.keys import Principal
from stakegraph.api.service.serialize import as_date, as_datetime
from stakegraph.api.settings import ApiSettings
from stakegraph.digest import DigestOptions, build_digest
from stakegraph.digest.build import Baseline
from stakegraph.graph.store import GraphStore


def digest_public(
    store: GraphStore,
    settings: ApiSettings,
    principal: Principal,
    scope: Scope,
    *,
    owner: str | None,
    since: int | None,
) -> s.DigestPublic:
    """Leadership: every account (or ``owner``'s) against that scope's last run. An account
    manager: their own accounts against their own last run; another owner named in
    ``owner`` gives nothing, exactly as an owner that does not exist."""
    if principal.sees_all_accounts:
        owner_id, account_ids = owner, None
    else:
        owner_id = principal.owner_id
        mine = sorted(scope.accounts or ())
        account_ids = mine if owner is None or owner == principal.owner_id else []
    digest = build_digest(
        store,
        account_ids=account_ids,
        owner_id=owner_id,
        since=since,
        options=DigestOptions(open_signal_days=settings.open_signal_days),
    )
    return s.DigestPublic(
        scope=digest.scope,
        owner_id=digest.owner_id,
        analyzed_at=as_date(digest.analyzed_at - 1) if digest.analyzed_at is not None else None,
        baseline=_baseline_public(digest.baseline),
        accounts=digest.accounts,
        items=[_item_public(i) for i in digest.items],
        count=len(digest.items),
    )


def _baseline_public(b: Baseline) -> s.DigestBaselinePublic:
    at = b.at
    if at is not None and b.kind == "run":
        at -= 1  # a run is known by its analysis's last day, as analyzed_at is
    return s.DigestBaselinePublic(
        kind=b.kind,
        at=as_date(at),
        run_id=b.run_id,
        ran_at=as_datetime(b.ran_at) if b.ran_at is not None else None,
        tiers_known=b.tiers_known,
    )


def _item_public(i: DigestItem) -> s.DigestItemPublic:
    return s.DigestItemPublic(
        account_id=i.account_id,
        account_name=i.account_name,
        owner_id=i.owner_id,
        owner_name=i.owner_name,
        arr=i.arr,
        risk_score=i.risk_score,
        risk_tier=i.risk_tier,
        arr_at_risk=round(i.arr_at_risk, 2),
        change=i.change,  # type: ignore[arg-type]
        title=i.title,
        play=i.play,
        at=as_date(i.at),
        severity=i.severity,
        signal_id=i.signal_id,
        signal_kind=i.signal_kind,
        people=list(i.people),
        tier_from=i.tier_from,
        tier_to=i.tier_to,
        renewal_date=as_date(i.renewal_at),
    )
