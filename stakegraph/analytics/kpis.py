"""The account-management KPI sheet: retention, revenue, engagement and relationship health.

Every figure is computed over one period ``[start, end)`` (``None`` = unbounded) for one
group of accounts (the portfolio, a segment, an owner's book or one account) by
:func:`kpi_sheet`; a series over time is that function mapped over calendar months
(:func:`kpi_series`), never a second implementation. Definitions, edge cases and the worked
example are in docs/metrics.md ("KPIs"); in short, over the renewals *due* in the period:

- ``customer_retention_rate`` = renewals not churned / renewals;
- ``gross_revenue_retention`` = sum(min(arr_after, arr_before)) / sum(arr_before) and
  ``net_revenue_retention`` = sum(arr_after) / sum(arr_before), over the renewals whose
  revenue is known (a churn's missing ``arr_after`` is 0);
- ``downgrade_rate`` = downgrades / renewals; ``downgrade_to_churn_rate`` = accounts with
  a downgrade in the period that churned at a later renewal / accounts with a downgrade;
- ``exit_reasons``: churns per stated reason;

and ``qbr_engagement_rate``, ``post_renewal_engagement_rate``, ``multi_role_share``,
``check_in_impact`` (with a Newcombe interval), ``warm_intro_offer_rate``,
``mean_depth_score`` and ``mean_churn_risk``. A rate with nothing to count is ``None``
with the reason, never 0.

Pure: pandas frames in, frozen records out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Literal

import numpy as np
import pandas as pd

from stakegraph.analytics.intervals import newcombe_interval
from stakegraph.analytics.kernels import KeyedTimes
from stakegraph.dates import DAY

__all__ = [
    "CheckInImpact",
    "KpiFrames",
    "KpiParameters",
    "KpiSheet",
    "Rate",
    "kpi_series",
    "kpi_sheet",
    "kpi_sheets",
    "month_periods",
]

GroupBy = Literal["segment", "owner", "account"]

ACCOUNT_COLUMNS: Final = ("account_id", "segment", "owner_id", "risk_score")
RENEWAL_COLUMNS: Final = ("account_id", "at", "outcome", "arr_before", "arr_after", "reason")
ENGAGEMENT_COLUMNS: Final = ("account_id", "kind", "status", "at", "person_id")
SNAPSHOT_COLUMNS: Final = ("account_id", "window_end", "multi_role", "depth_score")
SUGGESTION_COLUMNS: Final = ("account_id", "warm")

#: Engagements that are quarterly or executive business reviews.
REVIEW_KINDS: Final = ("qbr", "ebr")
#: Statuses that show the customer engaging (for the post-renewal rate).
ENGAGED_STATUSES: Final = ("accepted", "attended")
#: The reason counted for a churn that gave none.
UNSPECIFIED_REASON: Final = "unspecified"


@dataclass(frozen=True)
class KpiFrames:
    """What the KPI sheet reads (times are epoch seconds, UTC).

    accounts
        ``account_id``, ``segment``, ``owner_id``, ``risk_score`` (the latest analysis;
        NaN when not scored).
    renewals
        ``account_id``, ``at``, ``outcome``, ``arr_before``, ``arr_after`` (NaN unknown),
        ``reason`` (None when not given).
    engagements
        ``account_id``, ``kind``, ``status``, ``at`` (the engagement's date), ``person_id``.
    snapshots
        ``account_id``, ``window_end``, ``multi_role`` (bool), ``depth_score``.
    suggestions
        ``account_id``, ``warm`` (bool): the current re-mapping suggestions that name a
        colleague of ours, and whether each carries a warm introduction path.
    """

    accounts: pd.DataFrame
    renewals: pd.DataFrame
    engagements: pd.DataFrame
    snapshots: pd.DataFrame
    suggestions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(SUGGESTION_COLUMNS))
    )

    def __post_init__(self) -> None:
        for name, columns in (
            ("accounts", ACCOUNT_COLUMNS),
            ("renewals", RENEWAL_COLUMNS),
            ("engagements", ENGAGEMENT_COLUMNS),
            ("snapshots", SNAPSHOT_COLUMNS),
            ("suggestions", SUGGESTION_COLUMNS),
        ):
            missing = [c for c in columns if c not in getattr(self, name).columns]
            if missing:
                raise ValueError(f"{name} frame lacks columns {missing}")


@dataclass(frozen=True)
class KpiParameters:
    """Tuning of the engagement KPIs.

    Parameters
    ----------
    follow_up_days
        The window after a renewal in which an accepted or attended engagement counts as
        post-renewal engagement (default 90, from 1 to 365).
    check_in_days
        How long before a renewal an attended check-in counts for ``check_in_impact``
        (default 180, from 1 to 730).
    confidence
        Of the check-in impact's interval (default 0.95, from 0.5 to 0.999).
    """

    follow_up_days: int = 90
    check_in_days: int = 180
    confidence: float = 0.95

    def __post_init__(self) -> None:
        for name, low, high in (
            ("follow_up_days", 1, 365),
            ("check_in_days", 1, 730),
            ("confidence", 0.5, 0.999),
        ):
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}, not {value}")


@dataclass(frozen=True)
class Rate:
    """A ratio with what it was computed from; ``value`` None (with ``reason``) when the
    denominator is empty, so that "nothing to measure" is never read as 0."""

    value: float | None
    numerator: float
    denominator: float
    reason: str | None = None

    @classmethod
    def of(cls, numerator: float, denominator: float, *, empty: str) -> Rate:
        if denominator <= 0:
            return cls(None, float(numerator), float(denominator), empty)
        return cls(numerator / denominator, float(numerator), float(denominator))


@dataclass(frozen=True)
class CheckInImpact:
    """Retention with an attended check-in before the renewal minus retention without.

    ``value`` is a difference of two proportions (-1 to 1); ``low``/``high`` its Newcombe
    hybrid score interval at ``confidence``. It is an association, not an effect: accounts
    that take check-ins may differ in other ways.
    """

    value: float | None
    low: float | None
    high: float | None
    confidence: float
    accounts_with: int
    retained_with: int
    accounts_without: int
    retained_without: int
    reason: str | None = None

    @property
    def accounts(self) -> int:
        return self.accounts_with + self.accounts_without


@dataclass(frozen=True)
class KpiSheet:
    """Every KPI of one group of accounts over one period."""

    start: int | None
    end: int | None
    accounts: int
    renewals: int
    customer_retention_rate: Rate
    gross_revenue_retention: Rate
    net_revenue_retention: Rate
    downgrade_rate: Rate
    downgrade_to_churn_rate: Rate
    exit_reasons: Mapping[str, int]
    qbr_engagement_rate: Rate
    post_renewal_engagement_rate: Rate
    multi_role_share: Rate
    check_in_impact: CheckInImpact
    warm_intro_offer_rate: Rate
    mean_depth_score: Rate
    mean_churn_risk: Rate


def kpi_sheet(
    frames: KpiFrames,
    *,
    start: int | None,
    end: int | None,
    as_of: int,
    params: KpiParameters = KpiParameters(),
) -> KpiSheet:
    """The KPI sheet of the accounts in ``frames`` over ``[start, end)``.

    Parameters
    ----------
    frames
        The accounts of the group and their renewals, engagements, snapshots and
        suggestions (:func:`kpi_sheets` splits a portfolio into groups).
    start, end
        The period, half-open; ``None`` leaves that side open (all history).
    as_of
        The moment of the computation: a renewal's follow-up window must have ended by
        then to count towards ``post_renewal_engagement_rate``, and a review must have
        been held by then.
    params
        Follow-up and check-in windows and the interval's confidence.

    Examples
    --------
    >>> import pandas as pd
    >>> frames = KpiFrames(
    ...     accounts=pd.DataFrame({"account_id": ["a", "b"], "segment": ["x", "x"],
    ...                            "owner_id": [None, None], "risk_score": [0.2, 0.4]}),
    ...     renewals=pd.DataFrame({"account_id": ["a", "b"], "at": [100, 200],
    ...                            "outcome": ["expanded", "churned"],
    ...                            "arr_before": [100.0, 50.0], "arr_after": [150.0, None],
    ...                            "reason": [None, "price"]}),
    ...     engagements=pd.DataFrame(columns=list(ENGAGEMENT_COLUMNS)),
    ...     snapshots=pd.DataFrame(columns=list(SNAPSHOT_COLUMNS)),
    ... )
    >>> sheet = kpi_sheet(frames, start=None, end=None, as_of=1_000)
    >>> sheet.customer_retention_rate.value, sheet.net_revenue_retention.value
    (0.5, 1.0)
    >>> round(sheet.gross_revenue_retention.value, 4), dict(sheet.exit_reasons)
    (0.6667, {'price': 1})
    >>> sheet.qbr_engagement_rate.value is None, sheet.qbr_engagement_rate.reason
    (True, 'no QBR or EBR held in the period')
    """
    renewals = _in_period(frames.renewals, "at", start, end)
    churned = renewals["outcome"].eq("churned")
    no_renewals = "no renewals due in the period"
    revenue = _revenue(renewals)
    no_revenue = "no renewal due in the period has arr_before and arr_after"
    latest = _latest_snapshots(frames.snapshots, start, end)
    return KpiSheet(
        start=start,
        end=end,
        accounts=int(frames.accounts["account_id"].nunique()),
        renewals=len(renewals),
        customer_retention_rate=Rate.of(int((~churned).sum()), len(renewals), empty=no_renewals),
        gross_revenue_retention=Rate.of(
            float(np.minimum(revenue["after"], revenue["before"]).sum()),
            float(revenue["before"].sum()),
            empty=no_revenue,
        ),
        net_revenue_retention=Rate.of(
            float(revenue["after"].sum()), float(revenue["before"].sum()), empty=no_revenue
        ),
        downgrade_rate=Rate.of(
            int(renewals["outcome"].eq("downgraded").sum()), len(renewals), empty=no_renewals
        ),
        downgrade_to_churn_rate=_downgrade_to_churn(frames.renewals, renewals),
        exit_reasons=_exit_reasons(renewals[churned]),
        qbr_engagement_rate=_review_engagement(frames.engagements, start, end, as_of),
        post_renewal_engagement_rate=_post_renewal_engagement(
            frames.engagements, renewals, as_of=as_of, days=params.follow_up_days
        ),
        multi_role_share=_multi_role_share(latest),
        check_in_impact=check_in_impact(
            frames.engagements,
            renewals,
            days=params.check_in_days,
            confidence=params.confidence,
        ),
        warm_intro_offer_rate=Rate.of(
            int(frames.suggestions["warm"].astype(bool).sum()),
            len(frames.suggestions),
            empty="no re-mapping suggestion names a colleague of ours",
        ),
        mean_depth_score=_mean(
            pd.to_numeric(latest["depth_score"], errors="coerce"),
            empty="no account was analyzed in the period",
        ),
        mean_churn_risk=_mean(
            pd.to_numeric(frames.accounts["risk_score"], errors="coerce"),
            empty="no account has been scored for risk",
        ),
    )


def kpi_sheets(
    frames: KpiFrames,
    by: GroupBy,
    *,
    start: int | None,
    end: int | None,
    as_of: int,
    params: KpiParameters = KpiParameters(),
) -> dict[str | None, KpiSheet]:
    """One :func:`kpi_sheet` per segment, owner or account (key None: accounts without one).

    Renewals, engagements and snapshots of accounts not in ``frames.accounts`` belong to no
    group.
    """
    column = {"segment": "segment", "owner": "owner_id", "account": "account_id"}[by]
    keys = frames.accounts[column].astype(object).where(frames.accounts[column].notna(), None)
    key_of = dict(zip(frames.accounts["account_id"], keys, strict=True))
    split = _split(frames, key_of)
    ordered = sorted(split, key=lambda k: (k is None, k or ""))
    return {
        key: kpi_sheet(split[key], start=start, end=end, as_of=as_of, params=params)
        for key in ordered
    }


def kpi_series(
    frames: KpiFrames,
    periods: list[tuple[int, int]],
    *,
    as_of: int,
    params: KpiParameters = KpiParameters(),
) -> list[KpiSheet]:
    """:func:`kpi_sheet` over each period (e.g. :func:`month_periods`), oldest first."""
    return [
        kpi_sheet(frames, start=start, end=end, as_of=as_of, params=params)
        for start, end in periods
    ]


def month_periods(start: int, end: int) -> list[tuple[int, int]]:
    """The calendar months (UTC) that meet ``[start, end)``, each cut to it.

    Examples
    --------
    >>> from stakegraph.dates import epoch_seconds
    >>> from datetime import date
    >>> periods = month_periods(epoch_seconds(date(2024, 1, 15)), epoch_seconds(date(2024, 3, 1)))
    >>> [(datetime.fromtimestamp(a, UTC).date().isoformat(),
    ...   datetime.fromtimestamp(b, UTC).date().isoformat()) for a, b in periods]
    [('2024-01-15', '2024-02-01'), ('2024-02-01', '2024-03-01')]
    """
    periods = []
    moment = datetime.fromtimestamp(start, UTC)
    month = datetime(moment.year, moment.month, 1, tzinfo=UTC)
    while int(month.timestamp()) < end:
        following = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=UTC)
        periods.append((max(start, int(month.timestamp())), min(end, int(following.timestamp()))))
        month = following
    return periods


def check_in_impact(
    engagements: pd.DataFrame,
    renewals: pd.DataFrame,
    *,
    days: int = 180,
    confidence: float = 0.95,
) -> CheckInImpact:
    """Retention of accounts with an attended check-in in the ``days`` before their renewal,
    minus retention of those without, with a Newcombe interval.

    One observation per account (its last renewal among ``renewals``), so that accounts
    with many renewals do not weigh more and observations stay independent.
    """
    if renewals.empty:
        return _no_impact(confidence, "no renewals due in the period")
    last = renewals.sort_values("at").groupby("account_id", sort=True).tail(1)
    check_ins = engagements[
        engagements["kind"].eq("check_in") & engagements["status"].eq("attended")
    ]
    exposed = _has_event_within(last, check_ins, -days * DAY, 0)
    retained = last["outcome"].ne("churned").to_numpy()
    n_with, n_without = int(exposed.sum()), int((~exposed).sum())
    r_with, r_without = int(retained[exposed].sum()), int(retained[~exposed].sum())
    if n_with == 0 or n_without == 0:
        missing = "with" if n_with == 0 else "without"
        return CheckInImpact(
            None, None, None, confidence, n_with, r_with, n_without, r_without,
            f"no account {missing} an attended check-in before its renewal to compare",
        )  # fmt: skip
    low, high = newcombe_interval(r_with, n_with, r_without, n_without, confidence=confidence)
    return CheckInImpact(
        r_with / n_with - r_without / n_without,
        low,
        high,
        confidence,
        n_with,
        r_with,
        n_without,
        r_without,
    )


# --- helpers ---------------------------------------------------------------------------------


def _has_event_within(
    moments: pd.DataFrame, events: pd.DataFrame, low: int, high: int | None
) -> np.ndarray:
    """For each row of ``moments`` (``account_id``, ``at``): whether an event of the same
    account falls in ``[at + low, at + high)`` (``high`` None: no upper bound)."""
    if moments.empty or events.empty:
        return np.zeros(len(moments), dtype=bool)
    codes, _ = pd.factorize(
        pd.concat([moments["account_id"], events["account_id"]], ignore_index=True)
    )
    events_at = events["at"].to_numpy(dtype="int64")
    index = KeyedTimes.of(codes[len(moments) :], events_at, span=_SPAN)
    at = moments["at"].to_numpy(dtype="int64")
    start = np.clip(at + low, 0, _SPAN - 1)
    end = np.clip(at + high, 0, _SPAN - 1) if high is not None else np.full(len(at), _SPAN - 1)
    return np.asarray(index.count_between(codes[: len(moments)], start, end) > 0)


def _split(frames: KpiFrames, key_of: Mapping[str, str | None]) -> dict[str | None, KpiFrames]:
    """The frames of each group, each frame split once (rows of accounts without a group
    dropped)."""

    def parts(frame: pd.DataFrame) -> dict[str | None, pd.DataFrame]:
        keys = frame["account_id"].map(lambda a: key_of.get(a, _NO_GROUP))
        return {
            key: part
            for key, part in frame.groupby(keys.astype(object).fillna(_NONE_KEY), sort=False)
        }

    split = {
        name: parts(getattr(frames, name))
        for name in ("accounts", "renewals", "engagements", "snapshots", "suggestions")
    }
    groups = {key for key in split["accounts"]}
    out = {}
    for key in groups:
        pieces = {name: split[name].get(key, getattr(frames, name).iloc[0:0]) for name in split}
        out[None if key == _NONE_KEY else key] = KpiFrames(**pieces)
    return out


# Epoch seconds from 1970 to about 2514 fit one key's stretch of the keyed-time axis.
_SPAN: Final = 1 << 34
# Group keys while splitting: accounts without a segment or owner, rows of no known account.
_NONE_KEY: Final = "\x00none"
_NO_GROUP: Final = "\x00outside"


def _in_period(
    frame: pd.DataFrame, column: str, start: int | None, end: int | None
) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame[column] >= start
    if end is not None:
        keep &= frame[column] < end
    return frame[keep]


def _revenue(renewals: pd.DataFrame) -> pd.DataFrame:
    """Renewals with known revenue: ``before`` and ``after`` (a churn's unknown after is 0)."""
    before = pd.to_numeric(renewals["arr_before"], errors="coerce")
    after = pd.to_numeric(renewals["arr_after"], errors="coerce")
    after = after.where(~(renewals["outcome"].eq("churned") & after.isna()), 0.0)
    known = before.notna() & after.notna()
    return pd.DataFrame({"before": before[known], "after": after[known]})


def _downgrade_to_churn(history: pd.DataFrame, renewals: pd.DataFrame) -> Rate:
    downgrades = renewals[renewals["outcome"].eq("downgraded")]
    first = downgrades.groupby("account_id")["at"].min()
    churns = history[history["outcome"].eq("churned")]
    # A churn strictly after the first downgrade: at least one second later.
    later = _has_event_within(first.reset_index(), churns, 1, None).sum()
    return Rate.of(int(later), len(first), empty="no account downgraded in the period")


def _exit_reasons(churns: pd.DataFrame) -> dict[str, int]:
    reasons = churns["reason"].map(
        lambda r: r.strip().lower() if isinstance(r, str) and r.strip() else UNSPECIFIED_REASON
    )
    counts = reasons.value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def _review_engagement(
    engagements: pd.DataFrame, start: int | None, end: int | None, as_of: int
) -> Rate:
    """QBRs and EBRs held in the period (one per account, kind and date, before ``as_of``)
    that at least one of their people attended."""
    reviews = _in_period(engagements[engagements["kind"].isin(REVIEW_KINDS)], "at", start, end)
    reviews = reviews[reviews["at"] < as_of]
    if reviews.empty:
        return Rate(None, 0.0, 0.0, "no QBR or EBR held in the period")
    attended = (
        reviews["status"]
        .eq("attended")
        .groupby([reviews["account_id"], reviews["kind"], reviews["at"]])
        .any()
    )
    return Rate.of(int(attended.sum()), len(attended), empty="no QBR or EBR held in the period")


def _post_renewal_engagement(
    engagements: pd.DataFrame, renewals: pd.DataFrame, *, as_of: int, days: int
) -> Rate:
    kept = renewals[renewals["outcome"].ne("churned") & (renewals["at"] + days * DAY <= as_of)]
    engaged = engagements[engagements["status"].isin(ENGAGED_STATUSES)]
    followed = int(_has_event_within(kept, engaged, 0, days * DAY).sum())
    return Rate.of(
        followed,
        len(kept),
        empty=f"no renewal kept in the period whose {days} days of follow-up have passed",
    )


def _latest_snapshots(snapshots: pd.DataFrame, start: int | None, end: int | None) -> pd.DataFrame:
    """Each account's last snapshot whose window ends in the period."""
    inside = _in_period(snapshots, "window_end", start, end)
    return inside.sort_values("window_end").groupby("account_id", sort=True).tail(1)


def _multi_role_share(latest: pd.DataFrame) -> Rate:
    flags = latest["multi_role"].map(lambda v: bool(v) if pd.notna(v) else False)
    return Rate.of(int(flags.sum()), len(latest), empty="no account was analyzed in the period")


def _mean(values: pd.Series, *, empty: str) -> Rate:
    """A mean as a :class:`Rate`: the sum over the count of known values."""
    known = values.dropna()
    return Rate.of(float(known.sum()), len(known), empty=empty)


def _no_impact(confidence: float, reason: str) -> CheckInImpact:
    return CheckInImpact(None, None, None, confidence, 0, 0, 0, 0, reason)
