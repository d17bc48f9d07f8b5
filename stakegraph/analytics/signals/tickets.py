"""Ticket-mix shift and SLA policing: the share of some ticket categories against the
account's own past share.

Tickets are counted once per category and day (a burst of one day's duplicates, or an
incident's many tickets on one subject, counts as one of each category that day). At
each weekly as-of date, ``k`` of the ``n`` tickets of the recent window are of the
categories in question (exit: data export, contract, billing; SLA: sla), against a
baseline share ``p0 = (k_base + prior * PRIOR_SHARE) / (n_base + prior)`` (a prior of
``prior_tickets`` tickets keeps a short history from making any ticket improbable). It
fires when the binomial tail ``P(K >= k | n, p0)`` is below ``alpha``, with at least
``min_recent`` recent tickets, the recent share is at least ``min_share``, the hits fall
in at least ``min_hit_weeks`` distinct weeks (an incident's burst of SLA complaints is
one week), and, for a mix shift, the share of feature requests,
integration and optimization has fallen to at most ``max_building_ratio`` of the
baseline's (the turn from building on the product to leaving it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from stakegraph.analytics.signals.beyond_tables import BeyondFrames, by_account, week_ends
from stakegraph.analytics.signals.parameters import SignalParameters, TicketParameters
from stakegraph.analytics.signals.record import Signal, clip_severity
from stakegraph.dates import DAY, WEEK
from stakegraph.vocabulary import (
    BUILDING_TICKET_CATEGORIES,
    EXIT_TICKET_CATEGORIES,
    SLA_POLICING,
    TICKET_MIX_SHIFT,
)

__all__ = ["PRIOR_SHARE", "sla_policings", "ticket_mix_shifts"]

# Mean of the prior on the baseline share of each category set.
PRIOR_SHARE = {TICKET_MIX_SHIFT: 0.1, SLA_POLICING: 0.05}


def ticket_mix_shifts(beyond: BeyondFrames, as_of: int, params: SignalParameters) -> list[Signal]:
    """Every turn of the ticket mix towards leaving (see the module docstring)."""
    return _share_shifts(beyond.tickets, as_of, params, TICKET_MIX_SHIFT, EXIT_TICKET_CATEGORIES)


def sla_policings(beyond: BeyondFrames, as_of: int, params: SignalParameters) -> list[Signal]:
    """Every shift of the ticket mix to SLA policing (see the module docstring)."""
    return _share_shifts(beyond.tickets, as_of, params, SLA_POLICING, ("sla",))


def _share_shifts(
    tickets: pd.DataFrame,
    as_of: int,
    params: SignalParameters,
    kind: str,
    categories: tuple[str, ...],
) -> list[Signal]:
    p = params.ticket
    signals: list[Signal] = []
    known = tickets[tickets["category"].notna()]
    for account_id, rows in by_account(known):
        day = rows["at"].to_numpy(np.int64) // DAY
        category = rows["category"].astype(str).to_numpy()
        once = ~pd.DataFrame({"d": day, "c": category}).duplicated().to_numpy()
        at = (day[once] * DAY).astype(np.int64)
        category = category[once]
        ends = week_ends(int(at[0]), as_of)
        counts = _window_counts(at, np.isin(category, categories), ends, p)
        building = _window_counts(at, np.isin(category, BUILDING_TICKET_CATEGORIES), ends, p)
        k, n, k0, n0 = counts
        p0 = (k0 + p.prior_tickets * PRIOR_SHARE[kind]) / (n0 + p.prior_tickets)
        tail = stats.binom.sf(k - 1, n, p0)
        share = np.divide(k, n, out=np.zeros(len(n)), where=n > 0)
        fires = (n0 >= p.min_baseline) & (n >= p.min_recent) & (tail < p.alpha)
        fires &= (share >= p.min_share) & (
            _hit_weeks(at, np.isin(category, categories), ends, p) >= p.min_hit_weeks
        )
        b_share = np.divide(building[0], n, out=np.zeros(len(n)), where=n > 0)
        b_before = np.divide(building[2], n0, out=np.zeros(len(n)), where=n0 > 0)
        if kind == TICKET_MIX_SHIFT:
            fires &= b_share <= p.max_building_ratio * b_before
        holding = share >= p.min_share
        for week in _episode_starts(fires, holding):
            signals.append(
                Signal(
                    kind=kind,
                    account_id=account_id,
                    at=int(ends[week]),
                    severity=clip_severity(float(share[week] - p0[week])),
                    evidence={
                        "categories": list(categories),
                        "tickets_recent": int(n[week]),
                        "tickets_baseline": int(n0[week]),
                        "share_recent": float(share[week]),
                        "share_baseline": float(k0[week] / n0[week]) if n0[week] else 0.0,
                        "building_share_recent": float(b_share[week]),
                        "building_share_baseline": float(b_before[week]),
                        "p_value": float(tail[week]),
                        "tickets_per_week_ratio": _volume_ratio(n[week], n0[week], p),
                    },
                )
            )
    return signals


def _episode_starts(fires: np.ndarray, holding: np.ndarray) -> list[int]:
    """Weeks that start an episode: it fires, and it lasts as long as the recent share
    stays at ``min_share`` or more (tested or not: a baseline that has taken in the shift
    stops finding it improbable, which does not end it).

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
    """Distinct weeks (counted back from each as-of date) with a hit in the recent window."""
    out = np.zeros(len(ends), dtype=np.int64)
    hits = at[hit]
    lo = np.searchsorted(hits, ends - p.recent_weeks * WEEK)
    hi = np.searchsorted(hits, ends)
    for i in range(len(ends)):
        if hi[i] > lo[i]:
            out[i] = len(np.unique((ends[i] - 1 - hits[lo[i] : hi[i]]) // WEEK))
    return out


def _volume_ratio(recent: int, baseline: int, p: TicketParameters) -> float:
    """Tickets a week recently over tickets a week in the baseline."""
    if baseline == 0:
        return float("nan")
    return float((recent / p.recent_weeks) / (baseline / p.baseline_weeks))
