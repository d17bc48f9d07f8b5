"""Analysing the stored portfolio: ``analyze``, and ``evaluate`` against planted truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Column, Table

from stakegraph.cli.common import console, open_store, out, parse_day, parse_duration
from stakegraph.cli.progress import stage_bars


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

    with open_store() as store, stage_bars() as advance:
        report = run_analysis(
            store,
            as_of=parse_day(as_of) if as_of else None,
            window=parse_duration(window),
            step=parse_duration(step),
            windows=windows,
            progress=advance,
        )
    console.print(report.describe())
    _alerts_after_analysis()


def _alerts_after_analysis() -> None:
    """With STAKEGRAPH_ALERTS_ON_ANALYZE and a channel set, send what the analysis raised."""
    from stakegraph.alerts import AlertSettings, send_alerts
    from stakegraph.cli.alerts import channels_from

    settings = AlertSettings()
    channels = channels_from(settings) if settings.on_analyze else []
    if not channels:
        return
    with open_store() as store:
        run = send_alerts(
            store,
            channels,
            min_severity=settings.min_severity,
            tries=settings.tries,
            backoff_s=settings.backoff_s,
        )
    console.print(f"alerts: {run.describe()}")


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
    out.print(_signal_table(figures))
    risk = figures.get("risk", {})
    out.print(
        f"risk: AUC {_fmt(risk.get('auc'))}; bottom two tiers hold "
        f"{_fmt(risk.get('bottom_two_tiers_account_share'))} of accounts and "
        f"{_fmt(risk.get('bottom_two_tiers_churn_share'))} of churned accounts"
    )


def _signal_table(figures: dict[str, Any]) -> Table:
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
    return table


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)
