"""Looking into the store: ``cypher`` (read-only queries) and ``status``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from stakegraph.cli.common import console, failure, open_store, out

# Properties the store keeps as epoch seconds (docs/data-model.md): signals' ``at``,
# snapshots' window bounds, ``*_epoch`` copies of dates and ``*_at`` instants. The table
# view shows them as dates; --json keeps the numbers.
_TIME_NAMES = frozenset({"at", "window_start", "window_end"})
_TIME_SUFFIXES = ("_epoch", "_at")


def cypher(
    query: Annotated[str, typer.Argument(help="A Cypher statement (read-only).")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as NAME=JSON (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows as a JSON list.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Return at most this many rows.")] = 1000,
) -> None:
    """Run a read-only Cypher query and print its rows (a table, or JSON with --json).

    In the table, times stored as epoch seconds (a signal's ``at``, a snapshot's
    ``window_start`` / ``window_end``, ``*_epoch``, ``*_at``) are shown as UTC dates.
    """
    from stakegraph.graph.readonly import ReadOnlyQueryError, run_read_only

    params: dict[str, Any] = {}
    for item in param or []:
        name, sep, raw = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r} is not NAME=JSON", param_hint="--param")
        try:
            params[name] = json.loads(raw)
        except json.JSONDecodeError:
            params[name] = raw  # a bare word is a string
    with open_store() as store:
        try:
            result = run_read_only(store, query, params, limit=limit)
        except ReadOnlyQueryError as exc:
            console.print(failure("refused", exc))
            raise typer.Exit(1) from exc
    if as_json:
        out.print_json(json.dumps(result.rows, default=str))
        return
    table = Table(
        *result.columns,
        title=f"{len(result.rows)} row(s)" + (" (truncated)" if result.truncated else ""),
    )
    for row in result.rows:
        table.add_row(*(cell(c, row.get(c)) for c in result.columns))
    out.print(table)


def cell(name: str, value: Any) -> str:
    """A value as the table shows it; ``name`` (a column or property) says if it is a time.

    >>> cell("s.at", 1719705600), cell("window_end", 1719750896), cell("count", 3)
    ('2024-06-30', '2024-06-30 12:34:56', '3')
    >>> cell("s", {"kind": "latency", "at": 1719705600})
    '{"kind": "latency", "at": "2024-06-30"}'
    """
    shown = _dated(name, value)
    if isinstance(shown, (dict, list)):
        return json.dumps(shown, default=str)
    return "" if shown is None else str(shown)


def _dated(name: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dated(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dated(name, v) for v in value]
    if _is_time(name) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _as_utc(value)
    return value


def _is_time(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last in _TIME_NAMES or last.endswith(_TIME_SUFFIXES)


def _as_utc(epoch: float) -> str:
    try:
        moment = datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        return str(epoch)  # not a plausible instant: shown as stored
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show the backend in use and how many nodes and relationships it holds."""
    with open_store() as store:
        counts = store.counts()
        backend = store.backend
    if as_json:
        out.print_json(json.dumps({"backend": backend, "counts": counts}))
        return
    table = Table("label / relationship", "count", title=backend)
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    out.print(table)
