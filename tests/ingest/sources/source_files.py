"""Helpers for source tests: mail, calendars and CRM exports written from literal text."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

HOME = "home.example"
DATE = "Tue, 01 Oct 2024 10:00:00 +0000"


def message(
    *,
    sender: str,
    to: Iterable[str] = (),
    cc: Iterable[str] = (),
    date: str | None = DATE,
    message_id: str | None = None,
    subject: str = "Hello",
    headers: Iterable[str] = (),
    body: str = "The body is never stored.\n",
) -> bytes:
    """One RFC 5322 message (LF line ends, as mbox files hold them)."""
    lines = [f"From: {sender}"]
    if to:
        lines.append("To: " + ", ".join(to))
    if cc:
        lines.append("Cc: " + ", ".join(cc))
    if date is not None:
        lines.append(f"Date: {date}")
    if message_id is not None:
        lines.append(f"Message-ID: <{message_id}>")
    lines.append(f"Subject: {subject}")
    lines.extend(headers)
    return ("\n".join(lines) + "\n\n" + body).encode()


def mbox(*messages: bytes) -> bytes:
    return b"".join(
        b"From sender@example.com Tue Oct  1 10:00:00 2024\n" + m + b"\n" for m in messages
    )


def maildir(root: Path, *messages: bytes) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for number, data in enumerate(messages):
        (root / "cur" / f"{1700000000 + number}.M{number}.host:2,S").write_bytes(data)
    return root


def calendar(*events: str) -> str:
    body = "".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n"


def event(uid: str, start: str, *lines: str, end: str | None = None) -> str:
    out = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTART:{start}"]
    if end:
        out.append(f"DTEND:{end}")
    out.extend(lines)
    out.append("END:VEVENT")
    return "\r\n".join(out) + "\r\n"
