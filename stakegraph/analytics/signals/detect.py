"""Every detector over a portfolio: the weekly tables once, each kind, episodes, churn cut-off."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.signals.beyond_tables import BeyondFrames
from stakegraph.analytics.signals.bottleneck import single_node_bottlenecks
from stakegraph.analytics.signals.ceremonies import (
    co_innovation_withdrawals,
    mark_executives,
    qbr_disengagements,
)
from stakegraph.analytics.signals.champion import champion_departures
from stakegraph.analytics.signals.contraction import engagement_contractions
from stakegraph.analytics.signals.coverage import (
    INCOMPLETE,
    UNDECLARED,
    data_completeness,
    interactions_by_kind,
)
from stakegraph.analytics.signals.executive import executive_withdrawals
from stakegraph.analytics.signals.latency import response_latency_inflations
from stakegraph.analytics.signals.parameters import SignalParameters
from stakegraph.analytics.signals.record import Signal
from stakegraph.analytics.signals.reviews import ReviewAttendance
from stakegraph.analytics.signals.silence import account_dark
from stakegraph.analytics.signals.stakeholders import stakeholder_departures
from stakegraph.analytics.signals.tables import WeeklyTables
from stakegraph.analytics.signals.tickets import sla_policings, ticket_mix_shifts
from stakegraph.analytics.signals.usage import feature_depth_regressions, usage_declines
from stakegraph.analytics.windows import DEFAULT_BULK_THRESHOLD, Activity, prepare_activity
from stakegraph.dates import WEEK
from stakegraph.vocabulary import (
    BEYOND_SIGNAL_KINDS,
    CHAMPION_DEPARTURE,
    CO_INNOVATION_WITHDRAWAL,
    ENGAGEMENT_CONTRACTION,
    EXECUTIVE_WITHDRAWAL,
    FEATURE_DEPTH_REGRESSION,
    QBR_DISENGAGEMENT,
    RESPONSE_LATENCY_INFLATION,
    SIGNAL_KINDS,
    SINGLE_NODE_BOTTLENECK,
    SLA_POLICING,
    STAKEHOLDER_DEPARTURE,
    TICKET_MIX_SHIFT,
    USAGE_DECLINE,
)

__all__ = ["BEYOND_DETECTORS", "DETECTORS", "beyond_as_of", "detect_signals"]

Detector = Callable[[WeeklyTables, SignalParameters], list[Signal]]
# Every detector by the kind it raises, in the order they run.
DETECTORS: Mapping[str, Detector] = {
    SINGLE_NODE_BOTTLENECK: single_node_bottlenecks,
    CHAMPION_DEPARTURE: champion_departures,
    EXECUTIVE_WITHDRAWAL: executive_withdrawals,
    RESPONSE_LATENCY_INFLATION: response_latency_inflations,
    ENGAGEMENT_CONTRACTION: engagement_contractions,
    STAKEHOLDER_DEPARTURE: stakeholder_departures,
}
BeyondDetector = Callable[[BeyondFrames, int, SignalParameters], list[Signal]]
# The detectors of usage, tickets and engagements (they read BeyondFrames, not the
# conversations' weekly tables), in the order they run.
BEYOND_DETECTORS: Mapping[str, BeyondDetector] = {
    USAGE_DECLINE: usage_declines,
    FEATURE_DEPTH_REGRESSION: feature_depth_regressions,
    TICKET_MIX_SHIFT: ticket_mix_shifts,
    SLA_POLICING: sla_policings,
    CO_INNOVATION_WITHDRAWAL: co_innovation_withdrawals,
    QBR_DISENGAGEMENT: qbr_disengagements,
}


def detect_signals(
    frames: PortfolioFrames | Activity,
    *,
    as_of: int,
    roles: pd.DataFrame | None = None,
    kinds: tuple[str, ...] = SIGNAL_KINDS,
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
    beyond: BeyondFrames | None = None,
    **parameters: Any,
) -> list[Signal]:
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
        Detectors to run (default all of :data:`~stakegraph.vocabulary.SIGNAL_KINDS`).
    bulk_threshold : int, keyword-only
        Interactions with more distinct people are bulk and ignored (default 25).
    beyond : BeyondFrames, optional, keyword-only
        Usage, ticket categories and engagements, read by the detectors of
        :data:`BEYOND_DETECTORS` (default none: they raise nothing).
    **parameters
        Keyword-only tuning parameters by flat name (``recent_weeks``,
        ``champion_alpha``, ...), see :class:`SignalParameters` and its groups.

    Returns
    -------
    list of Signal
        Sorted by ``(at, account_id, kind, id)``; none raised after the account churned.

    Examples
    --------
    >>> from stakegraph.analytics.frames import empty_frames
    >>> detect_signals(empty_frames(), as_of=1_700_000_000)
    []
    """
    params = SignalParameters.from_keywords(**parameters)
    if isinstance(frames, Activity):
        activity = frames
        role_frame = roles if roles is not None else pd.DataFrame(columns=["person_id"])
    else:
        activity = prepare_activity(_before(frames, as_of), bulk_threshold=bulk_threshold)
        role_frame = frames.roles if roles is None else roles
    tables = WeeklyTables.build(activity, role_frame, as_of=as_of)
    seen = None if beyond is None else beyond_as_of(beyond, as_of, role_frame)
    signals: list[Signal] = []
    for kind, detector in DETECTORS.items():
        if kind not in kinds or tables is None:
            continue
        if kind == EXECUTIVE_WITHDRAWAL and seen is not None:
            # The executives' own rhythm at business reviews (engagements) adds to their
            # silence in the conversations.
            reviews = ReviewAttendance.of(seen.engagements)
            signals += executive_withdrawals(tables, params, reviews)
        else:
            signals += detector(tables, params)
    if seen is not None:
        for kind, beyond_detector in BEYOND_DETECTORS.items():
            if kind in kinds:
                signals += beyond_detector(seen, as_of, params)
    signals = _once_per_departure(signals)
    signals = _before_churn(signals, activity.renewals)
    signals = _within_coverage(signals, activity, as_of)
    signals = _within_account_coverage(signals, activity, params)
    signals.sort(key=lambda s: (s.at, s.account_id, s.kind, s.id))
    return signals


def beyond_as_of(beyond: BeyondFrames, as_of: int, roles: pd.DataFrame) -> BeyondFrames:
    """What the beyond detectors read at ``as_of``: the rows before it, each engagement
    marked ``executive`` when its person held a VP or C-level role then (``roles``)."""
    seen = beyond.before(as_of)
    return BeyondFrames(
        usage=seen.usage,
        tickets=seen.tickets,
        engagements=mark_executives(seen.engagements, roles),
    )


def _before(frames: PortfolioFrames, as_of: int) -> PortfolioFrames:
    """The frames without interactions at or after ``as_of`` (and their participations)."""
    at = pd.to_numeric(frames.interactions["at"], errors="coerce")
    inside = frames.interactions[at < as_of]
    if len(inside) == len(frames.interactions):
        return frames
    parts = frames.participations
    parts = parts[parts["interaction_id"].isin(inside["interaction_id"])]
    return replace(frames, interactions=inside, participations=parts)


def _once_per_departure(signals: list[Signal]) -> list[Signal]:
    """A person whose departure was raised as the champion's is not raised again as a
    stakeholder's (a champion departs once; both detectors judge the same role ends)."""
    champions = {
        (s.account_id, person)
        for s in signals
        if s.kind == CHAMPION_DEPARTURE
        for person in s.person_ids
    }
    return [
        s
        for s in signals
        if not (
            s.kind == STAKEHOLDER_DEPARTURE
            and any((s.account_id, person) in champions for person in s.person_ids)
        )
    ]


def _before_churn(signals: list[Signal], renewals: pd.DataFrame | None) -> list[Signal]:
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
    return [s for s in signals if not (s.at > ended.get(str(s.account_id), np.inf))]


# A week without one conversation anywhere in the portfolio is past the data's end.
COVERAGE_GRACE = WEEK


def _within_coverage(signals: list[Signal], activity: Activity, as_of: int) -> list[Signal]:
    """Drop signals raised after the data ends: more than :data:`COVERAGE_GRACE` after the
    portfolio's last conversation before ``as_of``. Only the conversation signals: usage,
    tickets and engagements are other sources, each judged by its own detector against
    its own observations (a portfolio whose mail export ended still reports its usage).

    An export that ends, or an analysis dated months after the last import, leaves every
    account silent at once; that silence says nothing about any account (the account-wide
    quiet rule in :mod:`.silence` covers one account's data ending). At a date ``t`` the
    portfolio's last conversation before ``t`` is known, so this stays causal.
    """
    at = pd.to_numeric(activity.interactions["at"], errors="coerce").to_numpy(dtype=float)
    at = at[at < as_of]
    end = float(at.max()) + COVERAGE_GRACE if len(at) else -np.inf
    return [s for s in signals if s.kind in BEYOND_SIGNAL_KINDS or s.at <= end]


def _within_account_coverage(
    signals: list[Signal], activity: Activity, params: SignalParameters
) -> list[Signal]:
    """Drop conversation signals raised while their account's data has ended.

    Where the import declares coverage (:mod:`.coverage`), that decides: a signal on a date
    the account's data is incomplete (a source it had conversations from had ended, or not
    yet started) is dropped, and a silence within complete data is the account's own.
    Elsewhere the traffic decides: the account is *dark* since its last conversation
    (:func:`.silence.account_dark`: over a week with none, improbable at its own rate).
    One account's export cut, or a mailbox no longer connected, leaves its volume,
    contacts and executives at nothing; that says nothing about the relationship. Role
    ends are kept: they come from the role history, not from the traffic. Causal: at a
    signal's date the coverage, its account's last conversation before it, and the rate
    before that, are known.
    """
    interactions = activity.interactions
    if not signals or len(interactions) == 0:
        return signals
    candidates = [
        s
        for s in signals
        if s.kind not in BEYOND_SIGNAL_KINDS and s.evidence.get("mode") != "role_ended"
    ]
    at = np.array([s.at for s in candidates], dtype=np.int64)
    account_codes = {str(a): i for i, a in enumerate(activity.account_ids)}
    codes = np.array([account_codes.get(str(s.account_id), -1) for s in candidates], dtype=np.int64)
    completeness = np.full(len(candidates), UNDECLARED, dtype=np.int8)
    if len(activity.coverage):  # the interactions by kind only when a span can use them
        completeness = data_completeness(
            activity.coverage,
            interactions_by_kind(interactions, activity.account_ids, codes),
            np.array([str(s.account_id) for s in candidates], dtype=object),
            at,
            baseline_s=params.windows.baseline_weeks * WEEK,
        )
    undeclared = completeness == UNDECLARED
    is_start = ~np.isfinite(interactions["reply_latency_s"].to_numpy(dtype=float))
    dark = np.zeros(len(candidates), dtype=bool)
    dark[undeclared] = account_dark(
        interactions["account"].to_numpy()[is_start],
        interactions["at"].to_numpy()[is_start],
        codes[undeclared],
        at[undeclared],
        params=params,
    )
    ended = dark | (completeness == INCOMPLETE)
    dropped = {id(s) for s, e in zip(candidates, ended, strict=True) if e}
    return [s for s in signals if id(s) not in dropped]
