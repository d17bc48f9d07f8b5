"""Reading frames from the store and writing results back (analytics/run.py).

What landed is checked as sets of tuples. Two accounts and four people are enough: the
write replaces per account, so a re-run, a failed batch and ties written by an earlier
version can each be told apart by hand.
"""

from __future__ import annotations

import math
from typing import Any

import neo4j
import pandas as pd
import pytest

from stakegraph.analytics import run
from stakegraph.analytics.run import read_frames, snapshot_records, write_results
from stakegraph.graph.queries import QueryRegistry, parse_query
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

ACCOUNTS = ["acc-a", "acc-b"]
PEOPLE = ["h-1", "p-a1", "p-a2", "p-b1"]
WEEK = 7 * 86_400
AS_OF = 1_700_000_000


@pytest.fixture
def accounts(clean_store: GraphStore) -> GraphStore:
    clean_store.driver.execute_query(
        """
        UNWIND $accounts AS id
        CREATE (:Organization:Account {id: id, name: id, kind: 'account'})
        WITH count(*) AS done
        UNWIND $people AS id
        CREATE (:Person {id: id, name: id})
        """,
        accounts=ACCOUNTS,
        people=PEOPLE,
        database_=clean_store.database,
    )
    return clean_store


def snapshots(windows: int, *, depth: float) -> pd.DataFrame:
    ends = [AS_OF - WEEK * k for k in range(windows)]
    return pd.DataFrame(
        [
            {
                "account_id": account,
                "window_start": end - 90 * 86_400,
                "window_end": end,
                "contacts_engaged": 3,
                "depth_score": depth,
                "degree_centralization": 0.5,
                "their_reply_latency_s": math.nan,  # no replies: null, not stored
                "multi_role": True,
                "articulation_points": "p-a1",  # text: not a metric
            }
            for account in ACCOUNTS
            for end in ends
        ]
    )


def ties(pairs: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "person_a": a,
                "person_b": b,
                "account_id": account,
                "strength": 0.5,
                "last_at": AS_OF - 1,
                "interactions": 2,
                "reciprocity": 1.0,
                "channels": 1,
            }
            for a, b, account in pairs
        ]
    )


def signal(account: str, kind: str, person: str) -> dict[str, Any]:
    return {
        "id": f"{kind}:{account}",
        "account_id": account,
        "kind": kind,
        "at": AS_OF - WEEK,
        "severity": 0.9,
        "summary": f"{kind} at {account}",
        "evidence": {"person_id": person},
        "person_ids": [person],
    }


def risk(score: float) -> list[dict[str, Any]]:
    return [
        {
            "account_id": account,
            "risk_score": score,
            "risk_tier": 3,
            "risk_tier_label": "average",
            "risk_factors": [{"factor": "contacts_level", "value": 1.0, "contribution": 0.2}],
            "analyzed_at": AS_OF,
        }
        for account in ACCOUNTS
    ]


def write(store: GraphStore, **results: Any) -> None:
    write_results(store, account_ids=ACCOUNTS, batch_accounts=1, **results)


def rows(store: GraphStore, cypher: str) -> set[tuple[Any, ...]]:
    records, _, _ = store.driver.execute_query(cypher, database_=store.database)
    return {
        tuple(tuple(v) if isinstance(v, list) else v for v in record.values()) for record in records
    }


def landed(store: GraphStore) -> dict[str, set[tuple[Any, ...]]]:
    return {
        "snapshots": rows(
            store,
            "MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot) "
            "RETURN a.id, s.id, s.window_end, s.depth_score",
        ),
        "ties": rows(store, "MATCH (a:Person)-[t:TIE]->(b:Person) RETURN a.id, b.id, t.account_id"),
        "signals": rows(
            store,
            "MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)-[:CONCERNS]->(p:Person) "
            "RETURN a.id, s.kind, p.id",
        ),
        "risk": rows(store, "MATCH (a:Account) RETURN a.id, a.risk_score"),
    }


def test_a_rerun_replaces_every_account_never_duplicates(accounts: GraphStore) -> None:
    write(
        accounts,
        snapshots=snapshots(3, depth=1.0),
        signals=[signal("acc-a", "champion_departure", "p-a1")],
        ties=ties([("h-1", "p-a1", "acc-a"), ("h-1", "p-b1", "acc-b"), ("p-a1", "p-a2", "acc-a")]),
        risk=risk(0.2),
    )
    write(
        accounts,
        snapshots=snapshots(2, depth=2.0),
        signals=[signal("acc-b", "executive_withdrawal", "p-b1")],
        ties=ties([("h-1", "p-a2", "acc-a"), ("h-1", "p-b1", "acc-b")]),
        risk=risk(0.7),
    )

    assert landed(accounts) == {
        "snapshots": {
            (account, f"{account}@{end}", end, 2.0)
            for account in ACCOUNTS
            for end in (AS_OF, AS_OF - WEEK)
        },
        "ties": {("h-1", "p-a2", "acc-a"), ("h-1", "p-b1", "acc-b")},
        "signals": {("acc-b", "executive_withdrawal", "p-b1")},
        "risk": {("acc-a", 0.7), ("acc-b", 0.7)},
    }


def test_each_analysis_leaves_its_risk_on_the_snapshot_it_scored(accounts: GraphStore) -> None:
    """A later analysis (a week on) scores its own window and leaves the earlier one's risk:
    the history a play's effect is read from (docs/metrics.md, "Plays")."""
    write(accounts, snapshots=snapshots(2, depth=1.0), signals=[], ties=ties([]), risk=risk(0.2))
    later = [{**row, "analyzed_at": AS_OF + WEEK, "risk_tier": 4} for row in risk(0.6)]
    ends = snapshots(3, depth=1.0)
    ends["window_end"] += WEEK  # the next week's run: windows end a week later
    write(accounts, snapshots=ends, signals=[], ties=ties([]), risk=later)
    assert rows(
        accounts,
        "MATCH (a:Account {id: 'acc-a'})-[:HAS_SNAPSHOT]->(s:Snapshot) "
        "RETURN s.window_end, s.analysis_risk_score, s.analysis_risk_tier",
    ) == {
        (AS_OF + WEEK, 0.6, 4),
        (AS_OF, 0.2, 3),
        (AS_OF - WEEK, None, None),
    }


def test_times_read_as_datetimes_in_cypher_with_epoch_seconds_beside_them(
    accounts: GraphStore,
) -> None:
    """An analyst's Cypher sees a signal's `at` and a snapshot's window as datetimes."""
    write(
        accounts,
        snapshots=snapshots(1, depth=1.0),
        signals=[signal("acc-a", "champion_departure", "p-a1")],
        ties=ties([]),
        risk=risk(0.2),
    )
    # AS_OF - WEEK = 1,699,395,200 s = 2023-11-07T22:13:20Z; AS_OF = 2023-11-14T22:13:20Z
    assert rows(
        accounts,
        "MATCH (s:Signal) RETURN s.at.year, s.at.month, s.at.day, s.at.hour, s.at_epoch, "
        "s.at = datetime({epochSeconds: s.at_epoch})",
    ) == {(2023, 11, 7, 22, AS_OF - WEEK, True)}
    assert rows(
        accounts,
        "MATCH (s:Snapshot {account_id: 'acc-a'}) "
        "RETURN toString(s.window_start_at), toString(s.window_end_at), s.window_end",
    ) == {("2023-08-16T22:13:20Z", "2023-11-14T22:13:20Z", AS_OF)}


@pytest.mark.slow
def test_a_rerun_of_the_same_results_in_one_large_transaction(accounts: GraphStore) -> None:
    """The same ids written again, 20,000 snapshots and 400 signals in one transaction.

    On ArcadeDB, deleting a signal and creating it again with the same id in a
    transaction this large raised a duplicate-key error (first seen re-analysing a
    500-account portfolio; these sizes reproduce it, smaller ones tried did not).
    Snapshots and signals are now updated in place; a run's results land exactly once.
    """
    results: dict[str, Any] = {
        "snapshots": snapshots(10_000, depth=1.0),
        "signals": [
            {**signal(account, "champion_departure", "p-a1"), "id": f"s{i}:{account}"}
            for account in ACCOUNTS
            for i in range(200)
        ],
        "ties": ties([("h-1", "p-a1", "acc-a")]),
        "risk": risk(0.2),
    }
    for _ in range(2):
        write_results(accounts, account_ids=ACCOUNTS, batch_accounts=2, **results)

    counts = rows(
        accounts,
        "MATCH (s:Snapshot) WITH count(s) AS snapshots "
        "MATCH (g:Signal)-[c:CONCERNS]->() RETURN snapshots, count(DISTINCT g), count(c)",
    )
    assert counts == {(20_000, 400, 400)}


def test_a_metric_no_longer_finite_is_removed_on_a_rerun(accounts: GraphStore) -> None:
    first = snapshots(1, depth=1.0)
    write(accounts, snapshots=first, signals=[], ties=ties([]), risk=risk(0.2))
    write(
        accounts,
        snapshots=first.assign(depth_score=math.nan),
        signals=[],
        ties=ties([]),
        risk=risk(0.2),
    )

    assert rows(accounts, "MATCH (s:Snapshot) RETURN s.id, s.depth_score, s.contacts_engaged") == {
        (f"{account}@{AS_OF}", None, 3) for account in ACCOUNTS
    }


def test_ties_written_before_tie_targets_existed_are_replaced(accounts: GraphStore) -> None:
    # What an earlier version left: ties, an analysis date, no tie_targets on the account.
    accounts.driver.execute_query(
        """
        MATCH (a:Person {id: 'h-1'}), (b:Person {id: 'p-a1'}), (c:Person {id: 'p-b1'})
        CREATE (a)-[:TIE {account_id: 'acc-a', strength: 0.1}]->(b),
               (a)-[:TIE {account_id: 'acc-b', strength: 0.1}]->(c)
        WITH count(*) AS done
        MATCH (o:Organization) SET o.analyzed_at = $as_of
        """,
        as_of=AS_OF,
        database_=accounts.database,
    )
    write(
        accounts,
        snapshots=snapshots(1, depth=1.0),
        signals=[],
        ties=ties([("p-a1", "p-a2", "acc-a")]),
        risk=risk(0.2),
    )

    assert landed(accounts)["ties"] == {("p-a1", "p-a2", "acc-a")}
    assert rows(accounts, "MATCH (a:Account) RETURN a.id, a.tie_targets") == {
        ("acc-a", ("p-a2",)),
        ("acc-b", ()),
    }


def test_a_failed_batch_leaves_its_accounts_as_before(
    accounts: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        accounts,
        snapshots=snapshots(2, depth=1.0),
        signals=[],
        # p-a1 is the target of a tie of each account: acc-a's rewrite must keep acc-b's.
        ties=ties([("h-1", "p-a1", "acc-a"), ("h-1", "p-a1", "acc-b"), ("h-1", "p-b1", "acc-b")]),
        risk=risk(0.2),
    )
    before = landed(accounts)
    # acc-b's batch fails on its last statement, after everything else of it has run.
    failing = parse_query("test/fail", "// Fails.\n// params: none\nRETURN 1 +")
    monkeypatch.setattr(
        accounts, "queries", QueryRegistry({**accounts.queries, failing.name: failing})
    )
    replace = run._replace_statements

    def failing_for_b(batch: list[str], *rows: Any) -> list[tuple[str, dict[str, Any]]]:
        return [*replace(batch, *rows), *([(failing.name, {})] if "acc-b" in batch else [])]

    monkeypatch.setattr(run, "_replace_statements", failing_for_b)

    with pytest.raises(neo4j.exceptions.Neo4jError):
        write(
            accounts,
            snapshots=snapshots(2, depth=2.0),
            signals=[signal("acc-b", "executive_withdrawal", "p-b1")],
            ties=ties([("h-1", "p-a2", "acc-a"), ("h-1", "p-a1", "acc-b")]),
            risk=risk(0.7),
        )

    after = landed(accounts)
    assert {r for r in after["snapshots"] if r[0] == "acc-a"} == {
        ("acc-a", f"acc-a@{end}", end, 2.0) for end in (AS_OF, AS_OF - WEEK)
    }
    for name in ("snapshots", "ties", "signals", "risk"):
        assert {r for r in after[name] if "acc-b" in r} == {
            r for r in before[name] if "acc-b" in r
        }, name


def test_snapshots_carry_what_the_api_reads(accounts: GraphStore) -> None:
    write(accounts, snapshots=snapshots(4, depth=1.5), signals=[], ties=ties([]), risk=risk(0.2))

    stored = [r["snapshot"] for r in accounts.query("api/account_snapshots", account_id="acc-a")]
    assert [s["window_end"] for s in stored] == [AS_OF - WEEK * k for k in (3, 2, 1, 0)]
    assert stored[-1] == {
        "id": f"acc-a@{AS_OF}",
        "account_id": "acc-a",
        "window_start": AS_OF - 90 * 86_400,
        "window_end": AS_OF,
        # the window's datetimes are for Cypher users; the API's read leaves them out
        "window_start_at": None,
        "window_end_at": None,
        "contacts_engaged": 3,
        "depth_score": 1.5,
        "degree_centralization": 0.5,
        "multi_role": 1,
        # the analysis that scored this window (as_of = its end) left its risk on it
        "analysis_risk_score": 0.2,
        "analysis_risk_tier": 3,
    }
    trends = accounts.query("api/account_trends", account_ids=["acc-a"])
    assert [r["depth_score"] for r in trends[0]["recent"]] == [1.5] * 4


def test_snapshot_records_hold_finite_numbers_and_null_for_the_rest() -> None:
    frame = pd.DataFrame(
        {
            "account_id": ["a", "a"],
            "window_start": [0, 10],
            "window_end": [100, 110],
            "count": [3, 4],
            "ratio": [0.5, math.inf],
            "latency": [math.nan, 2.5],
            "flag": [True, False],
            "names": ["x", "y"],
        }
    )

    assert snapshot_records(frame) == [
        {
            "id": "a@100",
            "account_id": "a",
            "window_start": 0,
            "window_end": 100,
            "metrics": {"count": 3, "ratio": 0.5, "latency": None, "flag": 1},
        },
        {
            "id": "a@110",
            "account_id": "a",
            "window_start": 10,
            "window_end": 110,
            "metrics": {"count": 4, "ratio": None, "latency": 2.5, "flag": 0},
        },
    ]
    assert all(type(r["metrics"]["count"]) is int for r in snapshot_records(frame))


def test_read_frames_returns_each_interaction_with_its_participants(
    accounts: GraphStore,
) -> None:
    accounts.driver.execute_query(
        """
        UNWIND $rows AS row
        CREATE (:Interaction {id: row.id, account_id: row.account_id, kind: row.kind,
          at_epoch: row.at, thread_id: row.thread_id, reply_latency_s: row.latency,
          participants: size(row.person_ids), person_ids: row.person_ids,
          person_roles: row.person_roles, bulk: row.bulk})
        """,
        rows=[
            {
                "id": "i-1",
                "account_id": "acc-a",
                "kind": "email",
                "at": 100,
                "thread_id": "t-1",
                "latency": None,
                "person_ids": ["h-1", "p-a1"],
                "person_roles": ["from", "to"],
                "bulk": None,
            },
            {
                "id": "i-2",
                "account_id": "acc-a",
                "kind": "email",
                "at": 200,
                "thread_id": "t-1",
                "latency": 3600.0,
                "person_ids": ["p-a1", "h-1", "p-a2"],
                "person_roles": ["from", "to", "cc"],
                "bulk": False,
            },
            {
                "id": "i-3",
                "account_id": "acc-b",
                "kind": "meeting",
                "at": 300,
                "thread_id": None,
                "latency": None,
                "person_ids": ["h-1", "p-b1"],
                "person_roles": ["organizer", "attendee"],
                "bulk": True,
            },
            {  # at `until`: outside the half-open range
                "id": "i-4",
                "account_id": "acc-b",
                "kind": "call",
                "at": 400,
                "thread_id": None,
                "latency": None,
                "person_ids": ["h-1", "p-b1"],
                "person_roles": ["from", "to"],
                "bulk": None,
            },
        ],
        database_=accounts.database,
    )

    frames = read_frames(accounts, since=100, until=400)

    interactions = frames.interactions.sort_values("interaction_id")
    assert [
        (r.interaction_id, r.account_id, r.kind, r.at, r.participants, r.bulk)
        for r in interactions.itertuples()
    ] == [
        ("i-1", "acc-a", "email", 100, 2, False),
        ("i-2", "acc-a", "email", 200, 3, False),
        ("i-3", "acc-b", "meeting", 300, 2, True),
    ]
    latency = interactions["reply_latency_s"].tolist()
    assert math.isnan(latency[0]) and latency[1] == 3600.0 and math.isnan(latency[2])
    assert set(frames.participations.itertuples(index=False, name=None)) == {
        ("i-1", "h-1", "from"),
        ("i-1", "p-a1", "to"),
        ("i-2", "p-a1", "from"),
        ("i-2", "h-1", "to"),
        ("i-2", "p-a2", "cc"),
        ("i-3", "h-1", "organizer"),
        ("i-3", "p-b1", "attendee"),
    }


def test_read_frames_of_an_empty_range(accounts: GraphStore) -> None:
    frames = read_frames(accounts, since=0, until=10)

    assert frames.interactions.empty and frames.participations.empty
    assert "bulk" in frames.interactions.columns


def test_the_background_writer_lands_what_write_results_does(accounts: GraphStore) -> None:
    """analyze's path (snapshots and ties of every batch first, then signals and risk, from a
    thread) leaves the store as one transaction per batch does."""
    results: dict[str, Any] = {
        "snapshots": snapshots(2, depth=1.0),
        "signals": [signal("acc-a", "champion_departure", "p-a1")],
        "ties": ties([("h-1", "p-a1", "acc-a"), ("h-1", "p-b1", "acc-b")]),
        "risk": risk(0.4),
    }
    write(accounts, **results)
    expected = landed(accounts)
    accounts.driver.execute_query(
        "MATCH (n) WHERE n:Snapshot OR n:Signal DETACH DELETE n WITH count(*) AS done "
        "MATCH ()-[t:TIE]->() DELETE t",
        database_=accounts.database,
    )
    assert landed(accounts)["snapshots"] == set()

    activity = run.ActivityRows.of(results["snapshots"], results["ties"])
    signal_rows, risk_rows = run._group_rows(results["signals"]), run._group_rows(results["risk"])
    seen: list[tuple[int, int]] = []
    with run.BackgroundWriter(accounts) as writer:
        for batch in (["acc-a"], ["acc-b"]):
            writer.submit(run.activity_statements(batch, activity), accounts=0)
        for batch in (["acc-a"], ["acc-b"]):
            writer.submit(run.assessment_statements(batch, signal_rows, risk_rows), accounts=1)
        writer.wait(lambda _, done, total: seen.append((done, total)), total=2)

    assert landed(accounts) == expected
    assert seen == [(0, 2), (0, 2), (1, 2), (2, 2)]


def test_a_failed_background_write_fails_the_run_and_stops_the_later_ones(
    accounts: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = parse_query("test/fail", "// Fails.\n// params: none\nRETURN 1 +")
    monkeypatch.setattr(
        accounts, "queries", QueryRegistry({**accounts.queries, failing.name: failing})
    )
    activity = run.ActivityRows.of(snapshots(1, depth=1.0), ties([]))

    with pytest.raises(neo4j.exceptions.Neo4jError), run.BackgroundWriter(accounts) as writer:
        writer.submit(run.activity_statements(["acc-a"], activity), accounts=0)
        writer.submit([(failing.name, {})], accounts=0)
        writer.submit(run.activity_statements(["acc-b"], activity), accounts=0)
        writer.wait()

    # acc-a's transaction ran before the failure; acc-b's came after it and never ran.
    assert landed(accounts)["snapshots"] == {("acc-a", f"acc-a@{AS_OF}", AS_OF, 1.0)}


def test_the_default_analysis_date_leaves_out_a_misdated_interaction(
    clean_store: GraphStore,
) -> None:
    # 200 days of 10 interactions a day from day 19,000 (2022-01-08), then one message
    # three years on: the data ends on day 19,199, so the analysis is as of day 19,200.
    first = 19_000 * 86_400
    times = [first + day * 86_400 + 3_600 * k for day in range(200) for k in range(10)]
    clean_store.driver.execute_query(
        "UNWIND $times AS t CREATE (:Interaction {id: toString(t), at_epoch: t})",
        times=[*times, first + 1_295 * 86_400],
        database_=clean_store.database,
    )
    end = run.default_end(clean_store, now=first + 2_000 * 86_400)
    assert end is not None
    assert (end.as_of, end.stray, end.stray_first) == (
        first + 200 * 86_400,
        1,
        first + 1_295 * 86_400,
    )


def test_there_is_no_default_analysis_date_without_interactions(clean_store: GraphStore) -> None:
    assert run.default_end(clean_store) is None
