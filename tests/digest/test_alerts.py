"""Alerts against real local receivers: an SMTP server (aiosmtpd) and an HTTP server.

On digest_portfolio.py, the first alerts run (baseline: a week before the analysis date)
finds one alert: ``sig-a1``, an executive withdrawal of severity 0.8 on Acme (the other
changes are a quiet stakeholder, a renewal and a cleared signal: no alert). Then Beta's
tier drops 2 -> 4 and ``sig-b1`` (severity 0.9) is raised: two alerts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from digest_portfolio import add_signal, set_tier
from pydantic import SecretStr
from receivers import http_receiver, self_signed_certificate, smtp_server

from stakegraph.alerts import SmtpChannel, WebhookChannel, delivery_log, send_alerts
from stakegraph.graph.store import GraphStore

pytestmark = pytest.mark.store

NO_WAIT: dict[str, Any] = {"backoff_s": 0.0}


def deliveries(store: GraphStore) -> list[dict[str, Any]]:
    return sorted(delivery_log(store, top=1000), key=lambda r: (r["event_key"], r["recipient"]))


def test_webhook_and_mail_each_get_each_alert_once(portfolio: GraphStore) -> None:
    with http_receiver([200]) as hook, smtp_server() as (mailbox, port):
        channels = [
            WebhookChannel(url=SecretStr(hook.url)),
            SmtpChannel(host="127.0.0.1", port=port, to="am@example.com", security="none"),
            SmtpChannel(host="127.0.0.1", port=port, to="vp@example.com", security="none"),
        ]
        first = send_alerts(portfolio, channels, **NO_WAIT)
        assert (first.alerts, first.recorded, first.sent, first.failed) == (1, 3, 3, 0)
        ((headers, body),) = hook.requests
        assert "Acme" in body["text"] and "value delivery" in body["text"]
        assert body["blocks"][0]["type"] == "section"
        assert headers["Content-Type"] == "application/json"
        assert sorted(m["To"] for m in mailbox.messages) == ["am@example.com", "vp@example.com"]
        assert all("Acme" in m["Subject"] for m in mailbox.messages)
        assert "Recommended play: value_delivery" in mailbox.messages[0].get_payload()
        # The idempotency key and the Message-ID are the recorded delivery ids.
        ids = {r["id"] for r in deliveries(portfolio)}
        assert headers["Idempotency-Key"] in ids
        assert {m["Message-ID"].strip("<>").split("@")[0] for m in mailbox.messages} <= ids

        again = send_alerts(portfolio, channels, **NO_WAIT)
        assert (again.alerts, again.sent) == (0, 0)
        assert len(hook.requests) == 1 and len(mailbox.messages) == 2

        set_tier(portfolio, "acc-b", 4, "below average", 0.5)
        add_signal(
            portfolio, "sig-b1", "acc-b", "response_latency_inflation", "2024-06-30", 0.9, []
        )
        third = send_alerts(portfolio, channels, **NO_WAIT)
        assert (third.alerts, third.sent) == (2, 6)
        texts = [body["text"] for _, body in hook.requests[1:]]
        assert any("risk tier 2 -&gt; 4" in t for t in texts)  # Slack shows "->"
        assert any("milestone stress test" in t for t in texts)
    log = deliveries(portfolio)
    assert len(log) == 9 and {r["status"] for r in log} == {"sent"}
    assert {r["attempts"] for r in log} == {1}


def test_a_receiver_that_fails_first_gets_it_on_the_retry(portfolio: GraphStore) -> None:
    waits: list[float] = []
    with http_receiver([500, 200]) as hook:
        run = send_alerts(
            portfolio, [WebhookChannel(url=SecretStr(hook.url))], backoff_s=0.5, sleep=waits.append
        )
    assert (run.sent, run.failed) == (1, 0)
    assert len(hook.requests) == 2 and waits == [0.5]
    (row,) = deliveries(portfolio)
    assert (row["status"], row["attempts"], row["error"]) == ("sent", 2, None)


def test_a_receiver_that_always_fails_is_given_up_on_and_retried_next_run(
    portfolio: GraphStore,
) -> None:
    waits: list[float] = []
    with http_receiver([503]) as hook:
        channel = WebhookChannel(url=SecretStr(hook.url))
        run = send_alerts(portfolio, [channel], tries=3, backoff_s=1.0, sleep=waits.append)
        assert (run.sent, run.failed) == (0, 1)
        assert len(hook.requests) == 3
        assert waits == [1.0, 2.0]  # exponential backoff
        (row,) = deliveries(portfolio)
        assert (row["status"], row["attempts"]) == ("failed", 3)
        assert row["error"] == "webhook answered HTTP 503"
        hook.plan[:] = [200]  # the receiver is back
        retry = send_alerts(portfolio, [channel], tries=3, backoff_s=1.0, sleep=waits.append)
    assert (retry.alerts, retry.sent, retry.failed) == (0, 1, 0)  # nothing new, one retried
    assert len(hook.requests) == 4
    (row,) = deliveries(portfolio)
    assert (row["status"], row["attempts"]) == ("sent", 4)


def test_a_client_error_is_not_retried_within_the_run(portfolio: GraphStore) -> None:
    with http_receiver([404]) as hook:
        run = send_alerts(portfolio, [WebhookChannel(url=SecretStr(hook.url))], **NO_WAIT)
    assert run.failed == 1 and len(hook.requests) == 1


def test_a_run_killed_after_recording_what_is_due_loses_nothing(
    portfolio: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after step 3 (deliveries and the run recorded, nothing sent): the next run
    finds no new alert, and still sends the recorded one, once."""
    import stakegraph.alerts.send as send

    class Killed(Exception):
        pass

    def killed(*args: object, **kwargs: object) -> tuple[int, int]:
        raise Killed

    with http_receiver([200]) as hook:
        channel = WebhookChannel(url=SecretStr(hook.url))
        monkeypatch.setattr(send, "deliver_unsent", killed)
        with pytest.raises(Killed):
            send.send_alerts(portfolio, [channel], **NO_WAIT)
        monkeypatch.undo()
        assert [r["status"] for r in deliveries(portfolio)] == ["pending"]
        assert hook.requests == []
        run = send.send_alerts(portfolio, [channel], **NO_WAIT)
        assert (run.alerts, run.sent) == (0, 1)
        assert send.send_alerts(portfolio, [channel], **NO_WAIT).sent == 0
    assert len(hook.requests) == 1


def test_mail_over_starttls_with_login(portfolio: GraphStore, tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    with smtp_server(user="alerts", password="s3cret-pw", tls=(cert, key)) as (mailbox, port):
        channel = SmtpChannel(
            host="127.0.0.1",
            port=port,
            to="am@example.com",
            security="starttls",
            user="alerts",
            password=SecretStr("s3cret-pw"),
            ca_file=cert,
        )
        wrong = SmtpChannel(
            host="127.0.0.1",
            port=port,
            to="vp@example.com",
            security="starttls",
            user="alerts",
            password=SecretStr("wrong-pw"),
            ca_file=cert,
        )
        run = send_alerts(portfolio, [channel, wrong], **NO_WAIT)
        assert (run.sent, run.failed) == (1, 1)
        assert [m["To"] for m in mailbox.messages] == ["am@example.com"]
    failed = [r for r in deliveries(portfolio) if r["status"] == "failed"]
    assert failed[0]["attempts"] == 1  # a refused login is not retried
    assert "wrong-pw" not in json.dumps(deliveries(portfolio))


def test_the_cli_sends_logs_and_never_shows_a_secret(
    portfolio: GraphStore, store_env: dict[str, str]
) -> None:
    with (
        http_receiver([200]) as hook,
        smtp_server(user="u", password="pw-123456") as (
            mailbox,
            port,
        ),
    ):
        env = {
            **os.environ,
            **store_env,
            "STAKEGRAPH_SMTP_SECURITY": "none",
            "STAKEGRAPH_SMTP_USER": "u",
            "STAKEGRAPH_SMTP_PASSWORD": "pw-123456",
            "STAKEGRAPH_ALERT_BACKOFF": "0",
        }
        args = ["alerts", "send", "--webhook", hook.url, "--smtp", f"127.0.0.1:{port}"]
        sent = stakegraph(env, *args, "--to", "am@example.com")
        assert sent.returncode == 0, sent.stderr
        assert "sent 2, failed 0" in sent.stderr
        assert len(hook.requests) == 1 and len(mailbox.messages) == 1
        again = stakegraph(env, *args, "--to", "am@example.com")
        assert "sent 0" in again.stderr and len(hook.requests) == 1
        shown = stakegraph(env, "alerts", "log", "--json")
    rows = json.loads(shown.stdout)
    assert {(r["channel"], r["status"]) for r in rows} == {("webhook", "sent"), ("smtp", "sent")}
    everything = sent.stdout + sent.stderr + again.stderr + shown.stdout
    assert "SECRET-TOKEN" not in everything and "pw-123456" not in everything


def stakegraph(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stakegraph.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_analyze_sends_the_alerts_when_the_settings_say_so(
    portfolio: GraphStore, store_env: dict[str, str]
) -> None:
    """Every account at tier 1 when the alerts last looked: the analysis tiers the three
    accounts by quantile, so at least one drops, and analyze sends it."""
    for account_id in ("acc-a", "acc-b", "acc-c"):
        set_tier(portfolio, account_id, 1, "likely to renew", 0.1)
    send_alerts(portfolio, [])  # records the alerts' baseline, sends nothing
    with http_receiver([200]) as hook:
        env = {
            **os.environ,
            **store_env,
            "STAKEGRAPH_ALERTS_ON_ANALYZE": "true",
            "STAKEGRAPH_ALERT_WEBHOOK_URL": hook.url,
            "STAKEGRAPH_ALERT_MIN_SEVERITY": "0",
        }
        analyzed = stakegraph(env, "analyze", "--windows", "4")
        assert analyzed.returncode == 0, analyzed.stderr
        assert "alerts:" in analyzed.stderr
        sent = [r for r in deliveries(portfolio) if r["status"] == "sent"]
        assert len(sent) >= 1 and len(hook.requests) == len(sent)
        assert any(r["kind"] == "tier_drop" for r in sent)
        quiet = stakegraph({**env, "STAKEGRAPH_ALERTS_ON_ANALYZE": "false"}, "analyze")
        assert "alerts:" not in quiet.stderr
    assert "SECRET-TOKEN" not in analyzed.stderr


def test_a_process_killed_while_sending_resends_with_the_same_key(
    portfolio: GraphStore, store_env: dict[str, str]
) -> None:
    """SIGKILL while the receiver holds the one request: the receiver has the message, the
    store does not know. The next run loses nothing and sends it once more, carrying the
    same Idempotency-Key (at least once; docs/architecture.md, "Alerts"); the run after
    sends nothing."""
    hold = threading.Event()
    with http_receiver([200]) as hook:
        hook.hold = hold
        env = {**os.environ, **store_env, "STAKEGRAPH_ALERT_BACKOFF": "0"}
        process = subprocess.Popen(
            [sys.executable, "-m", "stakegraph.cli", "alerts", "send", "--webhook", hook.url],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert hook.got_request.wait(timeout=300), "the alert never arrived"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        hook.hold = None
        hold.set()
        assert [r["status"] for r in deliveries(portfolio)] == ["pending"]
        again = stakegraph(env, "alerts", "send", "--webhook", hook.url)
        assert again.returncode == 0, again.stderr
        assert "0 new alerts" in again.stderr and "sent 1" in again.stderr
        assert len(hook.requests) == 2
        keys = {headers["Idempotency-Key"] for headers, _ in hook.requests}
        assert len(keys) == 1
        assert stakegraph(env, "alerts", "send", "--webhook", hook.url).returncode == 0
    assert len(hook.requests) == 2
    (row,) = deliveries(portfolio)
    assert row["status"] == "sent"
