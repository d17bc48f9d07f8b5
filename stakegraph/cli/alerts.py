"""Alerts that reach people: ``alerts send`` and ``alerts log``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.table import Table

from stakegraph.alerts import AlertSettings, Channel, SmtpChannel, WebhookChannel
from stakegraph.cli.common import console, open_store, out

app = typer.Typer(help="Alerts: new high-severity signals and tier drops, by webhook and mail.")


def channels_from(
    settings: AlertSettings,
    *,
    webhook: str | None = None,
    smtp: str | None = None,
    to: list[str] | None = None,
) -> list[Channel]:
    """The channels of a run: the options given, else the settings."""
    found: list[Channel] = []
    url = SecretStr(webhook) if webhook else settings.webhook_url
    if url is not None and url.get_secret_value():
        found.append(WebhookChannel(url=url, timeout_s=settings.timeout_s))
    host, port = settings.smtp_host, settings.smtp_port
    if smtp:
        host, _, port_text = smtp.rpartition(":")
        if not host or not port_text.isdigit():
            raise typer.BadParameter(f"{smtp!r} is not HOST:PORT", param_hint="--smtp")
        port = int(port_text)
    addresses = list(to or settings.to)
    if host and not addresses:
        raise typer.BadParameter("mail needs at least one --to (or STAKEGRAPH_ALERT_TO)")
    if host:
        found += [
            SmtpChannel(
                host=host,
                port=port,
                to=address,
                sender=settings.smtp_from,
                security=settings.smtp_security,
                user=settings.smtp_user,
                password=settings.smtp_password,
                ca_file=settings.smtp_ca_file,
                timeout_s=settings.timeout_s,
            )
            for address in addresses
        ]
    return found


@app.command()
def send(
    webhook: Annotated[
        str | None,
        typer.Option(help="Outgoing webhook URL (default: STAKEGRAPH_ALERT_WEBHOOK_URL)."),
    ] = None,
    smtp: Annotated[
        str | None, typer.Option(help="SMTP server HOST:PORT (default: STAKEGRAPH_SMTP_HOST).")
    ] = None,
    to: Annotated[list[str] | None, typer.Option(help="Mail recipient; repeat for more.")] = None,
) -> None:
    """Send the alerts due: new signals of high severity and tier drops since the last run.

    Credentials, TLS and retries come from the settings (STAKEGRAPH_SMTP_USER,
    STAKEGRAPH_SMTP_PASSWORD, STAKEGRAPH_SMTP_SECURITY, STAKEGRAPH_ALERT_TRIES, ...).
    Exits 0 when everything due was sent, 3 when some delivery failed (the next run retries).
    """
    from stakegraph.alerts import send_alerts

    settings = AlertSettings()
    channels = channels_from(settings, webhook=webhook, smtp=smtp, to=to)
    if not channels:
        raise typer.BadParameter("no channel: give --webhook or --smtp (or set them)")
    with open_store() as store:
        run = send_alerts(
            store,
            channels,
            min_severity=settings.min_severity,
            tries=settings.tries,
            backoff_s=settings.backoff_s,
            give_up_after=settings.give_up_after,
        )
    console.print(run.describe())
    if run.failed:
        raise typer.Exit(3)


@app.command("log")
def show_log(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Newest deliveries shown.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows as JSON.")] = False,
) -> None:
    """What was sent to whom: every delivery, newest first (secrets are never recorded)."""
    from stakegraph.alerts import delivery_log

    with open_store() as store:
        rows = delivery_log(store, top=limit)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("status", "tries", "channel", "recipient", "account", "alert", "error", box=None)
    for row in rows:
        table.add_row(
            row["status"],
            str(row["attempts"]),
            row["channel"],
            row["recipient"],
            row["account_id"],
            row["title"],
            row["error"] or "",
        )
    out.print(table)
