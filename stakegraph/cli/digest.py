"""The weekly stand-up: ``digest``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from stakegraph.cli.common import console, open_store, out, parse_day


class DigestFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"


def digest(
    owner: Annotated[
        str | None,
        typer.Option(help="One account manager's accounts (their person id); default: all."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Changes since this date (YYYY-MM-DD) instead of since the last run; "
            "does not record a run."
        ),
    ] = None,
    output_format: Annotated[
        DigestFormat, typer.Option("--format", help="md, html (printable) or json.")
    ] = DigestFormat.md,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record/--no-record",
            help="Record this run as the baseline of the next (default: yes, without --since).",
        ),
    ] = True,
) -> None:
    """What changed since the last run, per account manager or for leadership.

    Signals raised and cleared, tier moves, key stakeholders gone quiet and renewals
    entering the 90-day window, ranked by ARR at risk, each with its recommended play.
    """
    from stakegraph.digest import build_digest
    from stakegraph.digest.render import to_html, to_json, to_markdown

    since_at = parse_day(since) if since else None
    with open_store() as store:
        result = build_digest(
            store, owner_id=owner, since=since_at, record=record and since_at is None
        )
    render = {"md": to_markdown, "html": to_html, "json": to_json}[output_format.value]
    text = render(result)
    if output is not None:
        output.write_text(text)
        console.print(f"{len(result.items)} changes written to {output}")
    elif output_format is DigestFormat.json:
        out.print_json(text)
    else:
        out.print(text, markup=False, highlight=False, soft_wrap=True, end="")
    if result.recorded_run:
        console.print(f"recorded as {result.recorded_run}")
