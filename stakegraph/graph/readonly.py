"""Read-only Cypher for analysts: arbitrary statements that cannot change the graph.

Three layers, so that none of them has to be perfect:

1. a cheap lexical check refuses what is plainly not a read (schema and admin commands,
   write clauses, ``LOAD CSV``, ``CALL`` of a procedure outside a read-only allow list),
   only to give a clear message early;
2. the statement runs in an explicit transaction opened in READ access mode, which Neo4j
   enforces (and routes to a reader in a cluster);
3. that transaction is **always rolled back**, never committed, and the summary of the
   statement that actually ran is checked: a query type other than read, or any update
   counted, is refused. ArcadeDB does not enforce READ mode over Bolt (measured), so on the
   embedded store the rollback is what guarantees that nothing changes.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j.exceptions import Neo4jError

from stakegraph.errors import StakegraphError
from stakegraph.graph.store import GraphStore

READ_ONLY_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "db.indexes",
        "db.constraints",
        "dbms.components",
    }
)
_WRITE_CLAUSES = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|ALTER|GRANT|REVOKE|DENY|FOREACH|"
    r"LOAD\s+CSV|START\s+DATABASE|STOP\s+DATABASE|TERMINATE|IN\s+TRANSACTIONS)\b",
    re.IGNORECASE,
)
_CALLS = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
_LITERALS_AND_COMMENTS = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL
)


class ReadOnlyQueryError(StakegraphError):
    """The statement was refused (or failed); ``reason`` says which and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class QueryTimeoutError(ReadOnlyQueryError):
    """The statement did not finish within its time limit; its result was discarded."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(
            f"the query did not finish within {timeout_s:g} s and was abandoned "
            "(narrow it, or add a LIMIT)"
        )
        self.timeout_s = timeout_s


MAX_CONCURRENT_QUERIES = 2
_pool = concurrent.futures.ThreadPoolExecutor(
    max_workers=MAX_CONCURRENT_QUERIES, thread_name_prefix="read-only-cypher"
)


@dataclass(frozen=True)
class ReadOnlyResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool


def check_statement(statement: str) -> None:
    """Refuse what is plainly not a read, with a clear reason (layer 1 only)."""
    code = _LITERALS_AND_COMMENTS.sub(" ", statement)
    if not code.strip():
        raise ReadOnlyQueryError("empty statement")
    if ";" in code.strip().rstrip(";"):
        raise ReadOnlyQueryError("one statement at a time")
    write = _WRITE_CLAUSES.search(code)
    if write:
        raise ReadOnlyQueryError(
            f"read-only: {write.group(1).upper()!r} would change the graph or its schema"
        )
    if re.match(r"\s*(SHOW\s+(USERS|ROLES|PRIVILEGES)|EXPLAIN|PROFILE)\b", code, re.IGNORECASE):
        raise ReadOnlyQueryError("read-only: administrative and plan statements are not allowed")
    for procedure in _CALLS.findall(code):
        if procedure.lower() not in READ_ONLY_PROCEDURES:
            raise ReadOnlyQueryError(
                f"read-only: procedure {procedure!r} is not on the read-only list "
                f"({', '.join(sorted(READ_ONLY_PROCEDURES))})"
            )


def run_read_only(
    store: GraphStore,
    statement: str,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int = 1000,
    timeout_s: float = 30.0,
) -> ReadOnlyResult:
    """Run ``statement`` so that it cannot change anything; at most ``limit`` rows.

    The transaction carries ``timeout_s`` for the server (Neo4j enforces it; ArcadeDB does
    not, measured), and the caller never waits longer than that either: past it the query
    is abandoned (its transaction still ends in a rollback) and :class:`QueryTimeoutError`
    is raised. At most ``MAX_CONCURRENT_QUERIES`` run at once, so abandoned queries cannot
    pile up on the store; a query that cannot start before its deadline times out too.
    """
    check_statement(statement)
    job = _pool.submit(_run_rolled_back, store, statement, dict(params or {}), limit, timeout_s)
    try:
        records, columns, summary = job.result(timeout=timeout_s)
    except concurrent.futures.TimeoutError:
        job.cancel()  # not started yet: never runs
        raise QueryTimeoutError(timeout_s) from None
    counters = summary.counters
    if (
        (summary.query_type not in (None, "r"))
        or counters.contains_updates
        or (counters.contains_system_updates)
    ):
        raise ReadOnlyQueryError(
            f"read-only: the statement is of type {summary.query_type!r} and would have "
            "changed the graph; it was rolled back"
        )
    return ReadOnlyResult(
        columns=columns,
        rows=[_jsonable(r.data()) for r in records[:limit]],
        truncated=len(records) > limit,
    )


def _run_rolled_back(
    store: GraphStore, statement: str, params: dict[str, Any], limit: int, timeout_s: float
) -> tuple[list[neo4j.Record], list[str], neo4j.ResultSummary]:
    with store.driver.session(
        database=store.database, default_access_mode=neo4j.READ_ACCESS
    ) as session:
        tx = session.begin_transaction(timeout=timeout_s)
        try:
            result = tx.run(statement, params)
            records = result.fetch(limit + 1)
            columns = list(result.keys())
            summary = result.consume()
        except Neo4jError as exc:
            raise ReadOnlyQueryError(f"query failed: {exc.message or exc}") from exc
        except (OverflowError, ValueError, TypeError) as exc:
            # The driver could not encode a parameter (e.g. an integer beyond 64 bits).
            raise ReadOnlyQueryError(f"parameters cannot be sent to the store: {exc}") from exc
        finally:
            try:
                tx.rollback()  # never commit, whatever ran
            except Exception:  # a broken transaction is not committed either
                session.close()
    return records, columns, summary


def _jsonable(value: Any) -> Any:
    """Rows as plain JSON-ready values (temporals as ISO text, graph objects as dicts)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
