"""A departed stakeholder's new employer stays off the map of the account they left.

Gil (``a-gone``) left Alan's ``acc-a`` on 2024-05-15 and is still on its map as of
2024-06-30 (a call on 2024-05-01, flagged ``departed``). Here he then joined Beth's
``acc-c`` (his ``organization_id`` is now ``acc-c``). Before, the map's node carried that
``organization_id``: Alan's key learned that ``acc-c`` exists and who works there.
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

pytestmark = pytest.mark.store


def move_gil_to_cyan(store: GraphStore) -> None:
    def run(text: str, **params: Any) -> None:
        store.driver.execute_query(text, params, database_=store.database)

    run(
        """
        MATCH (p:Person {id: 'a-gone'}), (o:Organization {id: 'acc-c'})
        SET p.organization_id = 'acc-c'
        CREATE (p)-[:MEMBER_OF]->(o)
        CREATE (p)-[:HOLDS_ROLE {title: 'CPO', level: 'c_level', function: 'product',
                                 start_epoch: $start, end_epoch: null}]->(o)
        """,
        start=epoch("2024-06-01"),
    )


@pytest.fixture(scope="module")
def moved_store(store: GraphStore) -> Iterator[GraphStore]:
    with changed_portfolio(store, move_gil_to_cyan) as changed:
        yield changed


@pytest.fixture(scope="module", params=SERVING_MODES)
def client(
    request: pytest.FixtureRequest, moved_store: GraphStore, api_settings: ApiSettings
) -> Iterator[TestClient]:
    with serving_as(request.param, moved_store, api_settings) as test_client:
        yield test_client


@pytest.mark.parametrize("as_of", ["", "?as_of=2024-06-29"])
def test_the_map_names_no_organization_but_ours_and_the_account(
    client: TestClient, keys: dict[str, str], as_of: str
) -> None:
    response = client.get(
        f"/api/accounts/acc-a/map{as_of}", headers=headers(keys["account_manager"])
    )
    assert response.status_code == 200
    nodes = {n["id"]: n for n in response.json()["nodes"]}
    assert nodes["a-gone"]["flags"] == ["departed"]
    assert nodes["a-gone"]["organization_id"] is None
    assert nodes["a-champ"]["organization_id"] == "acc-a"
    assert nodes["u-am1"]["organization_id"] == "home"
    assert "acc-c" not in response.text
