"""The two ways an alert reaches people: an outgoing webhook (Slack-compatible JSON) and
mail over SMTP. Each ``deliver`` raises :class:`DeliveryError` on failure, with a message
that holds no secret (no URL, no password)."""

from __future__ import annotations

import hashlib
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from pydantic import SecretStr

from stakegraph.errors import StakegraphError


class DeliveryError(StakegraphError):
    """One attempt failed; ``retry`` says whether trying again may help."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class Channel(Protocol):
    @property
    def kind(self) -> str:
        """``webhook`` or ``smtp``."""

    @property
    def recipient(self) -> str:
        """Who receives, as recorded and shown (never a secret)."""

    def deliver(self, alert: dict[str, Any], delivery_id: str) -> None: ...


def one_line(text: str) -> str:
    r"""``text`` with every line break folded to one space.

    A mail header must not hold a line break (the ``email`` package refuses CR, LF and the
    other separators ``str.splitlines`` knows, and a raw one would start a header of the
    sender's choosing); account names stored before ingest collapsed them may hold one.

    >>> one_line("Acme Corp\r\nInc.")
    'Acme Corp Inc.'
    >>> one_line("Acme\u2028 Corp\n")
    'Acme Corp'
    """
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def slack_escape(text: str) -> str:
    """``text`` shown as written in a Slack-compatible message: ``&``, ``<`` and ``>``
    become ``&amp;``, ``&lt;``, ``&gt;`` (Slack's "Formatting text for app surfaces",
    escaping). Unescaped, ``<!channel>`` notifies the whole channel and
    ``<https://x|label>`` shows ``label`` as a link to ``x``.

    >>> slack_escape("Acme <!channel> & <https://evil.example|sign in>")
    'Acme &lt;!channel&gt; &amp; &lt;https://evil.example|sign in&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def alert_text(alert: dict[str, Any], *, escape: Callable[[str], str] = one_line) -> str:
    """One line for chat and the mail's subject; ``escape`` is applied to every text that
    comes from the data (the account's name, the title, the play)."""
    parts = [f"{escape(alert['account_name'])}: {escape(alert['title'])}"]
    if alert.get("severity") is not None:
        parts.append(f"severity {alert['severity']:.2f}")
    parts.append(f"ARR at risk ${alert['arr_at_risk']:,.0f}")
    if alert.get("play"):
        parts.append(f"play: {escape(alert['play'].replace('_', ' '))}")
    return " | ".join(parts)


def chat_text(alert: dict[str, Any]) -> str:
    """:func:`alert_text` for a chat message: on one line, the data escaped."""
    return alert_text(alert, escape=lambda text: slack_escape(one_line(text)))


@dataclass(frozen=True)
class WebhookChannel:
    """POST ``{"text": ..., "blocks": [...]}`` (what a Slack incoming webhook takes).

    The URL's path is its secret: the recipient is recorded as the host and a hash of the
    whole URL, and no error message quotes it. The delivery id travels as the
    ``Idempotency-Key`` header, so a receiver can drop a repeat.
    """

    url: SecretStr
    timeout_s: float = 10.0
    kind: Literal["webhook"] = "webhook"

    @property
    def recipient(self) -> str:
        url = self.url.get_secret_value()
        digest = hashlib.sha256(url.encode()).hexdigest()[:12]
        return f"{urlsplit(url).hostname or '?'}#{digest}"

    def deliver(self, alert: dict[str, Any], delivery_id: str) -> None:
        text = chat_text(alert)  # the bold markup around it below is ours: not escaped
        body = {
            "text": text,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}},
                {
                    "type": "context",
                    "elements": [{"type": "mrkdwn", "text": f"stakegraph alert {delivery_id}"}],
                },
            ],
        }
        request = urllib.request.Request(
            self.url.get_secret_value(),
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": delivery_id},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
                answer.read()
        except urllib.error.HTTPError as exc:
            # 4xx but 408/429 will not get better by retrying within this run.
            retry = exc.code >= 500 or exc.code in (408, 429)
            raise DeliveryError(f"webhook answered HTTP {exc.code}", retry=retry) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"webhook unreachable: {type(reason).__name__}") from None


@dataclass(frozen=True)
class SmtpChannel:
    """One mail per alert to one address, over SMTP (plain, STARTTLS or TLS; AUTH when a
    user is set). The mail's ``Message-ID`` is derived from the delivery id, so a repeat
    can be recognised by the receiving side."""

    host: str
    port: int
    to: str
    sender: str = "stakegraph@localhost"
    security: Literal["none", "starttls", "tls"] = "starttls"
    user: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    ca_file: Path | None = None
    timeout_s: float = 10.0
    kind: Literal["smtp"] = "smtp"

    @property
    def recipient(self) -> str:
        return self.to

    def message(self, alert: dict[str, Any], delivery_id: str) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = f"[stakegraph] {alert_text(alert)}"
        mail["From"] = self.sender
        mail["To"] = self.to
        mail["Message-ID"] = f"<{delivery_id}@stakegraph>"
        lines = [
            alert_text(alert),
            "",
            f"Account: {one_line(alert['account_name'])} ({alert['account_id']}), "
            f"owner {alert['owner_id']}",
            f"What: {one_line(alert['title'])}",
            f"Recommended play: {alert.get('play') or '-'}",
            f"ARR at risk: ${alert['arr_at_risk']:,.0f}",
            "",
            f"Alert {alert['event_key']}",
        ]
        mail.set_content("\n".join(lines))
        return mail

    def deliver(self, alert: dict[str, Any], delivery_id: str) -> None:
        context = ssl.create_default_context(
            cafile=str(self.ca_file) if self.ca_file is not None else None
        )
        try:
            client: smtplib.SMTP
            if self.security == "tls":
                client = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout_s, context=context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
            with client:
                if self.security == "starttls":
                    client.starttls(context=context)
                if self.user:
                    secret = self.password.get_secret_value() if self.password else ""
                    client.login(self.user, secret)
                client.send_message(self.message(alert, delivery_id))
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login refused ({exc.smtp_code})", retry=False) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP answered {exc.smtp_code}", retry=400 <= exc.smtp_code < 500
            ) from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            raise DeliveryError(f"SMTP failed: {type(exc).__name__}") from None
