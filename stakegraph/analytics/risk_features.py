"""The features of the churn-risk model, as of a date, from data before it.

Features (as of a date ``d``, from data before ``d`` only)
-----------------------------------------------------------
From :func:`stakegraph.analytics.engagement.engagement` over the last ``window`` (90 days)
and the ``window`` before it:

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
from stakegraph.analytics.engagement import engagement, interaction_volume
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
    engagement is computed once per distinct date for every account and picked out.

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
    for day in np.unique(when) if len(when) else []:
        rows = np.flatnonzero(when == day)
        recent = engagement(activity, start=int(day - window), end=int(day))
        prior = engagement(activity, start=int(day - 2 * window), end=int(day - window))
        # The slide before a churn starts up to eight months ahead: a year-long baseline
        # sees it where the 90-day one before has already slid too.
        year = interaction_volume(activity, start=int(day - long_window), end=int(day - window))
        picked = code[rows]
        ok = picked >= 0
        now = recent.iloc[np.maximum(picked, 0)]
        before = prior.iloc[np.maximum(picked, 0)]
        year_before = year.iloc[np.maximum(picked, 0)]
        scale = window / max(long_window - window, 1)
        values = {
            "contacts_trend": _log_ratio(now, before, "contacts_engaged"),
            "interactions_trend": _log_ratio(now, before, "interactions"),
            "meetings_trend": _log_ratio(now, before, "meetings"),
            "interactions_vs_year": _log_ratio(now, year_before, "interactions", scale),
            "meetings_vs_year": _log_ratio(now, year_before, "meetings", scale),
            "contacts_level": np.log1p(now["contacts_engaged"].to_numpy(float)),
            "senior_contacts": now["senior_contacts_engaged"].to_numpy(float),
            "multi_role": now["multi_role"].to_numpy(float),
        }
        for name, value in values.items():
            columns[name][rows] = np.where(ok, value, 0.0)
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


def _log_ratio(
    now: pd.DataFrame, before: pd.DataFrame, column: str, scale: float = 1.0
) -> np.ndarray:
    """``log((now + 1) / (before * scale + 1))`` of one engagement column."""
    return np.asarray(
        np.log((now[column].to_numpy(float) + 1) / (before[column].to_numpy(float) * scale + 1))
    )
