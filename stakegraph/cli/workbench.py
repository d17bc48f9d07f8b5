"""The analysts' workbench on the command line: ``explore`` (curated read-only queries)
and ``export`` (tables for BI). The logic lives in :mod:`stakegraph.workbench`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from stakegraph.cli.common import console, failure, open_store, out
from stakegraph.errors import StakegraphError


def explore(
    name: Annotated[str | None, typer.Argument(help="An exploration; see --list.")] = None,
    list_all: Annotated[bool, typer.Option("--list", help="List the explorations.")] = False,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as KEY=VALUE (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print rows as CSV.")] = False,
    describe: Annotated[
        bool, typer.Option("--describe", help="Explain NAME; run nothing.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="Return at most this many rows.")] = 1000,
) -> None:
    """Run a curated read-only exploration (docs/analysts.md); --list lists them."""
    from stakegraph.workbench import console as views
    from stakegraph.workbench.explorations import get_exploration, run_exploration
    from stakegraph.workbench.frames import frame_to_csv, frame_to_json, to_frame

    if list_all or name is None:
        out.print(views.explorations_table())
        return
    try:
        exploration = get_exploration(name)
        if describe:
            out.print(views.exploration_help(exploration), markup=False, highlight=False)
            return
        params = views.parse_param_items(param or [])
        exploration.bind(params)  # a bad parameter fails before the store is opened
        with open_store() as store:
            result = run_exploration(store, name, params, limit=limit)
    except StakegraphError as exc:
        console.print(failure("error", exc))
        raise typer.Exit(1) from exc
    frame = to_frame(result.columns, result.rows)
    if as_json or as_csv:
        sys.stdout.write(frame_to_json(frame) + "\n" if as_json else frame_to_csv(frame))
        return
    title = f"{exploration.title}: {len(frame)} row(s)" + (
        " (truncated)" if result.truncated else ""
    )
    out.print(views.frame_table(frame, title=title))


def export(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the tables into.")],
    file_format: Annotated[
        str, typer.Option("--format", help="csv, or parquet (needs stakegraph[parquet]).")
    ] = "csv",
    table: Annotated[
        list[str] | None, typer.Option("--table", help="Only this table (repeatable).")
    ] = None,
) -> None:
    """Write accounts, people, roles, renewals, KPIs, snapshots, signals and ties for BI."""
    from stakegraph.workbench.export import export_tables

    try:
        with open_store() as store, console.status("exporting") as status:
            written = export_tables(
                store,
                out_dir,
                file_format=file_format,  # type: ignore[arg-type]  # checked by export_tables
                tables=table,
                progress=lambda name: status.update(f"exporting {name}"),
            )
    except StakegraphError as exc:
        console.print(failure("error", exc))
        raise typer.Exit(1) from exc
    for item in written:
        console.print(f"{item.path}: {item.rows} rows")
