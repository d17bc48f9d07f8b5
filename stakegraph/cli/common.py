"""What every command shares: the consoles, opening the store, and parsing dates and
durations given on the command line.

Everything the commands print goes through :data:`console` or :data:`out`, which read no
rich markup in strings and drop control and bidirectional characters from them
(:class:`DataConsole`): names, titles and subjects come from imported files, and a name
such as ``[link=https://evil.example]Acme`` or ``ESC[31m`` must print as itself, not as a
link or a colour (or crash the command, ``[/]``). Our own colours are styles on
:class:`rich.text.Text` (:func:`failure`), never markup around data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from rich.console import Console, ConsoleRenderable
from rich.logging import RichHandler
from rich.style import Style
from rich.text import Text

from stakegraph.config import get_settings
from stakegraph.dates import DAY, WEEK, epoch_seconds, parse_date
from stakegraph.display import without_hidden
from stakegraph.errors import StakegraphError
from stakegraph.graph.store import GraphStore


class DataConsole(Console):
    """A console for text that may hold imported data: strings (printed, or cells and
    titles of tables) are never read as markup or emoji codes, and lose their control and
    bidirectional characters (:func:`stakegraph.display.without_hidden`).

    >>> from rich.table import Table
    >>> table = Table(box=None, show_header=False, pad_edge=False)
    >>> table.add_row("[/][link=https://evil.example]Acme\x1b[31m")
    >>> quiet = DataConsole(width=40, no_color=True)
    >>> with quiet.capture() as captured:
    ...     quiet.print(table)
    >>> print(captured.get().strip())
    [/][link=https://evil.example]Acme[31m
    """

    def __init__(self, **options: object) -> None:
        super().__init__(markup=False, emoji=False, **options)  # type: ignore[arg-type]

    def render_str(self, text: str, **options: object) -> Text:
        options["markup"] = False
        options["emoji"] = False
        return super().render_str(without_hidden(text), **options)  # type: ignore[arg-type]


console = DataConsole(stderr=True)  # progress, messages and errors
out = DataConsole()  # results: tables and JSON a script may read


class DataLogHandler(RichHandler):
    """Log lines as plain text without control or bidirectional characters (a message may
    quote imported data)."""

    def render_message(self, record: logging.LogRecord, message: str) -> ConsoleRenderable:
        return super().render_message(record, without_hidden(message))


def failure(label: str, exc: object) -> Text:
    """``error: <the exception>`` with the label in red and the exception as plain text
    (its message may quote imported data)."""
    return Text.assemble((f"{label}:", Style(color="red")), " ", without_hidden(str(exc)))


def configure_logging(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug detail.")] = False,
) -> None:
    """Log through the error console (the ``stakegraph`` callback, before any command)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[DataLogHandler(console=console, show_path=False, rich_tracebacks=False)],
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
        console.print(failure("error", exc))
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
