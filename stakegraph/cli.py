"""The ``stakegraph`` command line."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column, Table

from stakegraph.api.keys import keys_app
from stakegraph.config import get_settings
from stakegraph.dates import epoch_seconds
from stakegraph.errors import StakegraphError
from stakegraph.graph.store import GraphStore

app = typer.Typer(
    help="stakegraph: relationship intelligence for account teams. "
    "Load people, roles, accounts and interactions into a graph, see churn coming.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console()

EXIT_PARTIAL = 3


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug detail.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, rich_tracebacks=False)],
    )
    logging.getLogger("neo4j").setLevel(logging.WARNING)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def _stage_bars(progress: Progress) -> Callable[[str, int, int | None], None]:
    """A progress callback that draws one bar per named stage."""
    tasks: dict[str, TaskID] = {}

    def advance(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return advance


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


@app.command()
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
    months: Annotated[int, typer.Option(min=6, help="Length of the history in months.")] = 30,
) -> None:
    """Write a synthetic portfolio in the import format, plus truth.json (planted events)."""
    from stakegraph.generate import generate_portfolio

    extra: dict[str, Any] = {}
    if interactions_per_account is not None:
        extra["interactions_per_account"] = interactions_per_account
    with _progress() as progress:
        task = progress.add_task("generating accounts", total=accounts)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = generate_portfolio(
            out_dir,
            accounts=accounts,
            seed=seed,
            start=date.fromisoformat(start),
            months=months,
            progress=advance,
            **extra,
        )
    console.print(f"wrote {out_dir} ({summary})")


@app.command()
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
        since=datetime.fromtimestamp(_epoch(since), UTC) if since else None,
        until=datetime.fromtimestamp(_epoch(until), UTC) if until else None,
    )
    report = _ingest(path, batch_size=batch_size, options=options)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _ingest(path: Path, *, batch_size: int = 5000, options: Any = None) -> Any:
    from stakegraph.ingest.sources import ingest_path

    with open_store() as store, _progress() as progress:
        advance = _stage_bars(progress)
        try:
            report = ingest_path(
                store, path, options=options, batch_size=batch_size, progress=advance
            )
        except StakegraphError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc
    console.print(report.describe())
    return report


@app.command()
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
    from stakegraph.ingest.sources import staging_root
    from stakegraph.ingest.sources.forget import forget_person

    with open_store() as store:
        report = forget_person(store, email, files_root=staging_root(store).parent)
        console.print(report.describe())
        if not report.found:
            raise typer.Exit(1)
        if report.accounts and store.counts().get("Snapshot", 0):
            if reanalyze:
                from stakegraph.analytics.run import analyze as run_analysis

                with _progress() as progress:
                    console.print(run_analysis(store, progress=_stage_bars(progress)).describe())
            else:
                console.print("the stored analysis still reflects them: run `stakegraph analyze`")


def _duration_s(text: str) -> int:
    """``90d``, ``12w`` or ``36h`` as seconds."""
    units = {"h": 3600, "d": 86_400, "w": 7 * 86_400}
    number, unit = text[:-1], text[-1:].lower()
    if unit not in units or not number.isdigit() or int(number) <= 0:
        raise typer.BadParameter(f"{text!r} is not a duration like 90d, 12w or 36h")
    return int(number) * units[unit]


def _epoch(day: str) -> int:
    try:
        return epoch_seconds(date.fromisoformat(day))
    except ValueError as exc:
        raise typer.BadParameter(f"{day!r} is not a date (YYYY-MM-DD)") from exc


@app.command()
def analyze(
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Analyze as of this date (YYYY-MM-DD; default: after the latest interaction)."
        ),
    ] = None,
    window: Annotated[str, typer.Option(help="Length of each trailing window (e.g. 90d).")] = "90d",
    step: Annotated[str, typer.Option(help="Step between windows (e.g. 7d).")] = "7d",
    windows: Annotated[
        int, typer.Option(min=1, help="Number of windows, the last ending at --as-of.")
    ] = 52,
) -> None:
    """Score every account over time and write snapshots, ties, signals and risk to the store.

    Re-running replaces what the previous run wrote.
    """
    from stakegraph.analytics.run import analyze as run_analysis

    with open_store() as store, _progress() as progress:
        advance = _stage_bars(progress)
        report = run_analysis(
            store,
            as_of=_epoch(as_of) if as_of else None,
            window=_duration_s(window),
            step=_duration_s(step),
            windows=windows,
            progress=advance,
        )
    console.print(report.describe())


@app.command()
def evaluate(
    truth: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="truth.json of a generated portfolio."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Judge the stored signals and a risk backtest against a generator's planted truth.

    Per signal kind: precision, recall and median detection lag; for the risk score: AUC
    on renewal outcomes and the bottom two tiers' share of accounts and of churn.
    """
    from stakegraph.analytics.run import evaluate_against_truth

    try:
        planted = json.loads(truth.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise typer.BadParameter(f"{truth}: not a readable JSON file ({exc})") from exc
    with open_store() as store, console.status("evaluating against the planted truth"):
        figures = evaluate_against_truth(store, planted)
    if as_json:
        out.print_json(json.dumps(figures, default=float))
        return
    # Whole words on an 80-column terminal: no vertical rules, and no column narrower
    # than its header.
    table = Table(
        Column("signal kind", no_wrap=True, min_width=26),
        *(
            Column(name, justify="right", min_width=len(name), no_wrap=True)
            for name in ("events", "found", "signals", "precision", "recall")
        ),
        Column("lag (d)", justify="right", min_width=7, no_wrap=True),
        box=None,
        pad_edge=False,
        caption="lag: median days from an event to its first matching signal",
    )
    for kind, row in figures.items():
        if kind == "risk" or not isinstance(row, dict) or "precision" not in row:
            continue
        table.add_row(
            kind,
            str(row.get("planted", "")),
            str(row.get("detected", "")),
            str(row.get("signals", "")),
            _fmt(row["precision"]),
            _fmt(row["recall"]),
            _fmt(row.get("median_lag_days"), digits=0),
        )
    out.print(table)
    risk = figures.get("risk", {})
    out.print(
        f"risk: AUC {_fmt(risk.get('auc'))}; bottom two tiers hold "
        f"{_fmt(risk.get('bottom_two_tiers_account_share'))} of accounts and "
        f"{_fmt(risk.get('bottom_two_tiers_churn_share'))} of churned accounts"
    )


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


@app.command()
def cypher(
    query: Annotated[str, typer.Argument(help="A Cypher statement (read-only).")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as NAME=JSON (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows as a JSON list.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Return at most this many rows.")] = 1000,
) -> None:
    """Run a read-only Cypher query and print its rows (a table, or JSON with --json)."""
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
            console.print(f"[red]refused:[/red] {exc}")
            raise typer.Exit(1) from exc
    if as_json:
        out.print_json(json.dumps(result.rows, default=str))
        return
    table = Table(
        *result.columns,
        title=f"{len(result.rows)} row(s)" + (" (truncated)" if result.truncated else ""),
    )
    for row in result.rows:
        table.add_row(*(_cell(row.get(c)) for c in result.columns))
    out.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return "" if value is None else str(value)


@app.command()
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
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    frame = to_frame(result.columns, result.rows)
    if as_json or as_csv:
        sys.stdout.write(frame_to_json(frame) + "\n" if as_json else frame_to_csv(frame))
        return
    title = f"{exploration.title}: {len(frame)} row(s)" + (
        " (truncated)" if result.truncated else ""
    )
    out.print(views.frame_table(frame, title=title))


@app.command()
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
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    for item in written:
        console.print(f"{item.path}: {item.rows} rows")


@app.command()
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


@app.command()
def demo(
    accounts: Annotated[int, typer.Option(min=1, help="Accounts in the demo portfolio.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed of the demo portfolio.")] = 7,
    workdir: Annotated[
        Path | None,
        typer.Option(help="Where to write the portfolio (default: STAKEGRAPH_HOME/demo)."),
    ] = None,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API at the end.")
    ] = True,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port to serve on.")] = 8000,
) -> None:
    """Generate a portfolio, load it, run every later stage, then serve the API."""
    target = workdir or get_settings().home / "demo"
    console.rule("1. generate")
    generate(target, accounts=accounts, seed=seed)
    # One lease for the whole demo: every step attaches to the same running store instead
    # of each starting it and letting it stop again.
    with open_store():
        console.rule("2. ingest")
        _ingest(target)
        console.rule("3. analyze")
        analyze()
        console.rule("4. status")
        status()
        if serve_after:
            _serve_demo(port)


def _serve_demo(port: int) -> None:
    """Serve the API with a fresh admin key, printed with the URL to try."""
    from stakegraph.api.app import demo_key, serve_api
    from stakegraph.api.settings import get_api_settings

    console.rule("5. serve")
    key = demo_key(get_api_settings().keys_file)
    url = f"http://127.0.0.1:{port}"
    # soft_wrap: a key or command broken across lines could not be copied.
    console.print(f"API: {url}/docs   web app: {url}/app/   (Ctrl-C stops)", soft_wrap=True)
    console.print(f'admin API key (label "demo"; replaced by the next demo): {key}', soft_wrap=True)
    console.print(
        f'try: curl -s -H "X-API-Key: {key}" "{url}/api/accounts?limit=5"',
        soft_wrap=True,
        highlight=False,
    )
    serve_api(host="127.0.0.1", port=port)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs; create keys with `stakegraph keys create`)."""
    from stakegraph.api.app import serve_api

    serve_api(host=host, port=port, access_log=access_log)


app.add_typer(keys_app, name="keys")


def run() -> None:  # pragma: no cover - console entry for python -m
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
