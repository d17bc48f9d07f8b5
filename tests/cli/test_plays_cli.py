"""``stakegraph plays`` end to end, in separate processes on the session's store: open from a
signal, re-run with the same request id, assign, close, KPIs, and refusals with exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping

import pytest

from stakegraph.graph.store import GraphStore

pytestmark = [pytest.mark.store, pytest.mark.slow]


def stakegraph(
    env: Mapping[str, str], *args: str, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stakegraph.cli", *args],
        env={**os.environ, **env, "COLUMNS": str(columns)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def account(clean_store: GraphStore) -> GraphStore:
    clean_store.driver.execute_query(
        """
        CREATE (h:Organization:Home {id: 'home', name: 'Us', kind: 'home'})
        CREATE (:Person {id: 'u-am', name: 'Alan'})-[:MEMBER_OF]->(h)
        CREATE (a:Organization:Account {id: 'acc-a', name: 'Acme', kind: 'account',
                risk_score: 0.7, risk_tier: 5})
        CREATE (a)-[:HAS_SIGNAL]->(:Signal {id: 'sig-1', account_id: 'acc-a',
                kind: 'engagement_contraction', at_epoch: 1717200000})
        """,
        database_=clean_store.database,
    )
    return clean_store


def test_open_rerun_assign_close_and_kpis(account: GraphStore, store_env: dict[str, str]) -> None:
    args = ("plays", "open", "acc-a", "--signal", "sig-1", "--request-id", "r1", "--json")
    first = stakegraph(store_env, *args)
    assert first.returncode == 0, first.stderr
    opened = json.loads(first.stdout)
    assert (opened["kind"], opened["changed"]) == ("milestone_stress_test", True)
    again = json.loads(stakegraph(store_env, *args).stdout)
    assert (again["id"], again["changed"]) == (opened["id"], False)

    assigned = stakegraph(store_env, "plays", "assign", opened["id"], "u-am", "--json")
    assert json.loads(assigned.stdout)["assignee_name"] == "Alan"
    closed = stakegraph(store_env, "plays", "close", opened["id"], "committed", "--json")
    assert json.loads(closed.stdout)["next_step"] == "remediate"

    listed = json.loads(stakegraph(store_env, "plays", "list", "--json").stdout)
    assert [p["id"] for p in listed["plays"]] == [opened["id"]]
    # On an 80-column terminal the table keeps the id whole: it is what assign and close take.
    assert opened["id"] in stakegraph(store_env, "plays", "list", columns=80).stdout
    kpis = json.loads(stakegraph(store_env, "plays", "kpis", "--json").stdout)
    assert (kpis["opened"], kpis["closed"]) == (1, 1)
    assert kpis["outcomes"] == {"milestone_stress_test": {"committed": 1}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("open", "acc-none", "--kind", "value_delivery"), "account 'acc-none' not found"),
        (("open", "acc-a"), "give the play's kind"),
        (("close", "play-none", "succeeded"), "play 'play-none' not found"),
        (("open", "acc-a", "--kind", "value_delivery", "--assignee", "x"), "not one of ours"),
    ],
)
def test_refusals_say_why_and_exit_2(
    account: GraphStore, store_env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = stakegraph(store_env, "plays", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in " ".join(result.stderr.split())


def test_the_list_pages_and_says_where_the_next_page_starts(
    account: GraphStore, store_env: dict[str, str]
) -> None:
    for day in ("2024-06-03", "2024-06-04", "2024-06-05"):
        opened = stakegraph(
            store_env, "plays", "open", "acc-a", "--kind", "value_delivery", "--on", day
        )
        assert opened.returncode == 0, opened.stderr
    first = json.loads(stakegraph(store_env, "plays", "list", "--limit", "2", "--json").stdout)
    assert (len(first["plays"]), first["count"], first["limit"], first["offset"]) == (2, 3, 2, 0)
    rest = stakegraph(store_env, "plays", "list", "--limit", "2", "--offset", "2", "--json")
    last = json.loads(rest.stdout)
    assert len(last["plays"]) == 1
    ids = [p["id"] for p in first["plays"] + last["plays"]]
    whole = json.loads(stakegraph(store_env, "plays", "list", "--json").stdout)
    assert [p["id"] for p in whole["plays"]] == ids and len(set(ids)) == 3
    table = stakegraph(store_env, "plays", "list", "--limit", "2")
    assert "plays 1-2 of 3; next: --offset 2" in table.stderr
    assert "plays 3-3 of 3" in stakegraph(store_env, "plays", "list", "--offset", "2").stderr


def test_a_request_id_over_64_characters_is_refused(
    account: GraphStore, store_env: dict[str, str]
) -> None:
    long_id = "r" * 65
    args = ("plays", "open", "acc-a", "--kind", "value_delivery", "--request-id")
    refused = stakegraph(store_env, *args, long_id)
    assert refused.returncode == 2 and "at most 64" in refused.stderr
    assert stakegraph(store_env, *args, long_id[:64]).returncode == 0
