"""The benchmarks' stores: the embedded ArcadeDB and a Neo4j, opened the same way.

``--store neo4j`` starts a local Neo4j Community server from neo4j-launcher/ (or uses the
one NEO4J_URI names); its data is temporary. ``compare`` prints each figure side by side
with the ratio Neo4j / embedded.
"""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stakegraph.config import Settings
from stakegraph.generate import generate_portfolio
from stakegraph.graph.embedded import running_store_pid
from stakegraph.graph.local_neo4j import LocalNeo4j
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

BACKENDS = ("embedded", "neo4j")
# The Neo4j the benchmarks start: heap and page cache sized for ~1M interactions
# (the embedded store's heap is STAKEGRAPH_STORE_HEAP, 2g by default).
NEO4J_HEAP = "3g"
NEO4J_PAGECACHE = "2g"


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", choices=(*BACKENDS, "both"), default="embedded")


def chosen(option: str) -> tuple[str, ...]:
    return BACKENDS if option == "both" else (option,)


def reference_only(portfolio: Path, target: Path) -> Path:
    """A copy of the import directory with an empty interactions file: the people, roles
    and accounts loaded before the interactions a benchmark times."""
    target.mkdir(parents=True, exist_ok=True)
    for path in portfolio.glob("*.csv"):
        if path.name == "interactions.csv":
            with path.open() as source:
                header = source.readline()
            (target / path.name).write_text(header)
        else:
            shutil.copy(path, target / path.name)
    return target


def generated(out: Path, *, accounts: int, seed: int, per_account: int) -> Path:
    """``out/portfolio``, generated on the first run and reused after."""
    portfolio = out / "portfolio"
    if not (portfolio / "interactions.csv").exists():
        generate_portfolio(
            portfolio, accounts=accounts, seed=seed, interactions_per_account=per_account
        )
    return portfolio


@contextmanager
def with_reference(
    backend: str, out: Path, name: str, portfolio: Path
) -> Iterator[tuple[GraphStore, int | None]]:
    """A fresh store in ``out/<name>-<backend>`` holding the portfolio's people, roles and
    accounts (:func:`reference_only`), the interactions left for the benchmark to write."""
    home = out / f"{name}-{backend}"
    shutil.rmtree(home, ignore_errors=True)
    with open_store(backend, home) as (store, pid):
        store.ensure_schema()
        import_directory(store, reference_only(portfolio, out / "reference"))
        yield store, pid


@contextmanager
def open_store(backend: str, home: Path) -> Iterator[tuple[GraphStore, int | None]]:
    """The store and the pid of its server process (None when it runs elsewhere)."""
    if backend == "embedded":
        with GraphStore.open(Settings(STAKEGRAPH_HOME=home, NEO4J_URI="")) as store:
            yield store, running_store_pid(home)
    elif os.environ.get("NEO4J_URI"):
        with GraphStore.open(Settings(STAKEGRAPH_HOME=home)) as store:
            yield store, None
    else:
        server = LocalNeo4j(heap=NEO4J_HEAP, pagecache=NEO4J_PAGECACHE)
        with server as endpoint:
            settings = Settings(
                STAKEGRAPH_HOME=home,
                NEO4J_URI=endpoint.uri,
                NEO4J_USER=endpoint.user,
                NEO4J_PASSWORD=endpoint.password,
            )
            print(
                f"Neo4j started at {endpoint.uri} (heap {NEO4J_HEAP}, page cache {NEO4J_PAGECACHE})"
            )
            with GraphStore.open(settings) as store:
                yield store, server.pid


def compare(figures: dict[str, dict[str, float]], *, higher_is_better: dict[str, bool]) -> None:
    """Each figure on each store, and Neo4j's over the embedded one's when both ran."""
    names = [name for name in next(iter(figures.values()))]
    print()
    print(f"{'figure':<34}" + "".join(f"{b:>14}" for b in figures) + "   neo4j/embedded")
    for name in names:
        values = [figures[b].get(name, float("nan")) for b in figures]
        line = f"{name:<34}" + "".join(f"{v:>14,.1f}" for v in values)
        if len(figures) == 2 and figures["embedded"].get(name):
            ratio = figures["neo4j"][name] / figures["embedded"][name]
            better = "better" if (ratio > 1) == higher_is_better.get(name, True) else "worse"
            line += f"   {ratio:.2f}x ({better} on Neo4j)"
        print(line)
