"""Benchmark: analyze's store reads, another revision's against this checkout's, in one process.

The baseline is another revision's source tree (a ``git archive`` of it): its
``analytics/run.py`` and its read queries run on the same store connection as this
checkout's, alternately, round after round. Each round times ``read_frames`` (interactions
with their participants, people, roles, accounts, renewals) and ``read_beyond_frames``
(usage, tickets, engagements), serial and as ``analyze`` runs them (at once), with the CPU
seconds of this process beside the wall clock, and checks that both revisions read equal
frames (values, dtypes, columns and row order). Then, for this checkout's interactions
read alone, where its time goes: the store's execution (the same query returning only each
account's count), the query with the driver's decoding, and building the two frames.

    mkdir /tmp/base && git archive main | tar -x -C /tmp/base
    python bench/read_frames.py PORTFOLIO --baseline /tmp/base --store embedded --rounds 3

``--analyze N`` then runs each revision's whole ``analyze`` (52 windows) N times,
alternately, prints its stages, and checks that every run left the same snapshots (every
property), signals and risk in the store.

The portfolio is imported into a store under ``--home`` the first time (kept for the
embedded store; Neo4j's data is temporary, so it imports every run).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import neo4j
import pandas as pd
from stores import add_store_option, chosen, open_store

from stakegraph.analytics import run
from stakegraph.dates import midnight_after
from stakegraph.graph.queries import QueryRegistry, parse_query
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

READS = ("read_interactions", "read_usage", "read_tickets", "read_engagements")
FRAMES = ("interactions", "participations", "people", "roles", "accounts", "renewals")
BEYOND = ("usage", "tickets", "engagements")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("portfolio", type=Path)
    parser.add_argument("--baseline", type=Path, required=True, help="another revision's tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--home", type=Path, default=Path("bench/out/read_frames"))
    parser.add_argument("--analyze", type=int, default=0, help="rounds of the whole analyze")
    add_store_option(parser)
    args = parser.parse_args()
    baseline = _baseline_run(args.baseline.resolve())
    for backend in chosen(args.store):
        print(f"--- {backend}")
        with open_store(backend, args.home / f"home-{backend}") as (store, _):
            store.ensure_schema()
            if store.counts()["Interaction"] == 0:
                started = time.perf_counter()
                import_directory(store, args.portfolio)
                print(f"import (setup, not timed): {time.perf_counter() - started:.1f} s")
            baseline_store = _baseline_store(store, args.baseline)
            _against_baseline(store, baseline, baseline_store, args.rounds)
            _where_the_time_goes(store, args.rounds)
            if args.analyze:
                _analyze_against_baseline(store, baseline, baseline_store, args.analyze)


def _baseline_run(tree: Path) -> ModuleType:
    """The baseline's analytics/run.py, as a module of its own (the rest is this checkout's)."""
    spec = importlib.util.spec_from_file_location(
        "baseline_run", tree / "stakegraph" / "analytics" / "run.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _baseline_store(store: GraphStore, tree: Path) -> GraphStore:
    """The same store connection, running the baseline's text of the reads that changed."""
    queries = dict(store.queries)
    for read in READS:
        name = f"analytics/{read}"
        text = (tree / "stakegraph" / "cypher" / f"{name}.cypher").read_text()
        queries[name] = parse_query(name, text)
    other = copy.copy(store)
    other.queries = QueryRegistry(queries)
    return other


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _against_baseline(
    store: GraphStore, baseline: ModuleType, baseline_store: GraphStore, rounds: int
) -> None:
    until = midnight_after(int(store.query("analytics/latest_interaction")[0]["latest"]))
    sides = {"baseline": (baseline, baseline_store), "this": (run, store)}
    seconds: dict[tuple[str, str], list[tuple[float, float]]] = {}
    read: dict[str, list[pd.DataFrame]] = {}
    print(f"load average at the start: {_load()}")
    for _ in range(rounds):
        for side, (module, on) in sides.items():
            for serial in (True, False):
                mode = "serial" if serial else "at once"
                start = _clock()
                frames = module.read_frames(on, since=0, until=until, serial=serial)
                middle = _clock()
                beyond = module.read_beyond_frames(on, until=until, serial=serial)
                end = _clock()
                for stage, (a, b) in (("read_frames", (start, middle)), ("beyond", (middle, end))):
                    seconds.setdefault((f"{stage} {mode}", side), []).append(
                        (b[0] - a[0], b[1] - a[1])
                    )
                read[side] = [getattr(frames, n) for n in FRAMES] + [
                    getattr(beyond, n) for n in BEYOND
                ]
            print(
                f"{side}: "
                + ", ".join(
                    f"{stage} {times[-1][0]:.2f} s"
                    for (stage, who), times in seconds.items()
                    if who == side
                ),
                flush=True,
            )
    print(f"load average at the end: {_load()}")
    same = [
        a.equals(b) and list(a.dtypes) == list(b.dtypes) and list(a.columns) == list(b.columns)
        for a, b in zip(read["baseline"], read["this"], strict=True)
    ]
    names = (*FRAMES, *BEYOND)
    print(
        "identical frames: "
        + ", ".join(
            f"{n} {ok} ({len(f):,} rows)"
            for n, ok, f in zip(names, same, read["this"], strict=True)
        )
    )
    for stage in dict.fromkeys(stage for stage, _ in seconds):
        old = [statistics.median(t[i] for t in seconds[stage, "baseline"]) for i in (0, 1)]
        new = [statistics.median(t[i] for t in seconds[stage, "this"]) for i in (0, 1)]
        print(
            f"{stage}: baseline {old[0]:.2f} s (CPU {old[1]:.2f}), this {new[0]:.2f} s "
            f"(CPU {new[1]:.2f}), {old[0] / new[0]:.2f}x wall, {old[1] / new[1]:.2f}x CPU"
        )


def _where_the_time_goes(store: GraphStore, rounds: int) -> None:
    """This checkout's interactions read, alone: the store, the driver, the frames."""
    until = midnight_after(int(store.query("analytics/latest_interaction")[0]["latest"]))
    text = store.queries["analytics/read_interactions"].text
    # The same aggregation, each account's lists built but only their length shipped.
    store_only = text.replace("RETURN", "WITH", 1) + " RETURN account_id, size(at) AS items"

    def query(cypher: str) -> Callable[[], list[list[Any]]]:
        def rows() -> list[list[Any]]:
            with store.driver.session(
                database=store.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                return session.execute_read(
                    lambda tx: [r.values() for r in tx.run(cypher, since=0, until=until)]
                )

        return rows

    fetched: list[list[Any]] = []

    class Fetched:
        """Serves the rows already fetched, to time building the frames alone."""

        def query_values(self, name: str, **params: Any) -> list[list[Any]]:
            return fetched

    parts: dict[str, list[tuple[float, float]]] = {}
    for _ in range(rounds):
        for part, work in (
            ("store executes, ships counts only", query(store_only)),
            ("store executes and ships, driver decodes", query(text)),
            (
                "frames built from the decoded rows",
                lambda: run._read_interactions(Fetched(), since=0, until=until),  # type: ignore[arg-type]
            ),
        ):
            start = _clock()
            result = work()
            end = _clock()
            if part.startswith("store executes and ships"):
                fetched[:] = result
            parts.setdefault(part, []).append((end[0] - start[0], end[1] - start[1]))
    print(f"this checkout's interactions read, median of {rounds} (load {_load()}):")
    for part, times in parts.items():
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        print(f"  {part}: {wall:.2f} s (CPU of this process {cpu:.2f} s)")


def _analyze_against_baseline(
    store: GraphStore, baseline: ModuleType, baseline_store: GraphStore, rounds: int
) -> None:
    """Each revision's whole analyze, alternately; what each run left in the store."""
    sides = {"baseline": (baseline, baseline_store), "this": (run, store)}
    seconds: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    landed: list[Any] = []
    print(f"analyze, load average at the start: {_load()}")
    for _ in range(rounds):
        for side, (module, on) in sides.items():
            started = time.perf_counter()
            report = module.analyze(on, windows=52)
            total = time.perf_counter() - started
            seconds[side].append({**report.seconds, "end to end": total})
            landed.append(_landed(store))
            print(f"{side}: {report.describe()}, end to end {total:.1f} s", flush=True)
    print(f"analyze, load average at the end: {_load()}")
    print(
        "every run left the same snapshots, signals and risk:",
        landed.count(landed[0]) == len(landed),
    )
    for stage in seconds["this"][0]:
        old = statistics.median(run_[stage] for run_ in seconds["baseline"])
        new = statistics.median(run_[stage] for run_ in seconds["this"])
        print(f"  {stage}: baseline {old:.1f} s, this {new:.1f} s, {old / new:.2f}x")


def _landed(store: GraphStore) -> tuple[Any, ...]:
    """What analyze leaves: every snapshot's properties, every signal, every account's risk."""

    def rows(cypher: str) -> list[str]:
        records, _, _ = store.driver.execute_query(cypher, database_=store.database)
        return sorted(repr(r.values()) for r in records)

    return (
        rows("MATCH (s:Snapshot) RETURN s.id, properties(s)"),
        sorted(repr(sorted(r.items())) for r in store.query("analytics/read_signals")),
        rows("MATCH (a:Account) RETURN a.id, a.risk_score, a.risk_tier, a.risk_factors"),
    )


def _load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[0]


if __name__ == "__main__":
    main()
