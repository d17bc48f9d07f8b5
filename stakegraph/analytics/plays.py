"""Plays and whether they worked: a play's effect on its account's risk, and the play KPIs.

A play (docs/metrics.md, "Plays") is opened on an account at ``opened_at``. Its effect is
read off the account's snapshots: the **baseline** is the latest snapshot whose window
ends at or before the opening (its depth; the risk of the latest analysis by then, or,
when no analysis left a risk on a snapshot by then, the risk the account carried when the
play was recorded), and the **follow-up** after ``N`` windows is the first snapshot whose
window ends at or after the baseline window's end plus ``N * step`` (the opening's, without
a baseline window) that carries the figure. Changes are later minus
baseline: a negative risk or tier change (tier 5 is churn risk) means the account got
safer, a positive depth change that the relationship deepened.

>>> play = Play(id="p", account_id="a", kind="value_delivery", status="open",
...             opened_at=100, opened_risk_score=0.6, opened_risk_tier=4)
>>> snaps = [{"window_end": 100, "depth_score": 40.0, "risk_score": None, "risk_tier": None},
...          {"window_end": 107, "depth_score": 46.0, "risk_score": 0.5, "risk_tier": 3}]
>>> effect = play_effect(play, snaps, horizons=(1,), step=7)
>>> effect.after[0].risk_change, effect.after[0].tier_change, effect.after[0].depth_change
(-0.1, -1, 6.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stakegraph.dates import WEEK
from stakegraph.vocabulary import PLAY_OUTCOMES, PLAYS

# Windows after the opening at which a play's effect is read (weekly windows: 4, 8, 12 weeks).
DEFAULT_HORIZONS = (4, 8, 12)


@dataclass(frozen=True)
class PlayEvent:
    """One dated step of a play's history: opened, assigned or closed."""

    status: str
    at: int
    by: str | None = None
    assignee_id: str | None = None
    outcome: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Play:
    """A play as stored (times in epoch seconds, UTC)."""

    id: str
    account_id: str
    kind: str
    status: str
    opened_at: int
    account_name: str | None = None
    opened_by: str | None = None
    request_id: str | None = None
    signal_id: str | None = None
    signal_kind: str | None = None
    assignee_id: str | None = None
    assignee_name: str | None = None
    outcome: str | None = None
    next_step: str | None = None
    closed_at: int | None = None
    note: str | None = None
    close_note: str | None = None
    opened_risk_score: float | None = None
    opened_risk_tier: int | None = None
    history: tuple[PlayEvent, ...] = field(default=())


@dataclass(frozen=True)
class Followup:
    """The account ``windows`` windows after a play opened, and the change from the baseline."""

    windows: int
    risk_window_end: int | None
    risk_score: float | None
    risk_change: float | None
    risk_tier: int | None
    tier_change: int | None
    depth_window_end: int | None
    depth_score: float | None
    depth_change: float | None


@dataclass(frozen=True)
class PlayEffect:
    """A play's baseline and its follow-ups."""

    play_id: str
    baseline_window_end: int | None
    risk_score: float | None
    risk_tier: int | None
    depth_score: float | None
    after: tuple[Followup, ...]


@dataclass(frozen=True)
class HorizonSummary:
    """Across plays, at one horizon: how many could be measured and how risk moved."""

    windows: int
    measured: int
    mean_risk_change: float | None
    risk_fell_share: float | None
    tier_improved_share: float | None
    tier_worsened_share: float | None
    mean_depth_change: float | None


@dataclass(frozen=True)
class PlayKpis:
    """Plays opened, their outcomes and their effect, overall and per play kind."""

    opened: int
    open: int
    closed: int
    opened_by_kind: dict[str, int]
    outcomes: dict[str, dict[str, int]]
    effect: tuple[HorizonSummary, ...]
    effect_by_kind: dict[str, tuple[HorizonSummary, ...]]


def outcome_choices(kind: str) -> tuple[str, ...]:
    """The outcomes a play of ``kind`` may be closed with (``PLAY_OUTCOMES``)."""
    return PLAY_OUTCOMES[kind]


def play_effect(
    play: Play,
    snapshots: Sequence[Mapping[str, Any]],
    *,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    step: int = WEEK,
) -> PlayEffect:
    """The play's baseline and its account's risk, tier and depth ``horizons`` windows later.

    Parameters
    ----------
    play
        The play (its ``opened_at`` and recorded opening risk are used).
    snapshots
        The account's snapshots, each ``window_end``, ``depth_score``, ``risk_score`` and
        ``risk_tier`` (the last two from the analysis that ran at that window's end, or None).
    horizons : keyword-only
        Numbers of windows after the opening (default 4, 8 and 12).
    step : keyword-only
        Seconds between windows (default one week, the analysis' step).
    """
    ordered = sorted(snapshots, key=lambda r: int(r["window_end"]))
    before = [r for r in ordered if int(r["window_end"]) <= play.opened_at]
    depth_base = _last_with(before, "depth_score")
    risk_base = _last_with(before, "risk_score")
    base_risk = _num(risk_base["risk_score"]) if risk_base else _num(play.opened_risk_score)
    base_tier = _int(risk_base["risk_tier"]) if risk_base else _int(play.opened_risk_tier)
    base_depth = _num(depth_base["depth_score"]) if depth_base else None
    # Counted in whole windows from the baseline window (the opening when there is none).
    anchor = int(depth_base["window_end"]) if depth_base else play.opened_at
    after = []
    for windows in horizons:
        target = anchor + windows * step
        later = [r for r in ordered if int(r["window_end"]) >= target]
        risk_row = _first_with(later, "risk_score")
        depth_row = _first_with(later, "depth_score")
        risk = _num(risk_row["risk_score"]) if risk_row else None
        tier = _int(risk_row["risk_tier"]) if risk_row else None
        depth = _num(depth_row["depth_score"]) if depth_row else None
        after.append(
            Followup(
                windows=int(windows),
                risk_window_end=int(risk_row["window_end"]) if risk_row else None,
                risk_score=risk,
                risk_change=_difference(risk, base_risk),
                risk_tier=tier,
                tier_change=tier - base_tier
                if tier is not None and base_tier is not None
                else None,
                depth_window_end=int(depth_row["window_end"]) if depth_row else None,
                depth_score=depth,
                depth_change=_difference(depth, base_depth),
            )
        )
    return PlayEffect(
        play_id=play.id,
        baseline_window_end=int(depth_base["window_end"]) if depth_base else None,
        risk_score=base_risk,
        risk_tier=base_tier,
        depth_score=base_depth,
        after=tuple(after),
    )


def play_kpis(
    plays: Iterable[Play],
    effects: Mapping[str, PlayEffect],
    *,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
) -> PlayKpis:
    """Counts of plays opened (per kind), outcomes per kind, and the effect per horizon.

    ``effects`` maps play ids to :func:`play_effect` results (plays without one count in the
    totals only). Each horizon summarises the plays whose follow-up is known there: the mean
    change of risk score and depth, and the shares whose risk fell and whose tier improved
    (went down) or worsened (went up).

    >>> p = Play(id="p", account_id="a", kind="value_delivery", status="closed",
    ...          opened_at=0, outcome="succeeded")
    >>> k = play_kpis([p], {}, horizons=(4,))
    >>> k.opened, k.closed, k.outcomes, k.effect[0].measured
    (1, 1, {'value_delivery': {'succeeded': 1}}, 0)
    """
    plays = list(plays)
    opened_by_kind = {kind: sum(p.kind == kind for p in plays) for kind in PLAYS}
    outcomes: dict[str, dict[str, int]] = {}
    for play in plays:
        if play.outcome is not None:
            per_kind = outcomes.setdefault(play.kind, {})
            per_kind[play.outcome] = per_kind.get(play.outcome, 0) + 1
    by_kind = {
        kind: _summaries(
            [effects[p.id] for p in plays if p.kind == kind and p.id in effects], horizons
        )
        for kind in PLAYS
        if opened_by_kind[kind]
    }
    return PlayKpis(
        opened=len(plays),
        open=sum(p.status == "open" for p in plays),
        closed=sum(p.status == "closed" for p in plays),
        opened_by_kind={k: n for k, n in opened_by_kind.items() if n},
        outcomes=outcomes,
        effect=_summaries([effects[p.id] for p in plays if p.id in effects], horizons),
        effect_by_kind=by_kind,
    )


def _summaries(
    effects: Sequence[PlayEffect], horizons: Sequence[int]
) -> tuple[HorizonSummary, ...]:
    summaries = []
    for position, windows in enumerate(horizons):
        followups = [e.after[position] for e in effects if position < len(e.after)]
        risk = [f.risk_change for f in followups if f.risk_change is not None]
        tiers = [f.tier_change for f in followups if f.tier_change is not None]
        depth = [f.depth_change for f in followups if f.depth_change is not None]
        measured = sum(
            f.risk_change is not None or f.depth_change is not None or f.tier_change is not None
            for f in followups
        )
        summaries.append(
            HorizonSummary(
                windows=int(windows),
                measured=measured,
                mean_risk_change=_mean(risk),
                risk_fell_share=_share([r < 0 for r in risk]),
                tier_improved_share=_share([t < 0 for t in tiers]),
                tier_worsened_share=_share([t > 0 for t in tiers]),
                mean_depth_change=_mean(depth),
            )
        )
    return tuple(summaries)


def _last_with(rows: Sequence[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    for row in reversed(rows):
        if _num(row.get(key)) is not None:
            return row
    return None


def _first_with(rows: Sequence[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    for row in rows:
        if _num(row.get(key)) is not None:
            return row
    return None


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number


def _int(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _difference(later: float | None, base: float | None) -> float | None:
    if later is None or base is None:
        return None
    return round(later - base, 6)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def _share(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 6) if flags else None
