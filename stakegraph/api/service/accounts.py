"""Accounts: the portfolio list, one account's detail, and the account row every
account-scoped resource starts from (the caller's scope was checked before, by
:mod:`stakegraph.api.authz`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from stakegraph.analytics.signals.coverage import ApplyingSpans
from stakegraph.analytics.trend import metric_trend
from stakegraph.api import schemas as s
from stakegraph.api.errors import NotFoundError
from stakegraph.api.keys import Principal
from stakegraph.api.service.serialize import as_date, as_datetime, number, parse_json
from stakegraph.api.settings import ApiSettings
from stakegraph.dates import DAY
from stakegraph.graph.store import GraphStore

SORT_FIELDS = ("name", "segment", "arr", "renewal_date", "risk_score", "risk_tier", "open_signals")
# The list's trend covers this many latest snapshots (api/account_trends.cypher returns as many).
TREND_SNAPSHOTS = 4


def list_accounts(
    store: GraphStore,
    settings: ApiSettings,
    principal: Principal,
    *,
    segment: str | None,
    tier: int | None,
    owner_id: str | None,
    sort: str,
    limit: int,
    offset: int,
) -> s.AccountsPublic:
    """A page of the accounts the caller may see, filtered and sorted."""
    if not principal.sees_all_accounts:
        if owner_id is not None and owner_id != principal.owner_id:
            return s.AccountsPublic(data=[], count=0, limit=limit, offset=offset)
        owner_id = principal.owner_id
    rows = store.query(
        "api/list_accounts",
        segment=segment,
        tier=tier,
        owner_id=owner_id,
        open_window_s=settings.open_signal_days * DAY,
    )
    rows = sorted_rows(rows, sort)
    page = rows[offset : offset + limit]
    trends = _recent_snapshots(store, [r["id"] for r in page])
    return s.AccountsPublic(
        data=[account_public(r, trends.get(r["id"], [])) for r in page],
        count=len(rows),
        limit=limit,
        offset=offset,
    )


def account_detail(
    store: GraphStore, settings: ApiSettings, account_id: str
) -> s.AccountDetailPublic:
    """Scores, tier and why, open signals with evidence, and the timeline of every metric."""
    row = account_row(store, settings, account_id)
    signals: list[dict[str, Any]] = []
    if row["analyzed_at"] is not None:
        signals = store.query(
            "api/account_signals",
            account_id=account_id,
            since=row["analyzed_at"] - settings.open_signal_days * DAY,
            until=row["analyzed_at"],
        )
    snapshots = [r["snapshot"] for r in store.query("api/account_snapshots", account_id=account_id)]
    history: list[dict[str, Any]] = []
    if row["analyzed_at"] is not None:
        history = store.query(
            "api/account_signals", account_id=account_id, since=0, until=row["analyzed_at"]
        )[::-1]  # newest first from the query; the timeline reads oldest first
    spans = store.query("api/coverage", account_ids=[account_id])
    return detail_public(row, snapshots, signals, history, coverage_of(spans, account_id))


def coverage_of(spans: list[dict[str, Any]], account_id: str) -> list[s.CoverageSpanPublic]:
    """The spans that apply to the account (rows of ``api/coverage``), one per source, by
    the rule the signals follow (:class:`~stakegraph.analytics.signals.coverage.ApplyingSpans`)."""
    chosen = ApplyingSpans.of((span["source"], span["account_id"], span) for span in spans)
    return [
        s.CoverageSpanPublic(
            source=span["source"],
            kinds=list(span["kinds"] or []),
            start=as_datetime(span["start"]).date(),
            end=as_date(span["end"]),
            account_only=span["account_id"] is not None,
        )
        for _, span in sorted(chosen.of_account(account_id).items())
    ]


def detail_public(
    row: Mapping[str, Any],
    snapshots: list[dict[str, Any]],
    signals: list[dict[str, Any]],
    history: list[dict[str, Any]],
    coverage: list[s.CoverageSpanPublic],
) -> s.AccountDetailPublic:
    """The detail of an account from its row, every snapshot (oldest first), its open
    signals, every signal up to the analysis date (oldest first) and the coverage that
    applies to it."""
    return s.AccountDetailPublic(
        **account_public(row, snapshots).model_dump(),
        risk_factors=_risk_factors(row.get("risk_factors")),
        signals=[
            s.SignalPublic(
                id=sig["id"],
                kind=sig["kind"],
                at=as_datetime(sig["at"]),
                severity=number(sig["severity"]),
                summary=sig["summary"],
                evidence=parse_json(sig["evidence"]),
                people=[s.PersonRef(**p) for p in sig["people"] if p.get("id") is not None],
            )
            for sig in signals
        ],
        timeline=_timeline(snapshots),
        signal_history=[
            s.SignalMarkerPublic(
                id=sig["id"],
                kind=sig["kind"],
                at=as_datetime(sig["at"]),
                severity=number(sig["severity"]),
                summary=sig["summary"],
            )
            for sig in history
        ],
        data_coverage=coverage,
    )


def account_row(store: GraphStore, settings: ApiSettings, account_id: str) -> dict[str, Any]:
    """The account's row; 404 when it does not exist (the same 404 as "not yours", which
    :mod:`stakegraph.api.authz` answered before this runs)."""
    rows = store.query(
        "api/get_account", account_id=account_id, open_window_s=settings.open_signal_days * DAY
    )
    if not rows:
        raise NotFoundError("account", account_id)
    return rows[0]


def default_as_of(store: GraphStore, row: Mapping[str, Any]) -> date:
    """The last analysis date, else the day of the latest interaction, else today."""
    last_at = None
    if row.get("analyzed_at") is None:
        last = store.query("api/account_last_activity", account_id=row["id"])
        last_at = last[0]["last_at"] if last else None
    return default_day(row, last_at)


def default_days(store: GraphStore, rows: list[dict[str, Any]]) -> dict[str, date]:
    """:func:`default_as_of` of many accounts (rows of ``api/model_accounts``), in one read."""
    never_analyzed = [r["id"] for r in rows if r["analyzed_at"] is None]
    last_at = {
        r["account_id"]: r["last_at"]
        for r in (
            store.query("api/model_last_activity", account_ids=never_analyzed)
            if never_analyzed
            else []
        )
    }
    return {r["id"]: default_day(r, last_at.get(r["id"])) for r in rows}


def default_day(row: Mapping[str, Any], last_at: float | None) -> date:
    """:func:`default_as_of` given the account's latest interaction (epoch, or None)."""
    if row.get("analyzed_at") is not None:
        # analyzed_at is the exclusive end of the analysed window: its previous second.
        return as_datetime(row["analyzed_at"] - 1).date()
    if last_at is not None:
        return as_datetime(last_at).date()
    return datetime.now(UTC).date()


def account_public(row: Mapping[str, Any], snapshots: list[dict[str, Any]]) -> s.AccountPublic:
    """A list item: the account's row and (at least) its last four snapshots, in any order."""
    recent = sorted(snapshots, key=lambda r: r["window_end"])[-TREND_SNAPSHOTS:]
    kinds: dict[str, int] = {}
    for kind in row.get("open_kinds") or []:
        kinds[kind] = kinds.get(kind, 0) + 1
    return s.AccountPublic(
        id=row["id"],
        name=row["name"],
        segment=row["segment"],
        arr=number(row["arr"]),
        renewal_date=as_date(row["renewal_epoch"]),
        owner_id=row["owner_id"],
        risk_score=number(row["risk_score"]),
        risk_tier=row["risk_tier"],
        risk_tier_label=row["risk_tier_label"],
        analyzed_at=as_date(row["analyzed_at"] - 1) if row["analyzed_at"] is not None else None,
        trend=trend(recent),
        open_signals=sum(kinds.values()),
        open_signals_by_kind=dict(sorted(kinds.items())),
    )


def trend(recent: list[dict[str, Any]]) -> s.TrendPublic:
    """Risk trend over the last snapshots (depth when snapshots carry no risk), oldest first."""
    found = metric_trend(recent)
    return s.TrendPublic(
        metric=found.metric,
        values=list(found.values),
        change=found.change,
        direction=found.direction,
    )


def sorted_rows(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Rows sorted by ``sort`` (``-`` prefix = descending); missing values always last."""
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    column = {"renewal_date": "renewal_epoch", "open_signals": "open_kinds"}.get(name, name)

    def value(row: dict[str, Any]) -> Any:
        v = row.get(column)
        return len(v or []) if column == "open_kinds" else v

    present = sorted(
        (r for r in rows if value(r) is not None), key=lambda r: r["id"]
    )  # id order breaks ties, both ways
    present.sort(key=value, reverse=descending)
    missing = sorted((r for r in rows if value(r) is None), key=lambda r: r["id"])
    return present + missing


def _recent_snapshots(store: GraphStore, account_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    if not account_ids:
        return {}
    rows = store.query("api/account_trends", account_ids=account_ids)
    return {r["account_id"]: r["recent"] for r in rows}


def _timeline(snapshots: list[dict[str, Any]]) -> s.TimelinePublic:
    skip = {"id", "account_id", "window_start", "window_end"}
    names = sorted(
        {
            k
            for snap in snapshots
            for k, v in snap.items()
            if k not in skip and isinstance(v, (int, float)) and not isinstance(v, bool)
        }
    )
    return s.TimelinePublic(
        window_start=[as_datetime(snap["window_start"]) for snap in snapshots],
        window_end=[as_datetime(snap["window_end"]) for snap in snapshots],
        metrics={n: [number(snap.get(n)) for snap in snapshots] for n in names},
    )


def _risk_factors(raw: Any) -> list[s.RiskFactorPublic]:
    factors = parse_json(raw)
    if not isinstance(factors, list):
        return []
    return [
        s.RiskFactorPublic(
            factor=str(f.get("factor")),
            value=number(f.get("value")),
            contribution=number(f.get("contribution")),
        )
        for f in factors
        if isinstance(f, dict) and f.get("factor") is not None
    ]
