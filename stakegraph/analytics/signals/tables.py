"""The weekly tables every detector reads, built once per run from the prepared activity.

Weeks are bins ``[origin + w * WEEK, origin + (w + 1) * WEEK)`` aligned on the analysis
date; week ``w`` is analysed at its end with the bins up to ``w`` (all strictly before:
causal). Counts are of conversations, not rows: a reply belongs to the conversation its
opening message started.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from stakegraph.analytics.kernels import (
    effective_threads,
    group_sum,
    prefix_sums,
    window_sums,
)
from stakegraph.analytics.windows import Activity
from stakegraph.dates import WEEK

__all__ = ["WeeklyGrid", "WeeklyTables", "contacts_engaged", "their_threads"]


@dataclass(frozen=True)
class WeeklyGrid:
    """Weekly bins ending at the analysis date ``origin + weeks * WEEK``."""

    origin: int
    weeks: int

    @classmethod
    def ending_at(cls, first_at: int, as_of: int) -> WeeklyGrid | None:
        """Whole weeks from ``first_at`` up to ``as_of``; None for less than two."""
        # Aligned on as_of, so runs with as_of a whole number of weeks apart share bins.
        weeks = int(np.ceil((int(as_of) - int(first_at)) / WEEK))
        if weeks < 2:
            return None
        return cls(origin=int(as_of) - weeks * WEEK, weeks=weeks)

    @property
    def as_of(self) -> int:
        return self.origin + self.weeks * WEEK

    def week_of(self, at: np.ndarray) -> np.ndarray:
        return np.asarray((np.asarray(at, dtype=np.int64) - self.origin) // WEEK, dtype=np.int64)

    def end_of(self, week: np.ndarray | int) -> np.ndarray:
        return np.asarray(self.origin + (np.asarray(week, dtype=np.int64) + 1) * WEEK)


@dataclass(frozen=True)
class WeeklyTables:
    """Per account and per (account, person) pair, week by week; plus the raw events.

    Attributes
    ----------
    activity : Activity
        The prepared activity the tables come from (ids, levels, interactions).
    roles : pandas.DataFrame
        Role history (``person_id, org_id, title, level, start, end``), possibly empty.
    grid : WeeklyGrid
    volume : numpy.ndarray
        Account x week: conversations touching the account.
    first_week : numpy.ndarray
        Per account: its first week with a conversation (``weeks`` when none).
    pair_account, pair_person, pair_home, pair_level : numpy.ndarray
        Per (account, person) pair: codes, our side or theirs, and the person's latest
        level code on the account (-1 without a role).
    pair_count : numpy.ndarray
        Pair x week: conversations the person is on.
    pair_traffic : numpy.ndarray
        Pair x week: the person's share of their side's traffic (each conversation
        gives each side it involves one unit, split among that side's people).
    part_pair, part_at, part_level, part_row : numpy.ndarray
        Every participation in a conversation start: pair, time, level code, row of the
        interaction.
    start_account, start_at, start_kind : numpy.ndarray
        Every conversation start: account, time, interaction kind code.
    season : numpy.ndarray
        Per week: the portfolio's activity relative to its typical week.
    """

    activity: Activity
    roles: pd.DataFrame
    grid: WeeklyGrid
    volume: np.ndarray
    first_week: np.ndarray
    pair_account: np.ndarray
    pair_person: np.ndarray
    pair_home: np.ndarray
    pair_level: np.ndarray
    pair_count: np.ndarray
    pair_traffic: np.ndarray
    part_pair: np.ndarray
    part_at: np.ndarray
    part_level: np.ndarray
    part_row: np.ndarray
    start_account: np.ndarray
    start_at: np.ndarray
    start_kind: np.ndarray
    season: np.ndarray
    # their_threads by window length: the detectors ask for the same few, dozens of times.
    _threads: dict[int, np.ndarray] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # What several detectors derive alike from these tables, built once (the silence
    # model's parts of :mod:`.silence`, shared by the departures and executive withdrawal).
    memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def build(cls, activity: Activity, roles: pd.DataFrame, *, as_of: int) -> WeeklyTables | None:
        """The tables of ``activity`` on weeks ending at ``as_of``; None with under two weeks."""
        interactions = activity.interactions
        all_at = interactions["at"].to_numpy()
        if len(all_at) == 0:
            return None
        grid = WeeklyGrid.ending_at(int(all_at.min()), as_of)
        if grid is None:
            return None
        n_accounts, weeks = activity.n_accounts, grid.weeks
        # Conversations, not rows: replies come in bursts behind one opening message, and
        # counting them would make every count overdispersed against a Poisson model.
        is_start = ~np.isfinite(interactions["reply_latency_s"].to_numpy(dtype=float))
        start_account = interactions["account"].to_numpy()[is_start]
        start_at = interactions["at"].to_numpy()[is_start]
        cell = start_account * weeks + grid.week_of(start_at)
        volume = np.bincount(cell, minlength=n_accounts * weeks).reshape(n_accounts, weeks)
        active = volume > 0
        first_week = np.where(active.any(axis=1), active.argmax(axis=1), weeks).astype(np.int64)
        pairs = _pair_tables(activity, grid, is_start)
        return cls(
            activity=activity,
            roles=roles,
            grid=grid,
            volume=volume.astype(float),
            first_week=first_week,
            **pairs,
            start_account=start_account,
            start_at=start_at,
            start_kind=interactions["kind"].to_numpy()[is_start].astype(np.int64),
            season=seasonal_index(volume),
        )

    def level_name(self, code: int) -> str | None:
        names = self.activity.level_names
        return names[code] if 0 <= code < len(names) else None

    def account_id(self, code: int) -> str:
        return str(self.activity.account_ids[code])

    def person_id(self, code: int) -> str:
        return str(self.activity.person_ids[code])


def _pair_tables(
    activity: Activity, grid: WeeklyGrid, is_start: np.ndarray
) -> dict[str, np.ndarray]:
    """The per (account, person) pair fields of :class:`WeeklyTables`."""
    interactions = activity.interactions
    # Participations carry global row numbers; the interactions start at this one.
    offset = int(interactions.index[0]) if len(interactions) else 0
    parts = activity.participations
    parts = parts[is_start[parts["row"].to_numpy() - offset]]
    part_home = parts["home"].to_numpy().astype(bool)
    part_row = parts["row"].to_numpy()
    part_at = parts["at"].to_numpy()
    part_level = parts["level"].to_numpy()
    pair_key = (
        parts["account"].to_numpy().astype(np.int64) * activity.n_persons
        + parts["person"].to_numpy()
    )
    keys, part_pair = np.unique(pair_key, return_inverse=True)
    pair_person = keys % activity.n_persons
    # The person's latest level on this account (their seniority as we last saw it).
    order = np.argsort(part_at, kind="stable")
    pair_level = np.full(len(keys), -1, dtype=np.int64)
    pair_level[part_pair[order]] = part_level[order]

    people = interactions["people"].to_numpy()
    home_people = interactions["home_people"].to_numpy()
    side_size = np.where(
        part_home, home_people[part_row - offset], (people - home_people)[part_row - offset]
    )
    weeks = grid.weeks
    cell = part_pair.astype(np.int64) * weeks + grid.week_of(part_at)
    size = len(keys) * weeks
    pair_count = np.bincount(cell, minlength=size).reshape(len(keys), weeks).astype(float)
    pair_traffic = np.bincount(cell, weights=1.0 / np.maximum(side_size, 1), minlength=size)
    return {
        "pair_account": keys // activity.n_persons,
        "pair_person": pair_person,
        "pair_home": activity.person_home[pair_person],
        "pair_level": pair_level,
        "pair_count": pair_count,
        "pair_traffic": pair_traffic.reshape(len(keys), weeks),
        "part_pair": part_pair,
        "part_at": part_at,
        "part_level": part_level,
        "part_row": part_row - offset,
    }


# An account is part of the calendar while it had a conversation in this many weeks.
PRESENT_WEEKS = 8


def seasonal_index(volume: np.ndarray, *, min_accounts: int = 20) -> np.ndarray:
    """Weekly activity of the whole portfolio relative to its typical week.

    Holidays and August quieten every account at once; judging an account's recent weeks
    against its own baseline *in proportion to the portfolio's* keeps a calendar effect
    from reading as a contraction. Each account counts once: the index is the mean over
    the accounts present that week of their volume relative to their own typical week
    so far (their mean over the weeks they were present up to it). Summed volumes would
    make the calendar the largest accounts' own story: in a portfolio where one account
    carries most of the traffic, its contraction would lower everyone's expected volume
    and hide every contraction, its own included. Below ``min_accounts`` active accounts
    the index is flat (too few accounts to tell the calendar from the account).

    Examples
    --------
    Twenty accounts of 2 conversations a week and one of 200 that halves in week 2: the
    index moves by 2% (summed volumes would give 1.26, 1.26, 0.74, 0.74, and every
    account's halving in week 2 would look like the calendar).

    >>> volume = np.vstack([np.full((20, 4), 2.0), [[200.0, 200.0, 100.0, 100.0]]])
    >>> seasonal_index(volume).round(3).tolist()
    [1.008, 1.008, 0.989, 0.992]
    """
    weeks = volume.shape[1]
    active = (volume > 0).any(axis=1).sum()
    if active < min_accounts:
        return np.ones(weeks)
    # Causal, as every detector is: an account is in the calendar from its first
    # conversation while it had one in the last PRESENT_WEEKS weeks, and its typical week
    # is its mean over those weeks so far.
    week = np.arange(weeks)
    talked = window_sums(prefix_sums(volume > 0), week - PRESENT_WEEKS + 1, week + 1)
    present = talked > 0
    typical = np.cumsum(np.where(present, volume, 0.0), axis=1) / np.maximum(
        np.cumsum(present, axis=1), 1
    )
    relative = np.where(present, volume / np.maximum(typical, 1e-12), 0.0)
    counted = present.sum(axis=0)
    mean = np.where(counted > 0, relative.sum(axis=0) / np.maximum(counted, 1), np.nan)
    # The median over every week only scales the index: the volume tests read its ratios.
    index = np.where(np.isfinite(mean), mean / np.nanmedian(mean), 1.0)
    return np.asarray(np.clip(index, 0.05, None), dtype=float)


def their_threads(tables: WeeklyTables, recent_weeks: int) -> np.ndarray:
    """Effective number of threads ``1 / H`` of their side's traffic over the
    ``recent_weeks`` ending at each week (account x week, read-only; NaN without traffic).

    Computed once per tables and window length: several detectors, and the evidence of
    each contraction, read the same one.
    """
    cached = tables._threads.get(recent_weeks)
    if cached is None:
        cached = _their_threads(tables, recent_weeks)
        cached.flags.writeable = False
        tables._threads[recent_weeks] = cached
    return cached


def _their_threads(tables: WeeklyTables, recent_weeks: int) -> np.ndarray:
    weeks = np.arange(tables.grid.weeks)
    rows = np.flatnonzero(~tables.pair_home)
    recent = window_sums(
        prefix_sums(tables.pair_traffic[rows]), weeks - recent_weeks + 1, weeks + 1
    )
    accounts = tables.pair_account[rows]
    n_accounts = tables.activity.n_accounts
    total = group_sum(recent, accounts, n_accounts)
    squares = group_sum(recent**2, accounts, n_accounts)
    return effective_threads(total, squares)


def contacts_engaged(tables: WeeklyTables, recent_weeks: int) -> np.ndarray:
    """Distinct their-side people on the account's conversations in the ``recent_weeks``
    ending at each week (account x week)."""
    weeks = np.arange(tables.grid.weeks)
    their = ~tables.pair_home
    active = tables.pair_count[their] > 0
    rolled = window_sums(prefix_sums(active.astype(float)), weeks - recent_weeks + 1, weeks + 1)
    return group_sum(
        (rolled > 0).astype(float), tables.pair_account[their], tables.activity.n_accounts
    )
