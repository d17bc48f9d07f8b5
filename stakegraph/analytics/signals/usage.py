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

import numpy as np
import pandas as pd

from stakegraph.analytics.kernels import row_medians, window_medians
from stakegraph.analytics.signals.beyond_tables import BeyondFrames, by_account, week_ends
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
    for account_id, rows in by_account(beyond.usage):
        series = _usage_series(rows)
        if len(series) < 2:
            continue
        ends = week_ends(int(rows["at"].min()), as_of)
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
    features = beyond.usage[
        beyond.usage["metric"].astype(str).str.startswith("feature:")
        & beyond.usage["tier"].isin(["basic", "advanced"])
    ]
    for account_id, rows in by_account(features):
        table = rows.pivot_table(index="at", columns="metric", values="value", aggfunc="sum")
        tiers = rows.groupby("metric")["tier"].first()
        advanced = [m for m in table.columns if tiers[m] == "advanced"]
        basic = [m for m in table.columns if tiers[m] == "basic"]
        if len(advanced) < 2 or not basic:
            continue
        table = table.fillna(0.0)
        at = table.index.to_numpy(np.int64)
        total = table[advanced + basic].sum(axis=1).to_numpy(float)
        adv = table[advanced].to_numpy(float)
        ends = week_ends(int(at[0]), as_of)
        worst = None
        # At least two advanced features in use in the baseline (one besides the one left out).
        used = _advanced_in_use(at, adv, ends, p)
        for left_out in [None, *range(len(advanced))]:
            kept = adv.sum(axis=1) - (0.0 if left_out is None else adv[:, left_out])
            rest = total - (0.0 if left_out is None else adv[:, left_out])
            share = np.log(np.maximum(kept, 1e-9) / np.maximum(rest, 1e-9) + 1e-3)
            r, sd = window_log_ratio(at, share, ends, p)
            if left_out is None:
                in_use = used.sum(axis=1) >= 2
            else:
                in_use = used.sum(axis=1) - used[:, left_out] >= 1
            r = np.where(in_use, r, np.nan)
            ok = (r <= np.log(p.max_depth_ratio)) & (r <= -p.noise_sds * sd)
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

    Examples
    --------
    >>> from stakegraph.analytics.signals.parameters import UsageParameters
    >>> at = np.arange(10) * WEEK
    >>> logs = np.log([10, 10, 10, 10, 10, 10, 5, 5, 5, 5])
    >>> r, sd = window_log_ratio(at, logs, np.array([10 * WEEK]),
    ...     UsageParameters(recent_weeks=4, baseline_weeks=6))
    >>> round(float(np.exp(r[0])), 3), float(sd[0])
    (0.5, 0.0)
    """
    recent, baseline = p.recent_weeks * WEEK, p.baseline_weeks * WEEK
    lo = np.searchsorted(at, ends - recent - baseline)
    mid = np.searchsorted(at, ends - recent)
    hi = np.searchsorted(at, ends)
    centre, base = window_medians(logs, lo, mid)
    recent_median, _ = window_medians(logs, mid, hi)
    deviations = row_medians(np.abs(base - centre[:, None]), mid - lo)
    judged = (mid - lo >= p.min_baseline) & (hi > mid)
    r = np.where(judged, recent_median - centre, np.nan)
    sd = np.where(judged, 1.4826 * deviations, np.nan)
    return r, sd


def _adjusted_ratios(
    at: np.ndarray, logs: np.ndarray, ends: np.ndarray, p: UsageParameters
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`window_log_ratio` less last year's seasonal dip at the same dates."""
    r, sd = window_log_ratio(at, logs, ends, p)
    last_year, _ = window_log_ratio(at, logs, ends - _YEAR, p)
    seasonal = np.where(np.isfinite(last_year), np.clip(last_year, _SEASONAL_CLIP, 0.0), 0.0)
    return r - seasonal, sd


def _usage_series(rows: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The account's usage metrics as (times, values), features summed per date."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    metric = rows["metric"].astype(str)
    for name in CORE_METRICS:
        of = rows[metric == name].groupby("at")["value"].sum()
        if len(of):
            out[name] = (of.index.to_numpy(np.int64), of.to_numpy(float))
    features = rows[metric.str.startswith("feature:")].groupby("at")["value"].sum()
    if len(features):
        out[_FEATURE_TOTAL] = (features.index.to_numpy(np.int64), features.to_numpy(float))
    return out


def _advanced_in_use(
    at: np.ndarray, adv: np.ndarray, ends: np.ndarray, p: UsageParameters
) -> np.ndarray:
    """Per as-of date (rows) and advanced feature (columns): in use in the baseline (its
    median above zero)."""
    recent, baseline = p.recent_weeks * WEEK, p.baseline_weeks * WEEK
    lo = np.searchsorted(at, ends - recent - baseline)
    mid = np.searchsorted(at, ends - recent)
    used = [window_medians(adv[:, j], lo, mid)[0] > 0 for j in range(adv.shape[1])]
    return np.column_stack(used) if used else np.zeros((len(ends), 0), dtype=bool)
