"""Benchmark: the interactions write alone, on prepared records, by batch size and writers.

Reads and validates the portfolio's interactions once, then writes disjoint slices of them
with each shape in turn (rounds interleave the shapes, so a change of machine load falls
on all of them): ``writers`` threads, each a session of its own, write batches of
``batch`` interactions with ``load_interactions`` (one transaction per batch), at most
``writers`` batches in flight. Prints microseconds per interaction and interactions/s per
shape, and each shape's ratio against the first (the shape the import used before).

    python bench/ingest_writers.py --store both --shapes 1x5000,2x5000,1x20000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from stores import add_store_option, chosen, generated, with_reference

from stakegraph.graph.store import GraphStore
from stakegraph.ingest.identity import Directory, KnownPerson
from stakegraph.ingest.load import (
    get_store_directory,
    load_interactions,
    load_people_met_by_address,
)
from stakegraph.ingest.read import find_import_files, read_rows
from stakegraph.ingest.records import InteractionRecord
from stakegraph.ingest.transform import transform_interactions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--per-account", type=int, default=520)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--shapes", default="1x5000,2x5000,1x20000", help="WRITERSxBATCH,...")
    parser.add_argument("--per-shape", type=int, default=20_000, help="interactions per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench/out/ingest"))
    add_store_option(parser)
    args = parser.parse_args()
    shapes = [tuple(int(v) for v in s.split("x")) for s in args.shapes.split(",")]
    portfolio = generated(
        args.out, accounts=args.accounts, seed=args.seed, per_account=args.per_account
    )
    for backend in chosen(args.store):
        print(f"--- {backend}")
        with with_reference(backend, args.out, "writers", portfolio) as (store, _):
            records, element_ids = _prepared(store, portfolio)
            needed = len(shapes) * args.rounds * args.per_shape
            if needed > len(records):
                sys.exit(f"{needed:,} interactions needed, the portfolio has {len(records):,}")
            timings: dict[tuple[int, ...], list[float]] = {shape: [] for shape in shapes}
            offset = 0
            for _ in range(args.rounds):
                for shape in shapes:
                    part = records[offset : offset + args.per_shape]
                    offset += args.per_shape
                    writers, batch = shape
                    started = time.perf_counter()
                    _write(store, part, element_ids, writers=writers, batch=batch)
                    seconds = time.perf_counter() - started
                    timings[shape].append(seconds / len(part) * 1e6)
            print(f"load average {os.getloadavg()[0]:.1f} at the end")
            first = statistics.median(timings[shapes[0]])
            for shape, us in timings.items():
                median = statistics.median(us)
                print(
                    f"  {shape[0]} writer(s) x batch {shape[1]:>6,}: "
                    f"{median:6.0f} us per interaction = {1e6 / median:7,.0f}/s "
                    f"(rounds {', '.join(f'{u:.0f}' for u in us)}; "
                    f"{first / median:.2f}x the first shape)"
                )


def _prepared(
    store: GraphStore, portfolio: Path
) -> tuple[list[InteractionRecord], dict[tuple[str, str], str]]:
    now = get_store_directory(store)
    directory = Directory.build(now.organizations, now.people)
    records: dict[str, InteractionRecord] = {}
    for chunk in read_rows(find_import_files(portfolio)["interactions"], chunk_size=5000):
        result = transform_interactions(chunk, directory=directory)
        for record in result.records:
            records.setdefault(record.id, record)
        directory.add_people(
            KnownPerson(p.id, p.organization_id, (p.email,))
            for r in result.records
            for p in r.new_people
        )
    element_ids = dict(now.element_ids)
    people = {p.id: p for r in records.values() for p in r.new_people}
    missing = [p for p in people.values() if ("Person", p.id) not in element_ids]
    created, _ = load_people_met_by_address(store, missing, run_id="bench")
    element_ids.update({("Person", k): v for k, v in created.items()})
    return list(records.values()), element_ids


def _write(
    store: GraphStore,
    records: Sequence[InteractionRecord],
    element_ids: dict[tuple[str, str], str],
    *,
    writers: int,
    batch: int,
) -> None:
    batches = [records[s : s + batch] for s in range(0, len(records), batch)]
    with ThreadPoolExecutor(max_workers=writers) as pool:
        for done in pool.map(
            lambda b: load_interactions(
                store, b, run_id="bench", element_ids=element_ids, reply_latencies={}
            ),
            batches,
        ):
            del done


if __name__ == "__main__":
    sys.exit(main())
