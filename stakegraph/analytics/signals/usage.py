"""Usage decline and feature-depth regression, each account against its own usage history.

Usage decline
-------------
For each usage metric of the account (``active_users``, ``api_calls``, ``seats_used`` and
the total of its ``feature:*`` metrics, whichever it reports), at each weekly as-of date:
``r = log(median of the recent window + 1) - log(median of the baseline window + 1)``,
medians over the metric's own observations (any cadence), so that one bad reading does
not move it. Where the account has data a year earlier, the same ratio a year earlier
(clipped to ``[-0.7, 0]``) is taken off: a seasonal dip it had last year is not a decline.
A metric has declined when ``r <= log(max_ratio)`` and ``r`` is below ``-noise_sds``
robust standard deviations (1.4826 x MAD) of its own baseline logs. The account's usage
has declined when at least two metrics have (one metric alone is a tracking fault as
often as a change: one noisy metric never fires). Seats purchased are not usage: a
seat true-up changes them by contract.

Feature-depth regression
------------------------
The share of the advanced tier in feature use, per observation date:
``advanced / (basic + advanced)``. It regresses when the ratio of the recent median share
to the baseline's is at most ``max_depth_ratio``, also with any single advanced feature
left out (abandoning one feature is not going back to basics), with at least two advanced
features in use in the baseline, and below its own noise like a usage metric.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from stakegraph.analytics.kernels import row_medians, window_medians
from stakegraph.analytics.signals.beyond_tables import BeyondFrames, runs, week_ends
from stakegraph.analytics.signals.episodes import first_of_episodes
from stakegraph.analytics.signals.parameters import SignalParameters, UsageParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.dates import WEEK
from stakegraph.vocabulary import FEATURE_DEPTH_REGRESSION, USAGE_DECLINE

__all__ = ["feature_depth_regressions", "usage_declines", "window_log_ratio"]

CORE_METRICS = ("active_users", "api_calls", "seats_used")
_FEATURE_TOTAL = "feature_total"
_SEASONAL_CLIP = -0.7
_YEAR = 52 * WEEK


def usage_declines(beyond: BeyondFrames, as_of: int, params: SignalParameters) -> list[Signal]:
    """Every usage decline before ``as_of`` (see the module docstring)."""
    p = params.usage
    signals: list[Signal] = []
    for account_id, first_at, series in _usage_series(beyond.usage):
        if len(series) < 2:
            continue
        ends = week_ends(first_at, as_of)
        verdicts = []
        for metric, (at, values) in series.items():
            r, sd = _adjusted_ratios(at, np.log1p(values), ends, p)
            verdicts.append((metric, r, sd))
        declined = np.stack(
            [(r <= np.log(p.max_ratio)) & (r <= -p.noise_sds * sd) for _, r, sd in verdicts]
        )
        ratios = np.stack([r for _, r, _ in verdicts])
        firing = np.flatnonzero(declined.sum(axis=0) >= 2)
        for _, week in first_of_episodes(
            np.zeros(len(firing), dtype=np.int64), firing, params.windows.cooldown_weeks
        ):
            fell = [verdicts[m][0] for m in np.flatnonzero(declined[:, week])]
            metric_ratios = {
                verdicts[m][0]: float(np.exp(ratios[m, week]))
                for m in range(len(verdicts))
                if np.isfinite(ratios[m, week])
            }
            worst = float(np.median([metric_ratios[m] for m in fell]))
            signals.append(
                Signal(
                    kind=USAGE_DECLINE,
                    account_id=account_id,
                    at=int(ends[week]),
                    severity=clip_severity(1.0 - worst),
                    evidence={
                        "metrics_declined": sorted(fell),
                        "metric_ratios": metric_ratios,
                        "usage_ratio": worst,
                        "recent_weeks": p.recent_weeks,
                        "baseline_weeks": p.baseline_weeks,
                    },
                )
            )
    return signals


def feature_depth_regressions(
    beyond: BeyondFrames, as_of: int, params: SignalParameters
) -> list[Signal]:
    """Every feature-depth regression before ``as_of`` (see the module docstring)."""
    p = params.usage
    signals: list[Signal] = []
    for account_id, at, table, advanced, basic in _feature_tables(beyond.usage):
        if len(advanced) < 2 or not basic:
            continue
        adv = table[:, : len(advanced)]
        total = _row_totals(table)
        advanced_total = _row_totals(adv)
        ends = week_ends(int(at[0]), as_of)
        worst = None
        # At least two advanced features in use in the baseline (one besides the one left out).
        used = _advanced_in_use(at, adv, ends, p)
        # The advanced share with every advanced feature kept (column 0), then with each
        # left out in turn: one call of the window kernels for all of them.
        variants = [None, *range(len(advanced))]
        shares = np.column_stack(
            [
                _log_share(
                    advanced_total - (0.0 if left_out is None else adv[:, left_out]),
                    total - (0.0 if left_out is None else adv[:, left_out]),
                )
                for left_out in variants
            ]
        )
        ratios, sds = window_log_ratio(at, shares, ends, p)
        for column, left_out in enumerate(variants):
            if left_out is None:
                in_use = used.sum(axis=1) >= 2
            else:
                in_use = used.sum(axis=1) - used[:, left_out] >= 1
            r = np.where(in_use, ratios[:, column], np.nan)
            ok = (r <= np.log(p.max_depth_ratio)) & (r <= -p.noise_sds * sds[:, column])
            worst = ok if worst is None else worst & ok
            if left_out is None:
                full = r
        assert worst is not None
        firing = np.flatnonzero(worst)
        for _, week in first_of_episodes(
            np.zeros(len(firing), dtype=np.int64), firing, params.windows.cooldown_weeks
        ):
            ratio = float(np.exp(full[week]))
            signals.append(
                Signal(
                    kind=FEATURE_DEPTH_REGRESSION,
                    account_id=account_id,
                    at=int(ends[week]),
                    severity=clip_severity(1.0 - ratio),
                    evidence={
                        "advanced_share_ratio": ratio,
                        "advanced_features": sorted(str(m) for m in advanced),
                        "recent_weeks": p.recent_weeks,
                        "baseline_weeks": p.baseline_weeks,
                    },
                )
            )
    return signals


def window_log_ratio(
    at: np.ndarray, logs: np.ndarray, ends: np.ndarray, p: UsageParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Per as-of date: median of ``logs`` in the recent window minus the baseline's, and
    the baseline's robust standard deviation (NaN where the baseline is too thin).

    ``logs`` is one series, or several observed on the same dates ``at`` (one column
    each); the results then have one column per series.

    Examples
    --------
    >>> from stakegraph.analytics.signals.parameters import UsageParameters
    >>> at = np.arange(10) * WEEK
    >>> logs = np.log([10, 10, 10, 10, 10, 10, 5, 5, 5, 5])
    >>> p = UsageParameters(recent_weeks=4, baseline_weeks=6)
    >>> r, sd = window_log_ratio(at, logs, np.array([10 * WEEK]), p)
    >>> round(float(np.exp(r[0])), 3), float(sd[0])
    (0.5, 0.0)
    >>> r, _ = window_log_ratio(at, np.column_stack([logs, 2 * logs]), np.array([10 * WEEK]), p)
    >>> np.round(np.exp(r), 3).tolist()
    [[0.5, 0.25]]
    """
    recent, baseline = p.recent_weeks * WEEK, p.baseline_weeks * WEEK
    lo = np.searchsorted(at, ends - recent - baseline)
    mid = np.searchsorted(at, ends - recent)
    hi = np.searchsorted(at, ends)
    columns = logs.reshape(len(at), -1)
    stacked = columns.T.ravel()
    lo_all, mid_all, hi_all = _stacked_windows(len(at), columns.shape[1], lo, mid, hi)
    centre, base = window_medians(stacked, lo_all, mid_all)
    recent_median, _ = window_medians(stacked, mid_all, hi_all)
    deviations = row_medians(np.abs(base - centre[:, None]), mid_all - lo_all)
    judged = (mid_all - lo_all >= p.min_baseline) & (hi_all > mid_all)
    r = np.where(judged, recent_median - centre, np.nan).reshape(-1, len(ends)).T
    sd = np.where(judged, 1.4826 * deviations, np.nan).reshape(-1, len(ends)).T
    if logs.ndim == 1:
        return r[:, 0], sd[:, 0]
    return r, sd


def _log_share(kept: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """``log(kept / rest + 0.001)``, zero totals read as a billionth."""
    return np.asarray(np.log(np.maximum(kept, 1e-9) / np.maximum(rest, 1e-9) + 1e-3))


def _adjusted_ratios(
    at: np.ndarray, logs: np.ndarray, ends: np.ndarray, p: UsageParameters
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`window_log_ratio` less last year's seasonal dip at the same dates."""
    # This year's dates and last year's in one call.
    both, both_sd = window_log_ratio(at, logs, np.concatenate([ends, ends - _YEAR]), p)
    r, last_year, sd = both[: len(ends)], both[len(ends) :], both_sd[: len(ends)]
    seasonal = np.where(np.isfinite(last_year), np.clip(last_year, _SEASONAL_CLIP, 0.0), 0.0)
    return r - seasonal, sd


def _usage_series(
    usage: pd.DataFrame,
) -> Iterator[tuple[str, int, dict[str, tuple[np.ndarray, np.ndarray]]]]:
    """Each account (sorted), its first usage date, and its usage metrics as (times,
    values), features summed per date, in the order of :data:`CORE_METRICS` then the
    feature total.

    One groupby over the portfolio, split by account with numpy: a groupby per account
    cost ~4 ms each, most of the detector's time.
    """
    if usage.empty:
        return
    account = usage["account_id"].astype(str)
    at = pd.to_numeric(usage["at"]).astype("int64")
    metric = usage["metric"].astype(str)
    core = metric.isin(CORE_METRICS)
    kept = core | metric.str.startswith("feature:")
    rows = pd.DataFrame(
        {
            "account_id": account,
            "series": np.where(core, metric, _FEATURE_TOTAL),
            "at": at,
            "value": usage["value"],
        }
    )[kept.to_numpy()]
    # Sorted first: pandas sums a group in another order when the rows are not sorted by
    # it, and the sums then differ in the last bit from a groupby of one account's series.
    rows = rows.sort_values(["account_id", "series", "at"], kind="stable")
    sums = rows.groupby(["account_id", "series", "at"], sort=True)["value"].sum()
    accounts = sums.index.get_level_values("account_id").to_numpy()
    names = sums.index.get_level_values("series").to_numpy()
    times = sums.index.get_level_values("at").to_numpy(np.int64)
    values = sums.to_numpy(float)
    found: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for lo, hi in runs(accounts, names):
        found.setdefault(str(accounts[lo]), {})[str(names[lo])] = (times[lo:hi], values[lo:hi])
    for account_id, first_at in at.groupby(account, sort=True).min().items():
        of = found.get(str(account_id), {})
        yield (
            str(account_id),
            int(first_at),
            {name: of[name] for name in (*CORE_METRICS, _FEATURE_TOTAL) if name in of},
        )


def _feature_tables(
    usage: pd.DataFrame,
) -> Iterator[tuple[str, np.ndarray, np.ndarray, list[str], list[str]]]:
    """Each account's use of its tiered features: ``(account_id, at, table, advanced,
    basic)``, the table one row per date in ``at`` (sorted) and one column per feature,
    summed per date, 0 where a feature has no row; its advanced features (by name) first,
    then its basic ones.

    A feature's tier is its first in time. One groupby and one unstack over the portfolio
    (a pivot table per account cost ~14 ms each, most of the detector's time).
    """
    tiered = usage[
        usage["metric"].astype(str).str.startswith("feature:")
        & usage["tier"].isin(["basic", "advanced"])
    ]
    if tiered.empty:
        return
    ordered = tiered.assign(
        account_id=tiered["account_id"].astype(str),
        at=pd.to_numeric(tiered["at"]).astype("int64"),
        metric=tiered["metric"].astype(str),
    ).sort_values(["account_id", "at"], kind="stable")
    sums = ordered.groupby(["account_id", "at", "metric"], sort=True)["value"].sum()
    wide = sums.unstack("metric")
    tier_of = ordered.groupby(["account_id", "metric"], sort=True)["tier"].first()
    accounts = wide.index.get_level_values("account_id").to_numpy()
    times = wide.index.get_level_values("at").to_numpy(np.int64)
    cells = wide.to_numpy(float)
    metrics = np.asarray(wide.columns, dtype=object)
    for lo, hi in runs(accounts):
        account_id = str(accounts[lo])
        block = cells[lo:hi]
        # The account's own features: those it has a row for (a sum is never NaN).
        present = ~np.isnan(block).all(axis=0)
        tiers = tier_of.loc[account_id]
        advanced = [str(m) for m in metrics[present] if tiers[m] == "advanced"]
        basic = [str(m) for m in metrics[present] if tiers[m] == "basic"]
        columns = wide.columns.get_indexer(pd.Index(advanced + basic))
        yield account_id, times[lo:hi], np.nan_to_num(block[:, columns], nan=0.0), advanced, basic


def _row_totals(table: np.ndarray) -> np.ndarray:
    """Row sums added column by column, left to right: the order of ``DataFrame.sum(axis=1)``,
    which the per-account pivot tables used (numpy's own row sum pairs terms differently
    from nine columns on, and a total then differs in the last bit)."""
    total = np.zeros(len(table))
    for column in table.T:
        total = total + column
    return total


def _advanced_in_use(
    at: np.ndarray, adv: np.ndarray, ends: np.ndarray, p: UsageParameters
) -> np.ndarray:
    """Per as-of date (rows) and advanced feature (columns): in use in the baseline (its
    median above zero)."""
    recent, baseline = p.recent_weeks * WEEK, p.baseline_weeks * WEEK
    lo = np.searchsorted(at, ends - recent - baseline)
    mid = np.searchsorted(at, ends - recent)
    medians, _ = window_medians(adv.T.ravel(), *_stacked_windows(len(at), adv.shape[1], lo, mid))
    return np.asarray(medians.reshape(adv.shape[1], len(ends)).T > 0)


def _stacked_windows(length: int, series: int, *bounds: np.ndarray) -> list[np.ndarray]:
    """Window bounds into ``series`` series of ``length`` stacked end to end (column after
    column of a table), so that one call of the window kernels takes every series' windows:
    a call costs about the same however short its arrays.

    Examples
    --------
    >>> _stacked_windows(10, 2, np.array([0, 3]), np.array([2, 5]))
    [array([ 0,  3, 10, 13]), array([ 2,  5, 12, 15])]
    """
    offsets = (np.arange(series) * length)[:, None]
    return [(bound[None, :] + offsets).ravel() for bound in bounds]
