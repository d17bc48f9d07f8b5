"""Which alerts are due, the record of every delivery, and sending with retry and backoff.

A run:

1. compares every account's digest state with the one the last alerts run recorded (a
   series of digest runs of its own, scope ``alerts``; docs/metrics.md, "The weekly
   stand-up"): an **alert** is a raised signal of severity at least ``min_severity``, or a
   tier drop (the tier number rose);
2. records one ``(:AlertDelivery)`` per alert, channel and recipient, pending, keyed by a
   hash of the three (``merge_deliveries`` creates only what is missing);
3. records the alerts run (the baseline of the next one);
4. sends every delivery not sent yet to the channels of this run (pending ones, and those
   an earlier run gave up on), each with up to ``tries`` attempts, waiting
   ``backoff_s x 2^k`` before the attempt ``k + 1``, and records what came of it.

A delivery whose channel fails in a way it did not foresee (an exception other than
:class:`DeliveryError`, such as a mail header the ``email`` package refuses) is not
retried within the run and is recorded as failed with that reason; the deliveries after
it still go. A delivery that has failed on ``give_up_after`` runs is marked ``given_up``:
no later run tries it again, and ``alerts log`` shows it with its last error. So one
delivery that can never go out (poison) costs at most that many runs' attempts and never
holds back the others.

So a re-run sends nothing already sent, and a run killed at any point loses nothing: what
it found due was recorded before anything was sent (step 2 before 3), and the next run
sends whatever is not marked sent. A kill between a receiver accepting a message and step 4
recording it means that one message is sent again on the next run: delivery is at least
once, and each message carries its delivery id (``Idempotency-Key`` header, mail
``Message-ID``) for a receiver to drop the repeat.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from stakegraph.alerts.channels import Channel, DeliveryError
from stakegraph.analytics.digest import SIGNAL_RAISED, TIER_WORSENED, DigestItem
from stakegraph.digest import DigestOptions, build_digest, record_digest
from stakegraph.graph.store import GraphStore

log = logging.getLogger(__name__)

ALERTS_SCOPE = "alerts"


@dataclass(frozen=True)
class AlertRun:
    alerts: int
    recorded: int
    sent: int
    failed: int
    given_up: int = 0  # of the failed: the ones no later run will try again

    def describe(self) -> str:
        gave_up = f" ({self.given_up} given up)" if self.given_up else ""
        return (
            f"{self.alerts} new alerts ({self.recorded} deliveries recorded); "
            f"sent {self.sent}, failed {self.failed}{gave_up}"
        )


def alert_events(
    items: Sequence[DigestItem], *, min_severity: float, analyzed_at: int | None = None
) -> list[dict[str, Any]]:
    """The digest's changes worth an alert, as the payload each delivery carries.

    A signal's alert is known by the signal's id; a tier drop by the account, the two
    tiers and the analysis date it was seen at (the same drop seen again is not new; a
    later drop is).
    """
    alerts = []
    for item in items:
        if item.change == SIGNAL_RAISED and (item.severity or 0.0) >= min_severity:
            key, kind = f"signal:{item.signal_id}", "signal"
        elif item.change == TIER_WORSENED:
            key = f"tier:{item.account_id}:{item.tier_from}->{item.tier_to}@{analyzed_at}"
            kind = "tier_drop"
        else:
            continue
        alerts.append(
            {
                "event_key": key,
                "kind": kind,
                "account_id": item.account_id,
                "account_name": item.account_name,
                "owner_id": item.owner_id,
                "arr_at_risk": round(item.arr_at_risk, 2),
                "title": item.title,
                "play": item.play,
                "severity": item.severity,
                "signal_kind": item.signal_kind,
                "tier_from": item.tier_from,
                "tier_to": item.tier_to,
            }
        )
    return alerts


def delivery_id(event_key: str, channel: Channel) -> str:
    text = f"{event_key}\n{channel.kind}\n{channel.recipient}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def send_alerts(
    store: GraphStore,
    channels: Sequence[Channel],
    *,
    min_severity: float = 0.7,
    tries: int = 4,
    backoff_s: float = 1.0,
    give_up_after: int = 5,
    options: DigestOptions | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> AlertRun:
    """Steps 1-4 of the module docstring; ``sleep`` waits between attempts."""
    digest = build_digest(store, scope=ALERTS_SCOPE, options=options)
    alerts = alert_events(digest.items, min_severity=min_severity, analyzed_at=digest.analyzed_at)
    now = int(time.time())
    rows = [
        {
            "id": delivery_id(alert["event_key"], channel),
            "event_key": alert["event_key"],
            "channel": channel.kind,
            "recipient": channel.recipient,
            "account_id": alert["account_id"],
            "kind": alert["kind"],
            "title": alert["title"],
            "payload": json.dumps(alert, sort_keys=True),
            "created_at": now,
        }
        for alert in alerts
        for channel in channels
    ]
    if rows:
        store.write("alerts/merge_deliveries", rows=rows)
    if digest.analyzed_at is not None:
        record_digest(store, digest, options)
    sent, failed, given_up = deliver_unsent(
        store, channels, tries=tries, backoff_s=backoff_s, give_up_after=give_up_after, sleep=sleep
    )
    return AlertRun(
        alerts=len(alerts), recorded=len(rows), sent=sent, failed=failed, given_up=given_up
    )


def deliver_unsent(
    store: GraphStore,
    channels: Sequence[Channel],
    *,
    tries: int,
    backoff_s: float,
    give_up_after: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[int, int, int]:
    """Send every unsent delivery to these channels; (sent, failed, given up) of this run.

    A delivery failing for the ``give_up_after``-th run is marked ``given_up``.
    """
    by_pair = {f"{c.kind} {c.recipient}": c for c in channels}
    pending = store.query("alerts/unsent_deliveries", ids=sorted(by_pair))
    sent = failed = given_up = 0
    for row in pending:
        channel = by_pair[f"{row['channel']} {row['recipient']}"]
        attempts, error = _attempt(channel, row, tries=tries, backoff_s=backoff_s, sleep=sleep)
        failed_runs = (row["failed_runs"] or 0) + (error is not None)
        if error is None:
            status = "sent"
        else:
            status = "given_up" if failed_runs >= give_up_after else "failed"
        store.write(
            "alerts/finish_delivery",
            rows=[
                {
                    "id": row["id"],
                    "status": status,
                    "attempts": attempts,
                    "failed_runs": failed_runs,
                    "at": int(time.time()),
                    "error": error,
                }
            ],
        )
        if error is None:
            sent += 1
        else:
            failed += 1
            given_up += status == "given_up"
            log.warning(
                "alert %s to %s %s: failed after %d attempts (%s)%s",
                row["event_key"],
                row["channel"],
                row["recipient"],
                attempts,
                error,
                f"; given up after {failed_runs} failed runs" if status == "given_up" else "",
            )
    return sent, failed, given_up


def _attempt(
    channel: Channel,
    row: dict[str, Any],
    *,
    tries: int,
    backoff_s: float,
    sleep: Callable[[float], None],
) -> tuple[int, str | None]:
    """Attempts made and the last error (None: delivered).

    An exception other than :class:`DeliveryError` is this delivery's failure, not the
    run's: recorded with its type and message (secrets removed), not retried within the
    run (what failed in the same way once would again).
    """
    error: str | None = None
    for attempt in range(tries):
        if attempt:
            sleep(backoff_s * 2 ** (attempt - 1))
        try:
            channel.deliver(json.loads(row["payload"]), row["id"])
            return attempt + 1, None
        except DeliveryError as exc:
            error = str(exc)
            if not exc.retry:
                return attempt + 1, error
        except Exception as exc:
            return attempt + 1, unexpected_reason(exc, channel)
    return tries, error


def unexpected_reason(exc: Exception, channel: Channel) -> str:
    """``exc`` as recorded in the delivery log: its type and the first line of its message,
    cut to 200 characters, with every secret of the channel (its ``SecretStr`` fields)
    replaced by ``***`` (a malformed webhook URL comes back quoted in ``ValueError``).

    >>> from pydantic import SecretStr
    >>> from stakegraph.alerts.channels import WebhookChannel
    >>> hook = WebhookChannel(url=SecretStr("hxxp://hooks/T0/TOKEN"))
    >>> unexpected_reason(ValueError("unknown url type: 'hxxp://hooks/T0/TOKEN'"), hook)
    "unexpected ValueError: unknown url type: '***'"
    """
    text = (str(exc).splitlines() or [""])[0]
    for name in getattr(channel, "__dataclass_fields__", {}):
        value = getattr(channel, name)
        if isinstance(value, SecretStr) and value.get_secret_value():
            text = text.replace(value.get_secret_value(), "***")
    return f"unexpected {type(exc).__name__}: {text}"[:200]


def delivery_log(store: GraphStore, *, top: int = 100) -> list[dict[str, Any]]:
    """The latest ``top`` deliveries: alert, channel, recipient, status, attempts, error."""
    return store.query("alerts/delivery_log", top=top)
