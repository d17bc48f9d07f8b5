"""Fixtures of the API tests: the hand-built portfolio (api_portfolio.py), keys, a client.

Helpers that test modules import live in api_portfolio.py and api_client.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import SERVING_MODES, serving, serving_as
from api_portfolio import build_portfolio
from fastapi.testclient import TestClient

from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore


@pytest.fixture(scope="module")
def portfolio(store: GraphStore) -> GraphStore:
    build_portfolio(store)
    return store


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One key per role (the account manager is Alan, owner of acc-a and acc-b)."""
    home = tmp_path_factory.mktemp("api-home")
    ring = KeyRing(home / "keys.json")
    return {
        "home": str(home),
        "account_manager": ring.create(Role.ACCOUNT_MANAGER, owner_id="u-am1"),
        "leader": ring.create(Role.LEADER),
        "analyst": ring.create(Role.ANALYST),
        "admin": ring.create(Role.ADMIN),
    }


@pytest.fixture(scope="module")
def api_settings(keys: dict[str, str]) -> ApiSettings:
    # No response cache: every test sees the store as it is (caching has its own tests).
    # The read model is built once at start-up and then only when a test asks for it.
    # No rate limits (test_rate_limits.py has theirs): the fuzzing sends thousands of
    # requests with one key, the role matrix hundreds of bad keys.
    return ApiSettings(
        STAKEGRAPH_HOME=Path(keys["home"]),
        STAKEGRAPH_CACHE_TTL=0,
        STAKEGRAPH_READ_MODEL_POLL=0,
        STAKEGRAPH_RATE_LIMIT=0,
        STAKEGRAPH_AUTH_FAILURE_LIMIT=0,
    )


@pytest.fixture(scope="module")
def client(portfolio: GraphStore, api_settings: ApiSettings) -> Iterator[TestClient]:
    with serving(portfolio, api_settings) as test_client:
        yield test_client


@pytest.fixture(scope="module", params=SERVING_MODES)
def served(
    request: pytest.FixtureRequest, portfolio: GraphStore, api_settings: ApiSettings
) -> Iterator[TestClient]:
    """The module's portfolio served both ways: from the precomputed read model and
    computed per request (a module that asks for it runs its tests once each)."""
    with serving_as(request.param, portfolio, api_settings) as test_client:
        yield test_client
