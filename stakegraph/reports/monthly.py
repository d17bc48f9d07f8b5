"""The monthly portfolio trends: risk tiers, signals and relationship depth over one month,
by owner and by segment, with charts (docs/metrics.md, "Reports").

:func:`monthly_figures` computes every figure from :class:`~.data.ReportData` (pure);
:func:`render_monthly` lays them out as a printable page.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stakegraph.reports import page, svg
from stakegraph.reports.data import ReportData, tier_at, value_at
from stakegraph.vocabulary import SIGNAL_KINDS

DAY = 86_400
AT_RISK_TIERS = (4, 5)  # below average, churn risk: the bottom two tiers


@dataclass(frozen=True)
class GroupRow:
    """One owner's or segment's month."""

    key: str
    label: str
    accounts: int
    arr: float
    at_risk_accounts: int  # tier 4-5 at the month's end
    arr_at_risk: float
    tier_worsened: int
    tier_improved: int
    signals: int
    depth_start: float | None  # mean over the group's accounts with a value at both ends
    depth_end: float | None
    plays_opened: int
    plays_closed: int


@dataclass(frozen=True)
class MonthlyFigures:
    month: str
    start: int
    end: int
    accounts: int
    arr: float
    tiers_start: dict[str, int]  # "1".."5" and "unscored"
    tiers_end: dict[str, int]
    tier_moves: list[tuple[str, int, int]]  # (account name, from, to)
    # Bottom two tiers at the month's end, by ARR: (name, owner, ARR, tier, signals this month)
    at_risk: list[tuple[str, str, float, int, int]]
    signals_by_kind: dict[str, int]
    signals_by_week: list[tuple[int, dict[str, int]]]  # (week start, kind -> count)
    depth_by_segment: dict[str, list[tuple[int, float]]]  # weekly mean, window ends in month
    by_owner: list[GroupRow]
    by_segment: list[GroupRow]
    plays_opened: int
    plays_closed: int
    outcomes: dict[str, int]


def month_range(month: str) -> tuple[int, int]:
    """``YYYY-MM`` as ``[first midnight, first midnight of the next month)`` in epoch seconds."""
    try:
        year, number = (int(part) for part in month.split("-"))
        if not 1 <= number <= 12 or not 1971 <= year <= 2200:
            raise ValueError
    except ValueError:
        raise ValueError(f"{month!r} is not a month like 2024-06") from None
    start = _midnight(year, number)
    end = _midnight(year + number // 12, number % 12 + 1)
    return start, end


def monthly_figures(data: ReportData, month: str) -> MonthlyFigures:
    start, end = month_range(month)
    ids = sorted(data.accounts)
    last = end - 1  # the month's last second: figures "at the end" are as of then
    tiers_start = {a: tier_at(data, a, start) for a in ids}
    tiers_end = {a: tier_at(data, a, last) for a in ids}
    moves = [
        (str(data.accounts[a]["name"] or a), before, after)
        for a in ids
        if (before := tiers_start[a]) is not None
        and (after := tiers_end[a]) is not None
        and before != after
    ]
    signals = [s for s in data.signals if start <= int(s["at"]) < end]
    weeks = list(range(start, end, 7 * DAY))
    by_week = [
        (w, dict(Counter(s["kind"] for s in signals if w <= int(s["at"]) < w + 7 * DAY)))
        for w in weeks
    ]
    opened = [p for p in data.plays if start <= p.opened_at < end]
    closed = [p for p in data.plays if p.closed_at is not None and start <= p.closed_at < end]

    def group(key_of: Callable[[dict[str, Any]], tuple[str, str]]) -> list[GroupRow]:
        members: dict[tuple[str, str], list[str]] = {}
        for a in ids:
            members.setdefault(key_of(data.accounts[a]), []).append(a)
        return [
            _group_row(
                data,
                key,
                label,
                accounts,
                tiers_start,
                tiers_end,
                signals,
                opened,
                closed,
                start,
                last,
            )
            for (key, label), accounts in sorted(members.items())
        ]

    return MonthlyFigures(
        month=month,
        start=start,
        end=end,
        accounts=len(ids),
        arr=sum(float(data.accounts[a].get("arr") or 0.0) for a in ids),
        tiers_start=_tier_counts(tiers_start.values()),
        tiers_end=_tier_counts(tiers_end.values()),
        tier_moves=sorted(moves),
        at_risk=sorted(
            (
                (
                    str(data.accounts[a]["name"] or a),
                    str(
                        data.accounts[a].get("owner_name")
                        or data.accounts[a].get("owner_id")
                        or "-"
                    ),
                    float(data.accounts[a].get("arr") or 0.0),
                    int(tiers_end[a] or 0),
                    sum(s["account_id"] == a for s in signals),
                )
                for a in ids
                if tiers_end[a] in AT_RISK_TIERS
            ),
            key=lambda row: (-row[2], row[0]),
        ),
        signals_by_kind={k: n for k in SIGNAL_KINDS if (n := sum(s["kind"] == k for s in signals))},
        signals_by_week=by_week,
        depth_by_segment=_depth_by_segment(data, ids, start, end),
        by_owner=group(
            lambda a: (
                a.get("owner_id") or "-",
                a.get("owner_name") or a.get("owner_id") or "no owner",
            )
        ),
        by_segment=group(lambda a: (a.get("segment") or "-", a.get("segment") or "no segment")),
        plays_opened=len(opened),
        plays_closed=len(closed),
        outcomes=dict(Counter(p.outcome for p in closed if p.outcome)),
    )


def _group_row(
    data: ReportData,
    key: str,
    label: str,
    accounts: list[str],
    tiers_start: dict[str, int | None],
    tiers_end: dict[str, int | None],
    signals: list[dict[str, Any]],
    opened: list[Any],
    closed: list[Any],
    start: int,
    last: int,
) -> GroupRow:
    members = set(accounts)
    at_risk = [a for a in accounts if tiers_end[a] in AT_RISK_TIERS]
    pairs = [
        (s, e)
        for a in accounts
        if (s := value_at(data.snapshots.get(a, []), "depth_score", start)) is not None
        and (e := value_at(data.snapshots.get(a, []), "depth_score", last)) is not None
    ]
    both = [(tiers_start[a], tiers_end[a]) for a in accounts]
    known = [(s, e) for s, e in both if s is not None and e is not None]
    return GroupRow(
        key=key,
        label=label,
        accounts=len(accounts),
        arr=sum(float(data.accounts[a].get("arr") or 0.0) for a in accounts),
        at_risk_accounts=len(at_risk),
        arr_at_risk=sum(float(data.accounts[a].get("arr") or 0.0) for a in at_risk),
        tier_worsened=sum(e > s for s, e in known),
        tier_improved=sum(e < s for s, e in known),
        signals=sum(s["account_id"] in members for s in signals),
        depth_start=round(sum(s for s, _ in pairs) / len(pairs), 2) if pairs else None,
        depth_end=round(sum(e for _, e in pairs) / len(pairs), 2) if pairs else None,
        plays_opened=sum(p.account_id in members for p in opened),
        plays_closed=sum(p.account_id in members for p in closed),
    )


def _depth_by_segment(
    data: ReportData, ids: list[str], start: int, end: int
) -> dict[str, list[tuple[int, float]]]:
    sums: dict[str, dict[int, list[float]]] = {}
    for a in ids:
        segment = data.accounts[a].get("segment") or "no segment"
        for row in data.snapshots.get(a, []):
            w = int(row["window_end"])
            if start <= w <= end and row.get("depth_score") is not None:
                sums.setdefault(segment, {}).setdefault(w, []).append(float(row["depth_score"]))
    return {
        segment: [(w, round(sum(v) / len(v), 2)) for w, v in sorted(points.items())]
        for segment, points in sorted(sums.items())
    }


def _tier_counts(tiers: Any) -> dict[str, int]:
    counts = Counter("unscored" if t is None else str(t) for t in tiers)
    return {k: counts.get(k, 0) for k in ("1", "2", "3", "4", "5", "unscored")}


def _midnight(year: int, month: int) -> int:
    import calendar

    return calendar.timegm((year, month, 1, 0, 0, 0))


# --- rendering -----------------------------------------------------------------------------

TIER_NAMES = {
    "1": "1 likely to renew",
    "2": "2 above average",
    "3": "3 average",
    "4": "4 below average",
    "5": "5 churn risk",
    "unscored": "unscored",
}


def render_monthly(f: MonthlyFigures, *, scope: str = "whole portfolio") -> str:
    at_risk_end = f.tiers_end["4"] + f.tiers_end["5"]
    at_risk_start = f.tiers_start["4"] + f.tiers_start["5"]
    worsened = sum(after > before for _, before, after in f.tier_moves)
    improved = len(f.tier_moves) - worsened
    summary = page.section(
        "Summary",
        page.cards(
            [
                ("Accounts", f"{f.accounts}", f"ARR {_money(f.arr)}"),
                (
                    "Bottom two tiers",
                    f"{at_risk_end}",
                    f"{_signed(at_risk_end - at_risk_start)} over the month",
                ),
                ("Tier moves", f"{len(f.tier_moves)}", f"{worsened} worse, {improved} better"),
                (
                    "Signals raised",
                    f"{sum(f.signals_by_kind.values())}",
                    f"{len(f.signals_by_kind)} kinds",
                ),
                ("Plays", f"{f.plays_opened} opened", f"{f.plays_closed} closed"),
            ]
        ),
    )
    tiers = page.section(
        "Risk tiers",
        page.charts(
            svg.bar_chart(
                "Accounts per tier, start and end of the month",
                [TIER_NAMES[k].split(" ")[0] if k != "unscored" else "n/a" for k in f.tiers_start],
                {"start": list(f.tiers_start.values()), "end": list(f.tiers_end.values())},
                stacked=False,
                colours=("#9ecae1", "#08519c"),
            )
        ),
        page.table(
            ["tier", "start of month", "end of month", "change"],
            [
                (
                    TIER_NAMES[k],
                    f.tiers_start[k],
                    f.tiers_end[k],
                    _signed(f.tiers_end[k] - f.tiers_start[k]),
                )
                for k in f.tiers_start
            ],
            numeric=(1, 2, 3),
        ),
        "<h3>Accounts in the bottom two tiers at the month's end</h3>",
        page.table(
            ["account", "owner", "ARR", "tier", "signals this month"],
            [(n, o, _money(arr), TIER_NAMES[str(t)], k) for n, o, arr, t, k in f.at_risk],
            numeric=(2, 4),
        ),
        "<h3>Accounts that changed tier</h3>",
        page.table(
            ["account", "from", "to"],
            [(name, TIER_NAMES[str(a)], TIER_NAMES[str(b)]) for name, a, b in f.tier_moves],
        ),
    )
    kinds = [k for k in SIGNAL_KINDS if k in f.signals_by_kind]
    signals = page.section(
        "Signals",
        page.charts(
            svg.bar_chart(
                "Signals raised per week, by kind",
                [_day(w) for w, _ in f.signals_by_week],
                {k: [counts.get(k, 0) for _, counts in f.signals_by_week] for k in kinds},
            )
        ),
        page.table(
            ["signal kind", "raised"],
            [(k.replace("_", " "), n) for k, n in f.signals_by_kind.items()],
            numeric=(1,),
        ),
    )
    depth = page.section(
        "Relationship depth",
        page.charts(
            svg.line_chart(
                "Mean relationship depth (0-100) per week, by segment",
                {
                    segment: [(w, v) for w, v in points]
                    for segment, points in f.depth_by_segment.items()
                },
                y_label="depth",
            )
        ),
    )
    groups = page.section(
        "By owner",
        _group_table(f.by_owner, "owner"),
    ) + page.section("By segment", _group_table(f.by_segment, "segment"))
    plays = page.section(
        "Plays",
        page.paragraph(
            f"{f.plays_opened} opened and {f.plays_closed} closed this month"
            + (
                ": "
                + ", ".join(f"{o.replace('_', ' ')} {n}" for o, n in sorted(f.outcomes.items()))
                if f.outcomes
                else "."
            )
        ),
    )
    return page.document(
        f"Portfolio trends, {time.strftime('%B %Y', time.gmtime(f.start))}",
        f"{scope}; {_day(f.start)} to {_day(f.end - DAY)}",
        [summary, tiers, signals, depth, groups, plays],
        footer="Tiers are those of the latest analysis at or before each date; depth is the "
        "mean over accounts with a snapshot at both ends of the month (docs/metrics.md, Reports).",
    )


def _group_table(rows: list[GroupRow], what: str) -> str:
    return page.table(
        [
            what,
            "accounts",
            "ARR",
            "tier 4-5",
            "ARR at risk",
            "worse",
            "better",
            "signals",
            "depth start",
            "depth end",
            "plays opened",
            "plays closed",
        ],
        [
            (
                r.label,
                r.accounts,
                _money(r.arr),
                r.at_risk_accounts,
                _money(r.arr_at_risk),
                r.tier_worsened,
                r.tier_improved,
                r.signals,
                _num(r.depth_start),
                _num(r.depth_end),
                r.plays_opened,
                r.plays_closed,
            )
            for r in rows
        ],
        numeric=tuple(range(1, 12)),
    )


def _money(value: float) -> str:
    if value >= 1e6:
        return f"${value / 1e6:.1f}M"
    if value >= 1e3:
        return f"${value / 1e3:.0f}k"
    return f"${value:.0f}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _signed(value: int) -> str:
    return f"{value:+d}" if value else "0"


def _day(epoch: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))
