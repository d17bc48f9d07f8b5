"""Read-only Cypher for analysts: arbitrary statements that cannot change the graph.

What an analyst's statement may do is decided by the store, not by reading the text:

1. **A database user without write rights.** On the embedded store, analyst statements
   run as the ``reader`` user, whose group may read records and nothing else (no record
   writes, no schema or security changes, so ``CALL {} IN TRANSACTIONS``, procedures that
   run a query given as text and index changes are refused by the store too). On Neo4j a
   read-only user is used when configured (``NEO4J_READER_USER``, Enterprise roles);
2. **READ access mode**, which Neo4j enforces on every user, and on Neo4j **the store's
   plan** of the statement (``EXPLAIN``, before it runs): it must be a read, call only
   read-only procedures and administer nothing (READ mode lets ``SHOW TRANSACTIONS``,
   ``TERMINATE TRANSACTIONS`` and DBMS procedures through);
3. **Store configuration**: ``LOAD CSV`` from ``file:`` URLs and from private addresses
   is disabled in the store (``graph/embedded.py``; the Neo4j launcher);
4. **A store-side time limit**: the transaction carries the timeout (Neo4j enforces it),
   and past it the statement is terminated in the store (``TERMINATE TRANSACTIONS``,
   found by a tag it carries) so it stops using a core at once; ArcadeDB ignores
   transaction timeouts (measured). Neither store stops one long expression (measured):
   such a statement's own connection is closed, freeing its slot, and its caller is
   refused until the store no longer lists it;
5. the transaction is **always rolled back**, and a summary reporting a write is an error.

A lexical check on a real tokenizer (``graph/cypher_tokens.py``) runs first, only to give
a clear refusal early: procedures are allowed by their exact resolved name, and
administrative commands (``SHOW`` other than indexes and constraints, ``USE``,
``TERMINATE``) are refused. It also holds resource limits, not guarantees: brackets
nested deeper than :data:`MAX_BRACKET_DEPTH` and patterns of more than
:data:`MAX_PATTERN_RELATIONSHIPS` relationships are refused before a parser sees them.

A statement whose own connection ends without an answer while the store goes on answering
failed alone (ArcadeDB's Bolt thread ran out of stack on a long pattern): a
:class:`StatementConnectionLostError`, not a lost store.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from stakegraph.errors import StakegraphError
from stakegraph.graph.cypher_tokens import CypherSyntaxError, Token, tokenize
from stakegraph.graph.store import GraphStore

log = logging.getLogger(__name__)

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
# Clauses and commands that write, change the schema or administer the store.
_WRITE_WORDS = frozenset(
    {
        "CREATE",
        "MERGE",
        "DELETE",
        "DETACH",
        "SET",
        "REMOVE",
        "DROP",
        "ALTER",
        "RENAME",
        "GRANT",
        "REVOKE",
        "DENY",
        "FOREACH",
        "INSERT",
        "LOAD",
        "TERMINATE",
        "ENABLE",
        "DEALLOCATE",
        "REALLOCATE",
    }
)
_REFUSED_LEADING_WORDS = frozenset({"EXPLAIN", "PROFILE", "USE"})
# Namespaces of Cypher's own functions (and ArcadeDB's ``util``). A function of any other
# namespace comes from a plugin: Graph Data Science's ``gds.graph.project`` builds a graph
# in the server's memory that outlives the statement, and Neo4j Community cannot deny one
# user a function (Enterprise can: NEO4J_READER_USER's role).
_FUNCTION_NAMESPACES = frozenset(
    {"point", "date", "datetime", "localdatetime", "time", "localtime", "duration", "db"}
    | {"vector", "graph", "util"}
)
# What may follow SHOW: schema listings. Databases, servers, transactions, users, settings
# and the like tell about the store and its other sessions, not about the graph.
_SHOWABLE = frozenset({"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS"})
_SHOW_QUALIFIERS = frozenset(
    {
        "ALL",
        "RANGE",
        "TEXT",
        "POINT",
        "LOOKUP",
        "FULLTEXT",
        "VECTOR",
        "BTREE",
        "UNIQUE",
        "UNIQUENESS",
        "EXISTENCE",
        "EXIST",
        "KEY",
        "NODE",
        "REL",
        "RELATIONSHIP",
        "PROPERTY",
        "TYPE",
    }
)
# The tag each statement starts with, so a statement past its time limit can be found
# among the store's running transactions and terminated.
_TAG_PREFIX = "/* stakegraph read-only "


class ReadOnlyQueryError(StakegraphError):
    """The statement was refused (or failed); ``reason`` says which and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class QueryTimeoutError(ReadOnlyQueryError):
    """The statement did not finish within its time limit and was stopped in the store."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(
            f"the query did not finish within {timeout_s:g} s and was stopped "
            "(narrow it, or add a LIMIT)"
        )
        self.timeout_s = timeout_s


class ResultTooLargeError(ReadOnlyQueryError):
    """One row alone is larger than the result's byte cap."""


class QueryStillRunningError(ReadOnlyQueryError):
    """The caller's earlier statement still holds the store (or brought it down)."""


class StoreLostError(ReadOnlyQueryError):
    """The store went away while the statement ran (e.g. it ran out of memory);
    ``while_running``: the statement had started (the connection ended under it)."""

    def __init__(self, reason: str, *, while_running: bool = False) -> None:
        super().__init__(reason)
        self.while_running = while_running


class StatementConnectionLostError(ReadOnlyQueryError):
    """The store ended the statement's own connection and goes on serving: the statement
    alone failed (ArcadeDB: its Bolt thread ran out of stack)."""

    def __init__(self, cause: str) -> None:
        super().__init__(
            "query failed: the store could not run this statement and closed its connection "
            "(a very long pattern or a deeply nested expression exhausts the store's stack); "
            f"shorten it ({cause})"
        )


MAX_CONCURRENT_QUERIES = 2
DEFAULT_MAX_BYTES = 4_000_000
# How long a caller whose statement was running when the store went down is refused: the
# full time when theirs was the only statement running, or when it is their second such
# loss within LOSS_MEMORY_S; the first loss shared with other callers' statements costs
# each SHARED_LOSS_COOLDOWN_S only (one of them took the heap, and the store cannot say
# which: an innocent analyst was refused for 5 minutes alongside the one who crashed it).
STORE_LOSS_COOLDOWN_S = 300.0
SHARED_LOSS_COOLDOWN_S = 30.0
LOSS_MEMORY_S = 3600.0
_pool = concurrent.futures.ThreadPoolExecutor(
    max_workers=MAX_CONCURRENT_QUERIES, thread_name_prefix="read-only-cypher"
)


@dataclass(frozen=True)
class ReadOnlyResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool


def check_statement(statement: str) -> None:
    """Refuse what is plainly not a read, with a clear reason (the friendly layer only)."""
    try:
        tokens = tokenize(statement)
    except CypherSyntaxError as exc:
        raise ReadOnlyQueryError(f"refused: {exc}") from exc
    if not tokens:
        raise ReadOnlyQueryError("empty statement")
    _check_nesting(tokens)
    _check_pattern_length(tokens)
    if any(t.kind == ";" for t in tokens[:-1]):
        raise ReadOnlyQueryError("one statement at a time")
    words = [t for t in tokens if t.kind == "word"]
    if words and words[0].text.upper() in _REFUSED_LEADING_WORDS:
        raise ReadOnlyQueryError(
            f"read-only: {words[0].text.upper()} statements are not allowed here"
        )
    for i, token in enumerate(tokens):
        if not _is_keyword(tokens, i):
            continue
        word = token.text.upper()
        if word in _WRITE_WORDS or word == "TRANSACTIONS":  # CALL {} IN [n] TRANSACTIONS
            raise ReadOnlyQueryError(f"read-only: {word!r} would change the graph or its schema")
        if word in ("START", "STOP") and _next_is(tokens, i, "DATABASE"):
            raise ReadOnlyQueryError(f"read-only: {word} DATABASE is administration")
        if word == "SHOW":
            _check_show(tokens, i)
        if word == "CALL":
            _check_call(tokens, i)
    _check_functions(tokens)


# A resource limit, not a guarantee: brackets nested deeper cost the stores' parsers far
# more than the statement is worth. Measured on Neo4j 5.26 (load ~7): 200 nested
# parentheses parsed in 0.2 s and 400 ran past a 15 s time limit (nested lists the same);
# 5,000 ran past the 10 s limit. ArcadeDB refuses past 200 levels itself
# (arcadedb.cypher.maxExpressionDepth). No real statement comes near.
MAX_BRACKET_DEPTH = 100
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")


def _check_nesting(tokens: Sequence[Token]) -> None:
    depth = 0
    for token in tokens:
        if token.kind in _OPENING:
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                raise ReadOnlyQueryError(
                    f"refused: brackets nested deeper than {MAX_BRACKET_DEPTH} levels "
                    "(a limit on the statement's size; flatten it)"
                )
        elif token.kind in _CLOSING:
            depth -= 1


# A resource limit too: ArcadeDB runs a pattern's relationships as a chain of steps each
# pulling from the one before, so a long one runs its Bolt thread out of stack (4,000:
# StackOverflowError after 6.7 s; 1,000 took 19 s, 500 took 6 s; load ~7), and Neo4j's
# planner grows steeply with it: planning `MATCH (a)--()--()...` took 1.5 s at 10
# relationships, 4.1 s at 20, 8.1 s at 30, past the 10 s time limit at 32-60 (stopped by
# it), and at 100 the server stopped answering for two minutes (every connection timed
# out; Neo4j 5.26, 1 GB heap, load ~2). Counted over the whole statement, so commas and
# further MATCH clauses do not get around it.
MAX_PATTERN_RELATIONSHIPS = 30


def _check_pattern_length(tokens: Sequence[Token]) -> None:
    """Relationships written out in patterns: each starts at a node's closing ``)`` with
    ``-`` or ``<-`` (an arithmetic ``(a) - 1`` counts too; the limit leaves room)."""
    steps = sum(
        1
        for i in range(len(tokens) - 1)
        if tokens[i].kind == ")"
        and (
            tokens[i + 1].kind == "-"
            or (tokens[i + 1].kind == "<" and i + 2 < len(tokens) and tokens[i + 2].kind == "-")
        )
    )
    if steps > MAX_PATTERN_RELATIONSHIPS:
        raise ReadOnlyQueryError(
            f"refused: {steps} relationships in patterns, more than "
            f"{MAX_PATTERN_RELATIONSHIPS} (a limit on the statement's size; use a "
            "variable-length relationship such as -[*1..10]-)"
        )


def _is_keyword(tokens: Sequence[Token], i: int) -> bool:
    """An unquoted word in keyword position: not a property key (``p.set``), a label or
    type (``:Set``), a map key (``{set: 1}``) or a parameter (``$set``)."""
    if tokens[i].kind != "word":
        return False
    before = tokens[i - 1].kind if i > 0 else ""
    after = tokens[i + 1].kind if i + 1 < len(tokens) else ""
    return before not in (".", ":", "$") and after != ":"


def _next_is(tokens: Sequence[Token], i: int, word: str) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1].is_word(word)


def _check_show(tokens: Sequence[Token], i: int) -> None:
    j = i + 1
    while (
        j < len(tokens)
        and tokens[j].kind == "word"
        and tokens[j].text.upper() in (_SHOW_QUALIFIERS)
    ):
        j += 1
    if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() in _SHOWABLE:
        return
    shown = " ".join(t.text.upper() for t in tokens[i : j + 1])
    raise ReadOnlyQueryError(
        f"read-only: {shown!r} is administration; only SHOW INDEXES and SHOW CONSTRAINTS "
        "are allowed"
    )


def _check_call(tokens: Sequence[Token], i: int) -> None:
    """A procedure call must name an allowed procedure exactly; ``CALL {`` and
    ``CALL (vars) {`` are subqueries, checked like the rest of the statement."""
    j = i + 1
    if j >= len(tokens) or tokens[j].kind in ("{", "("):
        return
    procedure, _ = _dotted_name(tokens, j)
    if procedure.lower() not in READ_ONLY_PROCEDURES:
        raise ReadOnlyQueryError(
            f"read-only: procedure {procedure!r} is not on the read-only list "
            f"({', '.join(sorted(READ_ONLY_PROCEDURES))})"
        )


def _check_functions(tokens: Sequence[Token]) -> None:
    """A namespaced function (``ns.name(``, however quoted) must be one of Cypher's own."""
    for i, token in enumerate(tokens):
        starts_name = token.kind in ("word", "name") and (i == 0 or tokens[i - 1].kind != ".")
        if not starts_name or (i > 0 and tokens[i - 1].is_word("CALL")):
            continue
        name, last = _dotted_name(tokens, i)
        called = last + 1 < len(tokens) and tokens[last + 1].kind == "("
        if called and "." in name and name.split(".")[0].lower() not in _FUNCTION_NAMESPACES:
            raise ReadOnlyQueryError(f"read-only: function {name!r} is not one of Cypher's own")


def _dotted_name(tokens: Sequence[Token], start: int) -> tuple[str, int]:
    """The name ``a.b.c`` (parts quoted or not) that starts at ``tokens[start]`` and the
    index of its last part; ``("", start - 1)`` when no name starts there."""
    if tokens[start].kind not in ("word", "name"):
        return "", start - 1
    last = start
    while (
        last + 2 < len(tokens)
        and tokens[last + 1].kind == "."
        and tokens[last + 2].kind in ("word", "name")
    ):
        last += 2
    return ".".join(t.text for t in tokens[start : last + 1 : 2]), last


def run_read_only(
    store: GraphStore,
    statement: str,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int = 1000,
    timeout_s: float = 30.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    caller: str = "",
) -> ReadOnlyResult:
    """Run ``statement`` so that it cannot change anything: at most ``limit`` rows and
    about ``max_bytes`` of JSON.

    At most ``MAX_CONCURRENT_QUERIES`` run at once, and one per ``caller``: a caller's
    second statement while its first is not answered yet is refused with
    :class:`QueryStillRunningError`, so no key holds every slot. Past ``timeout_s`` the statement is
    terminated in the store (so its slot and its core are free at once) and
    :class:`QueryTimeoutError` is raised; a statement that cannot start before its
    deadline never runs. A statement the store does not stop (ArcadeDB ends a statement
    between rows, not inside one long expression) has its connection closed, which frees
    its slot, and ``caller`` (an API key, say) is refused with
    :class:`QueryStillRunningError` until the store reports that statement gone. A caller
    whose statement was running when the store went down (ArcadeDB ends its JVM on an
    OutOfMemoryError and starts again, ``graph/embedded.py``) is refused for
    ``STORE_LOSS_COOLDOWN_S`` (``SHARED_LOSS_COOLDOWN_S`` when other callers' statements
    ran too, the first time within ``LOSS_MEMORY_S``); a statement whose connection ended
    while the store goes on answering failed alone (:class:`StatementConnectionLostError`,
    no cooldown).
    """
    check_statement(statement)
    with _admitted(caller):
        _refuse_while_running(store, caller)
        return _run_admitted(store, statement, params, limit, timeout_s, max_bytes, caller)


def _run_admitted(
    store: GraphStore,
    statement: str,
    params: Mapping[str, Any] | None,
    limit: int,
    timeout_s: float,
    max_bytes: int,
    caller: str,
) -> ReadOnlyResult:
    tag = f"{_TAG_PREFIX}{uuid.uuid4().hex} */"
    tagged = f"{tag}\n{statement}"
    connection = store.reader_connection(caller)
    job = _pool.submit(
        _run_rolled_back, store, connection, tagged, dict(params or {}), limit, timeout_s
    )
    try:
        records, columns, summary = job.result(timeout=timeout_s)
    except concurrent.futures.TimeoutError:
        if not job.cancel() and not _terminate(store, tag, job):
            _runaways.add(caller, tag)
            connection.close()  # the worker returns at once; the slot is free
        raise QueryTimeoutError(timeout_s) from None
    except StoreLostError as lost:
        if lost.while_running and _store_answers(store):
            raise StatementConnectionLostError(lost.reason) from None
        _runaways.lost_store(caller, alone=_in_flight.ran_alone(caller))
        raise
    finally:
        if job.done():
            connection.close()
    counters = summary.counters
    if (
        (summary.query_type not in (None, "r"))
        or counters.contains_updates
        or counters.contains_system_updates
    ):
        raise ReadOnlyQueryError(
            f"read-only: the statement is of type {summary.query_type!r} and would have "
            "changed the graph; it was rolled back"
        )
    rows, truncated = _capped_rows(records, limit=limit, max_bytes=max_bytes)
    return ReadOnlyResult(columns=columns, rows=rows, truncated=truncated)


class _InFlight:
    """The callers with a statement admitted and not yet answered: one each at a time.

    Without it one key could hold every analyst slot (``MAX_CONCURRENT_QUERIES``) with
    statements that run to their time limit, and queue more behind them: every other
    analyst's statement then waited that long, or never started before its own deadline
    (measured: a ``RETURN 1`` of another key took 8.5-9.5 s while one key sent six slow
    statements at a time).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._callers: set[str] = set()
        # Callers whose statement has run beside another caller's at some point.
        self._beside: set[str] = set()

    def admit(self, caller: str) -> None:
        with self._lock:
            if caller in self._callers:
                raise QueryStillRunningError(
                    "your previous statement is still running; a key runs one statement at a time"
                )
            if self._callers:
                self._beside |= self._callers | {caller}
            self._callers.add(caller)

    def release(self, caller: str) -> None:
        with self._lock:
            self._callers.discard(caller)
            self._beside.discard(caller)

    def ran_alone(self, caller: str) -> bool:
        """Whether ``caller``'s statement has had no other caller's beside it so far."""
        with self._lock:
            return caller not in self._beside


_in_flight = _InFlight()


@contextlib.contextmanager
def _admitted(caller: str) -> Iterator[None]:
    """Hold ``caller``'s one place while its statement runs; no caller (``""``: the command
    line, a notebook) is not limited."""
    if not caller:
        yield
        return
    _in_flight.admit(caller)
    try:
        yield
    finally:
        _in_flight.release(caller)


class _Runaways:
    """Callers' statements past their time limit that the store did not stop, and callers
    whose statement was running when the store went down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tags: dict[str, set[str]] = {}
        self._lost_until: dict[str, float] = {}
        self._losses: dict[str, list[float]] = {}  # per caller: when the store went down

    def add(self, caller: str, tag: str) -> None:
        with self._lock:
            self._tags.setdefault(caller, set()).add(tag)

    def lost_store(self, caller: str, *, alone: bool) -> float:
        """Hold ``caller`` off after the store went down while its statement ran
        (``alone``: no other caller's was running); returns for how long (seconds)."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._losses.get(caller, ()) if now - t < LOSS_MEMORY_S]
            recent.append(now)
            self._losses[caller] = recent
            cooldown = STORE_LOSS_COOLDOWN_S if alone or len(recent) > 1 else SHARED_LOSS_COOLDOWN_S
            self._lost_until[caller] = now + cooldown
            return cooldown

    def pending(self, caller: str) -> tuple[set[str], float]:
        with self._lock:
            until = self._lost_until.get(caller, 0.0)
            return set(self._tags.get(caller, ())), until - time.monotonic()

    def finished(self, caller: str, tags: set[str]) -> None:
        with self._lock:
            left = self._tags.get(caller, set()) - tags
            if left:
                self._tags[caller] = left
            else:
                self._tags.pop(caller, None)


_runaways = _Runaways()


def _refuse_while_running(store: GraphStore, caller: str) -> None:
    tags, cooldown_s = _runaways.pending(caller)
    if cooldown_s > 0:
        raise QueryStillRunningError(
            "your last statement was running when the store went down; statements from "
            f"this key are refused for another {cooldown_s:.0f} s"
        )
    if not tags:
        return
    running = {tag for tag in tags if _transactions_tagged(store, tag)}
    _runaways.finished(caller, tags - running)
    if running:
        raise QueryStillRunningError(
            "your last statement passed its time limit and the store could not stop it; "
            "it is still running, and statements from this key are refused until it ends"
        )


def _store_answers(store: GraphStore) -> bool:
    """True when the store answers a trivial statement as its own user, at once.

    A statement's connection that ends without an answer means either that the store went
    down (ArcadeDB's JVM ends on an OutOfMemoryError and is started again, which takes
    seconds) or that the statement alone killed the thread serving it: a ``MATCH`` of
    4,000 relationships runs as a chain of steps each pulling from the one before, and
    ArcadeDB's Bolt thread ended in a StackOverflowError while the store served everyone
    else (measured, ArcadeDB 26.10; its limits on expression depth and on clauses do not
    count a pattern's relationships). Only the first is held against the caller. An
    auto-commit statement, not ``execute_query``: that one retries until a restarted
    store answers.
    """
    try:
        with store.driver.session(database=store.database) as session:
            session.run("RETURN 1 AS alive").consume()
    except (DriverError, Neo4jError):
        return False
    return True


def _capped_rows(
    records: Sequence[neo4j.Record], *, limit: int, max_bytes: int
) -> tuple[list[dict[str, Any]], bool]:
    rows: list[dict[str, Any]] = []
    size = 0
    for record in records[:limit]:
        try:
            row = _plain_row(record, budget=max_bytes - size)
            size += len(json.dumps(row, default=str))
        except _OverBudget:
            size = max_bytes + 1
        if size > max_bytes:
            if not rows:
                raise ResultTooLargeError(
                    f"read-only: one row is larger than the {max_bytes:,} byte result cap "
                    "(return less per row)"
                )
            return rows, True
        rows.append(row)
    return rows, len(records) > limit


def _run_rolled_back(
    store: GraphStore,
    connection: neo4j.Driver,
    statement: str,
    params: dict[str, Any],
    limit: int,
    timeout_s: float,
) -> tuple[list[neo4j.Record], list[str], neo4j.ResultSummary]:
    with connection.session(
        database=store.database, default_access_mode=neo4j.READ_ACCESS
    ) as session:
        try:
            tx = session.begin_transaction(timeout=timeout_s)
        except DriverError as exc:  # closed meanwhile, or the store is away
            raise StoreLostError(f"the store did not take the statement: {exc}") from exc
        try:
            if not store.backend.startswith("embedded"):
                _refuse_by_plan(tx, statement, params)
            result = tx.run(statement, params)
            records = result.fetch(limit + 1)
            columns = list(result.keys())
            summary = result.consume()
        except Neo4jError as exc:
            raise ReadOnlyQueryError(f"query failed: {exc.message or exc}") from exc
        except DriverError as exc:  # the store dropped the connection (out of memory)
            raise StoreLostError(
                f"the store ended the statement: {exc}", while_running=True
            ) from exc
        except (OverflowError, ValueError, TypeError) as exc:
            # The driver could not encode a parameter (e.g. an integer beyond 64 bits).
            raise ReadOnlyQueryError(f"parameters cannot be sent to the store: {exc}") from exc
        finally:
            try:
                tx.rollback()  # never commit, whatever ran
            except Exception:  # a broken transaction is not committed either
                session.close()
    return records, columns, summary


def _refuse_by_plan(tx: neo4j.Transaction, statement: str, params: dict[str, Any]) -> None:
    """Neo4j: refuse what the store's own planner says is not a read of the graph, before
    anything runs.

    READ access mode stops writes, but on Neo4j Community every statement runs as the one
    (admin) user, and READ mode lets administration through: with the lexical layer
    switched off, an analyst's ``SHOW TRANSACTIONS`` listed another session's statement and
    ``TERMINATE TRANSACTIONS`` ended it, ``SHOW SETTINGS`` read the server's configuration,
    and ``dbms.killConnections`` ran before the summary could refuse it (measured, Neo4j
    5.26). ``EXPLAIN`` plans the statement without running it: its type must be a read,
    and its operators may list indexes and constraints and call the read-only procedures,
    and administer nothing.
    """
    summary = tx.run(f"EXPLAIN {statement}", params).consume()
    if summary.query_type not in (None, "r"):
        raise ReadOnlyQueryError(
            f"read-only: the store plans this statement as type {summary.query_type!r}, not a read"
        )
    for operator, details in _plan_operators(summary.plan or {}):
        if operator.startswith(("Show", "Terminate")) and operator not in _PLANNED_LISTINGS:
            raise ReadOnlyQueryError(
                f"read-only: the store plans {operator!r}, which is administration"
            )
        procedure = details.split("(", 1)[0].strip()
        if operator == "ProcedureCall" and procedure.lower() not in READ_ONLY_PROCEDURES:
            raise ReadOnlyQueryError(
                f"read-only: procedure {procedure!r} is not on the read-only list "
                f"({', '.join(sorted(READ_ONLY_PROCEDURES))})"
            )


# Plan operators that list the schema (SHOW INDEXES, SHOW CONSTRAINTS).
_PLANNED_LISTINGS = frozenset({"ShowIndexes", "ShowConstraints"})


def _plan_operators(plan: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every operator of a Neo4j plan as (name without ``@runtime``, its details)."""
    operator = str(plan.get("operatorType", "")).split("@", 1)[0]
    yield operator, str(plan.get("args", {}).get("Details", ""))
    for child in plan.get("children", []):
        yield from _plan_operators(child)


def _transactions_tagged(store: GraphStore, tag: str) -> list[str]:
    """The ids of the store's transactions running the statement tagged ``tag``.

    As the store's own user: the analysts' user does not see (or end) other sessions.
    """
    found, _summary, _keys = store.driver.execute_query(
        store.queries["readonly/tagged_transactions"].text, tag=tag, database_=store.database
    )
    return [record["transactionId"] for record in found]


def _terminate(store: GraphStore, tag: str, job: concurrent.futures.Future[Any]) -> bool:
    """Terminate the store's transaction running the statement tagged ``tag``; True once
    the statement has ended.

    The statement may only just be reaching the store, so look again a few times until
    the worker returns (its slot is then free).
    """
    for _ in range(5):
        try:
            ids = _transactions_tagged(store, tag)
            if ids:
                store.driver.execute_query(
                    store.queries["readonly/terminate_transactions"].text,
                    transaction_ids=ids,
                    database_=store.database,
                )
        except Neo4jError as exc:
            log.warning("could not terminate a timed-out analyst query: %s", exc)
            return False
        try:
            job.exception(timeout=0.1)
            return True
        except concurrent.futures.TimeoutError:
            continue
    log.warning(
        "an analyst query past its time limit is still running in the store; "
        "its connection is closed and its caller refused until it ends"
    )
    return False


# Deeper values are refused: FastAPI's encoder gives up on them (a 500 at 400 levels, a
# dropped connection at 900, measured), and no graph answer needs them.
MAX_NESTING = 64


class _OverBudget(Exception):
    """The row's JSON is certainly larger than what is left of the byte cap."""


@dataclass
class _Budget:
    left: int

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise _OverBudget


def _plain_row(record: neo4j.Record, *, budget: int) -> dict[str, Any]:
    """A record as plain JSON-ready values, as ``record.data()`` gives them made
    JSON-ready, but stopped as soon as its JSON certainly exceeds ``budget`` bytes.

    ``record.data()`` walked the whole value first: a row of 13 million numbers took 72 s of
    the API's CPU (past the 10 s time limit) only to be refused by the byte cap. Each value
    counts the fewest bytes its JSON can take (a number 1, a string its length and quotes,
    a separator 1), so a row within the cap is never refused.
    """
    spent = _Budget(budget)
    return {key: _plain(value, spent, 1) for key, value in record.items()}


def _plain(value: Any, budget: _Budget, depth: int) -> Any:
    """One value as ``record.data()`` gives it, made JSON-ready: nodes as their
    properties, relationships as ``[start, type, end]``, paths as the alternating list,
    tuples (points, durations) as lists, temporals as ISO text, anything else as its text."""
    if depth > MAX_NESTING:
        raise ReadOnlyQueryError(
            f"read-only: a value nested deeper than {MAX_NESTING} levels cannot be answered"
        )
    if isinstance(value, str):
        budget.spend(len(value) + 2)
        return value
    if value is None or isinstance(value, (bool, int, float)):
        budget.spend(1)
        return value
    if isinstance(value, neo4j.graph.Node):
        return _plain(dict(value), budget, depth)
    if isinstance(value, neo4j.graph.Relationship):
        ends = (value.start_node, value.end_node)
        start, end = (dict(n) if n is not None else {} for n in ends)
        return _plain([start, type(value).__name__, end], budget, depth)
    if isinstance(value, neo4j.graph.Path):
        steps: list[Any] = [dict(value.start_node)]
        for i, relationship in enumerate(value.relationships):
            steps += [type(relationship).__name__, dict(value.nodes[i + 1])]
        return _plain(steps, budget, depth)
    if isinstance(value, Mapping):
        budget.spend(2)
        plain = {}
        for key, item in value.items():
            budget.spend(len(str(key)) + 4)
            plain[key] = _plain(item, budget, depth + 1)
        return plain
    if isinstance(value, (list, tuple)):
        budget.spend(2)
        items = []
        for item in value:
            budget.spend(1)
            items.append(_plain(item, budget, depth + 1))
        return items
    if hasattr(value, "iso_format"):
        return _plain(value.iso_format(), budget, depth)
    return _plain(str(value), budget, depth)
