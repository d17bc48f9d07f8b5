"""Evaluation of signals and risk against a portfolio's planted truth.

The truth is the generator's ``truth.json`` (``stakegraph.generate``): planted ``events``
(``kind, account_id, person_id`` and for executive withdrawals ``person_ids``, ``date``)
and ``renewals`` (``account_id, date, outcome``).

Matching a signal to a planted event
------------------------------------
A signal matches an event when it has the same account and kind, it was raised within
``[event - before_days, event + after_days]`` (defaults -14 and +90 days: a signal needs
some post-event data, and an early one is allowed a fortnight for events that ramp in),
and, where the event names people, the signal names at least one of them (the champion,
the contact traffic contracted onto, one of the withdrawn executives).

- recall = planted events with at least one matching signal / planted events;
- precision = signals matching at least one planted event / signals of that kind;
- median lag = median over detected events of (first matching signal - event) in days;
- a person's departure is one event whichever departure kind names them: a
  ``champion_departure`` signal naming the person of a ``stakeholder_departure`` event
  finds it, and the other way round (:data:`SAME_EVENT_KINDS`). Who is the champion in a
  given week is decided by the detector from the traffic it has seen and by the generator
  from its plan, and at the margin (two people of similar weight) they disagree; the
  account team is told the same thing either way: this person left. The match still
  needs the account, the person and the window. ``detected_as_other_kind`` counts the
  events found only by the sibling kind;
- recall on the observable events = recall over the events whose truth says the data can
  show them (``details.observable``, recorded for departures: a role that ends, or a
  silence of at least 5 expected appearances in the 90 days after; and for SLA policing,
  ticket-mix shifts and co-innovation withdrawals: at least 6 nats of evidence in their
  first 90 days, see docs/generator.md);
  every event still counts in ``recall``, none is dropped from the truth;
- recall by cause = recall over the events of each ``details.cause`` (``"planted"``, the
  events the generator plants as such, or ``"pre_churn_slide"``, what the slide before
  a churn plants; events without a cause count as planted). The matching is the same.

Risk
----
The AUC (Mann-Whitney probability that a churned account scores above a retained one)
of the risk scores on each account's *last* renewal in the truth (churned vs anything
else). It is only honest if each score was computed before that renewal: scores whose
``analyzed_at`` is not strictly before the renewal are left out and counted in
``risk.scored_after_renewal``. :func:`stakegraph.analytics.backtest.backtest_risk` produces
such scores (each account as of ``lead_days`` before its last renewal, with a model
fitted on earlier renewals only). The bottom two tiers' share of *churned* accounts is
computed on the same rows: each churn is in tiers 4-5 of the review that tiered it or not.
Their share of *accounts* is the share of the accounts tiered: where the rows say which
portfolio review tiered them (``review_accounts``, ``review_bottom_two``: the backtest's
review of each scoring week), of every account in those reviews, each review counted
once; otherwise (rows of one review, as :func:`~stakegraph.analytics.risk.score_risk`
gives) of the rows. The backtested rows are not such a population: they hold every
churn but only one renewal of each retained account (a third of them churn, where a
review holds a few accounts 60 days before a churn), so their own share in tiers 4-5 is
reported apart (``bottom_two_tiers_scored_share``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy import stats

from stakegraph.dates import DAY, WEEK, parse_instant
from stakegraph.vocabulary import CHAMPION_DEPARTURE, SIGNAL_KINDS, STAKEHOLDER_DEPARTURE

__all__ = [
    "DEFAULT_AFTER_DAYS",
    "DEFAULT_BEFORE_DAYS",
    "SAME_EVENT_KINDS",
    "auc",
    "error_causes",
    "evaluate",
    "event_cause",
    "match_signals",
]

DEFAULT_BEFORE_DAYS = 14
DEFAULT_AFTER_DAYS = 90
# Planted events are named by the signal kind that should find them.
EVENT_KINDS = SIGNAL_KINDS
# Kinds whose signals and events name the same thing (a person's departure): each finds
# the other's events (module docstring).
_DEPARTURE_KINDS = (CHAMPION_DEPARTURE, STAKEHOLDER_DEPARTURE)
SAME_EVENT_KINDS: dict[str, tuple[str, ...]] = {kind: _DEPARTURE_KINDS for kind in _DEPARTURE_KINDS}


def evaluate(
    signals: Iterable[dict[str, Any]],
    risk: Iterable[dict[str, Any]],
    truth: dict[str, Any],
    *,
    before_days: int = DEFAULT_BEFORE_DAYS,
    after_days: int = DEFAULT_AFTER_DAYS,
) -> dict[str, Any]:
    """Precision, recall and lag per signal kind; AUC and tier shares of the risk.

    Parameters
    ----------
    signals : iterable of dict
        Signals as from :func:`stakegraph.analytics.signals.detect_signals`.
    risk : iterable of dict
        Risk rows (``account_id, risk_score, risk_tier, analyzed_at``), one per account.
    truth : dict
        The generator's ``truth.json`` document.
    before_days, after_days : int, keyword-only
        The matching window around each event (defaults 14 and 90 days).

    Returns
    -------
    dict
        ``"<kind>": {"precision", "recall", "recall_by_cause", "events_by_cause",
        "median_lag_days", "detected", "detected_as_other_kind", "planted", "signals",
        "observable", "recall_observable", "median_lag_days_observable"}`` for every kind
        (``observable``: how many of its events the truth marks observable, None when the
        truth does not say; the recall and median lag over those)
        (``recall_by_cause``: recall over the events of each cause, e.g. ``{"planted": x,
        "pre_churn_slide": y}``; ``planted`` counts every event of the kind), and ``"risk": {"auc",
        "bottom_two_tiers_account_share", "bottom_two_tiers_churn_share",
        "bottom_two_tiers_scored_share", "accounts", "churned", "scored_after_renewal"}``.
        Precision is NaN without signals, recall NaN without planted events.

    Examples
    --------
    >>> truth = {"events": [], "renewals": []}
    >>> evaluate([], [], truth)["risk"]["accounts"]
    0
    """
    signal_list = list(signals)
    events = list(truth.get("events", []))
    out: dict[str, Any] = {}
    kinds = list(EVENT_KINDS) + sorted(
        {str(e["kind"]) for e in events} | {str(s["kind"]) for s in signal_list} - set(EVENT_KINDS)
    )
    for kind in kinds:
        family = SAME_EVENT_KINDS.get(kind, (kind,))
        kind_events = [e for e in events if e["kind"] == kind]
        kind_signals = [s for s in signal_list if s["kind"] == kind]
        matched_signals, _ = match_signals(
            kind_signals,
            [e for e in events if e["kind"] in family],
            before_days=before_days,
            after_days=after_days,
        )
        _, own_lags = match_signals(
            kind_signals, kind_events, before_days=before_days, after_days=after_days
        )
        _, lags = match_signals(
            [s for s in signal_list if s["kind"] in family],
            kind_events,
            before_days=before_days,
            after_days=after_days,
        )
        detected = sum(1 for lag in lags if lag is not None)
        found = [lag for lag in lags if lag is not None]
        by_cause: dict[str, list[bool]] = {}
        for event, lag in zip(kind_events, lags, strict=True):
            by_cause.setdefault(event_cause(event), []).append(lag is not None)
        out[kind] = {
            "precision": (sum(matched_signals) / len(kind_signals))
            if kind_signals
            else float("nan"),
            "recall": (detected / len(kind_events)) if kind_events else float("nan"),
            "median_lag_days": float(np.median(found)) if found else float("nan"),
            "recall_by_cause": {
                cause: sum(hits) / len(hits) for cause, hits in sorted(by_cause.items())
            },
            "events_by_cause": {cause: len(hits) for cause, hits in sorted(by_cause.items())},
            "detected": detected,
            "detected_as_other_kind": sum(
                1
                for lag, own in zip(lags, own_lags, strict=True)
                if lag is not None and own is None
            ),
            "planted": len(kind_events),
            "signals": len(kind_signals),
            **_observable_figures(kind_events, lags),
        }
    out["risk"] = _risk_figures(list(risk), truth)
    return out


def _observable_figures(events: list[dict[str, Any]], lags: list[float | None]) -> dict[str, Any]:
    """How many of ``events`` the truth marks observable (None when it does not say), and
    the recall and median lag over those."""
    marked = [
        (lag, bool(event["details"]["observable"]))
        for event, lag in zip(events, lags, strict=True)
        if "observable" in event.get("details", {})
    ]
    found = [lag for lag, seen in marked if seen and lag is not None]
    count = sum(1 for _, seen in marked if seen)
    return {
        "observable": count if marked else None,
        "recall_observable": len(found) / count if count else float("nan"),
        "median_lag_days_observable": float(np.median(found)) if found else float("nan"),
    }


def match_signals(
    signals: list[dict[str, Any]],
    events: list[dict[str, Any]],
    *,
    before_days: int = DEFAULT_BEFORE_DAYS,
    after_days: int = DEFAULT_AFTER_DAYS,
) -> tuple[list[bool], list[float | None]]:
    """Which signals match an event, and each event's lag to its first matching signal.

    Returns
    -------
    (list of bool, list of float or None)
        Per signal: matches some event. Per event: days from the event to the earliest
        matching signal (negative when raised before), None when undetected.
    """
    by_account: dict[str, list[int]] = {}
    for i, s in enumerate(signals):
        by_account.setdefault(str(s["account_id"]), []).append(i)
    matched = [False] * len(signals)
    lags: list[float | None] = []
    for event in events:
        event_at = parse_instant(event["date"])
        people = _event_people(event)
        best: float | None = None
        for i in by_account.get(str(event["account_id"]), []):
            s = signals[i]
            lag = (int(s["at"]) - event_at) / DAY
            if lag < -before_days or lag > after_days:
                continue
            if people and not people & set(s.get("person_ids") or []):
                continue
            matched[i] = True
            best = lag if best is None else min(best, lag)
        lags.append(best)
    return matched, lags


def error_causes(
    signals: list[dict[str, Any]],
    truth: dict[str, Any],
    kind: str,
    *,
    before_days: int = DEFAULT_BEFORE_DAYS,
    after_days: int = DEFAULT_AFTER_DAYS,
    late_days: int = 180,
    early_days: int = 60,
    slide_days: int = 240,
) -> tuple[list[str | None], list[str | None]]:
    """Why each false alarm and each miss of ``kind`` is one (None where a signal matched
    or an event was found), by :func:`match_signals`' rule.

    A false alarm (the first that applies) is ``late``: the account's event of the kind
    began ``after_days`` to ``late_days`` before it (found after its matching window);
    ``early``: the account's event of the kind begins ``before_days`` to ``early_days``
    after it; ``other_kind``: an event of another kind in the account lies within the
    matching window around it; ``slide``: the account churns or downgrades within
    ``slide_days`` after it (a slide the truth records as other kinds, or not at all);
    ``noise``: none of these. A miss is ``late``: a signal of the kind in the account
    came ``after_days`` to ``late_days`` after the event; ``not_observable``: the truth
    says the data cannot show it (``details.observable`` false); ``observable``: neither.

    Examples
    --------
    An SLA event on day 0 found on day 120, after its window: the signal is a late false
    alarm and the event a late miss; a signal 10 days before a departure of the same
    account is of another kind:

    >>> truth = {"events": [
    ...     {"kind": "sla_policing", "account_id": "a", "date": "2024-01-01"},
    ...     {"kind": "stakeholder_departure", "account_id": "b", "date": "2024-01-11"}],
    ...     "renewals": []}
    >>> at = 1_704_067_200  # 2024-01-01
    >>> signals = [{"kind": "sla_policing", "account_id": "a", "at": at + 120 * DAY},
    ...            {"kind": "sla_policing", "account_id": "b", "at": at}]
    >>> error_causes(signals, truth, "sla_policing")
    (['late', 'other_kind'], ['late'])
    """
    of_kind = [s for s in signals if s["kind"] == kind]
    events = [e for e in truth["events"] if e["kind"] == kind]
    others = [e for e in truth["events"] if e["kind"] != kind]
    matched, lags = match_signals(of_kind, events, before_days=before_days, after_days=after_days)
    outcomes: dict[str, list[int]] = {}
    for renewal in truth.get("renewals", []):
        if renewal["outcome"] in ("churned", "downgraded"):
            outcomes.setdefault(str(renewal["account_id"]), []).append(
                parse_instant(renewal["date"])
            )

    def days_after(event: dict[str, Any], at: int) -> float:
        return (at - parse_instant(event["date"])) / DAY

    alarms: list[str | None] = []
    for s, ok in zip(of_kind, matched, strict=True):
        account, at = str(s["account_id"]), int(s["at"])
        own = [days_after(e, at) for e in events if str(e["account_id"]) == account]
        near = [days_after(e, at) for e in others if str(e["account_id"]) == account]
        churns = [(t - at) / DAY for t in outcomes.get(account, [])]
        if ok:
            alarms.append(None)
        elif any(after_days < lag <= late_days for lag in own):
            alarms.append("late")
        elif any(-early_days <= lag < -before_days for lag in own):
            alarms.append("early")
        elif any(-before_days <= lag <= after_days for lag in near):
            alarms.append("other_kind")
        elif any(0 <= gap <= slide_days for gap in churns):
            alarms.append("slide")
        else:
            alarms.append("noise")
    misses: list[str | None] = []
    for event, lag in zip(events, lags, strict=True):
        later = [
            days_after(event, int(s["at"]))
            for s in of_kind
            if str(s["account_id"]) == str(event["account_id"])
        ]
        if lag is not None:
            misses.append(None)
        elif any(after_days < x <= late_days for x in later):
            misses.append("late")
        elif not (event.get("details") or {}).get("observable", True):
            misses.append("not_observable")
        else:
            misses.append("observable")
    return alarms, misses


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve: P(score of a positive > score of a negative), ties half.

    Examples
    --------
    >>> auc(np.array([0.9, 0.8, 0.3, 0.1]), np.array([True, False, True, False]))
    0.75
    """
    scores = np.asarray(scores, dtype=float)
    positive = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = stats.rankdata(scores)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _risk_figures(risk: list[dict[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    last: dict[str, tuple[int, str]] = {}
    for renewal in truth.get("renewals", []):
        at = parse_instant(renewal["date"])
        account = str(renewal["account_id"])
        if account not in last or at > last[account][0]:
            last[account] = (at, str(renewal["outcome"]))
    scores, churned, tiers = [], [], []
    # Each scoring week's review: accounts tiered, and those in tiers 4-5.
    reviews: dict[int, tuple[int, int]] = {}
    after = 0
    for row in risk:
        account = str(row["account_id"])
        if account not in last:
            continue
        renewal_at, outcome = last[account]
        analyzed = row.get("analyzed_at")
        if analyzed is not None and int(analyzed) >= renewal_at:
            after += 1
            continue
        scores.append(float(row["risk_score"]))
        churned.append(outcome == "churned")
        tiers.append(int(row["risk_tier"]))
        if "review_accounts" in row and analyzed is not None:
            reviews[int(analyzed) // WEEK] = (
                int(row["review_accounts"]),
                int(row["review_bottom_two"]),
            )
    s = np.asarray(scores)
    c = np.asarray(churned, dtype=bool)
    bottom = np.asarray(tiers) >= 4
    scored_share = float(bottom.mean()) if len(s) else float("nan")
    reviewed = sum(n for n, _ in reviews.values())
    return {
        "auc": auc(s, c) if len(s) else float("nan"),
        "bottom_two_tiers_account_share": (
            sum(k for _, k in reviews.values()) / reviewed if reviewed else scored_share
        ),
        "bottom_two_tiers_churn_share": float(bottom[c].mean()) if c.any() else float("nan"),
        "bottom_two_tiers_scored_share": scored_share,
        "accounts": len(s),
        "churned": int(c.sum()),
        "scored_after_renewal": after,
    }


def event_cause(event: dict[str, Any]) -> str:
    """Why an event of the truth is in the data: ``details.cause``, else ``"planted"``.

    Examples
    --------
    >>> event_cause({"details": {"cause": "pre_churn_slide"}})
    'pre_churn_slide'
    >>> event_cause({"details": {}})
    'planted'
    """
    details = event.get("details") or {}
    cause = details.get("cause") if isinstance(details, dict) else None
    return str(cause or event.get("cause") or "planted")


def _event_people(event: dict[str, Any]) -> set[str]:
    people = {str(p) for p in event.get("person_ids") or []}
    if event.get("person_id"):
        people.add(str(event["person_id"]))
    return people
