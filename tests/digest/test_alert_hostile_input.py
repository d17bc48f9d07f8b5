"""Alerts carrying hostile or broken data, against real local receivers (an SMTP server and
an HTTP server; no mocks). On digest_portfolio.py the first alerts run finds one alert:
``sig-a1`` on Acme (``acc-a``), severity 0.8 (test_alerts.py has the full story)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from digest_portfolio import run
from pydantic import SecretStr
from receivers import http_receiver, smtp_server

from stakegraph.alerts import SmtpChannel, WebhookChannel, delivery_log, send_alerts
from stakegraph.alerts.send import delivery_id
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

NO_WAIT: dict[str, Any] = {"backoff_s": 0.0}


def rename(store: GraphStore, account_id: str, name: str) -> None:
    """A name as stored before ingest collapsed line breaks: written straight to the store."""
    run(store, "MATCH (a:Organization {id: $id}) SET a.name = $name", id=account_id, name=name)


def by_event(store: GraphStore) -> dict[str, dict[str, Any]]:
    return {r["event_key"]: r for r in delivery_log(store, top=1000)}


@pytest.mark.parametrize(
    "name", ["Acme Corp\nInc.", "Acme Corp\r\nInc.", "Acme Corp\u2028Inc.", "Acme Corp\n\n Inc.\n"]
)
def test_a_name_with_a_line_break_is_mailed_on_one_line(portfolio: GraphStore, name: str) -> None:
    """Before: ``ValueError: Header values may not contain linefeed...`` aborted the run."""
    rename(portfolio, "acc-a", name)
    with http_receiver([200]) as hook, smtp_server() as (mailbox, port):
        channels = [
            SmtpChannel(host="127.0.0.1", port=port, to="am@example.com", security="none"),
            WebhookChannel(url=SecretStr(hook.url)),
        ]
        sent = send_alerts(portfolio, channels, **NO_WAIT)
    assert (sent.sent, sent.failed) == (2, 0)
    (mail,) = mailbox.messages
    assert mail["Subject"].startswith("[stakegraph] Acme Corp Inc.: ")
    assert "Account: Acme Corp Inc. (acc-a)" in mail.get_payload()
    assert len(mail.keys()) == len(set(mail.keys()))  # no header added by the name
    ((_, body),) = hook.requests
    assert body["text"].startswith("Acme Corp Inc.: ")


def test_the_webhook_shows_mentions_and_links_in_a_name_as_written(portfolio: GraphStore) -> None:
    """Slack reads ``<!channel>`` as a channel-wide ping and ``<url|label>`` as a link
    showing ``label``; escaped (``&``, ``<``, ``>``), both are shown as plain text."""
    rename(
        portfolio,
        "acc-a",
        "Acme <!channel> <https://evil.example/sso|Renewal blocked: sign in again> & Co",
    )
    with http_receiver([200]) as hook:
        assert send_alerts(portfolio, [WebhookChannel(url=SecretStr(hook.url))], **NO_WAIT).sent
    ((_, body),) = hook.requests
    shown = (
        "Acme &lt;!channel&gt; &lt;https://evil.example/sso|Renewal blocked: sign in again&gt;"
        " &amp; Co: "
    )
    assert body["text"].startswith(shown)
    section = body["blocks"][0]["text"]["text"]
    assert section.startswith(f"*{shown}") and section.endswith("*")  # our own markup stays
    everything = json.dumps(body)
    assert "<!channel>" not in everything and "<https://" not in everything


def poison_row(channel: WebhookChannel | SmtpChannel) -> dict[str, Any]:
    """A delivery recorded before the others (created at epoch 100) whose payload the
    sender cannot format: it lacks ``arr_at_risk`` (as one recorded by an older version
    could), so formatting raises ``KeyError``, not a ``DeliveryError``."""
    payload = {"event_key": "signal:old", "account_id": "acc-c", "account_name": "Cobalt"}
    payload |= {"owner_id": "u-am1", "title": "an old alert", "play": None, "severity": 0.9}
    return {
        "id": delivery_id("signal:old", channel),
        "event_key": "signal:old",
        "channel": channel.kind,
        "recipient": channel.recipient,
        "account_id": "acc-c",
        "kind": "signal",
        "title": "an old alert",
        "payload": json.dumps(payload),
        "created_at": 100,
    }


def test_a_delivery_that_fails_unexpectedly_is_recorded_and_the_others_still_go(
    portfolio: GraphStore,
) -> None:
    with smtp_server() as (mailbox, port):
        channel = SmtpChannel(host="127.0.0.1", port=port, to="am@example.com", security="none")
        portfolio.write("alerts/merge_deliveries", rows=[poison_row(channel)])
        runs = [
            send_alerts(portfolio, [channel], tries=4, give_up_after=3, **NO_WAIT) for _ in range(4)
        ]
    # Run 1: the poison fails (once: not retried within the run), Acme's alert goes.
    assert [(r.sent, r.failed, r.given_up) for r in runs] == [
        (1, 1, 0),
        (0, 1, 0),
        (0, 1, 1),  # its third failed run: given up
        (0, 0, 0),  # never tried again
    ]
    assert len(mailbox.messages) == 1 and "Acme" in mailbox.messages[0]["Subject"]
    log = by_event(portfolio)
    assert log["signal:sig-a1"]["status"] == "sent"
    poison = log["signal:old"]
    assert (poison["status"], poison["attempts"], poison["failed_runs"]) == ("given_up", 3, 3)
    assert poison["error"] == "unexpected KeyError: 'arr_at_risk'"
    assert "3 given up" not in runs[2].describe() and "(1 given up)" in runs[2].describe()


def test_an_unexpected_failure_never_records_the_webhook_url(portfolio: GraphStore) -> None:
    """A URL urllib cannot parse comes back quoted in its ``ValueError``: the log holds the
    reason without it, and the mail channel of the same run still delivers."""
    bad = WebhookChannel(url=SecretStr("hooks.example/T000/SECRET-TOKEN"))
    with smtp_server() as (mailbox, port):
        mail = SmtpChannel(host="127.0.0.1", port=port, to="am@example.com", security="none")
        done = send_alerts(portfolio, [bad, mail], **NO_WAIT)
    assert (done.sent, done.failed) == (1, 1) and len(mailbox.messages) == 1
    (failed,) = [r for r in delivery_log(portfolio) if r["status"] == "failed"]
    assert failed["error"] == "unexpected ValueError: unknown url type: '***'"
    assert failed["attempts"] == 1
    assert "SECRET-TOKEN" not in json.dumps(delivery_log(portfolio))
