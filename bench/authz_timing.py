"""Can an account manager tell another owner's id from a missing one by the response time?

Serves an analysed portfolio in-process (read model on, as `stakegraph serve` does) and
asks, with an account manager's key, alternately for another owner's id and for an id
that does not exist, on every account- and person-scoped route; prints the median and
p90 of each and their ratio (1.0 = indistinguishable). Requests alternate so both
cases share whatever else the machine is doing.

    python bench/authz_timing.py --home /path/to/STAKEGRAPH_HOME --repeat 200
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
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
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    with (
        GraphStore.open(Settings(STAKEGRAPH_HOME=args.home)) as store,
        tempfile.TemporaryDirectory() as keys_home,
    ):
        owners = store.driver.execute_query(
            "MATCH (a:Account) WHERE a.owner_id IS NOT NULL "
            "RETURN a.owner_id AS owner, collect(a.id) AS accounts ORDER BY owner",
            database_=store.database,
        ).records
        me, other = owners[0], owners[1]
        foreign_account = other["accounts"][0]
        foreign_person = store.driver.execute_query(
            "MATCH (p:Person)-[:HOLDS_ROLE]->(:Account {id: $id}) RETURN p.id AS id LIMIT 1",
            {"id": foreign_account},
            database_=store.database,
        ).records[0]["id"]
        key = KeyRing(Path(keys_home) / "keys.json").create(
            Role.ACCOUNT_MANAGER, owner_id=me["owner"]
        )
        settings = ApiSettings(STAKEGRAPH_HOME=Path(keys_home), STAKEGRAPH_READ_MODEL_POLL=0)
        app = create_app(store, settings=settings)
        with TestClient(app, raise_server_exceptions=False) as client:
            app.state.read_model.ready.wait(timeout=600)
            print(
                f"account manager {me['owner']} ({len(me['accounts'])} accounts); foreign "
                f"account {foreign_account}, foreign person {foreign_person}; "
                f"{args.repeat} requests per case"
            )
            cases = [
                ("account detail", "/api/accounts/{}", foreign_account, "acc-missing"),
                ("map", "/api/accounts/{}/map", foreign_account, "acc-missing"),
                ("suggestions", "/api/accounts/{}/suggestions", foreign_account, "acc-missing"),
                (
                    "departure impact",
                    "/api/people/{}/departure-impact",
                    foreign_person,
                    "p-missing",
                ),
            ]
            headers = {"X-API-Key": key}
            print(
                f"{'route':18} {'foreign p50/p90 ms':>20} {'missing p50/p90 ms':>20}"
                f" {'ratio p50':>10}"
            )
            for label, template, foreign, missing in cases:
                times: dict[str, list[float]] = {"foreign": [], "missing": []}
                statuses = set()
                for _ in range(args.repeat):
                    for case, probe in (("foreign", foreign), ("missing", missing)):
                        started = time.perf_counter()
                        response = client.get(template.format(probe), headers=headers)
                        times[case].append((time.perf_counter() - started) * 1000)
                        statuses.add((case, response.status_code))
                f, m = (sorted(times[c]) for c in ("foreign", "missing"))
                p90 = int(0.9 * len(f))
                print(
                    f"{label:18} {statistics.median(f):9.2f} / {f[p90]:7.2f} "
                    f"{statistics.median(m):9.2f} / {m[p90]:7.2f} "
                    f"{statistics.median(f) / statistics.median(m):10.2f}   {sorted(statuses)}"
                )


if __name__ == "__main__":
    main()
