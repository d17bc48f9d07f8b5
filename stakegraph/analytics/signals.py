"""Signals: dated, evidenced structural shifts that precede churn.

Every detector runs on a weekly grid of analysis dates ending at ``as_of`` and, at each
date ``t``, looks only at interactions before ``t`` (causal: the date a signal carries is
the date it would have been raised). Change is judged against the account's or the
person's own history with a test from :mod:`scipy.stats`, never against a fixed number
of days. The input is the conversational activity of :mod:`stakegraph.analytics.windows`
(duplicates, mail to self, bulk mail and internal-only chatter already removed), so one
message to 200 people is not 200 relationships.

Detectors
---------
``single_node_bottleneck``
    Traffic contracts onto one contact. Over the last ``recent_weeks`` the effective
    number of threads ``1 / H`` (Herfindahl index of each person's share of the side's
    traffic) is at most ``bottleneck_max_threads`` and has fallen to at most
    ``bottleneck_max_thread_ratio`` of its level in the ``baseline_weeks`` before; one
    person carries at least ``bottleneck_min_share`` of it, and the number of
    interactions they are on is improbably high for their own baseline participation
    rate (binomial upper tail < ``alpha``). Evaluated on their side and on ours.
``champion_departure``
    The champion is their-side person with the highest seniority-weighted share of the
    account's traffic over the ``baseline_weeks`` before (evidence: share, rank,
    runner-up, level, title). A departure is either their role at the account ending
    (``roles.end``; dated at the end, unless it is a move to another role at the same
    organization) or a silence that their own participation rate makes improbable: when
    the account has had ``m`` interactions since the champion's last one and the
    champion used to be on a fraction ``s`` of the account's interactions, the chance
    of missing all of them is ``(1 - s) ** m`` (a thinned Poisson process: the test
    adapts to the account's own volume, so a quiet month is not a departure); the
    signal is raised when that chance and the time-based tail ``exp(-rate * (gap - A))``
    of the champion's own rhythm (``A``: an ordinary absence, learned from the
    portfolio's regular contacts) both fall below ``alpha``.
``executive_withdrawal``
    The same silence test with "any VP or C-level person of theirs" as the participant:
    the account keeps talking, but its executives have stopped appearing relative to
    their own prior share of its interactions. The chance of missing the conversations
    since is taken per kind of interaction (executives are on most meetings and few
    tickets), and from an executive's role end only the executives who stay count.
``response_latency_inflation``
    Their replies slow down: the mean log reply latency over the last
    ``latency_recent_weeks`` exceeds the ``baseline_weeks`` before by Welch's t-test
    (one-sided, < ``alpha``; reply latencies are close to lognormal, so the test on logs
    is the natural one), confirmed by a one-sided Mann-Whitney U test, with the median
    at least ``latency_min_ratio`` times the baseline median.
``engagement_contraction``
    Volume and breadth fall together: the interactions of the last ``recent_weeks`` are
    improbably few for the account's baseline rate (conditional binomial test of two
    Poisson rates, Przyborowski & Wilenski 1940), at most ``contraction_max_volume_ratio``
    of that rate, and the contacts engaged are at most ``contraction_max_contact_ratio``
    of the baseline's typical count over windows of the same length, without the traffic
    having narrowed onto one person (that is a bottleneck).

Episodes
--------
A condition usually holds for several consecutive weeks; each kind fires once per
episode (per account, and per person for champion departures): weeks that fire less
than ``cooldown_weeks`` after the previous firing week belong to the same episode, and
the signal carries the first week's date and evidence.

References
----------
Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from
Poisson series. *Biometrika* 31, 313-323.
Welch, B. L. (1947). The generalization of "Student's" problem when several different
population variances are involved. *Biometrika* 34, 28-35.
Mann, H. B. & Whitney, D. R. (1947). On a test of whether one of two random variables is
stochastically larger than the other. *Annals of Mathematical Statistics* 18, 50-60.
Hirschman, A. O. (1964). The paternity of an index. *American Economic Review* 54, 761.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import ndimage, stats

from stakegraph.analytics.frames import DAY, PortfolioFrames
from stakegraph.analytics.windows import DEFAULT_BULK_THRESHOLD, Activity, prepare_activity

__all__ = [
    "SIGNAL_KINDS",
    "SignalParameters",
    "champion_departures",
    "detect_signals",
    "engagement_contractions",
    "executive_withdrawals",
    "response_latency_inflations",
    "single_node_bottlenecks",
]

WEEK = 7 * DAY
SINGLE_NODE_BOTTLENECK = "single_node_bottleneck"
CHAMPION_DEPARTURE = "champion_departure"
EXECUTIVE_WITHDRAWAL = "executive_withdrawal"
RESPONSE_LATENCY_INFLATION = "response_latency_inflation"
ENGAGEMENT_CONTRACTION = "engagement_contraction"
SIGNAL_KINDS = (
    SINGLE_NODE_BOTTLENECK,
    CHAMPION_DEPARTURE,
    EXECUTIVE_WITHDRAWAL,
    RESPONSE_LATENCY_INFLATION,
    ENGAGEMENT_CONTRACTION,
)
# A champion is the person the relationship runs through, and seniority is part of that:
# a chatty individual contributor carries traffic but rarely the renewal decision.
SENIORITY_WEIGHT = {"ic": 0.6, "manager": 0.8, "director": 1.0, "vp": 1.0, "c_level": 0.9}
_EXECUTIVE_LEVELS = ("vp", "c_level")


@dataclass(frozen=True)
class SignalParameters:
    """Tuning parameters of :func:`detect_signals` (all keyword-only there).

    Attributes
    ----------
    alpha : float
        Significance level of every test (default 0.01).
    recent_weeks : int
        Length of the "recent" window compared with the baseline (default 6).
    baseline_weeks : int
        Length of the baseline window just before it (default 26, half a year).
    min_baseline_weeks : int
        An account needs this many weeks of history before the recent window (default 13).
    cooldown_weeks : int
        Firing weeks closer than this to the previous one are the same episode (default 13).
    bottleneck_max_threads : float
        Effective number of threads at or below which traffic is single-threaded (1.6).
    bottleneck_max_thread_ratio : float
        The recent effective threads must be at most this share of the baseline's (0.6).
    bottleneck_min_share : float
        Share of the side's traffic the one person carries (default 0.6).
    bottleneck_min_interactions : int
        Interactions needed in the recent window to judge concentration (default 5).
    champion_min_share : float
        Smallest traffic share for a champion (default 0.12).
    champion_role_end_rank : int
        A role end counts for the top this many people by champion score (default 2).
    champion_lag_weeks : int
        The champion of week ``t`` is judged on the baseline ending this many weeks
        before ``t``, so that their own silence does not dethrone them (default 8).
    silence_history_weeks : int
        A silence must be longer (in account conversations missed) than every silence
        of the same person ending in this many weeks before it (default 52: a year
        holds a holiday or two).
    silence_pool_quantile : float
        ... and longer, in days, than this quantile of the silences of the portfolio's
        regular contacts that ended before it (default 0.9999): how long people are
        away on holiday, for people too new to have shown their own holidays.
    silence_pool_min_rate : float
        Regular contacts, for that quantile: at least this many conversations a week
        over the baseline before the silence (default 4.0; rarer people's silences are
        their rhythm, not their holidays).
    silence_allowance_quantile : float
        The time tail counts only the silence beyond an ordinary absence ``A``: this
        quantile of the same pool of silences (default 0.995, about 11 days on the
        generated portfolios): a champion back from three weeks away is not a departure.
    executive_min_interactions : int
        Executive interactions needed in the baseline (default 3).
    latency_recent_weeks : int
        Recent window of the latency test (default 8; replies are sparser than traffic).
    latency_min_replies : int
        Their replies needed in the recent window (default 5) and, times three, in the
        baseline (the median of three replies moves threefold by chance too often).
    latency_min_ratio : float
        Smallest recent-to-baseline ratio of median latency (default 3.0: replies that
        take three times as long; a change of replier alone often doubles it).
    contraction_max_volume_ratio : float
        Largest recent-to-baseline rate ratio of interactions (default 0.6).
    contraction_max_contact_ratio : float
        Largest recent-to-baseline ratio of contacts engaged (default 0.6; 0.7 until
        2026-11-24: a contraction takes volume and breadth alike).
    contraction_min_baseline : int
        Baseline interactions needed (default 12).
    """

    alpha: float = 0.01
    bottleneck_alpha: float = 1e-4
    champion_alpha: float = 1e-3
    executive_alpha: float = 1e-3
    latency_alpha: float = 1e-3
    contraction_alpha: float = 1e-3
    contraction_recent_weeks: int = 8
    recent_weeks: int = 6
    baseline_weeks: int = 26
    min_baseline_weeks: int = 20
    cooldown_weeks: int = 13
    bottleneck_max_threads: float = 1.6
    bottleneck_max_thread_ratio: float = 0.6
    bottleneck_min_share: float = 0.6
    bottleneck_min_interactions: int = 5
    champion_min_share: float = 0.12
    champion_role_end_rank: int = 2
    champion_lag_weeks: int = 8
    silence_history_weeks: int = 52
    silence_pool_quantile: float = 0.9999
    silence_allowance_quantile: float = 0.995
    silence_pool_min_rate: float = 4.0
    executive_min_interactions: int = 3
    latency_recent_weeks: int = 8
    latency_min_replies: int = 5
    latency_min_ratio: float = 3.0
    contraction_max_volume_ratio: float = 0.6
    contraction_max_contact_ratio: float = 0.6
    contraction_min_baseline: int = 12


def detect_signals(
    frames: PortfolioFrames | Activity,
    *,
    as_of: int,
    roles: pd.DataFrame | None = None,
    kinds: tuple[str, ...] = SIGNAL_KINDS,
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
    **parameters: Any,
) -> list[dict[str, Any]]:
    """Every signal of every account raised on the weekly grid ending at ``as_of``.

    Parameters
    ----------
    frames : PortfolioFrames or Activity
        The input tables; an :class:`~stakegraph.analytics.windows.Activity` is used as
        prepared (then pass ``roles`` for role-ended champion departures).
    as_of : int, keyword-only
        Epoch seconds; nothing at or after it is read (roles ending later are current).
    roles : pandas.DataFrame, optional, keyword-only
        Role history, when ``frames`` is an Activity (default: ``frames.roles``).
    kinds : tuple of str, keyword-only
        Detectors to run (default all of :data:`SIGNAL_KINDS`).
    bulk_threshold : int, keyword-only
        Interactions with more distinct people are bulk and ignored (default 25).
    **parameters
        Keyword-only tuning parameters, see :class:`SignalParameters` for names and
        defaults.

    Returns
    -------
    list of dict
        One dict per signal, sorted by ``(at, account_id, kind)``: ``id, account_id,
        kind, at, severity, summary, evidence, person_ids``.

    Examples
    --------
    >>> from stakegraph.analytics.frames import empty_frames
    >>> detect_signals(empty_frames(), as_of=1_700_000_000)
    []
    """
    params = SignalParameters(**parameters)
    if isinstance(frames, Activity):
        activity = frames
        role_frame = roles if roles is not None else pd.DataFrame(columns=["person_id"])
    else:
        clipped = _before(frames, as_of)
        activity = prepare_activity(clipped, bulk_threshold=bulk_threshold)
        role_frame = frames.roles if roles is None else roles
    grid = _Grid.build(activity, as_of)
    if grid is None:
        return []
    tables = _Tables.build(activity, grid)
    signals: list[dict[str, Any]] = []
    champions = None
    if CHAMPION_DEPARTURE in kinds or EXECUTIVE_WITHDRAWAL in kinds:
        champions = champion_departures(tables, role_frame, as_of=as_of, params=params)
    if SINGLE_NODE_BOTTLENECK in kinds:
        signals += single_node_bottlenecks(tables, params=params)
    if CHAMPION_DEPARTURE in kinds and champions is not None:
        signals += champions
    if EXECUTIVE_WITHDRAWAL in kinds:
        signals += executive_withdrawals(tables, role_frame, params=params)
    if RESPONSE_LATENCY_INFLATION in kinds:
        signals += response_latency_inflations(tables, params=params)
    if ENGAGEMENT_CONTRACTION in kinds:
        signals += engagement_contractions(tables, params=params)
    signals = _before_churn(signals, activity.renewals)
    for signal in signals:
        signal["id"] = _signal_id(signal)
    signals.sort(key=lambda s: (s["at"], s["account_id"], s["kind"], s["id"]))
    return signals


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class _Grid:
    """Weekly bins ``[origin + w * WEEK, origin + (w + 1) * WEEK)``; week ``w`` is analysed
    at its end ``origin + (w + 1) * WEEK`` with the bins ``<= w`` (all strictly before)."""

    origin: int
    weeks: int

    @classmethod
    def build(cls, activity: Activity, as_of: int) -> _Grid | None:
        at = activity.interactions["at"].to_numpy()
        if len(at) == 0:
            return None
        # Aligned on as_of, so runs with as_of a whole number of weeks apart share bins.
        weeks = int(np.ceil((int(as_of) - int(at.min())) / WEEK))
        if weeks < 2:
            return None
        return cls(origin=int(as_of) - weeks * WEEK, weeks=weeks)

    def week_of(self, at: np.ndarray) -> np.ndarray:
        return np.asarray((np.asarray(at, dtype=np.int64) - self.origin) // WEEK, dtype=np.int64)

    def end_of(self, week: np.ndarray | int) -> np.ndarray:
        return np.asarray(self.origin + (np.asarray(week, dtype=np.int64) + 1) * WEEK)


def _prefix(matrix: np.ndarray) -> np.ndarray:
    """Prefix sums along weeks with a leading zero column: sum of bins ``[i, j)`` is
    ``P[:, j] - P[:, i]``."""
    out = np.zeros((matrix.shape[0], matrix.shape[1] + 1), dtype=float)
    np.cumsum(matrix, axis=1, out=out[:, 1:])
    return out


def _window(prefix: np.ndarray, lo: np.ndarray | int, hi: np.ndarray | int) -> np.ndarray:
    """Sum of bins ``[lo, hi)`` (clipped to the grid) for every row and every column pair."""
    n = prefix.shape[1] - 1
    lo_c = np.clip(lo, 0, n)
    hi_c = np.clip(hi, 0, n)
    return np.asarray(prefix[:, hi_c] - prefix[:, lo_c])


@dataclass(frozen=True)
class _Tables:
    """Weekly tables every detector reads, built once per run."""

    activity: Activity
    grid: _Grid
    # Per account x week: interactions touching their side, and first active week.
    volume: np.ndarray
    first_week: np.ndarray
    # Per (account, person) pair x week: interactions the person is on, and their
    # share of their side's traffic (each interaction gives its side one unit, split).
    pair_account: np.ndarray
    pair_person: np.ndarray
    pair_home: np.ndarray
    pair_level: np.ndarray
    pair_count: np.ndarray
    pair_traffic: np.ndarray
    # Participations (time sorted) with their pair index, for "last seen" look-ups.
    part_pair: np.ndarray
    part_at: np.ndarray
    part_level: np.ndarray
    part_row: np.ndarray
    # Conversation starts (account, at) and the portfolio's weekly activity index.
    start_account: np.ndarray
    start_at: np.ndarray
    start_kind: np.ndarray
    season: np.ndarray

    @classmethod
    def build(cls, activity: Activity, grid: _Grid) -> _Tables:
        inter = activity.interactions
        parts = activity.participations
        n_accounts, weeks = activity.n_accounts, grid.weeks
        # Conversations, not rows: replies come in bursts behind one opening message, and
        # counting them would make every count overdispersed against a Poisson model.
        start_row = ~np.isfinite(inter["reply_latency_s"].to_numpy(dtype=float))
        account = inter["account"].to_numpy()[start_row]
        week = grid.week_of(inter["at"].to_numpy()[start_row])
        volume = np.bincount(account * weeks + week, minlength=n_accounts * weeks).reshape(
            n_accounts, weeks
        )
        active = volume > 0
        first_week = np.where(active.any(axis=1), active.argmax(axis=1), weeks).astype(np.int64)

        offset = int(inter.index[0]) if len(inter) else 0
        parts = parts[start_row[parts["row"].to_numpy() - offset]]
        p_account = parts["account"].to_numpy()
        p_person = parts["person"].to_numpy()
        p_home = parts["home"].to_numpy().astype(bool)
        p_row = parts["row"].to_numpy()
        p_at = parts["at"].to_numpy()
        p_level = parts["level"].to_numpy()
        pair_key = p_account.astype(np.int64) * activity.n_persons + p_person
        keys, part_pair = np.unique(pair_key, return_inverse=True)
        pair_account = keys // activity.n_persons
        pair_person = keys % activity.n_persons
        pair_home = activity.person_home[pair_person]
        # The person's latest level on this account (their seniority as we last saw it).
        order = np.argsort(p_at, kind="stable")
        pair_level = np.full(len(keys), -1, dtype=np.int64)
        pair_level[part_pair[order]] = p_level[order]

        people = inter["people"].to_numpy()
        home_people = inter["home_people"].to_numpy()
        side_n = np.where(
            p_home, home_people[p_row - offset], (people - home_people)[p_row - offset]
        )
        p_week = grid.week_of(p_at)
        cell = part_pair.astype(np.int64) * weeks + p_week
        size = len(keys) * weeks
        pair_count = np.bincount(cell, minlength=size).reshape(len(keys), weeks).astype(float)
        pair_traffic = np.bincount(cell, weights=1.0 / np.maximum(side_n, 1), minlength=size)
        return cls(
            activity=activity,
            grid=grid,
            volume=volume.astype(float),
            first_week=first_week,
            pair_account=pair_account,
            pair_person=pair_person,
            pair_home=pair_home,
            pair_level=pair_level,
            pair_count=pair_count,
            pair_traffic=pair_traffic.reshape(len(keys), weeks),
            part_pair=part_pair,
            part_at=p_at,
            part_level=p_level,
            part_row=p_row - offset,
            start_account=account,
            start_at=inter["at"].to_numpy()[start_row],
            start_kind=inter["kind"].to_numpy()[start_row].astype(np.int64),
            season=_seasonal_index(volume),
        )

    def level_name(self, code: int) -> str | None:
        names = self.activity.level_names
        return names[code] if 0 <= code < len(names) else None

    def account_id(self, code: int) -> str:
        return str(self.activity.account_ids[code])

    def person_id(self, code: int) -> str:
        return str(self.activity.person_ids[code])


# --------------------------------------------------------------------------- bottleneck


def single_node_bottlenecks(tables: _Tables, *, params: SignalParameters) -> list[dict[str, Any]]:
    """Contraction of an account's traffic onto one person, on their side or on ours.

    Parameters
    ----------
    tables : _Tables
        Weekly tables of a run (built by :func:`detect_signals`).
    params : SignalParameters, keyword-only

    Returns
    -------
    list of dict
        Signals of kind ``single_node_bottleneck``; ``evidence.side`` says whose side.
    """
    grid = tables.grid
    weeks = np.arange(grid.weeks)
    r, b = params.recent_weeks, params.baseline_weeks
    out: list[dict[str, Any]] = []
    n_accounts = tables.activity.n_accounts
    for side, home in (("their", False), ("our", True)):
        rows = np.flatnonzero(tables.pair_home == home)
        if rows.size == 0:
            continue
        traffic = _prefix(tables.pair_traffic[rows])
        counts = _prefix(tables.pair_count[rows])
        accounts = tables.pair_account[rows]
        recent = _window(traffic, weeks - r + 1, weeks + 1)
        total = _group_sum(recent, accounts, n_accounts)
        squares = _group_sum(recent**2, accounts, n_accounts)
        with np.errstate(invalid="ignore", divide="ignore"):
            threads = total**2 / squares
        # Baseline threads: the mean of the same-length windows tiling the baseline.
        blocks = []
        for k in range(1, b // r + 1):
            block = _window(traffic, weeks - (k + 1) * r + 1, weeks - k * r + 1)
            bt, bs = (
                _group_sum(block, accounts, n_accounts),
                _group_sum(block**2, accounts, n_accounts),
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                blocks.append(np.where(bt > 0, bt**2 / bs, np.nan))
        stacked = np.stack(blocks) if blocks else np.full((1, *total.shape), np.nan)
        seen = np.isfinite(stacked)
        with np.errstate(invalid="ignore", divide="ignore"):
            base_threads = np.where(seen, stacked, 0.0).sum(axis=0) / seen.sum(axis=0)
        top_row, top_value = _group_argmax(recent, accounts, n_accounts)
        with np.errstate(invalid="ignore", divide="ignore"):
            top_share = top_value / total
        volume = _prefix(tables.volume)
        n_recent = _window(volume, weeks - r + 1, weeks + 1)
        n_base = _window(volume, weeks - r - b + 1, weeks - r + 1)
        safe_top = np.maximum(top_row, 0)
        k_recent = np.take_along_axis(_window(counts, weeks - r + 1, weeks + 1), safe_top, axis=0)
        k_base = np.take_along_axis(
            _window(counts, weeks - r - b + 1, weeks - r + 1), safe_top, axis=0
        )
        history = weeks[None, :] - r - tables.first_week[:, None] + 1 >= params.min_baseline_weeks
        candidate = (
            history
            & (top_row >= 0)
            & (n_recent >= params.bottleneck_min_interactions)
            & (threads <= params.bottleneck_max_threads)
            & (top_share >= params.bottleneck_min_share)
            & (threads <= params.bottleneck_max_thread_ratio * base_threads)
            & (n_base > 0)
        )
        a_idx, w_idx = np.nonzero(candidate)
        if a_idx.size == 0:
            continue
        p0 = np.clip((k_base[a_idx, w_idx] + 0.5) / (n_base[a_idx, w_idx] + 1.0), 1e-6, 1 - 1e-6)
        pvalue = stats.binom.sf(k_recent[a_idx, w_idx] - 1, n_recent[a_idx, w_idx], p0)
        fire = pvalue < params.bottleneck_alpha
        a_idx, w_idx, pvalue, p0 = a_idx[fire], w_idx[fire], pvalue[fire], p0[fire]
        for a, w, pv, share0 in _first_of_episodes(a_idx, w_idx, params.cooldown_weeks, pvalue, p0):
            pair = rows[safe_top[a, w]]
            person = tables.person_id(int(tables.pair_person[pair]))
            before, after = float(base_threads[a, w]), float(threads[a, w])
            share = float(top_share[a, w])
            out.append(
                {
                    "account_id": tables.account_id(a),
                    "kind": SINGLE_NODE_BOTTLENECK,
                    "at": int(grid.end_of(w)),
                    "severity": _clip01(share * (1.0 - after / before)),
                    "summary": (
                        f"{side.capitalize()} side's traffic has narrowed onto {person}: "
                        f"{after:.1f} effective threads, down from {before:.1f}, "
                        f"with {share:.0%} of it through them."
                    ),
                    "evidence": {
                        "side": side,
                        "person_id": person,
                        "effective_threads_before": round(before, 3),
                        "effective_threads_after": round(after, 3),
                        "top_share_after": round(share, 3),
                        "participation_rate_before": round(float(share0), 3),
                        "participation_rate_after": round(
                            float(k_recent[a, w] / n_recent[a, w]), 3
                        ),
                        "interactions_recent": int(n_recent[a, w]),
                        "recent_weeks": r,
                        "baseline_weeks": params.baseline_weeks,
                        "p_value": float(pv),
                        "test": "binomial upper tail of the person's participation",
                    },
                    "person_ids": [person],
                }
            )
    return out


# --------------------------------------------------------------------------- champions


def _champion_scores(
    tables: _Tables, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Seniority-weighted traffic share of every their-side pair over bins ``[lo, hi)``."""
    rows = np.flatnonzero(~tables.pair_home)
    traffic = _window(_prefix(tables.pair_traffic[rows]), lo, hi)
    accounts = tables.pair_account[rows]
    total = _group_sum(traffic, accounts, tables.activity.n_accounts)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = traffic / total[accounts]
    share = np.nan_to_num(share)
    levels = tables.activity.level_names
    weight_by_code = np.array([SENIORITY_WEIGHT.get(name, 0.6) for name in levels] + [0.6])
    weight = weight_by_code[tables.pair_level[rows]]  # -1 (no role) takes the last entry
    return rows, share * weight[:, None]


def champion_departures(
    tables: _Tables, roles: pd.DataFrame, *, as_of: int, params: SignalParameters
) -> list[dict[str, Any]]:
    """Champions whose role ended, or who fell silent far outside their own rhythm.

    Parameters
    ----------
    tables : _Tables
        Weekly tables of a run.
    roles : pandas.DataFrame
        Role history (``person_id, org_id, title, level, start, end``).
    as_of : int, keyword-only
        Role ends at or after it are not known yet.
    params : SignalParameters, keyword-only

    Returns
    -------
    list of dict
        Signals of kind ``champion_departure``; ``evidence.mode`` is ``role_ended`` or
        ``silent``.
    """
    grid = tables.grid
    weeks = np.arange(grid.weeks)
    b, lag = params.baseline_weeks, params.champion_lag_weeks
    n_accounts = tables.activity.n_accounts
    out: list[dict[str, Any]] = []
    fired: set[tuple[int, int]] = set()

    # Role ends: the champion score over the half-year before the end.
    out += _role_end_departures(tables, roles, as_of=as_of, params=params, fired=fired)

    # Silence: the champion judged on a lagged baseline, so a silence does not unseat them.
    rows, score = _champion_scores(tables, weeks - lag - b + 1, weeks - lag + 1)
    top, top_score = _group_argmax(score, tables.pair_account[rows], n_accounts)
    history = weeks[None, :] - lag - tables.first_week[:, None] + 1 >= params.min_baseline_weeks
    # While the account's traffic runs through one person, everyone else is silent:
    # that is the bottleneck's story, told by its own signal, not a departure.
    narrowed = _their_threads(tables, params.recent_weeks) <= params.bottleneck_max_threads
    candidate = history & (top >= 0) & (top_score >= params.champion_min_share) & ~narrowed
    a_idx, w_idx = np.nonzero(candidate)
    pairs = rows[top[a_idx, w_idx]]
    test = _silence_test(tables, pairs, a_idx, w_idx, params=params, alpha=params.champion_alpha)
    fire = test["fire"] & ~_narrowed_during_silence(
        tables, a_idx, w_idx, test["last_seen"], params=params
    )
    a_f, w_f, pair_f = a_idx[fire], w_idx[fire], pairs[fire]
    chosen = _first_of_episodes_keyed(
        a_f, w_f, pair_f, params.cooldown_weeks, test["last_seen"][fire]
    )
    for a, w, pair, index in chosen:
        person_code = int(tables.pair_person[pair])
        if (a, person_code) in fired:
            continue
        j = np.flatnonzero(fire)[index]
        person = tables.person_id(person_code)
        level = tables.level_name(int(tables.pair_level[pair]))
        last_seen = int(test["last_seen"][j])
        gap_days = (int(grid.end_of(w)) - last_seen) / DAY
        share = float(test["share"][j])
        fired.add((a, person_code))
        out.append(
            {
                "account_id": tables.account_id(a),
                "kind": CHAMPION_DEPARTURE,
                "at": int(grid.end_of(w)),
                "severity": _clip01(0.5 + 0.5 * min(1.0, share / 0.3)),
                "summary": (
                    f"Champion {person} ({level or 'unknown level'}) has been silent for "
                    f"{gap_days:.0f} days while the account had {int(test['since'][j])} "
                    f"interactions without them."
                ),
                "evidence": {
                    "mode": "silent",
                    "person_id": person,
                    "level": level,
                    "champion_score": round(float(top_score[a, w]), 3),
                    "participation_rate_before": round(share, 3),
                    "interactions_per_week_before": round(float(test["rate"][j]) * WEEK, 3),
                    "last_seen_at": last_seen,
                    "silent_days": round(gap_days, 1),
                    "account_interactions_since": int(test["since"][j]),
                    "p_value_account": float(test["p_account"][j]),
                    "p_value_time": float(test["p_time"][j]),
                    "test": (
                        "(1 - share) ** interactions since and "
                        "exp(-rate * (gap - allowance)), both < alpha"
                    ),
                    "allowance_days": round(float(test["allowance"][j]) / DAY, 1),
                },
                "person_ids": [person],
            }
        )
    return out


def _role_end_departures(
    tables: _Tables,
    roles: pd.DataFrame,
    *,
    as_of: int,
    params: SignalParameters,
    fired: set[tuple[int, int]],
) -> list[dict[str, Any]]:
    needed = {"person_id", "org_id", "start", "end"}
    if roles is None or len(roles) == 0 or not needed <= set(roles.columns):
        return []
    activity = tables.activity
    grid = tables.grid
    end = pd.to_numeric(roles["end"], errors="coerce").to_numpy(dtype=float)
    start = pd.to_numeric(roles["start"], errors="coerce").to_numpy(dtype=float)
    person = pd.Index(activity.person_ids).get_indexer(roles["person_id"].astype(str))
    account = pd.Index(activity.account_ids).get_indexer(roles["org_id"].astype(str))
    known = np.isfinite(end) & (end < as_of) & (person >= 0) & (account >= 0)
    # A new role at the same organization starting by the end is a move, not a departure.
    same_org = pd.DataFrame({"person": person, "account": account, "start": start})
    # Only the account's own rows are summed per role end: role ends are many on a large
    # portfolio, and the whole pair matrix per end would dominate the run.
    their_rows = np.flatnonzero(~tables.pair_home)
    their_account = tables.pair_account[their_rows]
    weight_by_code = np.array(
        [SENIORITY_WEIGHT.get(name, 0.6) for name in activity.level_names] + [0.6]
    )
    out: list[dict[str, Any]] = []
    for i in np.flatnonzero(known):
        e = float(end[i])
        mask = (
            (same_org["person"].to_numpy() == person[i])
            & (same_org["account"].to_numpy() == account[i])
            & (start >= e - DAY)
            & (start <= e + DAY)
        )
        if mask.any():
            continue
        w = int(grid.week_of(np.array([int(e)]))[0]) - 1  # last full week before the end
        if w < 0:
            continue
        acc_rows = their_rows[their_account == account[i]]
        if acc_rows.size == 0:
            continue
        lo, hi = max(w - params.baseline_weeks + 1, 0), min(w + 1, grid.weeks)
        traffic = tables.pair_traffic[acc_rows, lo:hi].sum(axis=1)
        total = traffic.sum()
        if total <= 0:
            continue
        acc_score = traffic / total * weight_by_code[tables.pair_level[acc_rows]]
        order = np.argsort(-acc_score, kind="stable")
        where = np.flatnonzero(tables.pair_person[acc_rows[order]] == person[i])
        if where.size == 0:
            continue
        rank = int(where[0]) + 1
        value = float(acc_score[order][where[0]])
        if rank > params.champion_role_end_rank or value < params.champion_min_share:
            continue
        runner_up = (
            float(acc_score[order][1])
            if len(order) > 1 and rank == 1
            else float(acc_score[order][0])
        )
        pid = str(activity.person_ids[person[i]])
        title = str(roles["title"].iloc[i]) if "title" in roles.columns else ""
        level = str(roles["level"].iloc[i]) if "level" in roles.columns else None
        fired.add((int(account[i]), int(person[i])))
        out.append(
            {
                "account_id": str(activity.account_ids[account[i]]),
                "kind": CHAMPION_DEPARTURE,
                "at": int(e),
                "severity": _clip01(0.6 + 0.4 * min(1.0, value / 0.3)),
                "summary": (
                    f"Champion {pid} ({title or level}) left their role on "
                    f"{pd.Timestamp(int(e), unit='s').date().isoformat()}."
                ),
                "evidence": {
                    "mode": "role_ended",
                    "person_id": pid,
                    "title": title,
                    "level": level,
                    "role_end": int(e),
                    "champion_score": round(value, 3),
                    "champion_rank": rank,
                    "other_score": round(runner_up, 3),
                    "baseline_weeks": params.baseline_weeks,
                },
                "person_ids": [pid],
            }
        )
    return out


def _silence_test(
    tables: _Tables,
    pairs: np.ndarray,
    accounts: np.ndarray,
    weeks: np.ndarray,
    *,
    params: SignalParameters,
    pseudo: _Presence | None = None,
    alpha: float = 0.01,
) -> dict[str, np.ndarray]:
    """How improbable is the silence of ``pairs`` at the end of ``weeks``?

    With ``pseudo``, ``pairs`` are its keys (a pseudo-participant such as "any
    executive"), and the chance of missing the conversations since is taken per kind of
    interaction: executives are on most meetings and few tickets, so a run of tickets
    without them says little, and a run of meetings says much.
    """
    grid = tables.grid
    t = grid.end_of(weeks)
    if pseudo is None:
        key_all = tables.part_pair.astype(np.int64)
        at_all = tables.part_at.astype(np.int64)
        order = np.lexsort((at_all, key_all))
        key_all, at_all = key_all[order], at_all[order]
        count_matrix = tables.pair_count
        key_account = tables.pair_account
    else:
        key_all, at_all = pseudo.key, pseudo.at
        count_matrix = None
        key_account = pseudo.key_account
    span = np.int64(grid.weeks + 2) * WEEK
    combined = key_all * span + (at_all - grid.origin)
    query = pairs.astype(np.int64) * span + (t - grid.origin)
    idx = np.searchsorted(combined, query, side="left") - 1
    ok = idx >= 0
    ok &= key_all[np.maximum(idx, 0)] == pairs
    last_seen = np.where(ok, at_all[np.maximum(idx, 0)], -1)

    # Account interactions since the last appearance.
    acc_key = tables.start_account.astype(np.int64)
    acc_at = tables.start_at.astype(np.int64)
    order = np.lexsort((acc_at, acc_key))
    acc_combined = acc_key[order] * span + (acc_at[order] - grid.origin)
    hi = np.searchsorted(acc_combined, accounts.astype(np.int64) * span + (t - grid.origin), "left")
    lo = np.searchsorted(
        acc_combined, accounts.astype(np.int64) * span + (last_seen - grid.origin), "right"
    )
    since = np.where(ok, hi - lo, 0)

    # Their share of the account's interactions over the baseline ending where they were
    # last seen, and their rate per second.
    last_week = grid.week_of(np.maximum(last_seen, grid.origin))
    blo, bhi = last_week - params.baseline_weeks + 1, last_week + 1
    volume = _prefix(tables.volume)
    n_lo = np.clip(blo, 0, grid.weeks)
    n_hi = np.clip(bhi, 0, grid.weeks)
    account_n = volume[accounts, n_hi] - volume[accounts, n_lo]
    if count_matrix is not None:
        pc = _prefix(count_matrix)
        own_n = pc[pairs, n_hi] - pc[pairs, n_lo]
    else:
        # Pseudo-participant counts from their time list.
        lo_t = grid.origin + n_lo * WEEK
        hi_t = grid.origin + n_hi * WEEK
        own_n = (
            np.searchsorted(combined, pairs.astype(np.int64) * span + (hi_t - grid.origin), "left")
            - np.searchsorted(
                combined, pairs.astype(np.int64) * span + (lo_t - grid.origin), "left"
            )
        ).astype(float)
    first_t = np.maximum(
        grid.origin + n_lo * WEEK, grid.origin + tables.first_week[accounts] * WEEK
    )
    exposure = np.maximum(grid.origin + n_hi * WEEK - first_t, WEEK).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(own_n / np.maximum(account_n, 1.0), 0.0, 1.0)
        rate = own_n / exposure
    gap = np.maximum(t - last_seen, 0).astype(float)
    # (1 - s)^m: the chance of missing every one of m interactions at the old share.
    if pseudo is None:
        log_p = since * np.log1p(-np.minimum(share, 1 - 1e-9))
    else:
        log_p = _stratified_log_miss(
            tables,
            pairs,
            accounts,
            pseudo,
            (last_seen, t),
            (grid.origin + n_lo * WEEK, grid.origin + n_hi * WEEK),
            share,
        )
    p_account = np.where(ok, np.exp(log_p), 1.0)
    # People take holidays: a fortnight away is part of anyone's rhythm, and the Poisson
    # tails do not know it. The time tail counts only the silence beyond an ordinary
    # absence, and the silence must also be longer, in account conversations missed,
    # than any of the person's own in the year before.
    own_bar, away_bar = _longest_past_silence(
        tables, key_all, at_all, acc_combined, span, key_account, params=params
    )
    past = own_bar[pairs, np.clip(last_week, 0, grid.weeks - 1)]
    away = away_bar[np.clip(weeks, 0, grid.weeks - 1)]
    allowance = away[:, 1]
    away = away[:, 0]
    p_time = np.where(ok, np.exp(-rate * np.maximum(gap - allowance, 0.0)), 1.0)
    fire = (
        ok & (p_account < alpha) & (p_time < alpha) & (own_n >= 3) & (since > past) & (gap > away)
    )
    return {
        "fire": fire,
        "last_seen": last_seen,
        "since": since,
        "share": share,
        "rate": rate,
        "own_n": own_n,
        "p_account": p_account,
        "p_time": p_time,
        "longest_past_silence": past,
        "longest_away_s": away,
        "allowance": allowance,
    }


# Weight, in conversations, of a participant's overall share in their share of one kind
# of interaction: a kind seen twice in the baseline says little on its own.
STRATUM_PRIOR = 5.0


def _stratified_log_miss(
    tables: _Tables,
    pairs: np.ndarray,
    accounts: np.ndarray,
    pseudo: _Presence,
    silence: tuple[np.ndarray, np.ndarray],
    baseline: tuple[np.ndarray, np.ndarray],
    share: np.ndarray,
) -> np.ndarray:
    """``sum_k m_k * log(1 - s_k)`` over interaction kinds ``k``: ``m_k`` conversations of
    kind ``k`` since the last appearance, ``s_k`` the participant's share of the
    baseline's conversations of that kind, shrunk towards their overall share ``share``
    with the weight of `STRATUM_PRIOR` conversations (a kind seen twice says little)."""
    last_seen, t = silence
    base_lo, base_hi = baseline
    key_all, at_all, kinds = pseudo.key, pseudo.at, pseudo.kind
    # (key, time) as one sortable integer: epoch seconds stay below 2**40.
    span = np.int64(2**40)
    a = accounts.astype(np.int64) * span
    p = pairs.astype(np.int64) * span
    total = np.zeros(len(pairs))
    for k in np.unique(tables.start_kind):
        of_kind = tables.start_kind == k
        acc = np.sort(
            tables.start_account[of_kind].astype(np.int64) * span + tables.start_at[of_kind]
        )
        since = np.searchsorted(acc, a + t, "left") - np.searchsorted(acc, a + last_seen, "right")
        n_k = np.searchsorted(acc, a + base_hi, "left") - np.searchsorted(acc, a + base_lo, "left")
        own = np.sort(key_all[kinds == k].astype(np.int64) * span + at_all[kinds == k])
        own_k = np.searchsorted(own, p + base_hi, "left") - np.searchsorted(
            own, p + base_lo, "left"
        )
        s_k = (own_k + STRATUM_PRIOR * share) / (n_k + STRATUM_PRIOR)
        total += np.maximum(since, 0) * np.log1p(-np.minimum(s_k, 1 - 1e-9))
    return total


def _longest_past_silence(
    tables: _Tables,
    key_all: np.ndarray,
    at_all: np.ndarray,
    acc_combined: np.ndarray,
    span: np.int64,
    key_account: np.ndarray,
    *,
    params: SignalParameters,
) -> tuple[np.ndarray, np.ndarray]:
    """How long a silence is ordinary.

    Returns
    -------
    own : numpy.ndarray
        Per key and week ``w``: the most account conversations the key missed in a row
        among its silences that ended in the ``silence_history_weeks`` up to ``w``.
        Counting conversations, not days, keeps a quiet holiday season for the whole
        account from reading as a long silence of the person's.
    away : numpy.ndarray
        Per week ``w``: the ``silence_pool_quantile`` of the durations (seconds) of all
        silences of regular people (``silence_pool_min_rate`` conversations a week or
        more) that ended before ``w``: how long people are away on holiday, which the
        Poisson tails do not know, for people too new to have shown their own holidays.

    Both only use silences that ended before the week (causal).
    """
    grid = tables.grid
    n_keys, weeks = len(key_account), grid.weeks
    own = np.zeros((n_keys, weeks))
    # Too few silences to learn from (a small portfolio): no holiday allowance.
    quantiles = (params.silence_pool_quantile, params.silence_allowance_quantile)
    pooled = np.zeros((weeks, len(quantiles)))
    if len(key_all) < 2:
        return own, pooled
    account = key_account[key_all].astype(np.int64)
    rel = at_all - grid.origin
    before = np.searchsorted(acc_combined, account * span + rel, "left")
    after = np.searchsorted(acc_combined, account * span + rel, "right")
    same = np.zeros(len(key_all), dtype=bool)
    same[1:] = key_all[1:] == key_all[:-1]
    missed = np.zeros(len(key_all))
    missed[1:] = np.maximum(before[1:] - after[:-1], 0)
    week = np.clip(grid.week_of(at_all), 0, weeks - 1)
    # The key's rate over the baseline before the silence began (the previous
    # appearance): only regular people's silences tell how long people are away.
    counts = _prefix(
        np.bincount(key_all * weeks + week, minlength=n_keys * weeks).reshape(n_keys, weeks)
    )
    prev_week = np.roll(week, 1)
    lo = np.clip(prev_week - params.baseline_weeks + 1, 0, weeks)
    hi = np.clip(prev_week + 1, 0, weeks)
    per_week = (counts[key_all, hi] - counts[key_all, lo]) / np.maximum(hi - lo, 1)
    np.maximum.at(own, (key_all, week), np.where(same, missed, 0.0))
    size = max(int(params.silence_history_weeks), 1)
    own = ndimage.maximum_filter1d(own, size=size, axis=1, origin=(size - 1) // 2, mode="constant")
    # The pooled quantile of away spells per week, from a cumulative histogram.
    regular = same & (per_week >= params.silence_pool_min_rate)
    gap_days = np.zeros(len(key_all))
    gap_days[1:] = (at_all[1:] - at_all[:-1]) / DAY
    edges = np.linspace(0.0, 120.0, 481)
    bins = np.clip(np.searchsorted(edges, gap_days[regular], "right") - 1, 0, len(edges) - 2)
    hist = np.zeros((weeks, len(edges) - 1))
    np.add.at(hist, (week[regular], bins), 1.0)
    cumulative = np.cumsum(np.cumsum(hist, axis=0), axis=1)
    total = cumulative[:, -1]
    # Silences that ended before week w: the cumulative histogram up to week w - 1.
    for w in range(1, weeks):
        n = total[w - 1]
        if n >= 100:
            for k, q in enumerate(quantiles):
                b = int(np.searchsorted(cumulative[w - 1], q * n, "left"))
                pooled[w, k] = edges[min(b + 1, len(edges) - 1)] * DAY
    return np.asarray(own), pooled


# --------------------------------------------------------------------------- executives


def executive_withdrawals(
    tables: _Tables,
    roles: pd.DataFrame | None,
    *,
    params: SignalParameters,
) -> list[dict[str, Any]]:
    """VP and C-level people of theirs stop appearing, relative to their prior share.

    Parameters
    ----------
    tables : _Tables
    roles : pandas.DataFrame or None
        Role history (``person_id, org_id, start, end``): after executives leave their
        roles, the executives who stay are judged on their own appearances; when none
        stays, every executive's silence stands.
    params : SignalParameters, keyword-only

    Returns
    -------
    list of dict
        Signals of kind ``executive_withdrawal`` naming the executives who went quiet.
    """
    grid = tables.grid
    executives = _executive_presence(tables, roles)
    if executives is None:
        return []
    weeks = np.arange(grid.weeks)
    narrowed = _their_threads(tables, params.recent_weeks) <= params.bottleneck_max_threads
    a_idx, w_idx = np.nonzero(
        (
            weeks[None, :] - tables.first_week[:, None] + 1
            >= params.min_baseline_weeks + params.recent_weeks
        )
        & ~narrowed
    )
    keys = executives.key_at(a_idx, grid.end_of(w_idx))
    test = _silence_test(
        tables,
        keys,
        a_idx,
        w_idx,
        params=params,
        pseudo=executives,
        alpha=params.executive_alpha,
    )
    fire = (
        test["fire"]
        & (test["own_n"] >= params.executive_min_interactions)
        & ~_narrowed_during_silence(tables, a_idx, w_idx, test["last_seen"], params=params)
    )
    idx = np.flatnonzero(fire)
    out: list[dict[str, Any]] = []
    for a, w, _account, index in _first_of_episodes_keyed(
        a_idx[idx], w_idx[idx], a_idx[idx], params.cooldown_weeks, test["last_seen"][idx]
    ):
        j = idx[index]
        last_seen = int(test["last_seen"][j])
        lo = last_seen - params.baseline_weeks * WEEK
        mask = (
            (executives.attendee_key == keys[j])
            & (executives.attendee_at >= lo)
            & (executives.attendee_at <= last_seen)
        )
        people, counts = np.unique(executives.attendee[mask], return_counts=True)
        person_ids = [tables.person_id(int(p)) for p in people[np.argsort(-counts, kind="stable")]]
        t = int(grid.end_of(w))
        gap_days = (t - last_seen) / DAY
        share = float(test["share"][j])
        out.append(
            {
                "account_id": tables.account_id(a),
                "kind": EXECUTIVE_WITHDRAWAL,
                "at": t,
                "severity": _clip01(0.4 + 0.6 * min(1.0, share / 0.3)),
                "summary": (
                    f"No VP or C-level person of theirs has appeared for {gap_days:.0f} days "
                    f"({int(test['since'][j])} account interactions), against "
                    f"{share:.0%} of interactions before."
                ),
                "evidence": {
                    "executives": person_ids,
                    "executives_left": [
                        tables.person_id(int(p)) for p in executives.left_before(a, t)
                    ],
                    "executive_interactions_before": int(test["own_n"][j]),
                    "executive_share_before": round(share, 3),
                    "last_seen_at": last_seen,
                    "silent_days": round(gap_days, 1),
                    "account_interactions_since": int(test["since"][j]),
                    "p_value_account": float(test["p_account"][j]),
                    "p_value_time": float(test["p_time"][j]),
                    "baseline_weeks": params.baseline_weeks,
                },
                "person_ids": person_ids,
            }
        )
    return out


@dataclass(frozen=True)
class _Presence:
    """The appearances of a pseudo-participant such as "any executive of theirs".

    Each key is one account's participant over an era: era 0 holds every executive's
    appearances; era ``e > 0`` begins at the account's ``e``-th executive role end and
    holds only the appearances of executives who had not left by then. Arrays are
    sorted by key, then time.
    """

    key: np.ndarray
    at: np.ndarray
    kind: np.ndarray
    key_account: np.ndarray
    # Every executive on each appearance (a conversation may have several), by key.
    attendee_key: np.ndarray
    attendee_at: np.ndarray
    attendee: np.ndarray
    # Per account: its executives' role ends with who left, the eras' start times
    # (distinct role ends, sorted), and the key of its era 0.
    leave_at: list[np.ndarray]
    leave_person: list[np.ndarray]
    era_start: list[np.ndarray]
    era0: np.ndarray

    def key_at(self, accounts: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The key to judge at ``t``: the era's stayers when one of them has appeared
        before ``t``, else every executive (nobody stays: the silence of the executives
        as a whole stands)."""
        keys = self.era0[accounts].copy()
        for i in np.flatnonzero([len(self.era_start[a]) > 0 for a in accounts]):
            a = int(accounts[i])
            era = int(np.searchsorted(self.era_start[a], t[i], "right"))
            if era == 0:
                continue
            key = self.era0[a] + era
            lo = np.searchsorted(self.key, key, "left")
            hi = np.searchsorted(self.key, key, "right")
            if hi > lo and self.at[lo] < t[i]:
                keys[i] = key
        return keys

    def left_before(self, account: int, t: int) -> np.ndarray:
        """Executives of the account whose role ended by ``t``."""
        return np.unique(self.leave_person[account][self.leave_at[account] <= t])


def _executive_presence(tables: _Tables, roles: pd.DataFrame | None) -> _Presence | None:
    """Their executives' appearances at conversation starts, split into role-end eras."""
    activity = tables.activity
    levels = activity.level_names
    executive_codes = [levels.index(name) for name in _EXECUTIVE_LEVELS if name in levels]
    is_exec = ~tables.pair_home[tables.part_pair] & np.isin(tables.part_level, executive_codes)
    if not is_exec.any():
        return None
    kinds = activity.interactions["kind"].to_numpy()
    account = tables.pair_account[tables.part_pair[is_exec]].astype(np.int64)
    person = tables.pair_person[tables.part_pair[is_exec]].astype(np.int64)
    row = tables.part_row[is_exec]
    at = tables.part_at[is_exec].astype(np.int64)
    # Each executive's role end at the account (inf while they hold a role there).
    pair = account * activity.n_persons + person
    unique_pairs, pair_index = np.unique(pair, return_inverse=True)
    role_end = _role_ends(roles)
    pair_leave = np.array(
        [
            role_end.get(
                (
                    tables.account_id(int(k // activity.n_persons)),
                    tables.person_id(int(k % activity.n_persons)),
                ),
                math.inf,
            )
            for k in unique_pairs
        ],
        dtype=float,
    )
    leave = pair_leave[pair_index]
    n_accounts = activity.n_accounts
    leave_at: list[np.ndarray] = [np.zeros(0)] * n_accounts
    leave_person: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * n_accounts
    for a in np.unique(account[np.isfinite(leave)]):
        mine = (account == a) & np.isfinite(leave)
        pairs = np.unique(np.stack([leave[mine], person[mine]]), axis=1)
        leave_at[a], leave_person[a] = pairs[0], pairs[1].astype(np.int64)
    era_start = [np.unique(x) for x in leave_at]
    era0 = np.zeros(n_accounts, dtype=np.int64)
    era0[1:] = np.cumsum([len(x) + 1 for x in era_start])[:-1]
    n_keys = int(era0[-1]) + len(era_start[-1]) + 1
    # Era e of an account: the appearances of people who had not left at its e-th start.
    parts_key, parts_index = [era0[account]], [np.arange(len(account))]
    for a in np.flatnonzero([len(x) > 0 for x in era_start]):
        mine = np.flatnonzero(account == a)
        for era, start in enumerate(era_start[a], start=1):
            stay = mine[leave[mine] > start]
            parts_key.append(np.full(len(stay), era0[a] + era))
            parts_index.append(stay)
    attendee_key = np.concatenate(parts_key)
    attendee_index = np.concatenate(parts_index)
    # One appearance per conversation and key, however many executives were on it.
    first = pd.DataFrame({"key": attendee_key, "row": row[attendee_index]}).duplicated()
    key = attendee_key[~first.to_numpy()]
    index = attendee_index[~first.to_numpy()]
    order = np.lexsort((at[index], key))
    key, index = key[order], index[order]
    return _Presence(
        key=key,
        at=at[index],
        kind=kinds[row[index]].astype(np.int64),
        key_account=np.repeat(np.arange(n_accounts), np.diff(np.append(era0, n_keys))),
        attendee_key=attendee_key,
        attendee_at=at[attendee_index],
        attendee=person[attendee_index],
        leave_at=leave_at,
        leave_person=leave_person,
        era_start=era_start,
        era0=era0,
    )


def _role_ends(roles: pd.DataFrame | None) -> dict[tuple[str, str], int]:
    """Each (organization, person)'s last role end, for people whose every role there
    has ended (a move to another role at the same organization is no leaving)."""
    needed = {"person_id", "org_id", "start", "end"}
    if roles is None or len(roles) == 0 or not needed <= set(roles.columns):
        return {}
    frame = pd.DataFrame(
        {
            "org": roles["org_id"].astype(str),
            "person": roles["person_id"].astype(str),
            "end": pd.to_numeric(roles["end"], errors="coerce"),
        }
    )
    spells = frame.groupby(["org", "person"])["end"]
    last = spells.max()[spells.count() == spells.size()].reset_index()
    return {
        (org, person): int(end)
        for org, person, end in zip(last["org"], last["person"], last["end"], strict=True)
    }


# --------------------------------------------------------------------------- latency


def response_latency_inflations(
    tables: _Tables, *, params: SignalParameters
) -> list[dict[str, Any]]:
    """Their side's replies slow down against the account's own history.

    Parameters
    ----------
    tables : _Tables
    params : SignalParameters, keyword-only

    Returns
    -------
    list of dict
        Signals of kind ``response_latency_inflation``.
    """
    grid = tables.grid
    inter = tables.activity.interactions
    latency = inter["reply_latency_s"].to_numpy(dtype=float)
    is_reply = (
        np.isfinite(latency)
        & (latency > 0)
        & (inter["sender"].to_numpy() >= 0)
        & ~inter["sender_home"].to_numpy().astype(bool)
    )
    if not is_reply.any():
        return []
    account = inter["account"].to_numpy()[is_reply]
    at = inter["at"].to_numpy()[is_reply]
    log_latency = np.log(latency[is_reply])
    week = grid.week_of(at)
    n_accounts, n_weeks = tables.activity.n_accounts, grid.weeks
    cell = account.astype(np.int64) * n_weeks + week
    size = n_accounts * n_weeks

    def matrix(weights: np.ndarray | None) -> np.ndarray:
        return _prefix(
            np.bincount(cell, weights=weights, minlength=size).reshape(n_accounts, n_weeks)
        )

    n_p, s_p, q_p = matrix(None), matrix(log_latency), matrix(log_latency**2)
    weeks = np.arange(n_weeks)
    r, b = params.latency_recent_weeks, params.baseline_weeks
    n1, s1, q1 = (_window(m, weeks - r + 1, weeks + 1) for m in (n_p, s_p, q_p))
    n0, s0, q0 = (_window(m, weeks - r - b + 1, weeks - r + 1) for m in (n_p, s_p, q_p))
    with np.errstate(invalid="ignore", divide="ignore"):
        m1, m0 = s1 / n1, s0 / n0
        v1 = np.maximum((q1 - n1 * m1**2) / (n1 - 1), 1e-6)
        v0 = np.maximum((q0 - n0 * m0**2) / (n0 - 1), 1e-6)
        se2 = v1 / n1 + v0 / n0
        tstat = (m1 - m0) / np.sqrt(se2)
        dof = se2**2 / ((v1 / n1) ** 2 / (n1 - 1) + (v0 / n0) ** 2 / (n0 - 1))
    history = weeks[None, :] - r - tables.first_week[:, None] + 1 >= params.min_baseline_weeks
    candidate = (
        history
        & (n1 >= params.latency_min_replies)
        & (n0 >= 3 * params.latency_min_replies)
        & (m1 - m0 >= np.log(params.latency_min_ratio))
    )
    a_idx, w_idx = np.nonzero(candidate)
    if a_idx.size == 0:
        return []
    p_welch = stats.t.sf(tstat[a_idx, w_idx], dof[a_idx, w_idx])
    keep = p_welch < params.latency_alpha
    a_idx, w_idx, p_welch = a_idx[keep], w_idx[keep], p_welch[keep]
    # Confirm with a rank test, which does not lean on the lognormal shape.
    order = np.lexsort((at, account))
    acc_sorted, at_sorted, log_sorted = account[order], at[order], log_latency[order]
    span = np.int64(n_weeks + 2) * WEEK
    combined = acc_sorted.astype(np.int64) * span + (at_sorted - grid.origin)
    out: list[dict[str, Any]] = []
    confirmed_a: list[int] = []
    confirmed_w: list[int] = []
    confirmed: dict[tuple[int, int], tuple[float, float, float, float, float, float]] = {}
    for a, w, pw in zip(a_idx, w_idx, p_welch, strict=True):
        t1 = int(grid.end_of(w))
        t0 = t1 - r * WEEK
        tb = t0 - b * WEEK
        base = a * span
        i_b, i_0, i_1 = np.searchsorted(
            combined, [base + tb - grid.origin, base + t0 - grid.origin, base + t1 - grid.origin]
        )
        before, after = log_sorted[i_b:i_0], log_sorted[i_0:i_1]
        p_mw = float(stats.mannwhitneyu(after, before, alternative="greater").pvalue)
        if p_mw < params.latency_alpha:
            confirmed_a.append(int(a))
            confirmed_w.append(int(w))
            confirmed[(int(a), int(w))] = (
                float(np.exp(np.median(before))),
                float(np.exp(np.median(after))),
                float(pw),
                float(len(before)),
                float(len(after)),
                p_mw,
            )
    for a, w in _first_of_episodes(
        np.asarray(confirmed_a, dtype=np.int64),
        np.asarray(confirmed_w, dtype=np.int64),
        params.cooldown_weeks,
    ):
        before_s, after_s, pw, nb, na, p_mw = confirmed[(a, w)]
        ratio = after_s / before_s
        out.append(
            {
                "account_id": tables.account_id(a),
                "kind": RESPONSE_LATENCY_INFLATION,
                "at": int(grid.end_of(w)),
                "severity": _clip01(1.0 - 1.0 / ratio),
                "summary": (
                    f"Their replies now take a median {after_s / 3600:.1f} h, "
                    f"{ratio:.1f} times the {before_s / 3600:.1f} h of the half-year before."
                ),
                "evidence": {
                    "median_latency_before_s": round(before_s, 1),
                    "median_latency_after_s": round(after_s, 1),
                    "ratio": round(ratio, 3),
                    "replies_before": int(nb),
                    "replies_after": int(na),
                    "p_value_welch": pw,
                    "p_value_mann_whitney": p_mw,
                    "recent_weeks": params.latency_recent_weeks,
                    "baseline_weeks": params.baseline_weeks,
                },
                "person_ids": [],
            }
        )
    return out


# --------------------------------------------------------------------------- contraction


def engagement_contractions(tables: _Tables, *, params: SignalParameters) -> list[dict[str, Any]]:
    """Volume and the contacts engaged fall together against the account's own history.

    Parameters
    ----------
    tables : _Tables
    params : SignalParameters, keyword-only

    Returns
    -------
    list of dict
        Signals of kind ``engagement_contraction``.
    """
    grid = tables.grid
    weeks = np.arange(grid.weeks)
    r, b = params.contraction_recent_weeks, params.baseline_weeks
    volume = _prefix(tables.volume)
    recent = _window(volume, weeks - r + 1, weeks + 1)
    base = _window(volume, weeks - r - b + 1, weeks - r + 1)
    base_start = np.maximum(weeks - r - b + 1, tables.first_week[:, None])
    base_weeks = np.clip(weeks - r + 1 - base_start, 0, b)
    # Exposure in "typical weeks": the portfolio's calendar, not the account's own.
    season = np.concatenate([[0.0], np.cumsum(tables.season)])
    recent_exposure = (
        season[np.clip(weeks + 1, 0, grid.weeks)] - season[np.clip(weeks - r + 1, 0, grid.weeks)]
    )
    base_exposure = (
        season[np.clip(weeks - r + 1, 0, grid.weeks)][None, :]
        - season[np.clip(base_start, 0, grid.weeks)]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (recent / recent_exposure[None, :]) / (base / base_exposure)
    contacts = _contacts_engaged(tables, r)
    blocks = [
        contacts[:, np.clip(weeks - k * r, 0, grid.weeks - 1)] * (weeks - k * r >= 0)
        for k in range(1, b // r + 1)
    ]
    base_contacts = np.mean(np.stack(blocks), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        contact_ratio = contacts / base_contacts
    history = base_weeks >= params.min_baseline_weeks
    # Contraction onto one contact is a single-node bottleneck, told by its own signal:
    # a contraction keeps a breadth of its own (a bottleneck followed by a falling volume
    # was 11 of the 50 false contractions on seed 23, 2026-11-24).
    narrowed = _their_threads(tables, r) <= params.bottleneck_max_threads
    candidate = (
        history
        & ~narrowed
        & (base >= params.contraction_min_baseline)
        & (ratio <= params.contraction_max_volume_ratio)
        & (contact_ratio <= params.contraction_max_contact_ratio)
    )
    a_idx, w_idx = np.nonzero(candidate)
    if a_idx.size == 0:
        return []
    k = recent[a_idx, w_idx]
    n = k + base[a_idx, w_idx]
    e_recent = recent_exposure[w_idx]
    p_share = e_recent / (e_recent + base_exposure[a_idx, w_idx])
    pvalue = stats.binom.cdf(k, n, p_share)
    step_evidence = _step_over_trend(
        tables.volume, tables.season, a_idx, w_idx, r + params.baseline_weeks, params.recent_weeks
    )
    # Reported, not gated on: measured on generated portfolios it does not separate a
    # planted two-week contraction from the pre-churn slide (which is flat, then falls).
    fire = pvalue < params.contraction_alpha
    out: list[dict[str, Any]] = []
    for a, w, pv, llr in _first_of_episodes(
        a_idx[fire], w_idx[fire], params.cooldown_weeks, pvalue[fire], step_evidence[fire]
    ):
        vr, cr = float(ratio[a, w]), float(contact_ratio[a, w])
        per_week_before = float(base[a, w] / base_weeks[a, w])
        out.append(
            {
                "account_id": tables.account_id(a),
                "kind": ENGAGEMENT_CONTRACTION,
                "at": int(grid.end_of(w)),
                "severity": _clip01(1.0 - (vr + cr) / 2.0),
                "summary": (
                    f"Engagement contracted to {vr:.0%} of its usual volume "
                    f"({recent[a, w] / r:.1f} vs {per_week_before:.1f} interactions a week) "
                    f"and {cr:.0%} of the usual contacts."
                ),
                "evidence": {
                    "interactions_per_week_before": round(per_week_before, 3),
                    "interactions_per_week_after": round(float(recent[a, w] / r), 3),
                    "volume_ratio": round(vr, 3),
                    "contacts_engaged_before": round(float(base_contacts[a, w]), 2),
                    "contacts_engaged_after": int(contacts[a, w]),
                    "contact_ratio": round(cr, 3),
                    "p_value": float(pv),
                    "test": "conditional binomial test of two Poisson rates",
                    "step_evidence": round(float(llr), 3),
                    "recent_weeks": r,
                    "baseline_weeks": int(base_weeks[a, w]),
                },
                "person_ids": [],
            }
        )
    return out


def _step_over_trend(
    volume: np.ndarray,
    season: np.ndarray,
    accounts: np.ndarray,
    weeks: np.ndarray,
    span: int,
    min_segment: int,
) -> np.ndarray:
    """Log-likelihood ratio of a step over a log-linear trend, per (account, week).

    The weekly counts of the ``span`` weeks ending at ``weeks`` (exposure: the
    portfolio's calendar ``season``) are fitted twice by Poisson maximum likelihood:
    (a) a step, one rate before a change week and another from it on, the change
    anywhere leaving ``min_segment`` weeks on each side (profile likelihood), and
    (b) a log-linear trend ``log rate = a + b * week``. Both have two rate parameters.
    A positive value means the counts look more like a sudden change than a slow slide
    (Hinkley 1970 for the step; a Poisson regression for the trend).
    """
    n = len(accounts)
    if n == 0:
        return np.zeros(0)
    cols = weeks[:, None] - span + 1 + np.arange(span)[None, :]
    valid = cols >= 0
    c = np.clip(cols, 0, volume.shape[1] - 1)
    y = np.where(valid, volume[accounts[:, None], c], 0.0)
    e = np.where(valid, season[c], 0.0)
    # Step: cumulative sums give every split at once.
    cy, ce = np.cumsum(y, axis=1), np.cumsum(e, axis=1)
    ty, te = cy[:, -1:], ce[:, -1:]

    def loglik(count: np.ndarray, exposure: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(exposure > 0, count / exposure, 0.0)
            return np.where(count > 0, count * np.log(np.where(rate > 0, rate, 1.0)), 0.0) - count

    split = np.arange(span)[None, :]
    first = np.argmax(valid, axis=1)[:, None]
    allowed = (split - first + 1 >= min_segment) & (split <= span - 1 - min_segment)
    step_ll = loglik(cy, ce) + loglik(ty - cy, te - ce)
    best_step = np.max(np.where(allowed, step_ll, -np.inf), axis=1)
    # Trend: Newton's method on (a, b), vectorized over the candidates.
    x = (np.arange(span) - (span - 1) / 2.0)[None, :] / span
    a = np.log(np.maximum(ty[:, 0], 0.5) / np.maximum(te[:, 0], 1e-9))
    b = np.zeros(n)
    for _ in range(25):
        mu = e * np.exp(np.clip(a[:, None] + b[:, None] * x, -50, 50))
        g_a, g_b = (y - mu).sum(axis=1), ((y - mu) * x).sum(axis=1)
        h_aa, h_ab, h_bb = mu.sum(axis=1), (mu * x).sum(axis=1), (mu * x * x).sum(axis=1)
        det = np.maximum(h_aa * h_bb - h_ab**2, 1e-12)
        a = a + (h_bb * g_a - h_ab * g_b) / det
        b = b + (h_aa * g_b - h_ab * g_a) / det
    mu = e * np.exp(np.clip(a[:, None] + b[:, None] * x, -50, 50))
    with np.errstate(invalid="ignore", divide="ignore"):
        trend_ll = np.sum(np.where(y > 0, y * np.log(np.where(mu > 0, mu, 1.0)), 0.0) - mu, axis=1)
    # The log(rate * exposure) terms of the step's likelihood, to compare like with like.
    with np.errstate(invalid="ignore", divide="ignore"):
        exposure_term = np.sum(np.where(y > 0, y * np.log(np.where(e > 0, e, 1.0)), 0.0), axis=1)
    return np.asarray(best_step + exposure_term - trend_ll)


def _narrowed_during_silence(
    tables: _Tables,
    accounts: np.ndarray,
    weeks: np.ndarray,
    last_seen: np.ndarray,
    *,
    params: SignalParameters,
) -> np.ndarray:
    """Whether their side's traffic ran through one person during a silence.

    Per candidate: effective threads ``1 / H`` of their side over the whole weeks between
    the last appearance and the end of ``weeks`` (at least one, at most ``recent_weeks``)
    at or below ``bottleneck_max_threads``. While traffic narrows onto one contact everyone
    else falls silent; that is the bottleneck's story (told by its own signal, which
    needs a six-week window and so comes a week or two later), not a departure.
    """
    if len(accounts) == 0:
        return np.zeros(0, dtype=bool)
    t = tables.grid.end_of(weeks)
    span = np.clip((t - last_seen) // WEEK, 1, params.recent_weeks).astype(np.int64)
    volume = _prefix(tables.volume)
    n = volume.shape[1] - 1
    hi = np.clip(weeks + 1, 0, n)
    lo = np.clip(weeks + 1 - span, 0, n)
    b_lo = np.clip(lo - params.baseline_weeks, 0, n)
    recent_rate = (volume[accounts, hi] - volume[accounts, lo]) / np.maximum(hi - lo, 1)
    base_rate = (volume[accounts, lo] - volume[accounts, b_lo]) / np.maximum(lo - b_lo, 1)
    # Rerouted, not lost: a bottleneck keeps the account's volume; a slide loses it.
    kept = recent_rate > params.contraction_max_volume_ratio * base_rate
    out = np.zeros(len(accounts), dtype=bool)
    for k in np.unique(span):
        sel = span == k
        threads = _their_threads(tables, int(k))[accounts[sel], weeks[sel]]
        out[sel] = threads <= params.bottleneck_max_threads
    return out & kept


def _their_threads(tables: _Tables, r: int) -> np.ndarray:
    """Effective number of threads ``1 / H`` of their side's traffic over the ``r`` weeks
    ending at each week (account x week; NaN without traffic)."""
    grid = tables.grid
    weeks = np.arange(grid.weeks)
    rows = np.flatnonzero(~tables.pair_home)
    recent = _window(_prefix(tables.pair_traffic[rows]), weeks - r + 1, weeks + 1)
    accounts = tables.pair_account[rows]
    n = tables.activity.n_accounts
    total = _group_sum(recent, accounts, n)
    squares = _group_sum(recent**2, accounts, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(total > 0, total**2 / squares, np.nan))


def _contacts_engaged(tables: _Tables, r: int) -> np.ndarray:
    """Distinct their-side people on the account's interactions in the ``r`` weeks ending
    at each week (account x week)."""
    grid = tables.grid
    their = ~tables.pair_home
    active = tables.pair_count[their] > 0
    rolled = _window(
        _prefix(active.astype(float)), np.arange(grid.weeks) - r + 1, np.arange(grid.weeks) + 1
    )
    return _group_sum(
        (rolled > 0).astype(float), tables.pair_account[their], tables.activity.n_accounts
    )


# --------------------------------------------------------------------------- helpers


def _before(frames: PortfolioFrames, as_of: int) -> PortfolioFrames:
    """The frames without interactions at or after ``as_of`` (and their participations)."""
    at = pd.to_numeric(frames.interactions["at"], errors="coerce")
    inside = frames.interactions[at < as_of]
    if len(inside) == len(frames.interactions):
        return frames
    parts = frames.participations
    parts = parts[parts["interaction_id"].isin(inside["interaction_id"])]
    return PortfolioFrames(
        interactions=inside,
        participations=parts,
        people=frames.people,
        roles=frames.roles,
        accounts=frames.accounts,
        renewals=frames.renewals,
    )


def _before_churn(
    signals: list[dict[str, Any]], renewals: pd.DataFrame | None
) -> list[dict[str, Any]]:
    """Drop signals raised after their account churned: once a renewal has come out
    ``churned`` the relationship is over, and its silence is the churn, not a signal of it.
    The churn date is known at the signal's date (it is before it), so this stays causal.
    """
    if (
        renewals is None
        or len(renewals) == 0
        or not {"account_id", "at", "outcome"} <= set(renewals.columns)
    ):
        return signals
    churned = renewals[renewals["outcome"].astype(str) == "churned"]
    first = (
        pd.to_numeric(churned["at"], errors="coerce")
        .groupby(churned["account_id"].astype(str))
        .min()
    )
    ended = first.to_dict()
    return [s for s in signals if not (s["at"] > ended.get(str(s["account_id"]), np.inf))]


def _seasonal_index(volume: np.ndarray, *, min_accounts: int = 20) -> np.ndarray:
    """Weekly activity of the whole portfolio relative to its typical week.

    Holidays and August quieten every account at once; judging an account's recent weeks
    against its own baseline *in proportion to the portfolio's* keeps a calendar effect
    from reading as a contraction. Below ``min_accounts`` active accounts the index is
    flat (too few accounts to tell the calendar from the account).
    """
    weeks = volume.shape[1]
    active = (volume > 0).any(axis=1).sum()
    if active < min_accounts:
        return np.ones(weeks)
    total = volume.sum(axis=0).astype(float)
    # Accounts enter and leave the portfolio: scale by the number active around each week.
    alive = np.cumsum(volume > 0, axis=1) > 0
    ended = np.cumsum((volume > 0)[:, ::-1], axis=1)[:, ::-1] > 0
    present = (alive & ended).sum(axis=0).astype(float)
    per_account = np.where(present > 0, total / np.maximum(present, 1.0), np.nan)
    typical = np.nanmedian(per_account)
    index = np.where(np.isfinite(per_account), per_account / typical, 1.0)
    return np.asarray(np.clip(index, 0.05, None), dtype=float)


def _group_sum(matrix: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows of ``matrix`` per group (``groups`` need not be sorted)."""
    out = np.zeros((n_groups, matrix.shape[1]))
    np.add.at(out, groups, matrix)
    return out


def _group_argmax(
    matrix: np.ndarray, groups: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per group and column, the row (position in ``matrix``) with the largest value.

    Returns the row index (-1 for empty groups or all-zero columns) and the value.
    """
    best = np.full((n_groups, matrix.shape[1]), -np.inf)
    np.maximum.at(best, groups, matrix)
    is_best = (matrix >= best[groups]) & (matrix > 0)
    rows, cols = np.nonzero(is_best)
    arg = np.full((n_groups, matrix.shape[1]), -1, dtype=np.int64)
    # The first row wins ties: assign in reverse so earlier rows overwrite later ones.
    arg[groups[rows[::-1]], cols[::-1]] = rows[::-1]
    value = np.where(arg >= 0, best, 0.0)
    return arg, value


def _first_of_episodes(
    accounts: np.ndarray, weeks: np.ndarray, cooldown: int, *extra: np.ndarray
) -> list[tuple[Any, ...]]:
    """The first firing week of each episode per account, with ``extra`` values there."""
    if len(accounts) == 0:
        return []
    order = np.lexsort((weeks, accounts))
    a, w = accounts[order], weeks[order]
    new = np.ones(len(a), dtype=bool)
    new[1:] = (a[1:] != a[:-1]) | (w[1:] - w[:-1] >= cooldown)
    picks = order[new]
    return [(int(accounts[i]), int(weeks[i]), *(e[i] for e in extra)) for i in picks]


def _first_of_episodes_keyed(
    accounts: np.ndarray, weeks: np.ndarray, keys: np.ndarray, cooldown: int, last_seen: np.ndarray
) -> list[tuple[int, int, int, int]]:
    """Episodes of a silence: per (account, key), a new episode when the silence is a new
    one (a different last-seen time) or after ``cooldown`` quiet weeks."""
    if len(accounts) == 0:
        return []
    order = np.lexsort((weeks, keys, accounts))
    a, k, w, s = accounts[order], keys[order], weeks[order], last_seen[order]
    new = np.ones(len(a), dtype=bool)
    new[1:] = (
        (a[1:] != a[:-1]) | (k[1:] != k[:-1]) | ((w[1:] - w[:-1] >= cooldown) & (s[1:] != s[:-1]))
    )
    return [(int(accounts[i]), int(weeks[i]), int(keys[i]), int(i)) for i in order[new]]


def _signal_id(signal: dict[str, Any]) -> str:
    """Stable id: the same signal from the same data gets the same id on every run."""
    text = (
        f"{signal['account_id']}|{signal['kind']}|{signal['at']}|{','.join(signal['person_ids'])}"
    )
    return f"{signal['kind']}:{signal['account_id']}:{hashlib.sha1(text.encode()).hexdigest()[:12]}"


def _clip01(value: float) -> float:
    if not np.isfinite(value):
        return 0.0
    return round(float(min(1.0, max(0.0, value))), 4)
