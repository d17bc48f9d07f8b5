"""Ticket-mix shift and SLA policing: a CUSUM of the recent tickets' categories against
the account's own mix.

Tickets are counted once per category and day (a burst of one day's duplicates, or an
incident's many tickets on one subject, counts as one of each category that day). The
account is judged every day (a signal is dated the day after the ticket that made it
fire, not at the end of its week: on a weekly grid a run crossing the threshold waited up
to six days, and most of the events found late, 90-106 days after they began, were
these); only the days on which a window's counts change are computed
(:func:`.beyond_tables.changing_day_ends`: every other day is judged as the one before
it). At each as-of date the account's own mix is estimated from the ``baseline_weeks``
before the recent window. The share of the categories in question (``p``; exit: data
export, contract, billing; SLA: sla) is a conservative estimate, the
``own_share_quantile`` quantile of its Beta posterior under a prior of ``prior_tickets``
tickets at :data:`PRIOR_SHARE` (:func:`own_share`): an account with a thin baseline is
judged against a share it may well have, not against its point estimate. The building
categories (``b``: feature requests, integration, optimization) keep their smoothed
point estimate's share of the rest, ``b = (1 - p) x b' / (1 - p')`` with ``p'`` and
``b'`` the shares smoothed by the same prior. The turned mix it is tested against has a
share ``q`` of the categories in question (``mix_share`` or ``sla_share``), the building
categories at ``building_cut`` of their own share (mix shift only) and the rest scaled
to fill.
Each recent ticket adds its log-likelihood ratio, turned mix over own mix:
``log(q / p)`` for a ticket in question, ``log(building_cut)`` for a building one,
``log((1 - q - b x cut) / (1 - p - b))`` for any other. The statistic is Page's CUSUM
over the recent window's tickets in time order, ``S = max(0, S + llr)`` (the largest
sum over the window's latest tickets: evidence counted from wherever the turn began,
however few tickets the window holds). It fires when ``S >= threshold`` (one threshold
for both kinds), with at least ``min_recent`` tickets in the run and ``min_baseline``
baseline tickets, hits in at least ``min_hit_weeks`` distinct weeks (a run of a month
or more: an incident's burst of SLA complaints is one week) and, for a mix shift, the
building share fallen to at most ``max_building_ratio`` of the baseline's (the turn from
building on the product to leaving it). An account whose own share is already ``q`` or
more is not tested.

References: Page, E. S. (1954), "Continuous inspection schemes", *Biometrika* 41.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from stakegraph.analytics.signals.beyond_tables import (
    BeyondFrames,
    by_account,
    changing_day_ends,
)
from stakegraph.analytics.signals.parameters import SignalParameters, TicketParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import (
    BUILDING_TICKET_CATEGORIES,
    EXIT_TICKET_CATEGORIES,
    SLA_POLICING,
    TICKET_MIX_SHIFT,
)

__all__ = [
    "PRIOR_SHARE",
    "TicketMix",
    "mix_cusum",
    "own_share",
    "sla_policings",
    "ticket_mix_shifts",
    "window_cusums",
]

# 1970-01-05, the first Monday of the epoch: calendar weeks run Monday to Sunday.
_FIRST_MONDAY = 4 * DAY
# Prior means of the baseline shares: the categories in question, and building ones.
PRIOR_SHARE = {TICKET_MIX_SHIFT: 0.1, SLA_POLICING: 0.05, "building": 0.4}


@dataclass(frozen=True)
class TicketMix:
    """The shares a CUSUM compares: own (``share``, ``building``) and turned (``turned``,
    ``building x cut``)."""

    share: float
    building: float
    turned: float
    cut: float

    def llr(self, hit: np.ndarray, building: np.ndarray) -> np.ndarray:
        """Each ticket's log-likelihood ratio, turned mix over own mix."""
        rest = np.log(
            (1 - self.turned - self.building * self.cut) / (1 - self.share - self.building)
        )
        out = np.full(len(hit), rest)
        out[building] = np.log(self.cut)
        out[hit] = np.log(self.turned / self.share)
        return out


def mix_cusum(hit: np.ndarray, building: np.ndarray, mix: TicketMix) -> tuple[float, int]:
    """Page's CUSUM after the tickets in time order, ``S = max(0, S + llr)``, and where
    its current run began (the first ticket after the last time it was 0: the estimated
    start of the turn).

    Examples
    --------
    Own mix 10% exit, 40% building; turned 50% exit, building cut to a tenth (4%). An
    exit ticket adds ``log 5 = 1.609``, a building one ``log 0.1 = -2.303``, any other
    ``log((1 - 0.5 - 0.04) / 0.5) = log 0.92 = -0.083``. After the building ticket the
    sum is back at 0; the run starts at the next ticket, ``3 log 5 + log 0.92``:

    >>> mix = TicketMix(share=0.1, building=0.4, turned=0.5, cut=0.1)
    >>> hit = np.array([1, 0, 1, 1, 0, 1], bool)
    >>> building = np.array([0, 1, 0, 0, 0, 0], bool)
    >>> s, start = mix_cusum(hit, building, mix)
    >>> round(s, 3), start
    (4.745, 2)
    """
    s, start = 0.0, 0
    for i, value in enumerate(mix.llr(hit, building)):
        s += float(value)
        if s <= 0.0:
            s, start = 0.0, i + 1
    return s, start


def own_share(
    hits: np.ndarray | int,
    tickets: np.ndarray | int,
    *,
    prior_tickets: float,
    prior_share: float,
    quantile: float,
) -> np.ndarray:
    """The account's own share of the categories in question: the ``quantile`` of its
    Beta posterior, ``Beta(prior_tickets x prior_share + hits, prior_tickets x (1 -
    prior_share) + tickets - hits)``.

    A quantile above the median is a conservative share: the fewer baseline tickets,
    the wider the posterior and the higher the share a recent run is judged against.

    Examples
    --------
    SLA policing's prior, 20 tickets at 0.05, and no SLA ticket in the baseline: the
    posterior is ``Beta(1, 19 + tickets)``, whose distribution function is ``1 - (1 -
    x)^b``, so its 0.9 quantile is ``1 - 0.1^(1/b)``. No baseline ticket: ``1 -
    0.1^(1/19) = 0.1141``; 21 tickets: ``1 - 0.1^(1/40) = 0.0559`` (the smoothed point
    estimate is ``1/41 = 0.0244``). A symmetric posterior, ``Beta(4, 4)`` from a prior
    of 2 tickets at one half and 3 hits of 6, has its median at one half:

    >>> own_share(np.array([0, 0]), np.array([0, 21]), prior_tickets=20.0,
    ...           prior_share=0.05, quantile=0.9).round(4).tolist()
    [0.1141, 0.0559]
    >>> float(own_share(3, 6, prior_tickets=2.0, prior_share=0.5, quantile=0.5))
    0.5
    """
    hits = np.asarray(hits, dtype=float)
    others = np.asarray(tickets, dtype=float) - hits
    a = prior_tickets * prior_share + hits
    b = prior_tickets * (1 - prior_share) + others
    return np.asarray(stats.beta.ppf(quantile, a, b), dtype=float)


def ticket_mix_shifts(beyond: BeyondFrames, as_of: int, params: SignalParameters) -> list[Signal]:
    """Every turn of the ticket mix towards leaving (see the module docstring)."""
    return _share_shifts(beyond.tickets, as_of, params, TICKET_MIX_SHIFT, EXIT_TICKET_CATEGORIES)


def sla_policings(beyond: BeyondFrames, as_of: int, params: SignalParameters) -> list[Signal]:
    """Every shift of the ticket mix to SLA policing (see the module docstring)."""
    return _share_shifts(beyond.tickets, as_of, params, SLA_POLICING, ("sla",))


@dataclass
class _AccountWeeks:
    """One account's counted tickets and the counts of each daily as-of date."""

    account_id: str
    at: np.ndarray
    hit: np.ndarray
    building: np.ndarray
    ends: np.ndarray
    n: np.ndarray
    k0: np.ndarray
    n0: np.ndarray
    share: np.ndarray
    b_share: np.ndarray
    b_before: np.ndarray
    own: np.ndarray
    own_building: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    tested: np.ndarray


def _share_shifts(
    tickets: pd.DataFrame,
    as_of: int,
    params: SignalParameters,
    kind: str,
    categories: tuple[str, ...],
) -> list[Signal]:
    p = params.ticket
    known = tickets[tickets["category"].notna()]
    turned = p.mix_share if kind == TICKET_MIX_SHIFT else p.sla_share
    weeks = [
        _account_weeks(account_id, rows, as_of, p, kind, categories, turned)
        for account_id, rows in by_account(known)
    ]
    if not weeks:
        return []
    # The CUSUMs of every tested week of every account in one pass (window_cusums): the
    # tickets laid end to end, each account's windows shifted by its offset.
    offsets = np.cumsum([0, *(len(w.at) for w in weeks)])
    tested = [np.flatnonzero(w.tested) for w in weeks]
    cusums, starts = window_cusums(
        np.concatenate([w.hit for w in weeks]),
        np.concatenate([w.building for w in weeks]),
        np.concatenate([w.lo[t] + o for w, t, o in zip(weeks, tested, offsets, strict=False)]),
        np.concatenate([w.hi[t] + o for w, t, o in zip(weeks, tested, offsets, strict=False)]),
        np.concatenate([w.own[t] for w, t in zip(weeks, tested, strict=True)]),
        np.concatenate([w.own_building[t] for w, t in zip(weeks, tested, strict=True)]),
        turned=turned,
        cut=p.building_cut,
    )
    signals: list[Signal] = []
    done = 0
    for w, its_tested in zip(weeks, tested, strict=True):
        n = w.n
        run = np.zeros((len(w.ends), 4))  # CUSUM, tickets, hits, building tickets of the run
        value = cusums[done : done + len(its_tested)]
        start = w.lo[its_tested] + starts[done : done + len(its_tested)]
        done += len(its_tested)
        hit_sum = np.concatenate([[0], np.cumsum(w.hit)])
        building_sum = np.concatenate([[0], np.cumsum(w.building)])
        end = w.hi[its_tested]
        run[its_tested, 0] = value
        run[its_tested, 1] = end - start
        run[its_tested, 2] = hit_sum[end] - hit_sum[start]
        run[its_tested, 3] = building_sum[end] - building_sum[start]
        cusum, run_n, run_k, run_b = run.T
        run_share = np.divide(run_k, run_n, out=np.zeros(len(n)), where=run_n > 0)
        fires = w.tested & (cusum >= p.threshold) & (run_n >= p.min_recent)
        fires &= _hit_weeks(w.at, w.hit, w.ends, p) >= p.min_hit_weeks
        if kind == TICKET_MIX_SHIFT:
            run_b_share = np.divide(run_b, run_n, out=np.zeros(len(n)), where=run_n > 0)
            fires &= run_b_share <= p.max_building_ratio * w.b_before
        holding = cusum > 0
        for week in _episode_starts(fires, holding):
            signals.append(
                Signal(
                    kind=kind,
                    account_id=w.account_id,
                    at=int(w.ends[week]),
                    severity=clip_severity(float(run_share[week] - w.own[week])),
                    evidence={
                        "categories": list(categories),
                        "tickets_recent": int(n[week]),
                        "tickets_baseline": int(w.n0[week]),
                        "tickets_run": int(run_n[week]),
                        "share_run": float(run_share[week]),
                        "share_recent": float(w.share[week]),
                        "share_baseline": float(w.k0[week] / w.n0[week]) if w.n0[week] else 0.0,
                        "share_own": float(w.own[week]),
                        "building_share_recent": float(w.b_share[week]),
                        "building_share_baseline": float(w.b_before[week]),
                        "cusum": float(cusum[week]),
                        "tickets_per_week_ratio": _volume_ratio(n[week], w.n0[week], p),
                    },
                )
            )
    return signals


def _account_weeks(
    account_id: str,
    rows: pd.DataFrame,
    as_of: int,
    p: TicketParameters,
    kind: str,
    categories: tuple[str, ...],
    turned: float,
) -> _AccountWeeks:
    day = rows["at"].to_numpy(np.int64) // DAY
    category = rows["category"].astype(str).to_numpy()
    once = distinct_incidents(day, category, p.incident_days)
    at = (day[once] * DAY).astype(np.int64)
    hit = np.isin(category[once], categories)
    building = np.isin(category[once], BUILDING_TICKET_CATEGORIES) & ~hit
    # Judged every day, but only the days on which a window's counts change hold news.
    recent, baseline = p.recent_weeks * WEEK, p.baseline_weeks * WEEK
    ends = changing_day_ends(
        int(at[0]), as_of, np.concatenate([at, at + recent, at + recent + baseline])
    )
    k, n, k0, n0 = _window_counts(at, hit, ends, p)
    b, _, b0, _ = _window_counts(at, building, ends, p)
    own = own_share(
        k0,
        n0,
        prior_tickets=p.prior_tickets,
        prior_share=PRIOR_SHARE[kind],
        quantile=p.own_share_quantile,
    )
    # The building tickets keep their smoothed share of the tickets not in question, so
    # the own mix still sums to one beside the quantile.
    smoothed = (k0 + p.prior_tickets * PRIOR_SHARE[kind]) / (n0 + p.prior_tickets)
    smoothed_building = (b0 + p.prior_tickets * PRIOR_SHARE["building"]) / (n0 + p.prior_tickets)
    own_building = smoothed_building * (1 - own) / (1 - smoothed)
    if kind != TICKET_MIX_SHIFT:
        # SLA policing: building tickets are any other ticket.
        building[:] = False
        own_building[:] = 0.0
    return _AccountWeeks(
        account_id=account_id,
        at=at,
        hit=hit,
        building=building,
        ends=ends,
        n=n,
        k0=k0,
        n0=n0,
        share=np.divide(k, n, out=np.zeros(len(n)), where=n > 0),
        b_share=np.divide(b, n, out=np.zeros(len(n)), where=n > 0),
        b_before=np.divide(b0, n0, out=np.zeros(len(n)), where=n0 > 0),
        own=own,
        own_building=own_building,
        lo=np.searchsorted(at, ends - p.recent_weeks * WEEK),
        hi=np.searchsorted(at, ends),
        tested=(n0 >= p.min_baseline) & (own < turned),
    )


def window_cusums(
    hit: np.ndarray,
    building: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    share: np.ndarray,
    building_share: np.ndarray,
    *,
    turned: float,
    cut: float,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`mix_cusum` of the tickets ``[lo[i], hi[i])`` under
    ``TicketMix(share[i], building_share[i], turned, cut)``, for every window at once.

    The same additions in the same order, one ticket position of every window at a time
    (a few dozen numpy steps instead of a Python loop per window): equal to the bit.

    Returns
    -------
    tuple of numpy.ndarray
        The CUSUM of each window and where its current run starts (tickets after ``lo``).
    """
    lo = np.asarray(lo, dtype=np.int64)
    count = np.asarray(hi, dtype=np.int64) - lo
    share = np.asarray(share, dtype=float)
    building_share = np.asarray(building_share, dtype=float)
    # The three log-likelihood ratios of TicketMix.llr, per window.
    rest = np.log((1 - turned - building_share * cut) / (1 - share - building_share))
    hit_llr = np.log(turned / share)
    cut_llr = np.log(cut)
    s = np.zeros(len(lo))
    start = np.zeros(len(lo), dtype=np.int64)
    for j in range(int(count.max(initial=0))):
        active = j < count
        at = np.minimum(lo + j, max(len(hit) - 1, 0))
        step = np.where(hit[at], hit_llr, np.where(building[at], cut_llr, rest))
        added = np.where(active, s + step, s)
        reset = active & (added <= 0.0)
        s = np.where(reset, 0.0, added)
        start[reset] = j + 1
    return s, start


def distinct_incidents(day: np.ndarray, category: np.ndarray, incident_days: int) -> np.ndarray:
    """Which tickets (in time order) to count: a ticket of a category within
    ``incident_days`` days of the last counted one of that category is the same
    incident (``incident_days = 1``: once per category and day).

    Examples
    --------
    >>> day = np.array([0, 0, 1, 2, 5, 6])
    >>> category = np.array(["sla", "sla", "sla", "bug", "sla", "sla"])
    >>> distinct_incidents(day, category, 1).tolist()
    [True, False, True, True, True, True]
    >>> distinct_incidents(day, category, 5).tolist()
    [True, False, False, True, True, False]
    """
    keep = np.zeros(len(day), dtype=bool)
    last: dict[str, int] = {}
    for i, (d, c) in enumerate(zip(day.tolist(), category.tolist(), strict=True)):
        if c not in last or d - last[c] >= incident_days:
            keep[i] = True
            last[c] = d
    return keep


def _episode_starts(fires: np.ndarray, holding: np.ndarray) -> list[int]:
    """Weeks that start an episode: it fires, and it lasts as long as the CUSUM holds
    above 0 (tested or not: a baseline that has taken in the shift stops finding it
    improbable, which does not end it).

    Examples
    --------
    >>> fires = np.array([0, 1, 1, 0, 1, 0, 1], bool)
    >>> _episode_starts(fires, np.array([0, 1, 1, 1, 1, 0, 1], bool))
    [1, 6]
    """
    starts: list[int] = []
    in_episode = False
    for week in range(len(fires)):
        if in_episode and not holding[week]:
            in_episode = False
        if not in_episode and fires[week]:
            starts.append(week)
            in_episode = True
    return starts


def _window_counts(
    at: np.ndarray, hit: np.ndarray, ends: np.ndarray, p: TicketParameters
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hits and tickets in the recent window and in the baseline, per as-of date."""
    recent, baseline = p.recent_weeks * WEEK, p.baseline_weeks * WEEK
    cumulative = np.concatenate([[0], np.cumsum(hit)])
    lo = np.searchsorted(at, ends - recent - baseline)
    mid = np.searchsorted(at, ends - recent)
    hi = np.searchsorted(at, ends)
    k = cumulative[hi] - cumulative[mid]
    k0 = cumulative[mid] - cumulative[lo]
    return k, hi - mid, k0, mid - lo


def _hit_weeks(
    at: np.ndarray, hit: np.ndarray, ends: np.ndarray, p: TicketParameters
) -> np.ndarray:
    """Distinct calendar weeks (Monday to Sunday) with a hit in the recent window of each
    as-of date.

    Calendar weeks, not weeks counted back from each as-of date: judged every day, two
    complaints two days apart would fall in two weeks counted back from some day and in
    one from the next. The distinct weeks of a window are the changes of week along the
    sorted hits, counted by a prefix sum.

    Examples
    --------
    Hits on a Thursday, Friday, the next Tuesday and Wednesday, and two weeks later;
    windows of two weeks before the second Monday and the second Saturday after the first:

    >>> from stakegraph.analytics.signals.parameters import TicketParameters
    >>> monday = 4 * DAY  # 1970-01-05
    >>> at = monday + np.array([-4, -3, 1, 2, 15]) * DAY
    >>> ends = monday + np.array([7, 12]) * DAY
    >>> _hit_weeks(at, np.ones(5, bool), ends, TicketParameters(recent_weeks=2)).tolist()
    [2, 1]
    """
    hits = at[hit]
    if len(ends) == 0 or len(hits) == 0:
        return np.zeros(len(ends), dtype=np.int64)
    lo = np.searchsorted(hits, ends - p.recent_weeks * WEEK)
    hi = np.searchsorted(hits, ends)
    week = (hits - _FIRST_MONDAY) // WEEK
    new_week = np.concatenate([[0], np.cumsum(week[1:] != week[:-1])])
    changes = new_week[np.maximum(hi - 1, 0)] - new_week[np.minimum(lo, len(hits) - 1)]
    return np.where(hi > lo, changes + 1, 0).astype(np.int64)


def _volume_ratio(recent: int, baseline: int, p: TicketParameters) -> float:
    """Tickets a week recently over tickets a week in the baseline."""
    if baseline == 0:
        return float("nan")
    return float((recent / p.recent_weeks) / (baseline / p.baseline_weeks))
