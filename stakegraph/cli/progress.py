"""The one progress display of the command line: a bar per named stage.

Long-running steps (generating, ingesting, analysing) report ``(stage, done, total)``
through a plain callback (:data:`stakegraph.ingest.ProgressCallback`) and know nothing
of the terminal; this turns those calls into rich progress bars on the error console.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from stakegraph.cli.common import console
from stakegraph.display import without_hidden

StageProgress = Callable[[str, int, int | None], None]


@contextmanager
def stage_bars() -> Iterator[StageProgress]:
    """A callback ``(stage, done, total)`` drawing one bar per stage while the block runs
    (``total`` None: not known yet)."""
    with Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(without_hidden(stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield advance
