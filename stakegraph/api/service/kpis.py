"""The KPI sheet of the caller's accounts: read, add the re-mapping suggestions, compute.

Shared by ``GET /api/kpis`` and ``stakegraph kpis``. The figures come from
:mod:`stakegraph.analytics.kpis` over the frames :func:`read_kpi_frames` reads, cut to the
caller's scope *before* reading (an account manager's figures are computed from their
accounts only). The warm-introduction offer rate needs each account's current re-mapping
suggestions: from the read model when it holds them, else computed like the read model
does, in a few bulk reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, Literal

import pandas as pd

from stakegraph.analytics import kpis
from stakegraph.analytics.run import read_kpi_frames
from stakegraph.api import schemas as s
from stakegraph.api.read_model import ReadModel
from stakegraph.api.service import accounts, network, suggestions
from stakegraph.api.settings import ApiSettings
from stakegraph.dates import DAY, epoch_seconds
from stakegraph.graph.store import GraphStore

GroupBy = Literal["segment", "owner", "account"]


def kpi_report(
    store: GraphStore,
    settings: ApiSettings,
    account_ids: frozenset[str] | None,
    *,
    by: GroupBy | None = None,
    start: date | None = None,
    end: date | None = None,
    as_of: datetime | None = None,
    model: ReadModel | None = None,
) -> s.KpisPublic:
    """The KPI sheet of these accounts (None: every account) over ``[start, end)``.

    The portfolio's sheet, one per group when ``by`` is given, and the portfolio month by
    month over the period, cut to the months that hold data.
    """
    moment = as_of or datetime.now(UTC)
    now = int(moment.timestamp())
    frames = read_kpi_frames(store, account_ids=account_ids)
    frames = kpis.KpiFrames(
        accounts=frames.accounts,
        renewals=frames.renewals,
        engagements=frames.engagements,
        snapshots=frames.snapshots,
        suggestions=suggestion_frame(
            store, settings, frames.accounts["account_id"].astype(str), model
        ),
    )
    low = epoch_seconds(start) if start else None
    high = epoch_seconds(end) if end else None
    portfolio = kpis.kpi_sheet(frames, start=low, end=high, as_of=now)
    groups = kpis.kpi_sheets(frames, by, start=low, end=high, as_of=now) if by is not None else {}
    months = _series_bounds(frames, low, high, now)
    series = kpis.kpi_series(frames, kpis.month_periods(*months), as_of=now) if months else []
    return s.KpisPublic(
        as_of=moment,
        by=by,
        portfolio=sheet_public(portfolio),
        groups=[s.KpiGroupPublic(key=key, sheet=sheet_public(v)) for key, v in groups.items()],
        series=[sheet_public(sheet) for sheet in series],
    )


def suggestion_frame(
    store: GraphStore,
    settings: ApiSettings,
    account_ids: Iterable[str],
    model: ReadModel | None,
) -> pd.DataFrame:
    """``account_id, warm``: each current suggestion of these accounts that names one of
    ours, and whether it carries a warm introduction path."""
    rows: list[dict[str, Any]] = []
    missing = []
    for account_id in account_ids:
        entry = model.entry(account_id) if model is not None else None
        if entry is None:
            missing.append(account_id)
            continue
        rows += _warmth(account_id, json.loads(entry.suggestions)["data"])
    if missing:
        wanted = set(missing)
        account_rows = [
            r
            for r in store.query(
                "api/model_accounts", open_window_s=settings.open_signal_days * DAY
            )
            if r["id"] in wanted
        ]
        days = accounts.default_days(store, account_rows)
        windows = network.fetch_windows(store, days, window_days=settings.tie_window_days)
        for account_id, net in network.build_networks(windows).items():
            public = suggestions.suggestions_public(net).model_dump(mode="json")
            rows += _warmth(account_id, public["data"])
    return pd.DataFrame(rows, columns=list(kpis.SUGGESTION_COLUMNS))


def sheet_public(sheet: kpis.KpiSheet) -> s.KpiSheetPublic:
    impact = sheet.check_in_impact
    return s.KpiSheetPublic(
        start=_day(sheet.start),
        end=_day(sheet.end),
        accounts=sheet.accounts,
        renewals=sheet.renewals,
        customer_retention_rate=_rate(sheet.customer_retention_rate),
        gross_revenue_retention=_rate(sheet.gross_revenue_retention),
        net_revenue_retention=_rate(sheet.net_revenue_retention),
        downgrade_rate=_rate(sheet.downgrade_rate),
        downgrade_to_churn_rate=_rate(sheet.downgrade_to_churn_rate),
        exit_reasons=dict(sheet.exit_reasons),
        qbr_engagement_rate=_rate(sheet.qbr_engagement_rate),
        post_renewal_engagement_rate=_rate(sheet.post_renewal_engagement_rate),
        multi_role_share=_rate(sheet.multi_role_share),
        check_in_impact=s.CheckInImpactPublic(
            value=impact.value,
            low=impact.low,
            high=impact.high,
            confidence=impact.confidence,
            accounts=impact.accounts,
            accounts_with=impact.accounts_with,
            retained_with=impact.retained_with,
            accounts_without=impact.accounts_without,
            retained_without=impact.retained_without,
            reason=impact.reason,
        ),
        warm_intro_offer_rate=_rate(sheet.warm_intro_offer_rate),
        mean_depth_score=_rate(sheet.mean_depth_score),
        mean_churn_risk=_rate(sheet.mean_churn_risk),
    )


def _warmth(account_id: str, data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"account_id": account_id, "warm": item.get("path") is not None}
        for item in data
        if item.get("suggested") is not None
    ]


def _series_bounds(
    frames: kpis.KpiFrames, start: int | None, end: int | None, now: int
) -> tuple[int, int] | None:
    """The period of the monthly series: the given one cut to the months that hold data
    (so that a period of two centuries is not two thousand empty months)."""
    moments = pd.concat(
        [
            frames.renewals["at"],
            frames.engagements["at"],
            frames.snapshots["window_end"],
        ]
    )
    if moments.empty:
        return None
    earliest = datetime.fromtimestamp(int(moments.min()), UTC)
    first = int(datetime(earliest.year, earliest.month, 1, tzinfo=UTC).timestamp())
    last = min(now, int(moments.max()) + DAY)
    low = first if start is None else max(start, first)
    high = last if end is None else min(end, last)
    return (low, high) if low < high else None


def _rate(rate: kpis.Rate) -> s.RatePublic:
    return s.RatePublic(
        value=rate.value,
        numerator=rate.numerator,
        denominator=rate.denominator,
        reason=rate.reason,
    )


def _day(moment: int | None) -> date | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC).date()
