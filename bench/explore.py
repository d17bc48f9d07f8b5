"""Time every curated exploration on a generated, ingested and analysed portfolio.

    python bench/explore.py --accounts 200 --seed 7

Uses a fresh STAKEGRAPH_HOME in a temporary directory (the embedded store). Each exploration
runs with its defaults (an account and two tied people for those that need them) through the
read-only runner, as the API and notebooks run it; the figure is the median of --repeat runs.
The baseline, in the same process and through the same runner, is a trivial read
(`MATCH (a:Account) RETURN count(a)`): the fixed cost of one read-only statement.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from stakegraph.analytics.run import analyze
from stakegraph.config import Settings
from stakegraph.generate import generate_portfolio
from stakegraph.graph.readonly import run_read_only
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory
from stakegraph.workbench.explorations import explorations, run_exploration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--home", type=Path, help="keep the store here and reuse it when already loaded"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or Path(scratch)
        with GraphStore.open(Settings(STAKEGRAPH_HOME=home / "store")) as store:
            if store.counts().get("Account", 0) != args.accounts:
                _load(store, home, args.accounts, args.seed)
            params = _required(store)

            def timed(run: object) -> tuple[float, int]:
                seconds = []
                rows = 0
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    rows = len(run().rows)  # type: ignore[operator]
                    seconds.append(time.perf_counter() - start)
                return statistics.median(seconds), rows

            baseline, _ = timed(
                lambda: run_read_only(store, "MATCH (a:Account) RETURN count(a) AS n")
            )
            print(f"baseline (trivial read): {baseline * 1000:.1f} ms")
            print(f"{'exploration':28} {'ms':>9} {'rows':>6} {'x baseline':>11}")
            for name in explorations():
                seconds, rows = timed(
                    lambda name=name: run_exploration(
                        store, name, params.get(name, {}), limit=100_000, timeout_s=600
                    )
                )
                print(f"{name:28} {seconds * 1000:9.1f} {rows:6d} {seconds / baseline:11.1f}")


def _load(store: GraphStore, home: Path, accounts: int, seed: int) -> None:
    started = time.perf_counter()
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)
    store.ensure_schema()
    generate_portfolio(home / "portfolio", accounts=accounts, seed=seed)
    import_directory(store, home / "portfolio", rejects_dir=home / "rejects")
    analyze(store)
    elapsed = time.perf_counter() - started
    print(f"{accounts} accounts loaded and analysed in {elapsed:.1f} s; {store.counts()}")


def _required(store: GraphStore) -> dict[str, dict[str, str]]:
    tie = run_read_only(
        store,
        "MATCH (a:Account) WITH a ORDER BY size(a.tie_targets) DESC LIMIT 1 "
        "MATCH (x:Person)-[t:TIE {account_id: a.id}]->(y:Person) "
        "RETURN a.id AS account_id, x.id AS a, y.id AS b ORDER BY t.strength DESC LIMIT 1",
    ).rows[0]
    return {
        "account_ties": {"account_id": tie["account_id"]},
        "warm_path": {"from_person": tie["a"], "to_person": tie["b"]},
    }


if __name__ == "__main__":
    main()
