"""Benchmark: import a generated portfolio of >= 1,000,000 interactions into the store.

Prints interactions/s for the real import (batched UNWIND, one transaction per batch): of
the interactions phase alone (the targets' figure) and of the whole import, with the
seconds of each phase; where the interactions phase goes: the writer's seconds (the store's
statements with the driver around them, in microseconds per interaction) against reading
and validating the same file again with no store (Python alone, which the writer
overlaps); peak memory of this process and of the store process; and the ratio against a
naive row-at-a-time load (one transaction and one MERGE per interaction and participant)
run on a slice in the same process against the same store.

    python bench/ingest.py --store both          # 2,000 accounts, ~1.04M interactions
    python bench/ingest.py --accounts 200 --per-account 300 --naive-rows 1000   # quick look

`--store embedded|neo4j|both` (default embedded): with both, each figure is printed for
both stores with the ratio Neo4j / embedded. Targets (2 cores): >= 15,000 interactions/s
on the embedded ArcadeDB, >= 30,000/s on Neo4j.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import time
from pathlib import Path

import neo4j
from memory import process_peak_mb, self_peak_mb
from stores import add_store_option, chosen, compare, open_store, reference_only

from stakegraph.generate import generate_portfolio
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory
from stakegraph.ingest.identity import Directory
from stakegraph.ingest.load import get_store_directory
from stakegraph.ingest.read import find_import_files, read_rows
from stakegraph.ingest.transform import transform_interactions

# The baseline on purpose does what the real loader avoids: a transaction per row and a
# MERGE per node and relationship. It lives here, not in stakegraph/cypher/, because it is
# not part of the product.
NAIVE_INTERACTION = """
MERGE (i:Interaction {id: $id})
SET i.kind = $kind, i.at = datetime($at), i.at_epoch = datetime($at).epochSeconds
WITH i
MATCH (a:Account {id: $account_id})
MERGE (i)-[:ABOUT]->(a)
WITH i
UNWIND $participants AS part
MATCH (p:Person {id: part.person_id})
MERGE (p)-[r:PARTICIPATED]->(i)
SET r.as = part.role
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--per-account", type=int, default=520, help="interactions per account")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--writers", type=int, default=1, help="batches written at once")
    parser.add_argument("--naive-rows", type=int, default=2000, help="slice for the baseline")
    parser.add_argument("--out", type=Path, default=Path("bench/out/ingest"))
    add_store_option(parser)
    args = parser.parse_args()

    portfolio = args.out / "portfolio"
    if not (portfolio / "interactions.csv").exists():
        started = time.perf_counter()
        generate_portfolio(
            portfolio,
            accounts=args.accounts,
            seed=args.seed,
            interactions_per_account=args.per_account,
        )
        print(f"generated {portfolio} in {time.perf_counter() - started:.1f} s")
    rows = _count_rows(portfolio / "interactions.csv")
    print(f"portfolio: {args.accounts} accounts, {rows:,} interaction rows")
    print(f"driver neo4j {neo4j.__version__}, packstream in {_packstream_codec()}")
    figures = {backend: _run(backend, portfolio, args.out, args) for backend in chosen(args.store)}
    compare(
        figures,
        higher_is_better={
            name: False
            for name in next(iter(figures.values()))
            if "seconds" in name or "MB" in name or " us " in name
        },
    )


def _run(backend: str, portfolio: Path, out: Path, args: argparse.Namespace) -> dict[str, float]:
    print(f"--- {backend}")
    home = out / f"home-{backend}"
    shutil.rmtree(home, ignore_errors=True)
    with open_store(backend, home) as (store, store_pid):
        store.ensure_schema()
        # Baseline first, on an empty store with the reference data loaded (people,
        # accounts), so both loaders see the same graph size when they start.
        import_directory(store, reference_only(portfolio, out / "reference"))
        naive_rate = _naive_load(store, portfolio, limit=args.naive_rows)
        store.driver.execute_query(
            "MATCH (i:Interaction) DETACH DELETE i", database_=store.database
        )
        print(
            f"naive row-at-a-time load: {naive_rate:,.0f} interactions/s "
            f"(on the first {args.naive_rows:,})"
        )

        started = time.perf_counter()
        writers = args.writers
        report = import_directory(store, portfolio, batch_size=args.batch_size, writers=writers)
        seconds = time.perf_counter() - started
        loaded = store.counts()["Interaction"]
        store_peak_mb = process_peak_mb(store_pid)  # before the store stops
        python_seconds = _python_side(store, portfolio, batch_size=args.batch_size)
    rate = loaded / seconds
    stages = report.stage_seconds
    phase_rate = report.interactions_per_second or 0.0
    print(
        f"interactions phase: {report.interactions_created:,} interactions in "
        f"{stages['interactions']:.1f} s = {phase_rate:,.0f} interactions/s "
        "(read, validate, write; the figure the targets are set on)"
    )
    print(
        f"whole import: {loaded:,} interactions in {seconds:.1f} s = {rate:,.0f} interactions/s "
        f"(with organizations, people, roles, renewals, engagements and usage; "
        f"batch {args.batch_size:,}, {writers} writer(s))"
    )
    print("  phases: " + ", ".join(f"{name} {s:.1f} s" for name, s in stages.items()))
    created = max(report.interactions_created, 1)
    write_us = report.interactions_write_seconds / created * 1e6
    python_us = python_seconds / created * 1e6
    print(
        f"  interactions writers busy {report.interactions_write_seconds:.1f} s "
        f"({report.interactions_write_seconds / stages['interactions']:.0%} of the phase, "
        f"summed over {writers}) = "
        f"{write_us:.0f} us per interaction (store and driver); read and validate alone, "
        f"no store: {python_seconds:.1f} s = {python_us:.0f} us per interaction"
    )
    usage = report.file("usage").rows_loaded if "usage" in stages else 0
    if usage:
        print(f"  usage: {usage:,} rows = {usage / stages['usage']:,.0f} rows/s")
    print(f"ratio vs naive: {rate / naive_rate:.1f}x")
    print(
        f"peak memory: this process {self_peak_mb():,.0f} MB (so far); "
        f"store process {store_peak_mb:,.0f} MB"
    )
    print(f"rows rejected: {report.rows_rejected}")
    return {
        "interactions phase, interactions/s": phase_rate,
        "writers": writers,
        "whole import, interactions/s": rate,
        "import seconds": seconds,
        **{f"{name} phase seconds": s for name, s in stages.items()},
        "write us per interaction": write_us,
        "read+validate us per interaction": python_us,
        "naive interactions/s": naive_rate,
        "ratio vs naive": rate / naive_rate,
        "store peak MB": store_peak_mb,
    }


def _python_side(store: GraphStore, portfolio: Path, *, batch_size: int) -> float:
    """Seconds to read and validate the interactions file again against the store's
    people (all known by now), with no write: the Python part the writer overlaps."""
    now = get_store_directory(store)
    directory = Directory.build(now.organizations, now.people)
    item = find_import_files(portfolio)["interactions"]
    started = time.perf_counter()
    for chunk in read_rows(item, chunk_size=batch_size):
        transform_interactions(chunk, directory=directory)
    return time.perf_counter() - started


def _packstream_codec() -> str:
    """Whether the driver packs parameters with neo4j-rust-ext (the targets assume it)."""
    from neo4j._codec.packstream import v1  # private: the one place that says which is in use

    if getattr(v1, "_rust_pack", None) is not None:
        return "Rust (neo4j-rust-ext)"
    return "pure Python: install neo4j-rust-ext"


def _naive_load(store: GraphStore, portfolio: Path, *, limit: int) -> float:
    email_to_id: dict[str, str] = {}
    with (portfolio / "people.csv").open(newline="") as handle:
        for person in csv.DictReader(handle):
            for email in filter(None, (person.get("emails") or "").split(";")):
                email_to_id[email.strip().lower()] = person["id"]
    loaded = 0
    started = time.perf_counter()
    with (
        (portfolio / "interactions.csv").open(newline="") as handle,
        store.driver.session(database=store.database) as session,
    ):
        for row in csv.DictReader(handle):
            if loaded >= limit:
                break
            if not row.get("account_id"):
                continue
            participants = []
            for role in ("from", "to", "cc"):
                for who in filter(None, (row.get(role) or "").split(";")):
                    who = who.strip().lower() if "@" in who else who.strip()
                    participants.append({"person_id": email_to_id.get(who, who), "role": role})
            session.execute_write(
                lambda tx, row=row, participants=participants: tx.run(
                    NAIVE_INTERACTION,
                    id=row["id"],
                    kind=row["kind"],
                    at=row["at"],
                    account_id=row["account_id"],
                    participants=participants,
                ).consume()
            )
            loaded += 1
    return loaded / (time.perf_counter() - started)


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


if __name__ == "__main__":
    sys.exit(main())
