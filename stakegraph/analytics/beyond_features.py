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

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from stakegraph.analytics.signals.beyond_tables import BeyondFrames, runs
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
    tickets, slices = _by_account(beyond.tickets)
    is_exit = tickets["category"].isin(EXIT_TICKET_CATEGORIES).to_numpy()
    is_sla = (tickets["category"] == "sla").to_numpy()
    ticket_at = tickets["at"].to_numpy(np.int64)
    ticket_arrays = {
        account: (ticket_at[lo:hi], is_exit[lo:hi], is_sla[lo:hi]) for account, (lo, hi) in slices
    }
    engagements, slices = _by_account(beyond.engagements)
    kind, status = engagements["kind"], engagements["status"]
    co = (
        kind.isin(CO_INNOVATION_KINDS)
        & status.isin(("accepted", "attended", "declined", "no_show"))
    ).to_numpy()
    review = kind.isin(BUSINESS_REVIEW_KINDS).to_numpy()
    refused = status.isin(("declined", "no_show")).to_numpy()
    engagement_at = engagements["at"].to_numpy(np.int64)
    engagement_arrays: dict[str, tuple[np.ndarray, ...]] = {}
    for account, (lo, hi) in slices:
        at, its_refused = engagement_at[lo:hi], refused[lo:hi]
        its_co, its_review = co[lo:hi], review[lo:hi]
        engagement_arrays[account] = (
            at[its_co],
            its_refused[its_co],
            at[its_review],
            its_refused[its_review],
        )
    for i, (account, day) in enumerate(zip(accounts, when, strict=True)):
        recent, before = (day - window, day), (day - window - long_window, day - window)
        if account in usage:
            out["usage_trend"][i] = _log_ratio(usage[account], recent, before)
        if account in depth:
            out["depth_trend"][i] = _log_ratio(depth[account], recent, before)
        if account in ticket_arrays:
            at, exit_, sla = ticket_arrays[account]
            out["exit_ticket_shift"][i] = _share_shift(at, exit_, recent, before)
            out["sla_ticket_shift"][i] = _share_shift(at, sla, recent, before)
        if account in engagement_arrays:
            co_at, co_refused, review_at, review_refused = engagement_arrays[account]
            half = (day - long_window // 2, day)
            earlier = (day - long_window - long_window // 2, day - long_window // 2)
            out["co_innovation_refusals"][i] = _share_shift(co_at, co_refused, half, earlier)
            out["review_refusals"][i] = _share_shift(review_at, review_refused, recent, before)
    return pd.DataFrame(out)


def _by_account(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, tuple[int, int]]]]:
    """The frame sorted by account and time, and each account's slice ``[lo, hi)`` of it:
    one sort for the portfolio, not a frame per account."""
    ordered = frame.assign(
        account_id=frame["account_id"].astype(str), at=pd.to_numeric(frame["at"]).astype("int64")
    ).sort_values(["account_id", "at"], kind="stable")
    accounts = ordered["account_id"].to_numpy()
    return ordered, [(str(accounts[lo]), (lo, hi)) for lo, hi in runs(accounts)]


def _daily_sums(rows: pd.DataFrame) -> pd.Series:
    """``value`` summed per account and date (sorted by both), over the whole portfolio.

    The rows are sorted first (stably: a date's rows are added in their order), as a
    groupby of one account's rows in time order would see them; pandas adds a group's
    values in another order when the rows are not sorted by it.
    """
    keys = pd.DataFrame(
        {
            "account_id": rows["account_id"].astype(str),
            "at": pd.to_numeric(rows["at"]).astype("int64"),
            "value": rows["value"],
        }
    ).sort_values(["account_id", "at"], kind="stable")
    return keys.groupby(["account_id", "at"], sort=True)["value"].sum()


def _split_by_account(
    series: pd.Series, transform: Callable[[np.ndarray], np.ndarray]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A series indexed by (account, date) as each account's (dates, transformed values)."""
    accounts = series.index.get_level_values(0).to_numpy()
    at = series.index.get_level_values(1).to_numpy(np.int64)
    values = transform(series.to_numpy(float))
    return {str(accounts[lo]): (at[lo:hi], values[lo:hi]) for lo, hi in runs(accounts)}


def _usage_levels(usage: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for metric in ("api_calls", "active_users"):  # active users win where both exist
        sums = _daily_sums(usage[usage["metric"].astype(str) == metric])
        out.update(_split_by_account(sums, np.log1p))
    return out


def _advanced_share(usage: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rows = usage[usage["tier"].isin(["basic", "advanced"])]
    total = _daily_sums(rows)
    advanced = _daily_sums(rows[rows["tier"] == "advanced"])
    share = (advanced.reindex(total.index).fillna(0.0) + 1.0) / (total + 1.0)
    return _split_by_account(share, np.log)


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
