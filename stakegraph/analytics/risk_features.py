"""The features of the churn-risk model, as of a date, from data before it.

Features (as of a date ``d``, from data before ``d`` only)
-----------------------------------------------------------
From :func:`stakegraph.analytics.engagement.engagement` over the last ``window`` (90 days)
and the ``window`` before it (counted for every date at once by
:func:`~stakegraph.analytics.engagement.engagement_windows`):

- ``contacts_trend``, ``interactions_trend``, ``meetings_trend``: ``log((recent + 1) /
  (prior + 1))``, the account against its own recent past;
- ``contacts_level``: ``log(1 + contacts engaged)`` in the last window (breadth);
- ``senior_contacts``: VP and C-level people engaged in the last window;
- ``multi_role``: 1 when engagement spans several functions and levels;

the beyond-conversation features of
:func:`stakegraph.analytics.beyond_features.beyond_features` (usage and depth trends,
the shift of the ticket mix to exit and SLA categories, refused co-innovation invitations
and skipped reviews; zero without that data), computed into the frame for analysis but
**not** model features (:data:`FEATURES`): on the two development portfolios they moved
the backtest AUC by +0.016 and -0.017, no net evidence for six more coefficients, and
the beyond signals carry the same evidence judged against each account's own history
(docs/evaluation-log.md, 2026-12-05);

and the open signals (raised in the ``signal_horizon`` before ``d``, 180 days): one
``signal_<kind>`` feature per kind, the sum of their severities.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from stakegraph.analytics.beyond_features import BEYOND_FEATURES, beyond_features
from stakegraph.analytics.engagement import engagement_windows
from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.signals.beyond_tables import BeyondFrames
from stakegraph.analytics.windows import Activity, as_activity
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import SIGNAL_KINDS

__all__ = ["ENGAGEMENT_FEATURES", "FEATURES", "risk_features"]

# The engagement family: read from the conversations' windows.
ENGAGEMENT_FEATURES = (
    "contacts_trend",
    "interactions_trend",
    "meetings_trend",
    "interactions_vs_year",
    "meetings_vs_year",
    "contacts_level",
    "senior_contacts",
    "multi_role",
)
# The model's features: the beyond-conversation ones (BEYOND_FEATURES) stay out of it.
FEATURES = (
    *ENGAGEMENT_FEATURES,
    *(f"signal_{kind}" for kind in SIGNAL_KINDS),
)


def risk_features(
    data: PortfolioFrames | Activity,
    signals: Iterable[dict[str, Any]],
    account_ids: Iterable[str],
    dates: Iterable[int],
    *,
    window: int = 90 * DAY,
    long_window: int = 365 * DAY,
    signal_horizon: int = 180 * DAY,
    resolution: int = WEEK,
    beyond: BeyondFrames | None = None,
) -> pd.DataFrame:
    """The :data:`FEATURES` of each ``(account_id, date)``, from data before the date.

    Dates are rounded down to ``resolution`` (a week by default: earlier is still causal);
    engagement is counted for every account in every window read, in one pass over the
    activity (:func:`~stakegraph.analytics.engagement.engagement_windows`), and picked out.

    Returns
    -------
    pandas.DataFrame
        One row per input pair, in order: ``account_id, as_of`` and the features.
    """
    activity = as_activity(data)
    accounts = np.asarray([str(a) for a in account_ids], dtype=object)
    when = (np.asarray(list(dates), dtype=np.int64) // resolution) * resolution
    columns = {name: np.zeros(len(accounts)) for name in FEATURES}
    code = pd.Index(activity.account_ids).get_indexer(accounts)
    ok = code >= 0
    account = np.maximum(code, 0)
    # Every window the features read, counted in one pass over the activity: the last
    # ``window`` before each date, the one before it, and the year-long baseline (up to
    # the start of the last window).
    ends = np.unique(np.concatenate([when, when - window]))
    engaged = engagement_windows(activity, ends, window=window)
    year = engagement_windows(
        activity, np.unique(when - window), window=long_window - window, volume_only=True
    )
    now = _pick(engaged, np.searchsorted(ends, when), account)
    before = _pick(engaged, np.searchsorted(ends, when - window), account)
    year_before = _pick(year, np.searchsorted(np.unique(when - window), when - window), account)
    # The slide before a churn starts up to eight months ahead: a year-long baseline
    # sees it where the 90-day one before has already slid too.
    scale = window / max(long_window - window, 1)
    values = {
        "contacts_trend": _log_ratio(now, before, "contacts_engaged"),
        "interactions_trend": _log_ratio(now, before, "interactions"),
        "meetings_trend": _log_ratio(now, before, "meetings"),
        "interactions_vs_year": _log_ratio(now, year_before, "interactions", scale),
        "meetings_vs_year": _log_ratio(now, year_before, "meetings", scale),
        "contacts_level": np.log1p(now["contacts_engaged"].astype(float)),
        "senior_contacts": now["senior_contacts_engaged"].astype(float),
        "multi_role": now["multi_role"].astype(float),
    }
    for name, value in values.items():
        columns[name] = np.where(ok, value, 0.0)
    extra = beyond_features(beyond, accounts, when, window=window, long_window=long_window)
    for name in BEYOND_FEATURES:
        columns[name] = extra[name].to_numpy(float)
    out = pd.DataFrame({"account_id": accounts, "as_of": when, **columns})
    signal_frame = pd.DataFrame(list(signals))
    if len(signal_frame):
        for kind in SIGNAL_KINDS:
            of_kind = signal_frame[signal_frame["kind"] == kind]
            if of_kind.empty:
                continue
            merged = (
                out[["account_id", "as_of"]]
                .reset_index()
                .merge(of_kind[["account_id", "at", "severity"]], on="account_id")
            )
            open_ = merged[
                (merged["at"] < merged["as_of"])
                & (merged["at"] >= merged["as_of"] - signal_horizon)
            ]
            total = open_.groupby("index")["severity"].sum()
            out.loc[total.index, f"signal_{kind}"] = total.to_numpy(float)
    return out


def _pick(
    counts: dict[str, np.ndarray], window: np.ndarray, account: np.ndarray
) -> dict[str, np.ndarray]:
    """Each row's value of every count (window by account; zeros without accounts)."""
    return {
        name: value[window, account] if value.shape[1] else np.zeros(len(account), value.dtype)
        for name, value in counts.items()
    }


def _log_ratio(
    now: dict[str, np.ndarray], before: dict[str, np.ndarray], column: str, scale: float = 1.0
) -> np.ndarray:
    """``log((now + 1) / (before * scale + 1))`` of one engagement column."""
    return np.asarray(
        np.log((now[column].astype(float) + 1) / (before[column].astype(float) * scale + 1))
    )
