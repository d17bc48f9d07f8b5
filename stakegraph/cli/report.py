"""``stakegraph report monthly|qbr``: the printable reports (:mod:`stakegraph.reports`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stakegraph.cli.common import console, failure, open_store, out
from stakegraph.errors import UnknownIdError

app = typer.Typer(help="Printable HTML reports: monthly portfolio trends, quarterly QBR pack.")

Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", dir_okay=False, help="Write the HTML here (default: stdout)."),
]


def _emit(html: str, output: Path | None) -> None:
    if output is None:
        out.file.write(html)
        return
    output.write_text(html)
    console.print(f"wrote {output} ({len(html):,} bytes)")


@app.command("monthly")
def monthly(
    month: Annotated[str, typer.Argument(help="The month, YYYY-MM.")],
    owner: Annotated[str | None, typer.Option(help="Only this owner's accounts.")] = None,
    output: Output = None,
) -> None:
    """Risk tiers, signals and depth over the month, by owner and segment, with charts."""
    from stakegraph.reports import monthly_report
    from stakegraph.reports.monthly import month_range

    try:
        month_range(month)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    with open_store() as store:
        html = monthly_report(store, month, owner_id=owner)
    _emit(html, output)


@app.command("qbr")
def qbr(
    account: Annotated[str, typer.Argument(help="Account id.")],
    quarter: Annotated[str, typer.Argument(help="The quarter, YYYY-Qn (e.g. 2024-Q2).")],
    output: Output = None,
) -> None:
    """The account's QBR pack: summary, health, retention, expansion, plays, next steps."""
    from stakegraph.reports import qbr_report
    from stakegraph.reports.qbr import quarter_range

    try:
        quarter_range(quarter)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    with open_store() as store:
        try:
            html = qbr_report(store, account, quarter)
        except UnknownIdError as exc:
            console.print(failure("error", exc))
            raise typer.Exit(2) from exc
    _emit(html, output)
