"""Benchmark: where an interaction's cost goes, stage by stage, client and store.

Imports a generated portfolio's reference data (people, accounts), then runs the
interactions phase's stages one after another per batch, with no overlap: reading the CSV,
validating (``transform_interactions``), deduplicating, resolving the ids the store holds
(``ingest/find_interactions``), creating the people met by address, packing the statement's
rows (``interaction_rows``), running the statement (the driver packs and sends it, the store
executes it) and committing. For each stage it prints microseconds per interaction of wall
clock, of this process's CPU and of the store's CPU (its process tree, from /proc), so the
store's own cost is read from what the store spent, not inferred from waiting.

CPU seconds hold up better than wall clock on a shared machine; the two-core budget is
what both sides may spend together when the writer overlaps the reading: 2 cores / target
= 133 us per interaction embedded (15,000/s), 67 us on Neo4j (30,000/s).

    python bench/ingest_profile.py --store both --accounts 300
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stores import add_store_option, chosen, generated, with_reference

from stakegraph.graph.store import GraphStore
from stakegraph.ingest.identity import Directory, KnownPerson
from stakegraph.ingest.load import (
    find_interactions,
    get_store_directory,
    interaction_rows,
    load_people_met_by_address,
)
from stakegraph.ingest.read import RawRow, find_import_files, read_rows
from stakegraph.ingest.transform import InteractionDeduplicator, transform_interactions

_TICK = os.sysconf("SC_CLK_TCK")
STAGES = (
    "read",
    "transform",
    "dedupe",
    "find",
    "people",
    "pack",
    "statement",
    "commit",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--per-account", type=int, default=520)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--statement", default="ingest/create_interactions")
    parser.add_argument("--out", type=Path, default=Path("bench/out/ingest"))
    add_store_option(parser)
    args = parser.parse_args()
    portfolio = generated(
        args.out, accounts=args.accounts, seed=args.seed, per_account=args.per_account
    )
    for backend in chosen(args.store):
        print(f"--- {backend}")
        with with_reference(backend, args.out, "profile", portfolio) as (store, pid):
            load = os.getloadavg()[0]
            clock = _Clock(pid)
            created = _profile(store, portfolio, clock, args.batch_size, args.statement)
            print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
            _print(clock, created)


class _Clock:
    """Wall clock, this process's CPU and the store process tree's CPU, summed per stage."""

    def __init__(self, store_pid: int | None) -> None:
        self.pids = _tree(store_pid) if store_pid else []
        self.wall: dict[str, float] = defaultdict(float)
        self.client: dict[str, float] = defaultdict(float)
        self.store: dict[str, float] = defaultdict(float)
        self.batches: list[float] = []  # the store's CPU seconds per interaction, per batch

    @contextmanager
    def stage(self, stage: str) -> Iterator[None]:
        wall, cpu, store = time.perf_counter(), time.process_time(), self._store_cpu()
        yield
        self.wall[stage] += time.perf_counter() - wall
        self.client[stage] += time.process_time() - cpu
        self.store[stage] += self._store_cpu() - store

    def _store_cpu(self) -> float:
        total = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / _TICK


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
            children[ppid].append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children[pid])
    return found


def _profile(
    store: GraphStore, portfolio: Path, clock: _Clock, batch_size: int, statement: str
) -> int:
    now = get_store_directory(store)
    directory = Directory.build(now.organizations, now.people)
    element_ids = dict(now.element_ids)
    dedupe = InteractionDeduplicator()
    item = find_import_files(portfolio)["interactions"]
    chunks = read_rows(item, chunk_size=batch_size)
    query = store.queries[statement]
    created = 0
    while True:
        with clock.stage("read"):
            chunk = next(chunks, None)
        if chunk is None:
            break
        with clock.stage("transform"):
            result = transform_interactions(chunk, directory=directory)
        with clock.stage("dedupe"):
            raws = {r.line: r for r in chunk if isinstance(r, RawRow)}
            unique, _ = dedupe(result.records, item.name, raws)
        with clock.stage("find"):
            in_store = find_interactions(store, [r.id for r in unique])
        new = [r for r in unique if r.id not in in_store]
        with clock.stage("people"):
            directory.add_people(
                KnownPerson(p.id, p.organization_id, (p.email,)) for r in new for p in r.new_people
            )
            wanted = {
                p.id: p for r in new for p in r.new_people if ("Person", p.id) not in element_ids
            }
            if wanted:
                made, _ = load_people_met_by_address(store, list(wanted.values()), run_id="bench")
                element_ids.update({("Person", k): v for k, v in made.items()})
        store_before = clock.store["statement"] + clock.store["commit"]
        with clock.stage("pack"):
            rows, _ = interaction_rows(new, element_ids=element_ids, reply_latencies={})
        with store.driver.session(database=store.database) as session:
            tx = session.begin_transaction()
            params: dict[str, Any] = {"rows": rows, "run_id": "bench"}
            query.check(params)
            with clock.stage("statement"):
                tx.run(query.text, params).consume()
            with clock.stage("commit"):
                tx.commit()
        store_after = clock.store["statement"] + clock.store["commit"]
        clock.batches.append((store_after - store_before) / max(len(rows), 1))
        created += len(rows)
    return created


def _print(clock: _Clock, created: int) -> None:
    print(f"{created:,} interactions; microseconds per interaction, stages run one at a time")
    print(f"  {'stage':<10}{'wall':>8}{'client CPU':>12}{'store CPU':>11}")
    for stage in STAGES:
        print(
            f"  {stage:<10}"
            + "".join(
                f"{d[stage] / created * 1e6:{w}.1f}"
                for d, w in ((clock.wall, 8), (clock.client, 12), (clock.store, 11))
            )
        )
    totals = [sum(d.values()) / created * 1e6 for d in (clock.wall, clock.client, clock.store)]
    print(f"  {'total':<10}{totals[0]:8.1f}{totals[1]:12.1f}{totals[2]:11.1f}")
    first, rest = clock.batches[:3], sorted(clock.batches[len(clock.batches) // 2 :])
    print(
        "  store CPU of statement and commit, first 3 batches: "
        + ", ".join(f"{b * 1e6:.0f}" for b in first)
        + f" us per interaction; median of the later half {rest[len(rest) // 2] * 1e6:.0f} us"
    )
    print(
        f"  client + store CPU {totals[1] + totals[2]:.1f} us per interaction: at most "
        f"{2e6 / (totals[1] + totals[2]):,.0f}/s on two cores with perfect overlap"
    )


if __name__ == "__main__":
    sys.exit(main())
