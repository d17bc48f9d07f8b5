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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stakegraph.analytics.kernels import row_medians, window_medians
from stakegraph.analytics.signals.beyond_tables import BeyondFrames, runs, week_ends
from stakegraph.analytics.signals.episodes import first_of_episodes
from stakegraph.analytics.signals.parameters import SignalParameters, UsageParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.dates import WEEK
from stakegraph.vocabulary import (
    FEATURE_DEPTH_REGRESSION,
    FEATURE_METRIC_PREFIX,
    USAGE_DECLINE,
    USAGE_SIGNAL_METRICS,
)

__all__ = ["feature_depth_regressions", "usage_declines", "window_log_ratio", "window_log_ratios"]

CORE_METRICS = USAGE_SIGNAL_METRICS
_FEATURE_TOTAL = "feature_total"
_SEASONAL_CLIP = -0.7
_YEAR = 52 * WEEK


def usage_declines(beyond: BeyondFrames, as_of: int, params: SignalParameters) -> list[Signal]:
    """Every usage decline before ``as_of`` (see the module docstring)."""
    p = params.usage
    accounts = [
        (account_id, week_ends(first_at, as_of), series)
        for account_id, first_at, series in _usage_series(beyond.usage)
        if len(series) >= 2
    ]
    # Every metric of every account in one pass of the window kernels: this year's
    # dates and last year's (the seasonal dip) together.
    ratios_of = iter(
        window_log_ratios(
            [
                (at, np.log1p(values), np.concatenate([ends, ends - _YEAR]))
                for _, ends, series in accounts
                for at, values in series.values()
            ],
            p,
        )
    )
    signals: list[Signal] = []
    for account_id, ends, series in accounts:
        verdicts = []
        for metric in series:
            r, sd = _seasonally_adjusted(*next(ratios_of), len(ends))
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
    accounts = []
    for account_id, at, table, advanced, basic in _feature_tables(beyond.usage):
        if len(advanced) < 2 or not basic:
            continue
        adv = table[:, : len(advanced)]
        total = _row_totals(table)
        advanced_total = _row_totals(adv)
        # The advanced share with every advanced feature kept (column 0), then with each
        # left out in turn.
        shares = np.column_stack(
            [
                _log_share(
                    advanced_total - (0.0 if left_out is None else adv[:, left_out]),
                    total - (0.0 if left_out is None else adv[:, left_out]),
                )
                for left_out in [None, *range(len(advanced))]
            ]
        )
        accounts.append((account_id, at, adv, shares, advanced, week_ends(int(at[0]), as_of)))
    # Every account's shares, and its advanced features' use, in one pass of the kernels.
    windows = [(at, shares, ends) for _, at, _, shares, _, ends in accounts]
    ratios_of = window_log_ratios(windows, p)
    used_of = _advanced_in_use([(at, adv, ends) for _, at, adv, _, _, ends in accounts], p)
    signals: list[Signal] = []
    for (account_id, _, _, _, advanced, ends), (ratios, sds), used in zip(
        accounts, ratios_of, used_of, strict=True
    ):
        worst = None
        # At least two advanced features in use in the baseline (one besides the one left out).
        variants = [None, *range(len(advanced))]
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
    return window_log_ratios([(at, logs, ends)], p)[0]


def window_log_ratios(
    series: list[tuple[np.ndarray, np.ndarray, np.ndarray]], p: UsageParameters
) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`window_log_ratio` of each ``(at, logs, ends)``, every window of every series
    taken by the same few calls of the window kernels (a call costs about the same however
    short its arrays, and the usage detectors have a few series per account).

    Examples
    --------
    >>> from stakegraph.analytics.signals.parameters import UsageParameters
    >>> p = UsageParameters(recent_weeks=4, baseline_weeks=6)
    >>> halved = (np.arange(10) * WEEK, np.log([10.0] * 6 + [5.0] * 4), np.array([10 * WEEK]))
    >>> steady = (np.arange(8) * WEEK, np.log([3.0] * 8), np.array([8 * WEEK, 9 * WEEK]))
    >>> [np.round(np.exp(r), 3).tolist() for r, _ in window_log_ratios([halved, steady], p)]
    [[0.5], [1.0, 1.0]]
    """
    stacked = _StackedWindows.of(series, p)
    centre, deviations = _medians_and_deviations(stacked.values, stacked.lo, stacked.mid)
    recent_median, _ = _medians_and_deviations(
        stacked.values, stacked.mid, stacked.hi, deviations=False
    )
    judged = (stacked.mid - stacked.lo >= p.min_baseline) & (stacked.hi > stacked.mid)
    r_all = np.where(judged, recent_median - centre, np.nan)
    sd_all = np.where(judged, 1.4826 * deviations, np.nan)
    found = []
    for (_, logs, ends), (start, stop) in zip(series, stacked.windows, strict=True):
        r = r_all[start:stop].reshape(-1, len(ends)).T
        sd = sd_all[start:stop].reshape(-1, len(ends)).T
        found.append((r[:, 0], sd[:, 0]) if logs.ndim == 1 else (r, sd))
    return found


# Windows per call of the window kernels: their padded matrices stay a few megabytes.
_CHUNK_WINDOWS = 4096


@dataclass(frozen=True)
class _StackedWindows:
    """Many tables' columns end to end in ``values`` (column after column, table after
    table), and every window of theirs as bounds into it: per table, column by column,
    one window per end. ``windows`` is each table's ``(start, stop)`` among the windows."""

    values: np.ndarray
    lo: np.ndarray
    mid: np.ndarray
    hi: np.ndarray
    windows: list[tuple[int, int]]

    @classmethod
    def of(
        cls, series: list[tuple[np.ndarray, np.ndarray, np.ndarray]], p: UsageParameters
    ) -> _StackedWindows:
        recent, baseline = p.recent_weeks * WEEK, p.baseline_weeks * WEEK
        values, bounds, windows = [], [], []
        offset = start = 0
        for at, logs, ends in series:
            columns = logs.reshape(len(at), -1)
            values.append(columns.T.ravel())
            bounds.append(
                _stacked_windows(
                    len(at),
                    columns.shape[1],
                    np.searchsorted(at, ends - recent - baseline) + offset,
                    np.searchsorted(at, ends - recent) + offset,
                    np.searchsorted(at, ends) + offset,
                )
            )
            offset += columns.size
            windows.append((start, start + columns.shape[1] * len(ends)))
            start = windows[-1][1]
        lo, mid, hi = (
            np.concatenate([b[i] for b in bounds]) if bounds else np.zeros(0, dtype=np.int64)
            for i in range(3)
        )
        values_all = np.concatenate(values) if values else np.zeros(0)
        return cls(values=values_all, lo=lo, mid=mid, hi=hi, windows=windows)


def _medians_and_deviations(
    values: np.ndarray, lo: np.ndarray, hi: np.ndarray, *, deviations: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Median of ``values[lo[i]:hi[i]]`` for every window, and the median absolute
    deviation from it (zeros when not asked for); NaN where a window is empty.

    :func:`window_medians` and :func:`row_medians` over :data:`_CHUNK_WINDOWS` windows at
    a time, the windows taken in order of their length so that a chunk's padded matrix
    is hardly wider than its windows (a window's median does not depend on its chunk).
    """
    median = np.full(len(lo), np.nan)
    deviation = np.zeros(len(lo))
    order = np.argsort(np.maximum(hi - lo, 0), kind="stable")
    for chunk in np.split(order, range(_CHUNK_WINDOWS, len(order), _CHUNK_WINDOWS)):
        centre, padded = window_medians(values, lo[chunk], hi[chunk])
        median[chunk] = centre
        if deviations:
            deviation[chunk] = row_medians(
                np.abs(padded - centre[:, None]), np.maximum(hi[chunk] - lo[chunk], 0)
            )
    return median, deviation


def _log_share(kept: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """``log(kept / rest + 0.001)``, zero totals read as a billionth."""
    return np.asarray(np.log(np.maximum(kept, 1e-9) / np.maximum(rest, 1e-9) + 1e-3))


def _seasonally_adjusted(
    both: np.ndarray, both_sd: np.ndarray, weeks: int
) -> tuple[np.ndarray, np.ndarray]:
    """This year's ratios (the first ``weeks`` of ``both``) less last year's seasonal dip at
    the same dates (the rest), and this year's robust standard deviations."""
    r, last_year, sd = both[:weeks], both[weeks:], both_sd[:weeks]
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
    kept = core | metric.str.startswith(FEATURE_METRIC_PREFIX)
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
        usage["metric"].astype(str).str.startswith(FEATURE_METRIC_PREFIX)
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
    first_tier = ordered.groupby(["account_id", "metric"], sort=True)["tier"].first()
    # Looked up in a dict: a ``.loc`` per account cost more than the rest of the split.
    tier_of = dict(zip(first_tier.index, first_tier.to_numpy(), strict=True))
    accounts = wide.index.get_level_values("account_id").to_numpy()
    times = wide.index.get_level_values("at").to_numpy(np.int64)
    cells = wide.to_numpy(float)
    metrics = [str(m) for m in wide.columns]
    for lo, hi in runs(accounts):
        account_id = str(accounts[lo])
        block = cells[lo:hi]
        # The account's own features: those it has a row for (a sum is never NaN).
        present = np.flatnonzero(~np.isnan(block).all(axis=0))
        tiers = [tier_of[(account_id, metrics[c])] for c in present]
        advanced = [int(c) for c, t in zip(present, tiers, strict=True) if t == "advanced"]
        basic = [int(c) for c, t in zip(present, tiers, strict=True) if t == "basic"]
        yield (
            account_id,
            times[lo:hi],
            np.nan_to_num(block[:, advanced + basic], nan=0.0),
            [metrics[c] for c in advanced],
            [metrics[c] for c in basic],
        )


def _row_totals(table: np.ndarray) -> np.ndarray:
    """Row sums added column by column, left to right: the order of ``DataFrame.sum(axis=1)``,
    which the per-account pivot tables used (numpy's own row sum pairs terms differently
    from nine columns on, and a total then differs in the last bit)."""
    total = np.zeros(len(table))
    for column in table.T:
        total = total + column
    return total


def _advanced_in_use(
    tables: list[tuple[np.ndarray, np.ndarray, np.ndarray]], p: UsageParameters
) -> list[np.ndarray]:
    """Per ``(at, advanced feature table, ends)``: per as-of date (rows) and advanced
    feature (columns), in use in the baseline (its median above zero)."""
    stacked = _StackedWindows.of(tables, p)
    medians, _ = _medians_and_deviations(stacked.values, stacked.lo, stacked.mid, deviations=False)
    return [
        np.asarray(medians[start:stop].reshape(adv.shape[1], len(ends)).T > 0)
        for (_, adv, ends), (start, stop) in zip(tables, stacked.windows, strict=True)
    ]


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
