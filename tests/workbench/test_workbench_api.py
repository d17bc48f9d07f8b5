"""GET /api/explore and POST /api/explore/{name} on the hand-built portfolio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from workbench_portfolio import build_portfolio, epoch

from stakegraph.api.app import create_app
from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore
from stakegraph.workbench import explorations as explorations_module
from stakegraph.workbench.explorations import explorations

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("explore-api-home")
    ring = KeyRing(home / "keys.json")
    return {
        "home": str(home),
        "account_manager": ring.create(Role.ACCOUNT_MANAGER, owner_id="u-am1"),
        "leader": ring.create(Role.LEADER),
        "analyst": ring.create(Role.ANALYST),
        "admin": ring.create(Role.ADMIN),
    }


@pytest.fixture(scope="module")
def client(store: GraphStore, keys: dict[str, str]) -> Iterator[TestClient]:
    build_portfolio(store)
    settings = ApiSettings(
        STAKEGRAPH_HOME=Path(keys["home"]),
        STAKEGRAPH_READ_MODEL=False,
        STAKEGRAPH_CACHE_TTL=0,
        STAKEGRAPH_CYPHER_MAX_ROWS=3,
    )
    with TestClient(create_app(store, settings=settings)) as test_client:
        yield test_client


def as_role(keys: dict[str, str], role: str) -> dict[str, str]:
    return {"X-API-Key": keys[role]}


def test_the_list_holds_every_exploration_with_its_parameters(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = client.get("/api/explore", headers=as_role(keys, "analyst")).json()
    assert body["count"] == len(explorations()) == len(body["data"])
    by_name = {item["name"]: item for item in body["data"]}
    silent = by_name["silent_key_stakeholders"]
    assert [(p["name"], p["type"], p["default_text"]) for p in silent["parameters"]] == [
        ("as_of", "date", "null"),
        ("renewal_days", "int", "90"),
        ("silent_days", "int", "30"),
        ("levels", "list", "vp,c_level"),
    ]
    assert silent["parameters"][3]["default"] == ["vp", "c_level"]
    assert silent["columns"][:3] == ["account_id", "account", "renewal_at"]
    assert [p["required"] for p in by_name["warm_path"]["parameters"]] == [
        True,
        True,
        False,
        False,
    ]


def test_an_exploration_runs_with_parameters_from_json(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = client.post(
        "/api/explore/silent_key_stakeholders",
        headers=as_role(keys, "analyst"),
        json={"parameters": {"silent_days": 60, "levels": ["c_level"], "as_of": "2024-07-01"}},
    )
    assert response.status_code == 200
    body = response.json()
    assert [row["person_id"] for row in body["rows"]] == ["c-cfo", "c-ceo", "a-cfo"]
    assert body["rows"][1]["last_seen_at"] == epoch("2024-03-01") + 10 * 3600
    assert body["parameters"]["as_of"] == epoch("2024-07-01")
    assert body["count"] == 3 and not body["truncated"]


def test_the_row_cap_of_cypher_applies(client: TestClient, keys: dict[str, str]) -> None:
    body = client.post(
        "/api/explore/silent_key_stakeholders",
        headers=as_role(keys, "admin"),
        json={"limit": 50},
    ).json()
    assert body["count"] == 3 and body["truncated"]  # 4 rows, capped at 3 by the server


def test_the_byte_cap_of_cypher_applies(
    store: GraphStore, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """STAKEGRAPH_CYPHER_MAX_BYTES reaches the runner as /api/cypher's does (it was left
    at the built-in 4 MB here)."""
    settings = ApiSettings(
        STAKEGRAPH_HOME=Path(keys["home"]),
        STAKEGRAPH_READ_MODEL=False,
        STAKEGRAPH_CACHE_TTL=0,
        STAKEGRAPH_CYPHER_MAX_BYTES=1234,
    )
    seen: list[int] = []
    run = explorations_module.run_read_only

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("max_bytes", -1))
        return run(*args, **kwargs)

    monkeypatch.setattr(explorations_module, "run_read_only", recording)
    with TestClient(create_app(store, settings=settings)) as capped:
        response = capped.post(
            "/api/explore/tier_overview", headers=as_role(keys, "analyst"), json={}
        )
    assert response.status_code == 200
    assert seen == [1234]


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"),
    [
        ("/api/explore/nope", {}, 404, "exploration 'nope' not found"),
        (
            "/api/explore/warm_path",
            {"parameters": {"to_person": "a-cto"}},
            422,
            "parameter 'from_person': required",
        ),
        (
            "/api/explore/owner_books",
            {"parameters": {"min_tier": "high"}},
            422,
            "parameter 'min_tier': 'high' is not a whole number",
        ),
        (  # past the stores' 64-bit integers: it failed in the driver, a 400 quoting Python
            "/api/explore/owner_books",
            {"parameters": {"min_tier": 1e300}},
            422,
            "parameter 'min_tier': 1e+300 is out of range (a 64-bit whole number)",
        ),
        (
            "/api/explore/owner_books",
            {"parameters": {"min_tier": "9" * 5000}},
            422,
            "is out of range (a 64-bit whole number)",
        ),
        ("/api/explore/owner_books", {"params": {}}, 422, "invalid request"),
    ],
)
def test_bad_requests_say_what_is_wrong(
    client: TestClient,
    keys: dict[str, str],
    path: str,
    body: dict[str, object],
    status: int,
    detail: str,
) -> None:
    response = client.post(path, headers=as_role(keys, "analyst"), json=body)
    assert response.status_code == status
    assert detail in response.json()["detail"]


@pytest.mark.parametrize("role", ["account_manager", "leader"])
def test_only_analysts_and_admins_may_explore(
    client: TestClient, keys: dict[str, str], role: str
) -> None:
    assert client.get("/api/explore", headers=as_role(keys, role)).status_code == 403
    response = client.post("/api/explore/owner_books", headers=as_role(keys, role), json={})
    assert response.status_code == 403
    assert client.get("/api/explore").status_code == 401


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2024-06-30", "null", "vp,c_level", "90", "1e400", "0.5"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=2)
    ),
    max_leaves=4,
)


@pytest.mark.parametrize("name", sorted(explorations()))
def test_no_parameter_value_makes_a_server_error(
    client: TestClient, keys: dict[str, str], name: str
) -> None:
    """Each exploration's own parameters with any JSON values: answered, or refused with a
    reason (422 naming the parameter, 400 when the store refuses), never a 500."""
    names = [p.name for p in explorations()[name].parameters]

    @given(parameters=st.dictionaries(st.sampled_from(names), JSON_VALUES, max_size=len(names)))
    @settings(max_examples=20, deadline=None, database=None)
    def check(parameters: dict[str, object]) -> None:
        response = client.post(
            f"/api/explore/{name}",
            headers=as_role(keys, "analyst"),
            json={"parameters": parameters},
        )
        assert response.status_code in (200, 400, 422), response.text
        if response.status_code == 422:
            assert "parameter" in response.json()["detail"]

    check()
