"""Departure impact: one request alone, ten different people at once, and the same again.

Serves an analysed portfolio in-process (read model on, response cache on as by default)
with a leader's key and prints, for the account managers (ours: involved in many
accounts) and customer people:

- one request alone, uncached (the first time each person is asked for);
- ten requests for ten different people sent at once: each one's latency, and the wall time;
- the same ten again at once (answers the cache may hold).

    python bench/departure_impact.py --home /path/to/STAKEGRAPH_HOME
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient

from stakegraph.api.app import create_app
from stakegraph.api.keys import KeyRing, Role
from stakegraph.api.settings import ApiSettings
from stakegraph.config import Settings
from stakegraph.graph.store import GraphStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="an analysed STAKEGRAPH_HOME")
    args = parser.parse_args()

    with (
        GraphStore.open(Settings(STAKEGRAPH_HOME=args.home)) as store,
        tempfile.TemporaryDirectory() as keys_home,
    ):
        owners = [
            r["owner"]
            for r in store.driver.execute_query(
                "MATCH (a:Account) WHERE a.owner_id IS NOT NULL "
                "RETURN DISTINCT a.owner_id AS owner ORDER BY owner",
                database_=store.database,
            ).records
        ]
        customers = [
            r["id"]
            for r in store.driver.execute_query(
                "MATCH (p:Person)-[:HOLDS_ROLE]->(a:Account) "
                "RETURN DISTINCT p.id AS id ORDER BY id LIMIT 40",
                database_=store.database,
            ).records
        ]
        key = KeyRing(Path(keys_home) / "keys.json").create(Role.LEADER)
        settings = ApiSettings(STAKEGRAPH_HOME=Path(keys_home), STAKEGRAPH_READ_MODEL_POLL=0)
        app = create_app(store, settings=settings)
        with TestClient(app, raise_server_exceptions=False) as client:
            app.state.read_model.ready.wait(timeout=600)
            headers = {"X-API-Key": key}

            def ask(person: str) -> float:
                started = time.perf_counter()
                response = client.get(f"/api/people/{person}/departure-impact", headers=headers)
                assert response.status_code == 200, response.text
                return time.perf_counter() - started

            for label, people in (("account manager", owners), ("customer person", customers)):
                alone = [ask(p) for p in people[:3]]
                print(f"{label}: alone, uncached: " + ", ".join(f"{t:.2f} s" for t in alone))
                batch = people[3:13]
                for round_ in ("ten at once", "the same ten again"):
                    started = time.perf_counter()
                    with ThreadPoolExecutor(len(batch)) as pool:
                        times = list(pool.map(ask, batch))
                    wall = time.perf_counter() - started
                    print(
                        f"{label}: {round_}: latency median {statistics.median(times):.2f} s, "
                        f"max {max(times):.2f} s, wall {wall:.2f} s"
                    )


if __name__ == "__main__":
    main()
