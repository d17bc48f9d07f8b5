"""The read model: refreshed when the store changes, filtered per caller, identical answers.

Refreshes are triggered by calling ``refresh()`` (the test settings turn polling off), so
nothing here waits on a clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_client import serving
from api_portfolio import build_portfolio, headers
from fastapi.testclient import TestClient

from stakegraph.analytics.run import analyze
from stakegraph.api.read_model import ReadModel, ReadModelHolder
from stakegraph.api.service import accounts, maps, suggestions
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

READS = (
    "/api/accounts",
    "/api/accounts?sort=name&limit=2&offset=1",
    "/api/accounts/acc-a",
    "/api/accounts/acc-a/map",
    "/api/accounts/acc-a/suggestions",
    "/api/accounts/acc-c/map",
)


@pytest.fixture
def fresh(store: GraphStore) -> GraphStore:
    """The hand-built portfolio, rebuilt: these tests change the store."""
    build_portfolio(store)
    return store


@pytest.fixture
def app_client(fresh: GraphStore, api_settings: ApiSettings) -> Iterator[TestClient]:
    with serving(fresh, api_settings) as client:
        yield client


def holder_of(client: TestClient) -> ReadModelHolder:
    holder: ReadModelHolder = client.app.state.read_model  # type: ignore[attr-defined]
    return holder


def per_request(store: GraphStore, settings: ApiSettings, key: str) -> dict[str, Any]:
    """Every read in READS answered by the per-request path."""
    off = settings.model_copy(update={"read_model": False})
    with serving(store, off) as client:
        return {path: client.get(path, headers=headers(key)).json() for path in READS}


def no_store_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every per-request read fail loudly, so a 200 proves the model answered."""

    def explode(*args: object, **kwargs: object) -> None:
        raise AssertionError("answered per request, not from the read model")

    for module, name in (
        (accounts, "list_accounts"),
        (accounts, "account_detail"),
        (accounts, "account_row"),
        (maps, "account_row"),
        (maps, "stakeholder_map"),
        (suggestions, "account_row"),
        (suggestions, "remapping_suggestions"),
    ):
        monkeypatch.setattr(module, name, explode)


def test_answers_equal_the_per_request_path(
    app_client: TestClient, fresh: GraphStore, api_settings: ApiSettings, keys: dict[str, str]
) -> None:
    served = {path: app_client.get(path, headers=headers(keys["admin"])).json() for path in READS}
    assert served == per_request(fresh, api_settings, keys["admin"])


def test_analysis_rerun_is_served_after_refresh(
    app_client: TestClient, fresh: GraphStore, api_settings: ApiSettings, keys: dict[str, str]
) -> None:
    admin = headers(keys["admin"])
    before = app_client.get("/api/accounts/acc-a", headers=admin).json()
    assert (before["risk_score"], before["analyzed_at"]) == (0.8, "2024-06-30")
    holder = holder_of(app_client)
    assert holder.refresh() is False  # nothing changed yet

    report = analyze(fresh)  # the real analysis, over the portfolio's interactions
    assert report.accounts == 3
    # Until the model is rebuilt, the previous state is served, whole.
    assert app_client.get("/api/accounts/acc-a", headers=admin).json() == before

    assert holder.refresh() is True
    after = app_client.get("/api/accounts/acc-a", headers=admin).json()
    assert after["analyzed_at"] == "2024-06-25"  # the day of the latest interaction
    assert after["risk_score"] != before["risk_score"]
    assert len(after["timeline"]["window_end"]) == 52  # the analysis' weekly windows
    served = {path: app_client.get(path, headers=admin).json() for path in READS}
    assert served == per_request(fresh, api_settings, keys["admin"])
    assert holder.refresh() is False


def test_new_account_is_answered_per_request_until_the_next_build(
    app_client: TestClient, fresh: GraphStore, keys: dict[str, str]
) -> None:
    admin = headers(keys["admin"])
    fresh.driver.execute_query(
        "CREATE (:Organization:Account {id: 'acc-d', name: 'Delta', kind: 'account'})",
        database_=fresh.database,
    )
    model = holder_of(app_client).model
    assert model is not None and "acc-d" not in model.accounts
    assert app_client.get("/api/accounts/acc-d", headers=admin).json()["name"] == "Delta"
    assert app_client.get("/api/accounts", headers=admin).json()["count"] == 3
    assert holder_of(app_client).refresh() is True  # one more account: a new fingerprint
    assert app_client.get("/api/accounts", headers=admin).json()["count"] == 4


def test_a_change_of_owner_is_applied_at_the_next_check_without_a_build(
    app_client: TestClient, fresh: GraphStore, keys: dict[str, str]
) -> None:
    """Alan (u-am1) owns acc-a and acc-b. acc-a goes to Beth, acc-c comes to Alan: the
    next check applies it to the serving model (before, Alan kept seeing acc-a until a
    build, up to a minute on a large store, and a change the fingerprint misses, never)."""
    alan = headers(keys["account_manager"])
    assert app_client.get("/api/accounts/acc-a", headers=alan).status_code == 200
    fresh.driver.execute_query(
        "MATCH (a:Account {id: 'acc-a'}) SET a.owner_id = 'u-am2' "
        "WITH 1 AS done MATCH (c:Account {id: 'acc-c'}) SET c.owner_id = 'u-am1'",
        database_=fresh.database,
    )
    holder = holder_of(app_client)
    built = holder.model
    assert holder.refresh() is False  # the fingerprint holds no owner: no build
    for suffix in ("", "/map", "/suggestions"):
        gone = app_client.get(f"/api/accounts/acc-a{suffix}", headers=alan)
        assert gone.status_code == 404
        assert gone.json() == {"detail": "account 'acc-a' not found"}
        assert app_client.get(f"/api/accounts/acc-c{suffix}", headers=alan).status_code == 200
    listed = app_client.get("/api/accounts", headers=alan).json()
    assert sorted(a["id"] for a in listed["data"]) == ["acc-b", "acc-c"]
    assert holder.model is not built  # the build's answers, the store's owners


def test_precomputed_answers_are_filtered_per_caller(
    app_client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_store_reads(monkeypatch)
    alan, admin = headers(keys["account_manager"]), headers(keys["admin"])
    body = app_client.get("/api/accounts", headers=alan).json()
    assert [a["id"] for a in body["data"]] == ["acc-a", "acc-b"] and body["count"] == 2
    assert app_client.get("/api/accounts?owner=u-am2", headers=alan).json() == {
        "data": [],
        "count": 0,
        "limit": 50,
        "offset": 0,
    }
    assert [
        a["id"]
        for a in app_client.get("/api/accounts?segment=enterprise", headers=alan).json()["data"]
    ] == ["acc-a"]
    for suffix in ("", "/map", "/suggestions"):
        theirs = app_client.get(f"/api/accounts/acc-c{suffix}", headers=alan)
        # Beth's account answers exactly like a missing one.
        assert theirs.status_code == 404
        assert theirs.json() == {"detail": "account 'acc-c' not found"}
        assert app_client.get(f"/api/accounts/acc-a{suffix}", headers=alan).json() == (
            app_client.get(f"/api/accounts/acc-a{suffix}", headers=admin).json()
        )
        assert app_client.get(f"/api/accounts/acc-c{suffix}", headers=admin).status_code == 200


def test_other_days_are_computed_per_request(
    app_client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = headers(keys["admin"])
    computed: list[object] = []
    real = maps.stakeholder_map

    def recorded(*args: Any, **kwargs: Any) -> Any:
        computed.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(maps, "stakeholder_map", recorded)
    earlier = app_client.get("/api/accounts/acc-a/map?as_of=2024-05-10", headers=admin)
    assert earlier.json()["as_of"] == "2024-05-10"
    # The analysis day, by default or asked for explicitly, is the precomputed answer.
    default = app_client.get("/api/accounts/acc-a/map", headers=admin).json()
    explicit = app_client.get("/api/accounts/acc-a/map?as_of=2024-06-30", headers=admin).json()
    assert explicit == default
    assert [str(day) for day in computed] == ["2024-05-10"]


def test_ready_reports_the_read_model(app_client: TestClient, api_settings: ApiSettings) -> None:
    assert app_client.get("/ready").json()["read_model"] == "ready"
    off = api_settings.model_copy(update={"read_model": False})
    with serving(app_client.app.state.store, off) as client:  # type: ignore[attr-defined]
        assert client.get("/ready").json()["read_model"] == "off"


def test_page_of_an_empty_model() -> None:
    model = ReadModel(stamp=(), accounts={}, orders={"name": ()}, built_at=0.0, build_s=0.0)
    from stakegraph.api.keys import Principal, Role

    admin = Principal(key_id="k", role=Role.ADMIN, owner_id=None)
    page = model.page(admin, segment=None, tier=None, owner_id=None, sort="name", limit=5, offset=0)
    assert page == b'{"data":[],"count":0,"limit":5,"offset":0}'
