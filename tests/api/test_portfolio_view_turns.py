"""One key's views computed per request cannot take the server's worker threads from the
others.

Found against a running server (40-account demo, seed 3): one leader key's 60 KPI requests
at once, each for another period so that the cache answered none, held the thread pool's
40 threads, and an admin's map of another day waited 67 s instead of 0.11 s; one account
manager's 200 suggestions of other days made another key's play KPIs wait 6.8 s instead of
0.07 s. A key now computes one such view (KPI sheet, digest, monthly report, a map or
suggestions of a day the read model does not hold) at a time; its other requests wait
their turn without a thread and are all answered. The QBR pack, the play routes and the
outreach plan, also computed per request, were outside the turn until they were found the
same way: they are held to it below.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_client import serving
from api_portfolio import headers
from fastapi.testclient import TestClient

from stakegraph import reports
from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.service import kpis as kpis_service
from stakegraph.api.service import outreach as outreach_service
from stakegraph.api.service import plays as plays_service
from stakegraph.api.service import suggestions as suggestions_service
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

# More than the thread pool's 40 worker threads (anyio's default).
REQUESTS = 45


BOUND = 60  # seconds: a bound so that a starved request fails the test, not a timing


class Gate:
    """Holds every call of a service function until released, counting the calls begun."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        self.calls = 0
        compute = getattr(module, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            self.started.set()
            assert self.release.wait(120)
            return compute(*args, **kwargs)

        monkeypatch.setattr(module, name, held)


def _settings(home: Path) -> ApiSettings:
    return ApiSettings(
        STAKEGRAPH_HOME=home,
        STAKEGRAPH_CACHE_TTL=0,
        STAKEGRAPH_READ_MODEL_POLL=0,
        STAKEGRAPH_RATE_LIMIT=0,
    )


def _flood_while_another_key_is_served(
    client: TestClient, gate: Gate, request: Callable[[int], int], other_key: str
) -> None:
    """REQUESTS of one key at once: the first computes (held by the gate), the others wait;
    another key's request that needs a worker thread (the play list) is answered
    meanwhile; once the gate opens, every one of them is answered."""
    with concurrent.futures.ThreadPoolExecutor(REQUESTS + 2) as pool:
        try:
            answers = [pool.submit(request, n) for n in range(REQUESTS)]
            assert gate.started.wait(BOUND)
            time.sleep(2)  # let the others reach their turn (or, before, a thread)
            plays = pool.submit(client.get, "/api/plays", headers=headers(other_key))
            assert plays.result(timeout=20).status_code == 200
            assert gate.calls == 1
        finally:
            gate.release.set()
        assert [f.result(timeout=BOUND) for f in answers] == [200] * REQUESTS


def test_one_keys_kpi_sheets_wait_their_turn_without_holding_threads(
    portfolio: GraphStore, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A leader key's KPI sheets, each for another period."""
    home = Path(keys["home"])
    flooder = KeyRing(home / "keys.json").create(Role.LEADER)
    gate = Gate(monkeypatch, kpis_service, "kpi_report")
    with serving(portfolio, _settings(home)) as client:

        def sheet(n: int) -> int:
            url = f"/api/kpis?from=2024-01-{1 + n % 28:02d}&to=2024-07-01"
            return client.get(url, headers=headers(flooder)).status_code

        _flood_while_another_key_is_served(client, gate, sheet, keys["leader"])


def test_one_keys_suggestions_of_other_days_wait_their_turn(
    portfolio: GraphStore, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An account manager's suggestions, each as of another day."""
    gate = Gate(monkeypatch, suggestions_service, "remapping_suggestions")
    with serving(portfolio, _settings(Path(keys["home"]))) as client:

        def remap(n: int) -> int:
            url = f"/api/accounts/acc-a/suggestions?as_of=2024-0{1 + n // 28}-{1 + n % 28:02d}"
            return client.get(url, headers=headers(keys["account_manager"])).status_code

        _flood_while_another_key_is_served(client, gate, remap, keys["leader"])


@pytest.mark.parametrize(
    ("module", "name", "role", "method", "url"),
    [
        (reports, "qbr_report", "account_manager", "GET", "/api/accounts/acc-a/reports/qbr"),
        (plays_service, "kpis", "account_manager", "GET", "/api/plays/kpis"),
        (outreach_service, "outreach_plan", "leader", "POST", "/api/outreach/plan"),
    ],
    ids=["qbr", "play-kpis", "outreach"],
)
def test_one_keys_qbr_plays_and_outreach_wait_their_turn(
    portfolio: GraphStore,
    keys: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    name: str,
    role: str,
    method: str,
    url: str,
) -> None:
    """The same flood through the other views computed per request (each another quarter
    or plan, as a key defeating a cache would send them; the play routes share one
    router-wide turn)."""
    home = Path(keys["home"])
    ring = KeyRing(home / "keys.json")
    flooder = keys["account_manager"] if role == "account_manager" else ring.create(Role(role))
    gate = Gate(monkeypatch, module, name)
    with serving(portfolio, _settings(home)) as client:

        def ask(n: int) -> int:
            params = {"quarter": f"{2013 + n // 4}-Q{1 + n % 4}"} if "qbr" in url else {}
            body = {"min_tier": 1 + n % 5} if method == "POST" else None
            return client.request(
                method, url, params=params, json=body, headers=headers(flooder)
            ).status_code

        _flood_while_another_key_is_served(client, gate, ask, keys["admin"])
