"""Plays in the store, on both backends: open, assign, close, idempotency, scoping, effect.

The portfolio: our Alan (``u-am``) and Beth (``u-b``); account ``acc-a`` (risk 0.6, tier 4
when the plays are recorded) with a latency signal and weekly snapshots whose analyses
left a risk on some of them; account ``acc-b`` with no snapshot; their ``x-cto`` is not ours.
"""

from __future__ import annotations

from typing import Any

import pytest

from stakegraph import playbook
from stakegraph.errors import PlayRequestError, PlayStateError, UnknownIdError
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

WEEK = 7 * 86_400
T0 = 1_717_200_000  # 2024-06-01 00:00 UTC, a window end
# (weeks after T0, depth, analysis risk, analysis tier)
SNAPSHOTS = [
    (-1, 38.0, 0.62, 4),
    (0, 40.0, None, None),
    (2, 41.0, 0.58, 4),
    (4, 44.0, None, None),
    (5, 45.0, 0.41, 3),
    (8, 47.5, 0.35, 2),
]


def _run(store: GraphStore, text: str, **params: Any) -> None:
    store.driver.execute_query(text, params, database_=store.database)


@pytest.fixture
def plays_store(clean_store: GraphStore) -> GraphStore:
    store = clean_store
    _run(store, "CREATE (:Organization:Home {id: 'home', name: 'Us', kind: 'home'})")
    _run(
        store,
        """
        UNWIND [['acc-a', 'Acme', 0.6, 4], ['acc-b', 'Beta', 0.2, 1]] AS r
        CREATE (:Organization:Account {id: r[0], name: r[1], kind: 'account',
                risk_score: r[2], risk_tier: r[3]})
        """,
    )
    _run(
        store,
        """
        UNWIND [['u-am', 'Alan', 'home'], ['u-b', 'Beth', 'home'], ['x-cto', 'Xi', 'acc-a']] AS r
        MATCH (o:Organization {id: r[2]})
        CREATE (:Person {id: r[0], name: r[1]})-[:MEMBER_OF]->(o)
        """,
    )
    _run(
        store,
        """
        MATCH (a:Account {id: 'acc-a'}), (b:Account {id: 'acc-b'})
        CREATE (a)-[:HAS_SIGNAL]->(:Signal {id: 'sig-lat', account_id: 'acc-a',
                kind: 'response_latency_inflation', at_epoch: $t0})
        CREATE (b)-[:HAS_SIGNAL]->(:Signal {id: 'sig-b', account_id: 'acc-b',
                kind: 'champion_departure', at_epoch: $t0})
        """,
        t0=T0,
    )
    _run(
        store,
        """
        MATCH (a:Account {id: 'acc-a'})
        UNWIND $rows AS r
        CREATE (a)-[:HAS_SNAPSHOT]->(:Snapshot {id: 'acc-a@' + toString(r.end), account_id: 'acc-a',
                window_end: r.end, depth_score: r.depth, analysis_risk_score: r.risk,
                analysis_risk_tier: r.tier})
        """,
        rows=[{"end": T0 + w * WEEK, "depth": d, "risk": r, "tier": t} for w, d, r, t in SNAPSHOTS],
    )
    return store


def test_a_play_from_a_signal_defaults_to_its_prescribed_play(plays_store: GraphStore) -> None:
    play, created = playbook.open_play(
        plays_store, "acc-a", signal_id="sig-lat", request_id="r1", by="u-am", at=T0 + 3600
    )
    assert created
    assert play.kind == "milestone_stress_test"
    assert (play.account_id, play.account_name, play.status) == ("acc-a", "Acme", "open")
    assert (play.signal_id, play.signal_kind) == ("sig-lat", "response_latency_inflation")
    assert (play.opened_risk_score, play.opened_risk_tier) == (0.6, 4)
    assert play.id == playbook.play_id_for("acc-a", "r1")
    assert [(e.status, e.at, e.by) for e in play.history] == [("open", T0 + 3600, "u-am")]
    rows = plays_store.driver.execute_query(
        "MATCH (:Account {id: 'acc-a'})-[:HAS_PLAY]->(p:Play)-[:FROM_SIGNAL]->(s:Signal) "
        "RETURN p.id AS play, s.id AS signal",
        database_=plays_store.database,
    ).records
    assert [(r["play"], r["signal"]) for r in rows] == [(play.id, "sig-lat")]


def test_the_same_request_twice_opens_one_play(plays_store: GraphStore) -> None:
    first, created = playbook.open_play(plays_store, "acc-a", kind="value_delivery", request_id="r")
    again, created_again = playbook.open_play(
        plays_store, "acc-a", kind="value_delivery", request_id="r"
    )
    assert created and not created_again
    assert again == first
    assert len(playbook.list_plays(plays_store, None)) == 1
    # The same request id on another account is another play; reused for another kind, refused.
    other, _ = playbook.open_play(plays_store, "acc-b", kind="value_delivery", request_id="r")
    assert other.id != first.id
    with pytest.raises(PlayStateError):
        playbook.open_play(plays_store, "acc-a", kind="contract_restructuring", request_id="r")
    # Without a request id, one per kind, signal and day.
    a, c1 = playbook.open_play(plays_store, "acc-a", kind="technical_usage_audit", at=T0)
    b, c2 = playbook.open_play(plays_store, "acc-a", kind="technical_usage_audit", at=T0 + 60)
    assert c1 and not c2 and a.id == b.id
    assert len(playbook.list_plays(plays_store, None)) == 3


def test_assign_then_close_records_a_dated_history(plays_store: GraphStore) -> None:
    play, _ = playbook.open_play(
        plays_store, "acc-a", signal_id="sig-lat", request_id="r", at=T0, assignee_id="u-am"
    )
    assert play.assignee_id == "u-am" and play.assignee_name == "Alan"
    same, changed = playbook.assign_play(plays_store, play, "u-am", at=T0 + 10)
    assert not changed and same == play
    moved, changed = playbook.assign_play(plays_store, play, "u-b", by="lead", at=T0 + 20)
    assert changed and (moved.assignee_id, moved.assignee_name) == ("u-b", "Beth")
    rows = plays_store.driver.execute_query(
        "MATCH (p:Play)-[:ASSIGNED_TO]->(who:Person) RETURN who.id AS id",
        database_=plays_store.database,
    ).records
    assert [r["id"] for r in rows] == ["u-b"]
    closed, changed = playbook.close_play(plays_store, moved, "evaded", note="no date", at=T0 + 30)
    assert changed
    assert (closed.status, closed.outcome, closed.next_step, closed.closed_at) == (
        "closed",
        "evaded",
        "resource_protection",
        T0 + 30,
    )
    assert [(e.status, e.at, e.assignee_id, e.outcome) for e in closed.history] == [
        ("open", T0, None, None),
        ("assigned", T0, "u-am", None),
        ("assigned", T0 + 20, "u-b", None),
        ("closed", T0 + 30, None, "evaded"),
    ]
    # Closing again the same way changes nothing; another outcome or an assignment conflicts.
    again, changed = playbook.close_play(plays_store, closed, "evaded", at=T0 + 40)
    assert not changed and again == closed
    with pytest.raises(PlayStateError):
        playbook.close_play(plays_store, closed, "committed")
    with pytest.raises(PlayStateError):
        playbook.assign_play(plays_store, closed, "u-am")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "pep_talk"}, "kind"),
        ({}, "kind"),
        ({"signal_id": "sig-b"}, "signal_id"),  # acc-b's signal, not acc-a's
        ({"signal_id": "sig-none"}, "signal_id"),
        ({"kind": "value_delivery", "assignee_id": "x-cto"}, "assignee_id"),  # not ours
        ({"kind": "value_delivery", "assignee_id": "nobody"}, "assignee_id"),
    ],
)
def test_bad_requests_say_which_field(
    plays_store: GraphStore, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(PlayRequestError) as caught:
        playbook.open_play(plays_store, "acc-a", **kwargs)
    assert caught.value.field == field
    assert playbook.list_plays(plays_store, None) == []


def test_outcomes_belong_to_the_play_kind(plays_store: GraphStore) -> None:
    audit, _ = playbook.open_play(plays_store, "acc-a", kind="technical_usage_audit", at=T0)
    with pytest.raises(PlayRequestError, match="succeeded, no_effect, abandoned"):
        playbook.close_play(plays_store, audit, "committed")
    closed, _ = playbook.close_play(plays_store, audit, "succeeded", at=T0 + 1)
    assert closed.next_step is None
    with pytest.raises(UnknownIdError):
        playbook.open_play(plays_store, "acc-none", kind="value_delivery")


def test_reads_are_scoped_to_the_accounts_given(plays_store: GraphStore) -> None:
    a, _ = playbook.open_play(plays_store, "acc-a", kind="value_delivery", at=T0)
    b, _ = playbook.open_play(plays_store, "acc-b", kind="value_delivery", at=T0 + 1)
    assert [p.id for p in playbook.list_plays(plays_store, None)] == [b.id, a.id]
    assert [p.id for p in playbook.list_plays(plays_store, ["acc-a"])] == [a.id]
    assert playbook.get_play(plays_store, b.id, None) == b
    with pytest.raises(UnknownIdError) as foreign:
        playbook.get_play(plays_store, b.id, ["acc-a"])
    with pytest.raises(UnknownIdError) as missing:
        playbook.get_play(plays_store, "play-none", ["acc-a"])
    assert str(foreign.value).replace(b.id, "<id>") == str(missing.value).replace(
        "play-none", "<id>"
    )
    assert playbook.list_plays(plays_store, ["acc-a"], status="closed") == []


def test_effect_and_kpis_from_the_snapshots(plays_store: GraphStore) -> None:
    """Opened 1 h after T0: baseline = the snapshot of T0 for depth (40.0) and of T0 - 1 week
    for risk (0.62, tier 4: the latest analysis by then). 4 weeks on: depth 44.0 (T0 + 4w,
    +4.0), risk from T0 + 5w (0.41, tier 3: -0.21, -1). 8 weeks on: 47.5, 0.35, tier 2.
    12 weeks on: nothing yet."""
    play, _ = playbook.open_play(
        plays_store, "acc-a", signal_id="sig-lat", request_id="r", at=T0 + 3600
    )
    playbook.close_play(plays_store, play, "committed", at=T0 + 2 * WEEK)
    idle, _ = playbook.open_play(plays_store, "acc-b", kind="value_delivery", at=T0)
    effects = playbook.effects_of(plays_store, [play, idle])
    effect = effects[play.id]
    assert (
        effect.baseline_window_end,
        effect.depth_score,
        effect.risk_score,
        effect.risk_tier,
    ) == (
        T0,
        40.0,
        0.62,
        4,
    )
    four, eight, twelve = effect.after
    assert (four.depth_window_end, four.depth_change) == (T0 + 4 * WEEK, 4.0)
    assert (four.risk_window_end, four.risk_change, four.tier_change) == (T0 + 5 * WEEK, -0.21, -1)
    assert (eight.depth_change, eight.risk_change, eight.tier_change) == (7.5, -0.27, -2)
    assert (twelve.depth_change, twelve.risk_change, twelve.tier_change) == (None, None, None)
    # acc-b has no snapshot: its baseline is the risk recorded at opening, nothing after.
    assert effects[idle.id].risk_score == 0.2 and effects[idle.id].after[0].risk_change is None

    kpis = playbook.kpis(plays_store, None)
    assert (kpis.opened, kpis.open, kpis.closed) == (2, 1, 1)
    assert kpis.opened_by_kind == {"value_delivery": 1, "milestone_stress_test": 1}
    assert kpis.outcomes == {"milestone_stress_test": {"committed": 1}}
    four_weeks = kpis.effect[0]
    assert (four_weeks.windows, four_weeks.measured, four_weeks.mean_risk_change) == (4, 1, -0.21)
    assert (four_weeks.risk_fell_share, four_weeks.tier_improved_share) == (1.0, 1.0)
    assert kpis.effect[2].measured == 0
    assert playbook.kpis(plays_store, ["acc-b"]).opened == 1
    assert playbook.kpis(plays_store, None, since=T0 + 1).opened == 1
