"""The stand-up's pure part: states compared by hand, plays, ranking, quietness."""

from __future__ import annotations

import pytest

from stakegraph.analytics.digest import (
    CHANGE_KINDS,
    AccountState,
    SignalFact,
    StakeholderActivity,
    diff_states,
    is_quiet,
    play_for_change,
    state_from_record,
)
from stakegraph.dates import DAY
from stakegraph.vocabulary import PLAY_FOR_SIGNAL, PLAYS, SIGNAL_KINDS


def signal(signal_id: str, kind: str = "executive_withdrawal", severity: float = 0.5) -> SignalFact:
    return SignalFact(signal_id, kind, at=100, severity=severity, summary=f"{kind} {signal_id}")


def state(account_id: str = "a", **changes: object) -> AccountState:
    fields: dict[str, object] = {"arr": 100.0, "risk_score": 0.5, "tier": 3}
    fields.update(changes)
    return AccountState(account_id, account_id.upper(), **fields)  # type: ignore[arg-type]


def test_a_state_against_itself_has_no_changes() -> None:
    now = state(signals={"s1": signal("s1")}, renewal_due=True, renewal_at=5)
    assert diff_states([now], [now]) == []


def test_every_kind_of_change_worked_by_hand() -> None:
    before = state(tier=2, signals={"old": signal("old")})
    after = state(
        tier=4,
        tier_label="below average",
        signals={"new": signal("new", "single_node_bottleneck")},
        renewal_due=True,
        renewal_at=1_000,
    )
    items = diff_states([before], [after])
    assert [(i.change, i.play) for i in items] == [
        ("tier_worsened", "executive_remapping"),  # the open bottleneck's play
        ("signal_raised", "executive_remapping"),
        ("renewal_window", "contract_restructuring"),  # tier 4
        ("signal_cleared", None),
    ]
    assert items[0].title == "risk tier 2 -> 4 (below average)"
    assert items[2].title == "renews on 1970-01-01"  # epoch 1000
    assert {i.arr_at_risk for i in items} == {50.0}


def test_a_tier_unknown_on_either_side_is_no_move() -> None:
    assert diff_states([state(tier=None)], [state(tier=5)]) == []
    assert diff_states([state(tier=5)], [state(tier=None)]) == []


def test_a_worse_tier_without_open_signals_calls_for_an_audit() -> None:
    (item,) = diff_states([state(tier=1)], [state(tier=2)])
    assert (item.change, item.play) == ("tier_worsened", "technical_usage_audit")
    (better,) = diff_states([state(tier=2)], [state(tier=1)])
    assert (better.change, better.play) == ("tier_improved", None)


def test_a_renewal_moved_to_another_date_inside_the_window_is_new_again() -> None:
    before = state(renewal_due=True, renewal_at=1_000)
    assert diff_states([before], [state(renewal_due=True, renewal_at=2_000)])
    assert diff_states([before], [state(renewal_due=False, renewal_at=None)]) == []


def test_a_new_account_is_compared_with_an_empty_state() -> None:
    items = diff_states([], [state("n", signals={"s": signal("s")})])
    assert [i.change for i in items] == ["signal_raised"]


@pytest.mark.parametrize("kind", SIGNAL_KINDS)
def test_each_raised_signal_gets_its_kinds_play(kind: str) -> None:
    (item,) = diff_states([state()], [state(signals={"s": signal("s", kind)})])
    assert item.play == PLAY_FOR_SIGNAL[kind] and item.play in PLAYS


def test_ranked_by_arr_at_risk_then_account_then_change_kind() -> None:
    small = state("s", arr=1_000.0, risk_score=0.1, signals={"x": signal("x")})  # 100
    big = state("b", arr=1_000.0, risk_score=0.9, signals={"y": signal("y")})  # 900
    unknown = state("u", arr=None, signals={"z": signal("z")})  # 0
    items = diff_states([state("b", tier=2)], [small, unknown, big])
    assert [(i.account_id, i.change) for i in items] == [
        ("b", "tier_worsened"),
        ("b", "signal_raised"),
        ("s", "signal_raised"),
        ("u", "signal_raised"),
    ]
    assert [i.arr_at_risk for i in items] == [900.0, 900.0, 100.0, 0.0]
    assert set(CHANGE_KINDS) >= {i.change for i in items}


def test_within_an_account_the_more_severe_signal_comes_first() -> None:
    now = state(signals={"a": signal("a", severity=0.2), "b": signal("b", severity=0.9)})
    assert [i.signal_id for i in diff_states([state()], [now])] == ["b", "a"]


@pytest.mark.parametrize(
    ("appearances", "first_day", "last_day", "as_of_day", "quiet_days"),
    [
        (10, 0, 63, 63 + 30, 30),  # weekly: 30 days is enough (3 x 7 < 30)
        (10, 0, 63, 63 + 29, None),  # 29 days is not
        (4, 0, 90, 90 + 89, None),  # monthly (gap 30): needs 90 days
        (4, 0, 90, 90 + 90, 90),
        (2, 0, 10, 400, None),  # too few conversations to go quiet
    ],
)
def test_quiet_by_their_own_rhythm(
    appearances: int, first_day: int, last_day: int, as_of_day: int, quiet_days: int | None
) -> None:
    activity = StakeholderActivity("p", "P", "CFO", appearances, first_day * DAY, last_day * DAY)
    quiet = is_quiet(activity, as_of=as_of_day * DAY)
    assert (quiet.silent_days if quiet else None) == quiet_days


def test_a_state_survives_its_record() -> None:
    original = state(signals={"s": SignalFact("s", "k", 1, 0.5, "x", ("Ann", "Bo"))})
    assert state_from_record(original.as_record()) == original


def test_plays_of_the_other_changes() -> None:
    assert play_for_change("stakeholder_quiet", state()) == "executive_remapping"
    assert play_for_change("renewal_window", state(tier=2)) == "value_delivery"
    assert play_for_change("signal_cleared", state()) is None
