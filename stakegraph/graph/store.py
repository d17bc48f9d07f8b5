"""One ``GraphStore`` on the official ``neo4j`` driver, for both backends.

The embedded ArcadeDB store and a real Neo4j 5 differ only in how the driver is made;
every query after that takes the same path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd

from stakegraph.config import Settings, get_settings
from stakegraph.errors import StoreError
from stakegraph.graph.embedded import EmbeddedStore, caller_reader
from stakegraph.graph.queries import NamedQuery, QueryRegistry, registry

log = logging.getLogger(__name__)

NODE_LABELS = (
    "Organization",
    "Account",
    "Home",
    "Person",
    "Interaction",
    "Renewal",
    "Engagement",
    "Snapshot",
    "Signal",
    "ImportRun",
)


@dataclass(frozen=True)
class WriteSummary:
    """What writes changed; summaries of several writes add up (``a + b``)."""

    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    nodes_deleted: int = 0
    relationships_deleted: int = 0

    @classmethod
    def of(cls, counters: neo4j.SummaryCounters) -> WriteSummary:
        """The summary of one statement, from the driver's counters."""
        return cls(
            nodes_created=counters.nodes_created,
            relationships_created=counters.relationships_created,
            properties_set=counters.properties_set,
            nodes_deleted=counters.nodes_deleted,
            relationships_deleted=counters.relationships_deleted,
        )

    def __add__(self, other: WriteSummary) -> WriteSummary:
        return WriteSummary(
            nodes_created=self.nodes_created + other.nodes_created,
            relationships_created=self.relationships_created + other.relationships_created,
            properties_set=self.properties_set + other.properties_set,
            nodes_deleted=self.nodes_deleted + other.nodes_deleted,
            relationships_deleted=self.relationships_deleted + other.relationships_deleted,
        )


class GraphStore:
    """The graph database, reached through the ``neo4j`` driver.

    Open it with :meth:`open` (embedded unless ``NEO4J_URI`` is set) and close it when done,
    or use it as a context manager.
    """

    def __init__(
        self,
        driver: neo4j.Driver,
        *,
        database: str,
        backend: str,
        lease: EmbeddedStore | None = None,
        queries: QueryRegistry | None = None,
        home: Path | None = None,
        reader_driver: neo4j.Driver | None = None,
        reader_connect: Callable[[tuple[str, str] | None], neo4j.Driver] | None = None,
    ) -> None:
        self.driver = driver
        # Analysts' Cypher runs through this one: a database user that may only read where
        # the store has such users (graph/readonly.py), else the same driver in READ mode.
        self.reader_driver = reader_driver or driver
        self._reader_connect = reader_connect
        self._caller_auth: dict[str, tuple[str, str]] = {}
        self._caller_lock = threading.Lock()
        # Where stakegraph keeps its own files (import reports, keys) for this store.
        self.home = home if home is not None else get_settings().home.resolve()
        self.database = database
        self.backend = backend
        self._lease = lease
        self.queries = queries or registry()

    @classmethod
    def open(cls, settings: Settings | None = None) -> GraphStore:
        settings = settings or get_settings()
        lease: EmbeddedStore | None = None
        options: dict[str, Any] = {}
        if settings.embedded:
            lease = EmbeddedStore(
                settings.home,
                heap=settings.store_heap,
                start_timeout_s=settings.store_start_timeout_s,
            )
            endpoint = lease.endpoint
            uri, auth, database = (
                endpoint.uri,
                (endpoint.user, endpoint.password),
                endpoint.database,
            )
            reader_auth: tuple[str, str] | None = (endpoint.reader_user, endpoint.reader_password)
            backend = f"embedded ArcadeDB at {uri} (home {settings.home.resolve()})"
        else:
            assert settings.neo4j_uri is not None
            uri = settings.neo4j_uri
            auth = (settings.neo4j_user, settings.neo4j_password or "")
            database = settings.neo4j_database
            backend = f"Neo4j at {uri} (database {database})"
            reader_auth = (
                (settings.neo4j_reader_user, settings.neo4j_reader_password or "")
                if settings.neo4j_reader_user
                else None
            )
            # Neo4j hints that a label or property "does not exist" whenever a query reads
            # one no node has yet (any query on a fresh store): noise in every log.
            options["notifications_disabled_classifications"] = [
                neo4j.NotificationDisabledClassification.UNRECOGNIZED
            ]
        try:
            driver = neo4j.GraphDatabase.driver(uri, auth=auth, **options)
            driver.verify_connectivity()
            reader = (
                neo4j.GraphDatabase.driver(uri, auth=reader_auth, **options)
                if reader_auth
                else None
            )
            if reader is not None:
                reader.verify_connectivity()
        except Exception as exc:
            if lease:
                lease.release()
            raise StoreError(f"cannot reach the graph store at {uri}: {exc}") from exc
        return cls(
            driver,
            database=database,
            backend=backend,
            lease=lease,
            home=settings.home.resolve(),
            reader_driver=reader,
            reader_connect=lambda caller_auth: neo4j.GraphDatabase.driver(
                uri, auth=caller_auth or reader_auth or auth, max_connection_pool_size=1, **options
            ),
        )

    def reader_connection(self, caller: str = "") -> neo4j.Driver:
        """A driver of its own (one connection) as the analysts' database user: closing it
        ends that connection, and with it a statement the store could not stop
        (``graph/readonly.py``), without touching anybody else's.

        On the embedded store a ``caller`` (an API key) has a database user of its own, so
        the store shows it only its own sessions; on Neo4j every caller shares the user.
        """
        if self._reader_connect is None:
            raise StoreError("this store was opened without a way to connect as the reader")
        auth = None
        if caller and self._lease is not None:
            with self._caller_lock:
                auth = self._caller_auth.get(caller)
                if auth is None:
                    auth = caller_reader(self._lease.home, caller)
                    self._caller_auth[caller] = auth
        return self._reader_connect(auth)

    def close(self) -> None:
        if self.reader_driver is not self.driver:
            self.reader_driver.close()
        self.driver.close()
        if self._lease is not None:
            self._lease.release()
            self._lease = None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- named queries ---------------------------------------------------------------------

    def _named(self, name: str, params: Mapping[str, Any]) -> NamedQuery:
        query = self.queries[name]
        query.check(params)
        return query

    def query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named read query; rows as dicts."""
        query = self._named(name, params)
        with self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: tx.run(query.text, params).data())

    def query_df(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a named read query into a DataFrame (bulk reads: return numbers, not temporals)."""
        query = self._named(name, params)
        with self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: tx.run(query.text, params).to_df())

    def query_values(self, name: str, **params: Any) -> list[list[Any]]:
        """Run a named read query; rows as lists in RETURN order, nested values untouched.

        For bulk reads of nested lists: :meth:`query` converts every value recursively.
        """
        query = self._named(name, params)
        with self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(
                lambda tx: [record.values() for record in tx.run(query.text, params)]
            )

    def write(self, name: str, **params: Any) -> WriteSummary:
        """Run a named write query in its own transaction."""
        query = self._named(name, params)
        with self._session(neo4j.WRITE_ACCESS) as session:
            counters = session.execute_write(
                lambda tx: tx.run(query.text, params).consume().counters
            )
        return WriteSummary.of(counters)

    def _session(self, access_mode: str) -> neo4j.Session:
        return self.driver.session(database=self.database, default_access_mode=access_mode)

    def write_many(self, statements: Sequence[tuple[str, Mapping[str, Any]]]) -> WriteSummary:
        """Run several named writes in ONE transaction: all land, or none do."""
        checked = [(self._named(name, params), params) for name, params in statements]

        def work(tx: neo4j.ManagedTransaction) -> list[neo4j.SummaryCounters]:
            return [
                tx.run(query.text, dict(params)).consume().counters for query, params in checked
            ]

        with self._session(neo4j.WRITE_ACCESS) as session:
            counters = session.execute_write(work)
        return sum((WriteSummary.of(c) for c in counters), WriteSummary())

    # --- housekeeping ----------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create every constraint and index (idempotent: ``IF NOT EXISTS``)."""
        for name in sorted(n for n in self.queries if n.startswith("schema/")):
            self.write(name)

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type."""
        counts = dict.fromkeys(NODE_LABELS, 0)
        for row in self.query("status/count_nodes"):
            counts[row["label"]] = row["n"]
        for row in self.query("status/count_relationships"):
            counts[f"[:{row['type']}]"] = row["n"]
        return counts
