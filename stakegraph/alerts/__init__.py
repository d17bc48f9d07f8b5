"""Alerts that reach people: new high-severity signals and tier drops, to an outgoing
webhook and by mail, retried with backoff, recorded per channel and recipient so that a
re-run sends nothing already sent (:mod:`.send`; the channels in :mod:`.channels`, the
settings in :mod:`.settings`)."""

from __future__ import annotations

from stakegraph.alerts.channels import Channel, DeliveryError, SmtpChannel, WebhookChannel
from stakegraph.alerts.send import AlertRun, alert_events, delivery_log, send_alerts
from stakegraph.alerts.settings import AlertSettings

__all__ = [
    "AlertRun",
    "AlertSettings",
    "Channel",
    "DeliveryError",
    "SmtpChannel",
    "WebhookChannel",
    "alert_events",
    "delivery_log",
    "send_alerts",
]
