"""Response latency: how fast each side replies, per stakeholder and per account, and its trend.

A reply is a conversational interaction in the window with a ``reply_latency_s`` (the
seconds since the message it answers); its side is the side of its sender. Per account,
``their_reply_latency_s`` is the median latency of replies *from* the customer side and
``our_reply_latency_s`` the median of ours (NaN without replies). With no ``is_home``
person everyone's replies are "theirs".

The trend of a latency series is the Theil-Sen slope of ``ln(median latency)`` against the
window index over the last ``trend_windows`` windows (default 8, at least 4 with replies):
the median of all pairwise slopes, robust to a few odd windows. A slope of 0.05 means
replies slow by about 5% per step (a week by default).

References
----------
Theil, H. (1950). A rank-invariant method of linear and polynomial regression analysis.
*Indagationes Mathematicae* 12, 85-91.
Sen, P. K. (1968). Estimates of the regression coefficient based on Kendall's tau.
*Journal of the American Statistical Association* 63(324), 1379-1389.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.kernels import group_medians
from stakegraph.analytics.windows import Activity, as_activity

__all__ = [
    "latency_columns",
    "latency_trend",
    "reply_latency",
    "reply_latency_by_person",
    "theil_sen_slope",
]


def reply_latency(data: PortfolioFrames | Activity, *, start: int, end: int) -> pd.DataFrame:
    """Median reply latency of each side per account in ``[start, end)``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``account_id``: ``their_reply_latency_s, our_reply_latency_s`` (median
        seconds, NaN without replies) and ``their_replies, our_replies`` (counts).

    Examples
    --------
    Their replies after 1 h, 2 h and 10 h give a median of 7200 s.
    """
    activity = as_activity(data).between(start, end)
    return pd.DataFrame(
        latency_columns(activity), index=pd.Index(activity.account_ids, name="account_id")
    )


def latency_columns(window: Activity) -> dict[str, np.ndarray]:
    """:func:`reply_latency` of an activity already cut to its window, as arrays in
    account code order."""
    inter = window.interactions
    latency = inter["reply_latency_s"].to_numpy(dtype=float)
    sender = inter["sender"].to_numpy()
    is_reply = np.isfinite(latency) & (latency >= 0) & (sender >= 0)
    account = inter["account"].to_numpy()[is_reply]
    home = inter["sender_home"].to_numpy()[is_reply]
    latency = latency[is_reply]
    out = {}
    for side, mask in (("their", ~home), ("our", home)):
        out[f"{side}_reply_latency_s"] = group_medians(
            latency[mask], account[mask], window.n_accounts
        )
        out[f"{side}_replies"] = np.bincount(account[mask], minlength=window.n_accounts)
    return out


def reply_latency_by_person(
    data: PortfolioFrames | Activity, *, start: int, end: int
) -> pd.DataFrame:
    """Median reply latency of each stakeholder (the replier) per account in ``[start, end)``.

    Returns
    -------
    pandas.DataFrame
        ``account_id, person_id, is_home, replies, median_reply_latency_s``, one row per
        person with at least one reply.
    """
    activity = as_activity(data).between(start, end)
    replies = _replies(activity)
    stats = replies.groupby(["account", "sender"])["latency"].agg(["size", "median"]).reset_index()
    sender = stats["sender"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "account_id": activity.account_ids[stats["account"].to_numpy(dtype=np.int64)],
            "person_id": activity.person_ids[sender],
            "is_home": activity.person_home[sender],
            "replies": stats["size"].to_numpy(dtype=np.int64),
            "median_reply_latency_s": stats["median"].to_numpy(dtype=float),
        }
    )


def theil_sen_slope(values: np.ndarray, *, min_points: int = 4) -> np.ndarray:
    """Theil-Sen slope along the last axis against positions 0, 1, 2, ..., ignoring NaN.

    Parameters
    ----------
    values : numpy.ndarray
        ``(..., L)`` series.
    min_points : int, keyword-only
        Fewer finite points than this give NaN (default 4).

    Returns
    -------
    numpy.ndarray
        ``(...)`` median of the pairwise slopes ``(y_j - y_i) / (j - i)``, ``i < j``.

    Examples
    --------
    >>> float(theil_sen_slope(np.array([1.0, 2.0, 3.0, 4.0, 40.0])))
    1.0
    """
    y = np.asarray(values, dtype=float)
    length = y.shape[-1]
    i, j = np.triu_indices(length, k=1)
    slopes = (y[..., j] - y[..., i]) / (j - i)
    enough = np.isfinite(y).sum(axis=-1) >= min_points
    result = np.full(y.shape[:-1], np.nan)
    if enough.any():
        result[enough] = np.nanmedian(slopes[enough], axis=-1)
    return result


def latency_trend(
    latency: pd.DataFrame, *, trend_windows: int = 8, min_points: int = 4
) -> pd.DataFrame:
    """Rolling Theil-Sen slope of ``ln(latency)`` per account over the last windows.

    Parameters
    ----------
    latency : pandas.DataFrame
        Windows as rows (oldest first), accounts as columns, median latency seconds.
    trend_windows : int, keyword-only
        Windows in each trend (default 8).
    min_points : int, keyword-only
        Windows with replies needed for a slope (default 4).

    Returns
    -------
    pandas.DataFrame
        Same shape: the slope over the ``trend_windows`` windows ending at each row, in
        log-latency per window step (NaN with too few points).

    Examples
    --------
    Latencies doubling every window give a slope of ``ln 2 = 0.693``.
    """
    logged = np.log(latency.to_numpy(dtype=float).clip(min=1.0))
    n_accounts = logged.shape[1]
    padded = np.vstack([np.full((trend_windows - 1, n_accounts), np.nan), logged])
    # (windows, accounts, trend_windows) view of each trailing run of windows.
    runs = np.lib.stride_tricks.sliding_window_view(padded, trend_windows, axis=0)
    with np.errstate(invalid="ignore"):
        slopes = theil_sen_slope(runs, min_points=min_points)
    return pd.DataFrame(slopes, index=latency.index, columns=latency.columns)


# --------------------------------------------------------------------------- helpers


def _replies(activity: Activity) -> pd.DataFrame:
    inter = activity.interactions
    latency = inter["reply_latency_s"].to_numpy(dtype=float)
    sender = inter["sender"].to_numpy()
    is_reply = np.isfinite(latency) & (latency >= 0) & (sender >= 0)
    return pd.DataFrame(
        {
            "account": inter["account"].to_numpy()[is_reply],
            "sender": sender[is_reply],
            "home": inter["sender_home"].to_numpy()[is_reply],
            "latency": latency[is_reply],
        }
    )
