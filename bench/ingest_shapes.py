"""Benchmark: statement shapes of the interactions write, interleaved, on prepared records.

Like ``ingest_writers.py`` (same preparation: the portfolio's reference data imported,
every interaction validated and its people created beforehand), but compares statement
shapes, one writer each, rounds interleaving them so a change of load falls on all. Per
shape: wall clock and the store process tree's CPU (from /proc) per interaction, and the
ratio against the first shape (the statement in use).

    python bench/ingest_shapes.py --store both --shapes current,batch_nodes
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import neo4j
from ingest_profile import _Clock
from ingest_writers import _prepared
from stores import add_store_option, chosen, with_reference

from stakegraph.graph.store import GraphStore
from stakegraph.ingest.load import interaction_rows, load_interactions
from stakegraph.ingest.records import InteractionRecord

_NODE = """CREATE (i:Interaction {id: row[0], kind: row[1], at: datetime({epochSeconds: row[2]}),
                       at_epoch: row[2], subject: row[3], thread_id: row[4],
                       in_reply_to: row[5], reply_latency_s: row[6], account_id: row[7],
                       participants: size(row[9]), person_ids: row[10], person_roles: row[11],
                       bulk: row[12], category: row[13], severity: row[14],
                       status: row[15], import_run: $run_id})
"""
# Each account and person of the batch found once, by position in the batch's lists.
BATCH_NODES = (
    """UNWIND $accounts AS account
MATCH (a) WHERE elementId(a) = account
WITH collect(a) AS accounts
UNWIND $people AS person
MATCH (p) WHERE elementId(p) = person
WITH accounts, collect(p) AS people
WHERE size(accounts) = size($accounts) AND size(people) = size($people)
UNWIND $rows AS row
WITH accounts[row[8]] AS a, people, row
"""
    + _NODE
    + """CREATE (i)-[:ABOUT]->(a)
WITH i, row, people
UNWIND range(0, size(row[9]) - 1) AS k
WITH i, people[row[9][k]] AS p, row[11][k] AS role
CREATE (p)-[:PARTICIPATED {as: role}]->(i)
"""
)
# The participations from a second UNWIND over flat [row, person element id, as] triples.
FLAT_PAIRS = (
    """UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[8]
"""
    + _NODE
    + """CREATE (i)-[:ABOUT]->(a)
WITH collect(i) AS made
UNWIND $pairs AS pair
MATCH (p) WHERE elementId(p) = pair[1]
WITH made[pair[0]] AS i, p, pair
CREATE (p)-[:PARTICIPATED {as: pair[2]}]->(i)
"""
)
# The current statement with labels on the element-id matches: on Neo4j the planner then
# knows that the interactions created cannot be the nodes matched, and plans no Eager.
LABELLED = (
    """UNWIND $rows AS row
MATCH (a:Organization) WHERE elementId(a) = row[8]
"""
    + _NODE
    + """CREATE (i)-[:ABOUT]->(a)
WITH i, row
UNWIND range(0, size(row[9]) - 1) AS k
MATCH (p:Person) WHERE elementId(p) = row[9][k]
CREATE (p)-[:PARTICIPATED {as: row[11][k]}]->(i)
"""
)
# Nodes by their indexed ids instead of element ids (the unique constraints).
BY_ID = (
    """UNWIND $rows AS row
MATCH (a:Organization {id: row[7]})
"""
    + _NODE
    + """CREATE (i)-[:ABOUT]->(a)
WITH i, row
UNWIND range(0, size(row[10]) - 1) AS k
MATCH (p:Person {id: row[10][k]})
CREATE (p)-[:PARTICIPATED {as: row[11][k]}]->(i)
"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default="current,batch_nodes")
    parser.add_argument("--per-shape", type=int, default=10_000, help="interactions per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--warm", type=int, default=10_000, help="interactions per shape, uncounted"
    )
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=Path("bench/out/ingest"))
    add_store_option(parser)
    args = parser.parse_args()
    shapes = args.shapes.split(",")
    portfolio = args.out / "portfolio"
    for backend in chosen(args.store):
        print(f"--- {backend}")
        with with_reference(backend, args.out, "shapes", portfolio) as (store, pid):
            records, element_ids = _prepared(store, portfolio)
            # A first round, not counted, warms the store's compiled code for every shape.
            warm = len(shapes) * args.warm
            needed = warm + len(shapes) * args.rounds * args.per_shape
            if needed > len(records):
                sys.exit(f"{needed:,} interactions needed, the portfolio has {len(records):,}")
            load = os.getloadavg()[0]
            wall: dict[str, list[float]] = {shape: [] for shape in shapes}
            cpu: dict[str, list[float]] = {shape: [] for shape in shapes}
            offset = 0
            for shape in shapes:
                part = records[offset : offset + args.warm]
                offset += args.warm
                _write(store, WRITES[shape], part, element_ids, args.batch)
            for _ in range(args.rounds):
                for shape in shapes:
                    part = records[offset : offset + args.per_shape]
                    offset += args.per_shape
                    clock = _Clock(pid)
                    started = time.perf_counter()
                    with clock.stage("write"):
                        _write(store, WRITES[shape], part, element_ids, args.batch)
                    wall[shape].append((time.perf_counter() - started) / len(part) * 1e6)
                    cpu[shape].append(clock.store["write"] / len(part) * 1e6)
            print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
            first_wall, first_cpu = (statistics.median(d[shapes[0]]) for d in (wall, cpu))
            for shape in shapes:
                w, c = statistics.median(wall[shape]), statistics.median(cpu[shape])
                print(
                    f"  {shape:<12} wall {w:6.0f} us ({first_wall / w:.2f}x; rounds "
                    f"{', '.join(f'{u:.0f}' for u in wall[shape])}), store CPU {c:5.0f} us "
                    f"({first_cpu / c:.2f}x; rounds {', '.join(f'{u:.0f}' for u in cpu[shape])})"
                )


Writer = Callable[[GraphStore, Sequence[InteractionRecord], dict[tuple[str, str], str]], Any]


def _write(
    store: GraphStore,
    writer: Writer,
    records: Sequence[InteractionRecord],
    element_ids: dict[tuple[str, str], str],
    batch: int,
) -> None:
    for start in range(0, len(records), batch):
        writer(store, records[start : start + batch], element_ids)


def _current(
    store: GraphStore, records: Sequence[InteractionRecord], element_ids: dict[tuple[str, str], str]
) -> None:
    load_interactions(store, records, run_id="bench", element_ids=element_ids, reply_latencies={})


def _statement(text: str, params: Callable[..., dict[str, Any]]) -> Writer:
    def write(
        store: GraphStore,
        records: Sequence[InteractionRecord],
        element_ids: dict[tuple[str, str], str],
    ) -> None:
        rows, expected = interaction_rows(records, element_ids=element_ids, reply_latencies={})
        values = params(rows)

        def work(tx: neo4j.ManagedTransaction) -> None:
            counters = tx.run(text, values).consume().counters
            if counters.nodes_created != len(rows) or counters.relationships_created != expected:
                raise RuntimeError(f"created {counters}, expected {len(rows)} and {expected}")

        with store.driver.session(database=store.database) as session:
            session.execute_write(work)

    return write


def _batch_nodes_params(rows: list[list[Any]]) -> dict[str, Any]:
    accounts: dict[str, int] = {}
    people: dict[str, int] = {}
    out = []
    for row in rows:
        row = list(row)
        row[8] = accounts.setdefault(row[8], len(accounts))
        row[9] = [people.setdefault(e, len(people)) for e in row[9]]
        out.append(row)
    return {"accounts": list(accounts), "people": list(people), "rows": out, "run_id": "bench"}


def _flat_pairs_params(rows: list[list[Any]]) -> dict[str, Any]:
    pairs = [
        [n, element_id, role]
        for n, row in enumerate(rows)
        for element_id, role in zip(row[9], row[11], strict=True)
    ]
    return {"rows": rows, "pairs": pairs, "run_id": "bench"}


WRITES: dict[str, Writer] = {
    "current": _current,
    "batch_nodes": _statement(BATCH_NODES, _batch_nodes_params),
    "flat_pairs": _statement(FLAT_PAIRS, _flat_pairs_params),
    "batch_labelled": _statement(
        BATCH_NODES.replace("MATCH (a)", "MATCH (a:Organization)").replace(
            "MATCH (p)", "MATCH (p:Person)"
        ),
        _batch_nodes_params,
    ),
    "labelled": _statement(LABELLED, lambda rows: {"rows": rows, "run_id": "bench"}),
    "by_id": _statement(BY_ID, lambda rows: {"rows": rows, "run_id": "bench"}),
}


if __name__ == "__main__":
    sys.exit(main())
