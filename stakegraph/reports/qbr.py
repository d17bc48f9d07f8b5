"""The quarterly business review pack of one account: executive summary, account health with
charts, churn and retention analysis, expansion readiness, feedback and action items (the
plays), recommended next steps (docs/metrics.md, "Reports").

:func:`qbr_figures` computes every figure from :class:`~.data.ReportData` (pure);
:func:`render_qbr` lays them out as a printable page.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from typing import Any

from stakegraph.analytics.plays import Play
from stakegraph.reports import page, svg
from stakegraph.reports.data import ReportData, risk_at, tier_at, value_at
from stakegraph.vocabulary import PLAY_FOR_SIGNAL

DAY = 86_400
TIER_LABELS = {
    1: "likely to renew",
    2: "above average",
    3: "average",
    4: "below average",
    5: "churn risk",
}
# Expansion readiness: every criterion met = ready; all but one = nearly ready.
READINESS_CRITERIA = (
    "tier",  # tier 1 or 2 at the quarter's end
    "no_signals",  # no signal raised in the quarter
    "multi_role",  # multi-role engagement on the last snapshot
    "senior_contact",  # at least one senior contact engaged on the last snapshot
    "depth_holding",  # depth at the quarter's end not below its start
)
RENEWAL_PLAN_DAYS = 180


@dataclass(frozen=True)
class QbrFigures:
    account_id: str
    name: str
    segment: str | None
    owner: str | None
    arr: float | None
    quarter: str
    start: int
    end: int
    renewal_at: int | None
    days_to_renewal: int | None  # from the quarter's end
    tier_start: int | None
    tier_end: int | None
    risk_start: float | None
    risk_end: float | None
    depth_start: float | None
    depth_end: float | None
    contacts_end: float | None
    senior_end: float | None
    health: list[dict[str, Any]]  # snapshots of this and the previous quarter
    signals: list[dict[str, Any]]
    risk_factors: list[dict[str, Any]]
    renewals: list[dict[str, Any]]
    readiness: dict[str, bool]
    ready: str  # ready | nearly ready | not ready
    plays: list[Play]
    play_effects: dict[str, tuple[float | None, float | None]]  # risk, depth change 4 windows on
    next_steps: list[str]


def quarter_range(quarter: str) -> tuple[int, int]:
    """``YYYY-Qn`` as ``[first midnight, first midnight of the next quarter)``."""
    try:
        year_text, q_text = quarter.upper().split("-Q")
        year, q = int(year_text), int(q_text)
        if not 1 <= q <= 4 or not 1971 <= year <= 2200:
            raise ValueError
    except ValueError:
        raise ValueError(f"{quarter!r} is not a quarter like 2024-Q2") from None
    first = 3 * (q - 1) + 1
    start = calendar.timegm((year, first, 1, 0, 0, 0))
    end = calendar.timegm((year + (first + 3 > 12), (first + 2) % 12 + 1, 1, 0, 0, 0))
    return start, end


def previous_quarter_start(start: int) -> int:
    t = time.gmtime(start)
    month = t.tm_mon - 3
    year = t.tm_year - (month < 1)
    return calendar.timegm((year, (month - 1) % 12 + 1, 1, 0, 0, 0))


def qbr_figures(data: ReportData, account_id: str, quarter: str) -> QbrFigures:
    start, end = quarter_range(quarter)
    last = end - 1
    account = data.accounts[account_id]
    snaps = data.snapshots.get(account_id, [])
    signals = [
        s for s in data.signals if s["account_id"] == account_id and start <= int(s["at"]) < end
    ]
    plays = [
        p
        for p in data.plays
        if p.account_id == account_id
        and p.opened_at < end
        and (p.closed_at is None or p.closed_at >= start)
    ]
    depth_start, depth_end = (
        value_at(snaps, "depth_score", start),
        value_at(snaps, "depth_score", last),
    )
    tier_end = tier_at(data, account_id, last)
    latest = [r for r in snaps if int(r["window_end"]) <= last]
    last_snap = latest[-1] if latest else {}
    readiness = {
        "tier": tier_end is not None and tier_end <= 2,
        "no_signals": not signals,
        "multi_role": bool(last_snap.get("multi_role")),
        "senior_contact": (last_snap.get("senior_contacts_engaged") or 0) >= 1,
        "depth_holding": depth_start is not None
        and depth_end is not None
        and depth_end >= depth_start,
    }
    met = sum(readiness.values())
    ready = (
        "ready"
        if met == len(readiness)
        else "nearly ready"
        if met == len(readiness) - 1
        else "not ready"
    )
    renewal_at = account.get("renewal_epoch")
    days = None if renewal_at is None else (int(renewal_at) - end) // DAY
    figures = QbrFigures(
        account_id=account_id,
        name=str(account.get("name") or account_id),
        segment=account.get("segment"),
        owner=account.get("owner_name") or account.get("owner_id"),
        arr=account.get("arr"),
        quarter=quarter.upper(),
        start=start,
        end=end,
        renewal_at=None if renewal_at is None else int(renewal_at),
        days_to_renewal=days,
        tier_start=tier_at(data, account_id, start),
        tier_end=tier_end,
        risk_start=risk_at(data, account_id, start),
        risk_end=risk_at(data, account_id, last),
        depth_start=depth_start,
        depth_end=depth_end,
        contacts_end=value_at(snaps, "contacts_engaged", last),
        senior_end=value_at(snaps, "senior_contacts_engaged", last),
        health=[r for r in snaps if previous_quarter_start(start) <= int(r["window_end"]) <= end],
        signals=signals,
        risk_factors=data.risk_factors(account_id),
        renewals=[r for r in data.renewals.get(account_id, []) if int(r["at"]) < end],
        readiness=readiness,
        ready=ready,
        plays=plays,
        play_effects={
            p.id: (e.after[0].risk_change, e.after[0].depth_change)
            for p in plays
            if (e := data.effects.get(p.id)) is not None and e.after
        },
        next_steps=[],
    )
    return _with_next_steps(figures)


def _with_next_steps(f: QbrFigures) -> QbrFigures:
    """What to do next, most urgent first (docs/metrics.md, "Reports")."""
    steps = []
    answered = {p.signal_id for p in f.plays if p.signal_id}
    for s in f.signals:
        if s["id"] not in answered:
            play = PLAY_FOR_SIGNAL.get(s["kind"])
            if play:
                name = play.replace("_", " ")
                article = "an" if name[0] in "aeiou" else "a"
                steps.append(
                    f"Open {article} {name} play for the {s['kind'].replace('_', ' ')} "
                    f"signal of {_day(int(s['at']))}."
                )
    for p in f.plays:
        if p.next_step == "resource_protection":
            steps.append(
                "The milestone stress-test was evaded: move the account to resource protection."
            )
        elif p.next_step == "remediate":
            steps.append("The customer committed to the milestone: remediate against it together.")
        elif p.status == "open" and p.assignee_id is None:
            steps.append(f"Assign the open {p.kind.replace('_', ' ')} play ({p.id}).")
    if f.days_to_renewal is not None and 0 <= f.days_to_renewal <= RENEWAL_PLAN_DAYS:
        steps.append(
            f"Renewal in {f.days_to_renewal} days after the quarter: agree the renewal plan."
        )
    if f.ready == "ready":
        steps.append("Expansion-ready on every criterion: open the expansion conversation.")
    if not steps:
        steps.append("No signal and no open play: keep the cadence, review next quarter.")
    return QbrFigures(**{**f.__dict__, "next_steps": steps})


# --- rendering -----------------------------------------------------------------------------

READINESS_TEXT = {
    "tier": "Renewal likelihood tier 1 or 2 at the quarter's end",
    "no_signals": "No contraction signal raised during the quarter",
    "multi_role": "Multi-role engagement (several functions and levels) on the last snapshot",
    "senior_contact": "At least one senior (director and up) contact engaged",
    "depth_holding": "Relationship depth at the quarter's end not below its start",
}


def render_qbr(f: QbrFigures) -> str:
    return page.document(
        f"{f.name}: quarterly business review, {f.quarter}",
        f"{f.segment or 'no segment'}; owner {f.owner or '-'}; "
        f"{_day(f.start)} to {_day(f.end - DAY)}",
        [
            _summary(f),
            _health(f),
            _retention(f),
            _expansion(f),
            _actions(f),
            page.section(
                "Recommended next steps",
                "<ul class=steps>"
                + "".join(f"<li>{_esc(step)}</li>" for step in f.next_steps)
                + "</ul>",
            ),
        ],
        footer="Figures from the stored analysis: tiers and risk of the latest analysis at or "
        "before each date, depth and engagement from the weekly snapshots (docs/metrics.md).",
    )


def _summary(f: QbrFigures) -> str:
    depth_change = (
        None if f.depth_start is None or f.depth_end is None else f.depth_end - f.depth_start
    )
    sentence = (
        f"{f.name} ends {f.quarter} in tier {f.tier_end or '-'} "
        f"({TIER_LABELS.get(f.tier_end or 0, 'unscored')})"
        + (
            f", from tier {f.tier_start} at its start"
            if f.tier_start and f.tier_start != f.tier_end
            else ""
        )
        + f"; relationship depth {_num(f.depth_end)}"
        + (f" ({depth_change:+.1f} over the quarter)" if depth_change is not None else "")
        + f"; {len(f.signals)} signal(s) raised and {len(f.plays)} play(s) run. "
        + f"Expansion readiness: {f.ready}."
        + "".join(
            f" Renewal of {_day(int(r['at']))}: {r['outcome']}."
            for r in f.renewals
            if int(r["at"]) >= f.start
        )
    )
    return page.section(
        "Executive summary",
        page.cards(
            [
                ("ARR", _money(f.arr), f.segment or ""),
                ("Risk tier", f"{f.tier_end or '-'}", TIER_LABELS.get(f.tier_end or 0, "unscored")),
                ("Churn risk", _num(f.risk_end, 2), f"start of quarter {_num(f.risk_start, 2)}"),
                ("Depth", _num(f.depth_end), f"start of quarter {_num(f.depth_start)}"),
                (
                    "Renewal",
                    _day(f.renewal_at) if f.renewal_at else "-",
                    _renewal_note(f.days_to_renewal),
                ),
            ]
        ),
        page.paragraph(sentence),
    )


def _health(f: QbrFigures) -> str:
    def series(key: str, *, known_only: bool = False) -> list[tuple[float, float | None]]:
        points = [(float(r["window_end"]), r.get(key)) for r in f.health]
        # Risk is known only where an analysis ran: join those points, do not break the line.
        return [(x, y) for x, y in points if y is not None] if known_only else points

    return page.section(
        "Account health",
        page.charts(
            svg.line_chart(
                "Relationship depth (0-100), this and last quarter",
                {"depth": series("depth_score")},
                width=460,
                y_min=0,
                y_max=100,
            ),
            svg.line_chart(
                "Contacts engaged (90-day window)",
                {
                    "all contacts": series("contacts_engaged"),
                    "senior": series("senior_contacts_engaged"),
                },
                width=460,
                y_min=0,
            ),
            svg.line_chart(
                "Meetings and functions engaged (90-day window)",
                {"meetings": series("meetings"), "functions": series("functions_engaged")},
                width=460,
                y_min=0,
            ),
            svg.line_chart(
                "Churn risk at each analysis",
                {"risk score": series("risk_score", known_only=True)},
                width=460,
                y_min=0,
                y_max=1,
            ),
        ),
    )


def _retention(f: QbrFigures) -> str:
    return page.section(
        "Churn and retention analysis",
        "<h3>Risk factors of the latest analysis</h3>",
        page.table(
            ["factor", "value", "contribution to the risk"],
            [
                (
                    str(x.get("factor", "")).replace("_", " "),
                    _num(x.get("value"), 2),
                    _num(x.get("contribution"), 2),
                )
                for x in f.risk_factors
            ],
            numeric=(1, 2),
        ),
        "<h3>Signals raised this quarter</h3>",
        page.table(
            ["date", "signal", "severity", "what happened", "prescribed play"],
            [
                (
                    _day(int(s["at"])),
                    s["kind"].replace("_", " "),
                    _num(s.get("severity"), 2),
                    s.get("summary") or "",
                    PLAY_FOR_SIGNAL.get(s["kind"], "-").replace("_", " "),
                )
                for s in f.signals
            ],
            numeric=(2,),
        ),
        "<h3>Renewal history</h3>",
        page.table(["date", "outcome"], [(_day(int(r["at"])), r["outcome"]) for r in f.renewals]),
    )


def _expansion(f: QbrFigures) -> str:
    met = sum(f.readiness.values())
    return page.section(
        "Expansion readiness",
        page.paragraph(
            f"{f.ready.capitalize()}: {met} of {len(f.readiness)} criteria met.",
            "good" if f.ready == "ready" else "bad" if f.ready == "not ready" else "",
        ),
        page.table(
            ["criterion", "met"],
            [(READINESS_TEXT[k], "yes" if f.readiness[k] else "no") for k in READINESS_CRITERIA],
        ),
    )


def _actions(f: QbrFigures) -> str:
    return page.section(
        "Feedback and action items",
        page.table(
            [
                "play",
                "from signal",
                "opened",
                "assignee",
                "status",
                "outcome",
                "risk 4 windows on",
                "depth 4 windows on",
                "note",
            ],
            [
                (
                    p.kind.replace("_", " "),
                    (p.signal_kind or "-").replace("_", " "),
                    _day(p.opened_at),
                    p.assignee_name or p.assignee_id or "unassigned",
                    p.status,
                    (p.outcome or "-")
                    + (f" -> {p.next_step.replace('_', ' ')}" if p.next_step else ""),
                    _change(f.play_effects.get(p.id, (None, None))[0], 3),
                    _change(f.play_effects.get(p.id, (None, None))[1], 1),
                    p.close_note or p.note or "",
                )
                for p in f.plays
            ],
        ),
    )


def _renewal_note(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"{-days} days before the quarter's end"
    return f"{days} days after the quarter"


def _change(value: float | None, digits: int) -> str:
    return "not yet" if value is None else f"{value:+.{digits}f}"


def _esc(text: str) -> str:
    from html import escape

    return escape(text)


def _money(value: float | None) -> str:
    if value is None:
        return "-"
    return f"${value / 1e6:.2f}M" if value >= 1e6 else f"${value / 1e3:.0f}k"


def _num(value: Any, digits: int = 1) -> str:
    return "-" if value is None else f"{float(value):.{digits}f}"


def _day(epoch: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))
