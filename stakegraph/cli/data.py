"""Getting data in and out of the store: ``generate``, ``ingest`` and ``forget``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from stakegraph.cli.common import console, failure, open_store, parse_date_option, parse_day
from stakegraph.cli.progress import stage_bars
from stakegraph.errors import StakegraphError

if TYPE_CHECKING:
    from stakegraph.generate.portfolio import GenerationSummary
    from stakegraph.ingest.sources import SourceImportReport, SourceOptions


def generate(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the import files into.")],
    accounts: Annotated[int, typer.Option(min=1, help="Number of customer accounts.")] = 200,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed writes the same files.")
    ] = 7,
    interactions_per_account: Annotated[
        int | None, typer.Option(min=1, help="Average interactions per account over the history.")
    ] = None,
    start: Annotated[
        str, typer.Option(help="First day of the history (YYYY-MM-DD).")
    ] = "2023-01-02",
    months: Annotated[
        int,
        typer.Option(
            min=12, help="Length of the history in months (events need half a year before them)."
        ),
    ] = 30,
    profile: Annotated[
        str,
        typer.Option(
            help="default, or enterprise (5-300 people per account, heavy-tailed activity, "
            "key stakeholders' departures, crisis bursts, data that ends early)."
        ),
    ] = "default",
) -> None:
    """Write a synthetic portfolio in the import format, plus truth.json (planted events)."""
    from stakegraph.generate import PROFILES, generate_portfolio

    if profile not in PROFILES:
        raise typer.BadParameter(f"one of {', '.join(PROFILES)}", param_hint="--profile")
    extra: dict[str, Any] = {}
    if interactions_per_account is not None:
        extra["interactions_per_account"] = interactions_per_account
    first_day = parse_date_option("--start", start)
    assert first_day is not None  # the option has a default
    try:
        with stage_bars() as advance:
            summary = generate_portfolio(
                out_dir,
                accounts=accounts,
                seed=seed,
                start=first_day,
                months=months,
                progress=lambda done, total: advance("generating accounts", done, total),
                profile=profile,
                **extra,
            )
    except ValueError as exc:  # options that do not go together, e.g. a profile's volume
        console.print(failure("error", exc))
        raise typer.Exit(2) from exc
    console.print(generation_table(summary))


def generation_table(summary: GenerationSummary) -> Table:
    """The files written, in the order they load, with their rows, and the events of
    truth.json."""
    from stakegraph.ingest.read import ENTITIES

    table = Table(title=f"wrote {summary.out_dir}", title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name in ENTITIES:
        if (summary.out_dir / f"{name}.csv").exists():  # a profile may write fewer
            table.add_row(f"{name}.csv", f"{getattr(summary, name):,}")
    table.add_row(summary.truth_path.name, f"{summary.events:,} events")
    return table


def ingest(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True,
            help="Import directory, mbox, Maildir, .eml, .ics, CRM CSV export, or a folder "
            "of them.",
        ),
    ],
    batch_size: Annotated[int, typer.Option(min=1, help="Interactions per transaction.")] = 5000,
    writers: Annotated[int, typer.Option(min=1, help="Interaction batches written at once.")] = 1,
    source_format: Annotated[
        str | None,
        typer.Option(
            "--format", help="mbox, maildir, eml, ics, salesforce or import (default: detected)."
        ),
    ] = None,
    home_domain: Annotated[
        list[str] | None,
        typer.Option(
            "--home-domain",
            help="Our own mail domain (repeatable; adds to STAKEGRAPH_HOME_DOMAINS).",
        ),
    ] = None,
    aliases: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="CSV of email,person_key / email,!other_email."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="TOML mapping of CRM export columns."),
    ] = None,
    subjects: Annotated[
        bool, typer.Option("--subjects", help="Keep message and meeting subjects.")
    ] = False,
    hash_subjects: Annotated[
        bool, typer.Option("--hash-subjects", help="With --subjects: keep only a hash.")
    ] = False,
    since: Annotated[
        str | None, typer.Option(help="Calendar occurrences from this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Calendar occurrences before this date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Load an import directory, mailboxes, calendars or CRM exports (idempotent).

    Sources other than an import directory are converted first into a staging import
    directory under STAKEGRAPH_HOME/imports/staging/ (see docs/sources.md). Exit code 0:
    everything loaded; 3: some rows or source items were left out (see the rejects and
    errors files); 1: the import failed.
    """
    from stakegraph.ingest.sources import SourceOptions

    options = SourceOptions(
        format=source_format,
        home_domains=tuple(home_domain or ()),
        aliases=aliases,
        mapping=mapping,
        subjects=subjects or hash_subjects,
        hash_subjects=hash_subjects,
        since=datetime.fromtimestamp(parse_day(since), UTC) if since else None,
        until=datetime.fromtimestamp(parse_day(until), UTC) if until else None,
    )
    report = ingest_and_report(path, batch_size=batch_size, writers=writers, options=options)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def ingest_and_report(
    path: Path,
    *,
    batch_size: int = 5000,
    writers: int = 1,
    options: SourceOptions | None = None,
) -> SourceImportReport:
    """Ingest ``path`` with progress bars and print what happened; exit 1 when it fails."""
    from stakegraph.ingest.sources import ingest_path

    with open_store() as store, stage_bars() as advance:
        try:
            report = ingest_path(
                store,
                path,
                options=options,
                batch_size=batch_size,
                writers=writers,
                progress=advance,
            )
        except StakegraphError as exc:
            console.print(failure("error", exc))
            raise typer.Exit(1) from exc
    console.print(report.describe())
    return report


def forget(
    email: Annotated[str, typer.Argument(help="Any address of the person to erase.")],
    reanalyze: Annotated[
        bool,
        typer.Option(
            help="Run the analysis again when one is stored (else: run `stakegraph analyze`)."
        ),
    ] = True,
) -> None:
    """Erase a person everywhere: their node, participations, ties, signals and file rows.

    Interactions left with fewer than two people are deleted; the stored analysis, which
    depended on them, is computed again (the last step; --no-reanalyze skips it).
    """
    from stakegraph.ingest.forget import forget_person
    from stakegraph.ingest.sources import staging_root

    with open_store() as store:
        report = forget_person(store, email, files_root=staging_root(store).parent)
        console.print(report.describe())
        if not report.found:
            raise typer.Exit(1)
        if report.accounts and store.counts().get("Snapshot", 0):
            if reanalyze:
                from stakegraph.analytics.run import analyze as run_analysis

                with stage_bars() as advance:
                    console.print(run_analysis(store, progress=advance).describe())
            else:
                console.print("the stored analysis still reflects them: run `stakegraph analyze`")
