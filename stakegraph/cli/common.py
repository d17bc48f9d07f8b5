"""What every command shares: the consoles, opening the store, and parsing dates and
durations given on the command line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler

from stakegraph.config import get_settings
from stakegraph.dates import DAY, WEEK, epoch_seconds, parse_date
from stakegraph.errors import StakegraphError
from stakegraph.graph.store import GraphStore

console = Console(stderr=True)  # progress, messages and errors
out = Console()  # results: tables and JSON a script may read


def configure_logging(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug detail.")] = False,
) -> None:
    """Log through the error console (the ``stakegraph`` callback, before any command)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, rich_tracebacks=False)],
    )
    logging.getLogger("neo4j").setLevel(logging.WARNING)


@contextmanager
def open_store() -> Iterator[GraphStore]:
    """Open the configured store (starting the embedded one if needed); exit 1 on failure."""
    settings = get_settings()
    try:
        with console.status(
            "opening the graph store" + (" (embedded)" if settings.embedded else "")
        ):
            store = GraphStore.open(settings)
    except StakegraphError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    try:
        yield store
    finally:
        store.close()


def parse_duration(text: str) -> int:
    """``90d``, ``12w`` or ``36h`` as seconds."""
    units = {"h": 3600, "d": DAY, "w": WEEK}
    number, unit = text[:-1], text[-1:].lower()
    if unit not in units or not number.isdigit() or int(number) <= 0:
        raise typer.BadParameter(f"{text!r} is not a duration like 90d, 12w or 36h")
    return int(number) * units[unit]


def parse_day(day: str) -> int:
    """A ``YYYY-MM-DD`` day as the epoch second of its midnight (UTC)."""
    try:
        return epoch_seconds(parse_date(day))
    except ValueError as exc:
        raise typer.BadParameter(f"{day!r} is not a date (YYYY-MM-DD)") from exc


def parse_date_option(option: str, day: str | None) -> date | None:
    """An optional ``YYYY-MM-DD`` option as a date (a clear error naming the option)."""
    if day is None:
        return None
    try:
        return parse_date(day)
    except ValueError as exc:
        raise typer.BadParameter(f"{option} {day!r} is not a date (YYYY-MM-DD)") from exc
