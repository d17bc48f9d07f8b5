"""Declared coverage decides when an account's data has ended; the traffic decides only where
nothing is declared (stakegraph/analytics/signals/coverage.py, detect.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from frames_builder import at
from test_stakeholders import meeting_account, portfolio, steady_portfolio

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.signals import detect_signals
from stakegraph.analytics.signals.coverage import data_completeness

DAY = 86_400


def spans(*rows: tuple[str, str | None, tuple[str, ...], float, float | None]) -> pd.DataFrame:
    """Coverage rows ``(source, account_id, kinds, first day, last day or None)``."""
    return pd.DataFrame(
        [(s, a, k, at(b), np.nan if e is None else float(at(e))) for s, a, k, b, e in rows],
        columns=["source", "account_id", "kinds", "start", "end"],
    )


def cut_portfolio() -> tuple[PortfolioFrames, str]:
    """Twelve steady accounts; the first one's conversations stop on day 470, the others'
    go on to day 560."""
    accounts = steady_portfolio()[:12]
    accounts[0] = replace(accounts[0], ends=470)
    return portfolio(accounts), accounts[0].account_id


def raised_on(frames: PortfolioFrames, account_id: str, as_of_day: float = 560) -> list[str]:
    signals = detect_signals(frames, as_of=at(as_of_day), roles=frames.roles)
    return [s.kind for s in signals if s.account_id == account_id]


def test_without_coverage_the_traffic_says_the_accounts_data_ended() -> None:
    frames, cut = cut_portfolio()
    assert raised_on(frames, cut) == []


@pytest.mark.parametrize("as_of_day", [560, 545])  # 545: the later traffic is set aside
def test_coverage_that_runs_on_makes_the_silence_the_accounts_own(as_of_day: float) -> None:
    # The same traffic, with the export declared complete to the end for every account:
    # nothing ended, the account went quiet, and its contraction (day 525) is raised.
    frames, cut = cut_portfolio()
    complete = replace(frames, coverage=spans(("mail", None, (), 0, 559)))
    assert raised_on(complete, cut, as_of_day) == ["engagement_contraction"]


def test_coverage_that_ends_for_the_account_raises_nothing_after_it() -> None:
    # The account's own span ends the day before its traffic does; the portfolio's span
    # runs on for the others.
    frames, cut = cut_portfolio()
    declared = spans(("mail", None, (), 0, 559), ("mail", cut, (), 0, 469))
    assert raised_on(replace(frames, coverage=declared), cut) == []


def meeting_departures(vp_stops: float, calendar_ends: float | None) -> list[float]:
    """Days of the departures raised on an account whose VP is seen only in meetings and
    calls; mail is declared complete to the end, the calendar (when ``calendar_ends``) up
    to that day."""
    account = meeting_account(vp_stops=vp_stops)
    frames = portfolio([account, *steady_portfolio()[:8]])
    declared = [("mail", None, ("email",), 0, 559)]
    if calendar_ends is not None:
        declared.append(("calendar", None, ("meeting", "call"), 0, calendar_ends))
    signals = detect_signals(
        replace(frames, coverage=spans(*declared)), as_of=at(560), roles=frames.roles
    )
    return [
        (s.at - at(0)) / DAY
        for s in signals
        if s.account_id == account.account_id and s.person_ids == ("vp",)
    ]


def test_a_vp_who_stops_while_the_calendar_is_connected_departs() -> None:
    # The VP stops on day 420; the departure is raised on day 504, while the calendar
    # still runs (to day 519), and is kept.
    assert meeting_departures(vp_stops=420, calendar_ends=None) == [504.0]
    assert meeting_departures(vp_stops=420, calendar_ends=519) == [504.0]


def test_a_calendar_that_is_disconnected_is_not_the_vps_departure() -> None:
    # The VP's meetings stop on day 440 because the calendar export ends there: the mail
    # goes on, so the traffic cannot tell and a departure is raised; the declared end of
    # the calendar can.
    assert len(meeting_departures(vp_stops=440, calendar_ends=None)) == 1
    assert meeting_departures(vp_stops=440, calendar_ends=439) == []


@pytest.mark.parametrize(
    ("account", "day", "expected"),
    [
        ("a", 100, 1),  # mail covers every account from day 0
        ("a", 300, 1),
        ("b", 299, 1),  # b's own span replaces the portfolio's: to day 299 included
        ("b", 300, 0),
        ("c", 300, -1),  # c had only meetings, which no span declares
        ("a", -1, -1),  # before a's first email: no kind of its to judge
        ("b", 182, 1),
        ("b", 400, -1),  # half a year after b's last email: no kind a span declares
    ],
)
def test_an_accounts_own_span_replaces_the_portfolios_and_undeclared_kinds_are_not_judged(
    account: str, day: float, expected: int
) -> None:
    coverage = spans(("mail", None, ("email",), 0, None), ("mail", "b", ("email",), 0, 299))
    # a writes every week; b every week up to day 147; c meets once, on day 0.
    weekly = [at(d) for d in range(-1, 400, 7)]
    until_147 = [at(d) for d in range(0, 148, 7)]
    seen = pd.DataFrame(
        {
            "account_id": ["a"] * len(weekly) + ["b"] * len(until_147) + ["c"],
            "kind": ["email"] * (len(weekly) + len(until_147)) + ["meeting"],
            "at": [*weekly, *until_147, at(0)],
        }
    )
    assert data_completeness(
        coverage, seen, np.array([account]), np.array([at(day)]), baseline_s=182 * DAY
    ).tolist() == [expected]


def test_a_retired_calendar_stops_counting_once_the_baseline_has_no_meetings() -> None:
    # The VP is seen only in meetings and calls; the calendar connector is retired on day
    # 300 (their meetings stop there), the mail runs on to day 719. The account's traffic
    # stops on day 650: with mail complete, that is its own silence.
    account = replace(meeting_account(vp_stops=300), days=720, ends=650)
    others = [replace(a, days=720) for a in steady_portfolio()[:8]]
    frames = portfolio([account, *others])
    declared = spans(
        ("mail", None, ("email",), 0, 719), ("calendar", None, ("meeting", "call"), 0, 299)
    )
    raised = [
        (s.kind, (s.at - at(0)) / DAY)
        for s in detect_signals(
            replace(frames, coverage=declared), as_of=at(720), roles=frames.roles
        )
        if s.account_id == account.account_id
    ]
    # Within half a year of the calendar's end the account's data is incomplete: the VP's
    # absence is not a departure. Half a year on, it is judged on its mail: the silence
    # from day 650 is its contraction.
    assert [kind for kind, _ in raised] == ["engagement_contraction"]
    assert raised[0][1] > 650
