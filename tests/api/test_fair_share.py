"""One key cannot take the server from the others: departure impacts wait for their slot
without holding a worker thread, and a key computes one at a time.

(Analysts' statements have the same rule in the read-only runner:
tests/api/test_cypher_route.py.)
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
from stakegraph.api.service import people as people_service
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

# More than the thread pool's 40 worker threads (anyio's default).
CALLERS = 45


def test_waiting_departure_impacts_hold_no_thread_and_a_key_computes_one_at_a_time(
    portfolio: GraphStore, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One impact computes (held until the test lets it go) in the only slot; a second
    request of its key is refused at once; 44 other keys' requests wait for the slot, and
    meanwhile a request that needs a worker thread (the play list) is still answered."""
    ring = KeyRing(Path(keys["home"]) / "keys.json")
    callers = [ring.create(Role.LEADER) for _ in range(CALLERS)]
    settings = ApiSettings(
        STAKEGRAPH_HOME=Path(keys["home"]),
        STAKEGRAPH_CACHE_TTL=0,
        STAKEGRAPH_READ_MODEL_POLL=0,
        STAKEGRAPH_IMPACT_CONCURRENCY=1,
    )
    started, release = threading.Event(), threading.Event()
    compute = people_service.departure_impact

    def held(*args: Any, **kwargs: Any) -> Any:
        started.set()
        assert release.wait(120)
        return compute(*args, **kwargs)

    monkeypatch.setattr(people_service, "departure_impact", held)
    bound = 60  # seconds: a bound so that a starved request fails the test, not a timing
    with serving(portfolio, settings) as client:

        def impact(key: str) -> int:
            url = "/api/people/c-ceo/departure-impact"
            return client.get(url, headers=headers(key)).status_code

        with concurrent.futures.ThreadPoolExecutor(CALLERS + 2) as pool:
            try:
                first = pool.submit(impact, callers[0])
                assert started.wait(bound)
                again = pool.submit(impact, callers[0])
                assert again.result(timeout=bound) == 429
                waiting = [pool.submit(impact, key) for key in callers[1:]]
                time.sleep(2)  # let them reach the wait for the slot
                plays = pool.submit(
                    client.get, "/api/plays", headers=headers(keys["leader"])
                ).result(timeout=bound)
                assert plays.status_code == 200
            finally:
                release.set()
            assert first.result(timeout=bound) == 200
            assert [f.result(timeout=bound) for f in waiting] == [200] * (CALLERS - 1)
        # Answered, the key may ask again.
        assert impact(callers[0]) == 200
