"""Continuous features from usage, ticket categories and engagements, as of a date.

They are computed into the risk feature frame for analysis but are not features of the
risk model (``risk_features.FEATURES``; docs/evaluation-log.md, 2026-12-05): the model
reads the beyond-conversation *signals* instead.

Each is the account against its own past (0 where it has no such data, which is what an
account whose usage is steady also gets):

- ``usage_trend``: ``log((median active users + 1) / (median before + 1))`` over the last
  ``window`` (90 days) against the ``long_window`` (a year) before it; API calls where no
  active users are reported;
- ``depth_trend``: the same log ratio of the advanced tier's share of feature use;
- ``exit_ticket_shift``: the share of data-export, contract and billing tickets in the
  last ``window`` minus their share over the year before;
- ``sla_ticket_shift``: the same for SLA tickets;
- ``co_innovation_refusals``: the share of co-innovation invitations refused in the last
  ``long_window`` / 2 minus the share before;
- ``review_refusals``: the share of business reviews and check-ins nobody attended in the
  last ``window`` minus the share before.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from stakegraph.analytics.signals.beyond_tables import BeyondFrames
from stakegraph.dates import DAY
from stakegraph.vocabulary import (
    BUSINESS_REVIEW_KINDS,
    CO_INNOVATION_KINDS,
    EXIT_TICKET_CATEGORIES,
)

__all__ = ["BEYOND_FEATURES", "beyond_features"]

BEYOND_FEATURES = (
    "usage_trend",
    "depth_trend",
    "exit_ticket_shift",
    "sla_ticket_shift",
    "co_innovation_refusals",
    "review_refusals",
)


def beyond_features(
    beyond: BeyondFrames | None,
    account_ids: Iterable[str],
    dates: Iterable[int],
    *,
    window: int = 90 * DAY,
    long_window: int = 365 * DAY,
) -> pd.DataFrame:
    """:data:`BEYOND_FEATURES` of each ``(account_id, date)``, from data before the date.

    Examples
    --------
    >>> beyond_features(None, ["a"], [0]).iloc[0].tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    accounts = [str(a) for a in account_ids]
    when = np.asarray(list(dates), dtype=np.int64)
    out = {name: np.zeros(len(accounts)) for name in BEYOND_FEATURES}
    if beyond is None:
        return pd.DataFrame(out)
    usage = _usage_levels(beyond.usage)
    depth = _advanced_share(beyond.usage)
    # Each account's arrays are taken out of pandas once: the loop below runs once per
    # (account, date), and the risk model's training asks for every account at many dates.
    tickets = {
        account: (
            of["at"].to_numpy(np.int64),
            of["category"].isin(EXIT_TICKET_CATEGORIES).to_numpy(),
            (of["category"] == "sla").to_numpy(),
        )
        for account, of in _grouped(beyond.tickets).items()
    }
    engagements = {}
    for account, of in _grouped(beyond.engagements).items():
        at = of["at"].to_numpy(np.int64)
        co = (
            of["kind"].isin(CO_INNOVATION_KINDS).to_numpy()
            & of["status"].isin(("accepted", "attended", "declined", "no_show")).to_numpy()
        )
        refused = of["status"].isin(("declined", "no_show")).to_numpy()
        review = of["kind"].isin(BUSINESS_REVIEW_KINDS).to_numpy()
        engagements[account] = (at[co], refused[co], at[review], refused[review])
    for i, (account, day) in enumerate(zip(accounts, when, strict=True)):
        recent, before = (day - window, day), (day - window - long_window, day - window)
        if account in usage:
            out["usage_trend"][i] = _log_ratio(usage[account], recent, before)
        if account in depth:
            out["depth_trend"][i] = _log_ratio(depth[account], recent, before)
        if account in tickets:
            at, exit_, sla = tickets[account]
            out["exit_ticket_shift"][i] = _share_shift(at, exit_, recent, before)
            out["sla_ticket_shift"][i] = _share_shift(at, sla, recent, before)
        if account in engagements:
            co_at, co_refused, review_at, review_refused = engagements[account]
            half = (day - long_window // 2, day)
            earlier = (day - long_window - long_window // 2, day - long_window // 2)
            out["co_innovation_refusals"][i] = _share_shift(co_at, co_refused, half, earlier)
            out["review_refusals"][i] = _share_shift(review_at, review_refused, recent, before)
    return pd.DataFrame(out)


def _grouped(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    if frame.empty:
        return {}
    frame = frame.assign(at=pd.to_numeric(frame["at"]).astype("int64")).sort_values("at")
    return {str(a): rows for a, rows in frame.groupby("account_id", sort=False)}


def _usage_levels(usage: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for metric in ("api_calls", "active_users"):  # active users win where both exist
        rows = usage[usage["metric"].astype(str) == metric]
        for account, of in _grouped(rows).items():
            series = of.groupby("at")["value"].sum()
            out[account] = (series.index.to_numpy(np.int64), np.log1p(series.to_numpy(float)))
    return out


def _advanced_share(usage: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rows = usage[usage["tier"].isin(["basic", "advanced"])]
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for account, of in _grouped(rows).items():
        total = of.groupby("at")["value"].sum()
        advanced = of[of["tier"] == "advanced"].groupby("at")["value"].sum()
        share = (advanced.reindex(total.index).fillna(0.0) + 1.0) / (total + 1.0)
        out[account] = (share.index.to_numpy(np.int64), np.log(share.to_numpy(float)))
    return out


def _log_ratio(
    series: tuple[np.ndarray, np.ndarray], recent: tuple[int, int], before: tuple[int, int]
) -> float:
    at, logs = series
    now = logs[(at >= recent[0]) & (at < recent[1])]
    then = logs[(at >= before[0]) & (at < before[1])]
    if len(now) == 0 or len(then) == 0:
        return 0.0
    return float(np.median(now) - np.median(then))


def _share_shift(
    at: np.ndarray, hit: np.ndarray, recent: tuple[int, int], before: tuple[int, int]
) -> float:
    now = (at >= recent[0]) & (at < recent[1])
    then = (at >= before[0]) & (at < before[1])
    if not now.any() or not then.any():
        return 0.0
    return float(hit[now].mean() - hit[then].mean())
