"""One tidy table of every account metric per window: what becomes ``(:Snapshot)`` nodes.

:func:`snapshot` evaluates every single-window metric of :mod:`stakegraph.analytics` for
all accounts in one window; :func:`snapshot_series` maps it over :func:`window_grid` and
adds the two measures defined on a series: the ratios to the renewed baseline (the
baseline uses only renewals before each window's end, so a backtest sees no future) and
the latency trends. Every column is a scalar; articulation points are comma-joined ids.

Both go through one window function that calls each metric's array form (e.g.
:func:`~stakegraph.analytics.engagement.engagement_columns`) on the window cut once, so a
series is one frame built from (windows, accounts) matrices, not 52 frames of six
concatenated frames each (1.5x at 500 accounts, docs/evaluation-log.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stakegraph.analytics.centralization import (
    NetworkMeasures,
    network_columns,
    traffic_columns,
)
from stakegraph.analytics.depth import DepthParameters, depth_columns
from stakegraph.analytics.engagement import (
    BASELINE_METRICS,
    DEFAULT_LOOKBACK,
    account_segments,
    engagement_columns,
    engagement_ratio_columns,
    renewal_engagement,
    renewed_baseline,
)
from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.latency import latency_columns, latency_trend
from stakegraph.analytics.ties import DEFAULT_HALF_LIFE
from stakegraph.analytics.windows import (
    DEFAULT_BULK_THRESHOLD,
    DEFAULT_STEP,
    DEFAULT_WINDOW,
    Activity,
    as_activity,
    prepare_activity,
    window_grid,
)

__all__ = ["SNAPSHOT_COLUMNS", "snapshot", "snapshot_series"]

SNAPSHOT_COLUMNS = (
    "account_id",
    "window_start",
    "window_end",
    "interactions",
    "contacts_engaged",
    "our_people_engaged",
    "meetings",
    "inbound_emails",
    "outbound_emails",
    "contacts_engaged_ratio",
    "meetings_ratio",
    "inbound_emails_ratio",
    "outbound_emails_ratio",
    "functions_engaged",
    "levels_engaged",
    "senior_contacts_engaged",
    "multi_role",
    "stakeholders",
    "ties",
    "degree_centralization",
    "betweenness_centralization",
    "their_hhi",
    "their_effective_threads",
    "our_hhi",
    "our_effective_threads",
    "articulation_point_count",
    "articulation_points",
    "depth_score",
    "contact_strength_mean",
    "people_coverage",
    "function_coverage",
    "level_coverage",
    "their_reply_latency_s",
    "our_reply_latency_s",
    "their_replies",
    "our_replies",
    "their_latency_trend",
    "our_latency_trend",
)


def snapshot(
    data: PortfolioFrames | Activity,
    *,
    start: int,
    end: int,
    baseline: pd.DataFrame | None = None,
    lookback: int = DEFAULT_LOOKBACK,
    half_life: int = DEFAULT_HALF_LIFE,
    large_networks: NetworkMeasures | None = None,
) -> pd.DataFrame:
    """Every single-window metric of every account in ``[start, end)``, one row per account.

    Parameters
    ----------
    data : PortfolioFrames or Activity
    start, end : int, keyword-only
        The half-open window.
    baseline : pandas.DataFrame, optional, keyword-only
        A :func:`~stakegraph.analytics.engagement.renewed_baseline`; without it the
        ``*_ratio`` columns are NaN.
    lookback : int, keyword-only
        The baseline's lookback, to scale it to the window (default 180 days).
    half_life : int, keyword-only
        Tie strength half-life for the depth score (default 45 days).
    large_networks : NetworkMeasures, optional, keyword-only
        The store's measurement of large networks (Graph Data Science), see
        :func:`~stakegraph.analytics.centralization.network_measures`.

    Returns
    -------
    pandas.DataFrame
        The :data:`SNAPSHOT_COLUMNS` except the latency trends (defined on a series).
    """
    activity = as_activity(data)
    columns = _window_columns(
        activity,
        start,
        end,
        baseline=baseline,
        segment=_segment_per_account(activity),
        lookback=lookback,
        half_life=half_life,
        large_networks=large_networks,
    )
    frame = pd.DataFrame(columns, index=pd.Index(activity.account_ids, name="account_id"))
    frame.insert(0, "window_end", np.int64(end))
    frame.insert(0, "window_start", np.int64(start))
    frame = frame.reset_index()
    return frame[[c for c in SNAPSHOT_COLUMNS if c in frame.columns]]


def snapshot_series(
    frames: PortfolioFrames | Activity,
    *,
    as_of: int,
    window: int = DEFAULT_WINDOW,
    step: int = DEFAULT_STEP,
    windows: int = 52,
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
    lookback: int = DEFAULT_LOOKBACK,
    half_life: int = DEFAULT_HALF_LIFE,
    trend_windows: int = 8,
    large_networks: NetworkMeasures | None = None,
) -> pd.DataFrame:
    """:func:`snapshot` over the window grid ending at ``as_of``, plus ratios and trends.

    Parameters
    ----------
    frames : PortfolioFrames or Activity
        An :class:`Activity` is used as prepared (its own bulk threshold).
    as_of : int, keyword-only
        End (exclusive) of the last window, epoch seconds.
    window, step, windows : int, keyword-only
        The grid (defaults 90 days, 7 days, 52), see
        :func:`~stakegraph.analytics.windows.window_grid`.
    bulk_threshold : int, keyword-only
        More distinct people than this makes an interaction bulk (default 25).
    lookback : int, keyword-only
        Renewed-baseline lookback (default 180 days).
    half_life : int, keyword-only
        Tie strength half-life (default 45 days).
    trend_windows : int, keyword-only
        Windows in each latency trend (default 8).
    large_networks : NetworkMeasures, optional, keyword-only
        Passed to :func:`snapshot`.

    Returns
    -------
    pandas.DataFrame
        One row per ``(account_id, window_start, window_end)`` with the
        :data:`SNAPSHOT_COLUMNS`, sorted by account then window.

    Examples
    --------
    For 2,000 accounts and 52 windows this is 104,000 rows.
    """
    activity = (
        frames
        if isinstance(frames, Activity)
        else prepare_activity(frames, bulk_threshold=bulk_threshold)
    )
    grid = window_grid(as_of, window=window, step=step, windows=windows)
    per_renewal = renewal_engagement(activity, lookback=lookback)
    segment = _segment_per_account(activity)
    starts, ends = grid["window_start"].to_numpy(), grid["window_end"].to_numpy()
    per_window = [
        _window_columns(
            activity,
            int(start),
            int(end),
            baseline=renewed_baseline(per_renewal, as_of=int(end), lookback=lookback),
            segment=segment,
            lookback=lookback,
            half_life=half_life,
            large_networks=large_networks,
        )
        for start, end in zip(starts, ends, strict=True)
    ]
    # Each column as a (windows, accounts) matrix, laid out account by account (account
    # codes are in id order), the order of a sort by account then window.
    matrices = {name: np.stack([w[name] for w in per_window]) for name in per_window[0]}
    for side in ("their", "our"):
        wide = pd.DataFrame(matrices[f"{side}_reply_latency_s"], index=ends)
        trend = latency_trend(wide, trend_windows=trend_windows)
        matrices[f"{side}_latency_trend"] = trend.to_numpy()
    n_windows = len(ends)
    columns = {
        "account_id": pd.Index(activity.account_ids).repeat(n_windows),
        "window_start": np.tile(starts, activity.n_accounts),
        "window_end": np.tile(ends, activity.n_accounts),
    }
    columns.update({name: matrix.T.ravel() for name, matrix in matrices.items()})
    return pd.DataFrame({name: columns[name] for name in SNAPSHOT_COLUMNS})


def _window_columns(
    activity: Activity,
    start: int,
    end: int,
    *,
    baseline: pd.DataFrame | None,
    segment: np.ndarray,
    lookback: int,
    half_life: int,
    large_networks: NetworkMeasures | None,
) -> dict[str, np.ndarray]:
    """Every :func:`snapshot` column but the window's bounds, as arrays in account code
    order: the metrics' array forms, cut to the window once, without a frame per metric."""
    window = activity.between(start, end)
    engaged = engagement_columns(window)
    if baseline is not None:
        ratios = engagement_ratio_columns(
            engaged, baseline, segment, window=end - start, lookback=lookback
        )
    else:
        ratios = {f"{m}_ratio": np.full(activity.n_accounts, np.nan) for m in BASELINE_METRICS}
    return {
        **engaged,
        **ratios,
        **network_columns(window, large=large_networks),
        **traffic_columns(window),
        **depth_columns(window, end=end, params=DepthParameters(half_life=half_life)),
        **latency_columns(window),
    }


def _segment_per_account(activity: Activity) -> np.ndarray:
    """Each account code's segment (NaN when the accounts frame does not list it)."""
    return account_segments(activity).reindex(activity.account_ids).to_numpy()
