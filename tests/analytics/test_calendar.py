"""The portfolio's calendar (``tables.seasonal_index``) is what its accounts do together,
each account counting once: one account that carries most of the traffic does not make
its own change everyone's calendar."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from frames_builder import at
from test_stakeholders import Account, heavy_tailed, portfolio, steady_portfolio

from stakegraph.analytics.signals import WeeklyTables, detect_signals
from stakegraph.analytics.windows import prepare_activity


def contracting(name: str, per_day: float, rng: np.random.Generator) -> Account:
    """30 contacts; on day 420 two in three stop and the volume falls to 35%."""
    contacts = [
        replace(c, stops=420.0) if i % 3 else c for i, c in enumerate(heavy_tailed(name, 30, rng))
    ]
    return Account(name, contacts, per_day=per_day, days=560, slows=(420.0, per_day * 0.35))


def contractions(accounts: list[Account]) -> list[tuple[str, float]]:
    frames = portfolio(accounts, seed=5)
    raised = detect_signals(frames, as_of=at(560), kinds=("engagement_contraction",))
    return [(s.account_id, (s.at - at(420)) / 86_400) for s in raised]


def test_a_small_accounts_contraction_is_raised_beside_a_giant_one() -> None:
    # 25 steady accounts of 0.7-6 conversations a day, a small account of 4 and a giant
    # of 120 (more than the rest together) that both contract on day 420. Summed into the
    # calendar, the giant's fall took the portfolio's expected volume to about 0.6 of
    # its level, and the small account's contraction was raised 77 days on (with a giant of
    # 300, neither was raised). Each account counting once, both are within 8 weeks.
    rng = np.random.default_rng(9)
    accounts = [
        *steady_portfolio(),
        contracting("small", 4.0, rng),
        contracting("giant", 120.0, rng),
    ]
    raised = contractions(accounts)
    assert sorted(account for account, _ in raised) == ["giant", "small"]
    assert all(0 < days <= 56 for _, days in raised)


def test_the_giants_contraction_barely_moves_the_calendar() -> None:
    rng = np.random.default_rng(9)
    accounts = [*steady_portfolio(), contracting("giant", 120.0, rng)]
    frames = portfolio(accounts, seed=5)
    tables = WeeklyTables.build(prepare_activity(frames), frames.roles, as_of=at(560))
    assert tables is not None
    week = tables.grid.week_of(np.array([at(420), at(540)]))
    before, after = tables.season[int(week[0]) - 8 : int(week[0])], tables.season[int(week[1]) :]
    # The giant carries most of the traffic and falls to 35% of it; the steady accounts
    # hold the calendar at its level (summed volumes fell to 0.62 of it).
    assert abs(after.mean() / before.mean() - 1.0) < 0.1
