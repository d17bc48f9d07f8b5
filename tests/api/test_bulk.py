"""Broadcasts stay off stakeholder maps: flagged ``bulk`` or over the bulk threshold.

Two newsletters are filed under Alan's ``acc-a`` on 2024-06-18, inside the map's window:
one flagged ``bulk`` to Carol (theirs) and Cy Ode (Beth's ``acc-c``), one not flagged to
Carol and 30 people of ``acc-c``. Neither is a relationship of ``acc-a``: no reader of
another account may appear in its map, suggestions or departure impact, for anyone, and
an account manager must not learn of Cy Ode through them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_client import SERVING_MODES, serving_as
from api_portfolio import changed_portfolio, epoch, headers
from fastapi.testclient import TestClient

from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

BULK_THRESHOLD = 25  # stakegraph.vocabulary.BULK_THRESHOLD

pytestmark = pytest.mark.store

READERS = [f"c-reader-{n:02d}" for n in range(30)]
OUTSIDERS = {"c-ceo", *READERS}
AT = epoch("2024-06-18") + 14 * 3600


def add_newsletters(store: GraphStore) -> None:
    def run(text: str, **params: Any) -> None:
        store.driver.execute_query(text, params, database_=store.database)

    run(
        """
        MATCH (o:Organization {id: 'acc-c'})
        UNWIND $ids AS id
        CREATE (:Person {id: id, name: 'Reader ' + id, organization_id: 'acc-c'})-[:MEMBER_OF]->(o)
        """,
        ids=READERS,
    )
    newsletters = [
        ("i-news-flagged", True, ["a-champ", "c-ceo"]),
        ("i-news-wide", False, ["a-champ", *READERS]),
    ]
    assert len(newsletters[1][2]) + 1 > BULK_THRESHOLD  # the unflagged one is over it
    run(
        """
        UNWIND $rows AS r
        MATCH (a:Account {id: 'acc-a'})
        CREATE (i:Interaction {id: r.id, kind: 'email', at_epoch: $at, subject: 'Newsletter',
                               account_id: 'acc-a', bulk: r.bulk,
                               participants: size(r.people) + 1,
                               person_ids: ['u-vps'] + r.people,
                               person_roles: ['from'] + [x IN r.people | 'to']})-[:ABOUT]->(a)
        WITH i, r
        MATCH (sender:Person {id: 'u-vps'})
        CREATE (sender)-[:PARTICIPATED {as: 'from'}]->(i)
        WITH i, r
        UNWIND r.people AS pid
        MATCH (p:Person {id: pid})
        CREATE (p)-[:PARTICIPATED {as: 'to'}]->(i)
        """,
        rows=[{"id": i, "bulk": b, "people": people} for i, b, people in newsletters],
        at=AT,
    )


@pytest.fixture(scope="module")
def newsletter_store(store: GraphStore) -> Iterator[GraphStore]:
    with changed_portfolio(store, add_newsletters) as changed:
        yield changed


@pytest.fixture(scope="module", params=SERVING_MODES)
def client(
    request: pytest.FixtureRequest, newsletter_store: GraphStore, api_settings: ApiSettings
) -> Iterator[TestClient]:
    with serving_as(request.param, newsletter_store, api_settings) as test_client:
        yield test_client


def people_in(answer: Any) -> set[str]:
    """Every person id anywhere in an answer (any ``id``, ``source`` or ``target`` field)."""
    found: set[str] = set()
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key in ("id", "source", "target") and isinstance(value, str):
                found.add(value)
            found |= people_in(value)
    elif isinstance(answer, list):
        for item in answer:
            found |= people_in(item)
    return found


@pytest.mark.parametrize("role", ["account_manager", "admin"])
@pytest.mark.parametrize("as_of", ["", "?as_of=2024-06-29"])
def test_no_reader_of_a_newsletter_on_the_map(
    client: TestClient, keys: dict[str, str], role: str, as_of: str
) -> None:
    h = headers(keys[role])
    for view in ("map", "suggestions"):
        response = client.get(f"/api/accounts/acc-a/{view}{as_of}", headers=h)
        assert response.status_code == 200
        assert not people_in(response.json()) & OUTSIDERS, view
    nodes = {
        n["id"] for n in client.get(f"/api/accounts/acc-a/map{as_of}", headers=h).json()["nodes"]
    }
    assert {"a-champ", "u-am1"} <= nodes  # the map itself is still there
    # The newsletters are not ties either: Vera only knows Ed (knows.csv), she sent no mail.
    edges = client.get(f"/api/accounts/acc-a/map{as_of}", headers=h).json()["edges"]
    assert not [e for e in edges if "u-vps" in (e["source"], e["target"])]


def test_a_newsletter_does_not_make_a_reader_part_of_the_account(
    client: TestClient, keys: dict[str, str]
) -> None:
    am = headers(keys["account_manager"])
    for person in ("c-ceo", "c-reader-07"):
        response = client.get(f"/api/people/{person}/departure-impact", headers=am)
        assert response.json() == {"detail": f"person '{person}' not found"}
    impact = client.get(
        "/api/people/a-champ/departure-impact", headers=headers(keys["admin"])
    ).json()
    assert not people_in(impact) & OUTSIDERS
