"""Analysing the stored portfolio: ``analyze``, and ``evaluate`` against planted truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Column, Table

from stakegraph.cli.common import (
    console,
    open_store,
    out,
    parse_date_option,
    parse_day,
    parse_duration,
)
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
    # Arguments first: a mistyped one is refused before the analytics load or the store starts.
    day = parse_day(as_of) if as_of else None
    length, stride = parse_duration(window), parse_duration(step)
    from stakegraph.analytics.run import analyze as run_analysis

    with open_store() as store, stage_bars() as advance:
        report = run_analysis(
            store, as_of=day, window=length, step=stride, windows=windows, progress=advance
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
            give_up_after=settings.give_up_after,
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


_KPI_ROWS = (
    ("customer_retention_rate", "customer retention", "pct"),
    ("gross_revenue_retention", "gross revenue retention", "pct"),
    ("net_revenue_retention", "net revenue retention", "pct"),
    ("downgrade_rate", "downgrade rate", "pct"),
    ("downgrade_to_churn_rate", "downgrade to churn", "pct"),
    ("qbr_engagement_rate", "QBR engagement", "pct"),
    ("post_renewal_engagement_rate", "post-renewal engagement", "pct"),
    ("multi_role_share", "multi-role engagement", "pct"),
    ("warm_intro_offer_rate", "warm intro offers", "pct"),
    ("mean_depth_score", "mean relationship depth", "num"),
    ("mean_churn_risk", "mean churn risk", "num"),
)


def kpis(
    by: Annotated[
        str | None,
        typer.Option(help="Also one column per segment, owner or account."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="First day after the period (YYYY-MM-DD); exclusive."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the sheet, groups and monthly series as JSON.")
    ] = False,
) -> None:
    """The account-management KPI sheet: retention, revenue retention, downgrades, exit
    reasons, QBR and post-renewal engagement, check-in impact, depth and risk.

    Over the renewals and engagements in [--from, --to) (no period: all history); see
    docs/metrics.md, "KPIs".
    """
    if by not in (None, "segment", "owner", "account"):
        raise typer.BadParameter(f"--by {by!r}: expected segment, owner or account")
    first = parse_date_option("--from", start)
    after = parse_date_option("--to", end)
    if first is not None and after is not None and after <= first:
        raise typer.BadParameter(f"--to {end} must be after --from {start}")
    from stakegraph.api.service.kpis import kpi_report
    from stakegraph.api.settings import ApiSettings

    with open_store() as store, console.status("computing the KPI sheet"):
        report = kpi_report(store, ApiSettings(), None, by=by, start=first, end=after)  # type: ignore[arg-type]
    if as_json:
        out.print_json(report.model_dump_json())
        return
    out.print(_kpi_table(report))
    reasons = report.portfolio.exit_reasons
    out.print(
        "exit reasons: "
        + (", ".join(f"{reason} {count}" for reason, count in reasons.items()) or "none")
    )


def _kpi_table(report: Any) -> Table:
    sheets = [("portfolio", report.portfolio)] + [
        (group.key or "(none)", group.sheet) for group in report.groups
    ]
    table = Table(
        Column("KPI", no_wrap=True, min_width=24),
        *(Column(name, justify="right", no_wrap=True) for name, _ in sheets),
        box=None,
        pad_edge=False,
        caption="-: nothing to measure (--json says why); check-in impact: retention "
        "with minus without, 95% interval, accounts",
    )
    table.add_row("renewals due", *(str(sheet.renewals) for _, sheet in sheets))
    for field, label, kind in _KPI_ROWS:
        cells = []
        for _, sheet in sheets:
            value = getattr(sheet, field).value
            cells.append(
                "-"
                if value is None
                else (f"{100 * value:.1f}%" if kind == "pct" else f"{value:.2f}")
            )
        table.add_row(label, *cells)
    impacts = []
    for _, sheet in sheets:
        impact = sheet.check_in_impact
        impacts.append(
            "-"
            if impact.value is None
            else f"{100 * impact.value:+.0f} [{100 * impact.low:+.0f},"
            f"{100 * impact.high:+.0f}] n={impact.accounts}"
        )
    table.add_row("check-in impact (pts)", *impacts)
    return table
