"""One key's views computed per request cannot take the server's worker threads from the
others.

Found against a running server (40-account demo, seed 3): one leader key's 60 KPI requests
at once, each for another period so that the cache answered none, held the thread pool's
40 threads, and an admin's map of another day waited 67 s instead of 0.11 s; one account
manager's 200 suggestions of other days made another key's play KPIs wait 6.8 s instead of
0.07 s. A key now computes one such view (KPI sheet, digest, monthly report, a map or
suggestions of a day the read model does not hold) at a time; its other requests wait
their turn without a thread and are all answered.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from api_client import serving
from api_portfolio import headers

from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.service import kpis as kpis_service
from stakegraph.api.service import suggestions as suggestions_service
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

# More than the thread pool's 40 worker threads (anyio's default).
REQUESTS = 45


def test_one_keys_kpi_sheets_wait_their_turn_without_holding_threads(
    portfolio: GraphStore, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key's first sheet computes (held until the test lets it go); its 44 others,
    for other periods, wait; meanwhile another key's request that needs a worker thread
    (the play list) is answered; then every sheet is answered."""
    home = Path(keys["home"])
    flooder = KeyRing(home / "keys.json").create(Role.LEADER)
    settings = ApiSettings(
        STAKEGRAPH_HOME=home,
        STAKEGRAPH_CACHE_TTL=0,
        STAKEGRAPH_READ_MODEL_POLL=0,
        STAKEGRAPH_RATE_LIMIT=0,
    )
    started, release = threading.Event(), threading.Event()
    computing = [0]
    compute = kpis_service.kpi_report

    def held(*args: Any, **kwargs: Any) -> Any:
        computing[0] += 1
        started.set()
        assert release.wait(120)
        return compute(*args, **kwargs)

    monkeypatch.setattr(kpis_service, "kpi_report", held)
    bound = 60  # seconds: a bound so that a starved request fails the test, not a timing
    with serving(portfolio, settings) as client:

        def sheet(day: int) -> int:
            url = f"/api/kpis?from=2024-01-{day:02d}&to=2024-07-01"
            return client.get(url, headers=headers(flooder)).status_code

        with concurrent.futures.ThreadPoolExecutor(REQUESTS + 2) as pool:
            try:
                sheets = [pool.submit(sheet, 1 + n % 28) for n in range(REQUESTS)]
                assert started.wait(bound)
                time.sleep(2)  # let the others reach their turn (or, before, a thread)
                plays = pool.submit(client.get, "/api/plays", headers=headers(keys["leader"]))
                assert plays.result(timeout=20).status_code == 200
                assert computing[0] == 1
            finally:
                release.set()
            assert [f.result(timeout=bound) for f in sheets] == [200] * REQUESTS


def test_one_keys_suggestions_of_other_days_wait_their_turn(
    portfolio: GraphStore, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for an account manager's suggestions, each as of another day."""
    settings = ApiSettings(
        STAKEGRAPH_HOME=Path(keys["home"]),
        STAKEGRAPH_CACHE_TTL=0,
        STAKEGRAPH_READ_MODEL_POLL=0,
        STAKEGRAPH_RATE_LIMIT=0,
    )
    started, release = threading.Event(), threading.Event()
    computing = [0]
    compute = suggestions_service.remapping_suggestions

    def held(*args: Any, **kwargs: Any) -> Any:
        computing[0] += 1
        started.set()
        assert release.wait(120)
        return compute(*args, **kwargs)

    monkeypatch.setattr(suggestions_service, "remapping_suggestions", held)
    bound = 60
    with serving(portfolio, settings) as client:

        def remap(n: int) -> int:
            url = f"/api/accounts/acc-a/suggestions?as_of=2024-0{1 + n // 28}-{1 + n % 28:02d}"
            return client.get(url, headers=headers(keys["account_manager"])).status_code

        with concurrent.futures.ThreadPoolExecutor(REQUESTS + 2) as pool:
            try:
                answers = [pool.submit(remap, n) for n in range(REQUESTS)]
                assert started.wait(bound)
                time.sleep(2)
                plays = pool.submit(client.get, "/api/plays", headers=headers(keys["leader"]))
                assert plays.result(timeout=20).status_code == 200
                assert computing[0] == 1
            finally:
                release.set()
            assert [f.result(timeout=bound) for f in answers] == [200] * REQUESTS
