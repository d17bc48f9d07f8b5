"""Mail into interactions: mbox files, Maildir trees and ``.eml`` files, headers only.

Reading is streaming and reads only each message's header block (bodies are never read
into the import, let alone stored): an mbox is split on its ``From`` lines as it is read,
a Maildir message file is read up to its first blank line. Headers are parsed with the
standard library (``email.policy.default``, which records defects instead of raising)
and turned into one :class:`~stakegraph.ingest.sources.staging.Extracted` per message:

* the Message-ID is the interaction id, so one message in several mailboxes is stored
  once; without one, the id is a hash of (from, date, to, subject), with a warning;
  copies under ids of their own (same sender, second, recipients and subject) share a
  ``copy_key`` (:func:`~stakegraph.ingest.sources.staging.copy_key`), and the import
  stores the first it meets, in this run or an earlier one;
* the thread is the root of References (else In-Reply-To, else the message itself);
  ``in_reply_to`` is the parent's Message-ID, so the pipeline computes reply latency;
* mailing-list and broadcast mail (List-Id, List-Unsubscribe, Precedence bulk/list/junk,
  Auto-Submitted, more than 25 recipients, no-reply senders) and automatic replies and
  delivery reports (Precedence auto_reply, X-Autoreply, X-Autorespond, or a subject such
  as "Out of Office AutoReply:", "Automatic reply:", "Undeliverable:") are kept and flagged
  ``bulk``.

A message that cannot be placed (no usable From, a Date that is not a date, a truncated
header block) becomes a :class:`SourceError` naming the file and the message; the other
messages still load.
"""

from __future__ import annotations

import email.policy
import hashlib
import mailbox
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Final

from stakegraph.ingest.records import after_today, is_email_address
from stakegraph.ingest.sources.staging import Extracted, SourceError, Staging
from stakegraph.vocabulary import BULK_THRESHOLD

#: More recipients than this make a message a broadcast (the analytics threshold too).
BULK_RECIPIENTS: Final = BULK_THRESHOLD
_NO_REPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer-daemon|postmaster|bounces?|"
    r"notifications?|newsletters?)([-+_.].*)?$"
)
# Automatic replies and delivery reports by their subject, for the mail servers that mark
# them with no header (Exchange before 2010: "Out of Office AutoReply: ..."). A departed
# person's "has left the company" auto-reply would otherwise keep them appearing.
_AUTOMATIC_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response"
    r"|abwesenheitsnotiz|r[ée]ponse automatique|respuesta autom[áa]tica|undeliverable"
    r"|undelivered mail|delivery status notification|mail delivery failed|returned mail)\b",
    re.IGNORECASE,
)
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_HEADER_LIMIT: Final = 1 << 20  # a header block larger than 1 MiB is not mail
_PARSER = BytesHeaderParser(policy=email.policy.default)


@dataclass(frozen=True)
class MailOptions:
    """How much of each message to keep (metadata only by default)."""

    subjects: bool = False
    hash_subjects: bool = False


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message's header block and where it came from."""

    file: str  # the mailbox or file name shown in errors
    item: str  # "message 17" or the Maildir file name
    headers: bytes
    truncated: bool = False


# --- reading ---------------------------------------------------------------------------------


def read_mbox(path: Path) -> Iterator[RawMessage]:
    """The header blocks of an mbox file, in file order, without reading bodies into memory.

    A message starts at a line beginning ``From `` (mboxo/mboxrd: such lines in bodies are
    escaped as ``>From ``). A file ending inside a header block yields that message with
    ``truncated`` set.
    """
    number = 0
    headers: list[bytes] | None = None
    size = 0
    in_headers = False
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(b"From "):
                if headers is not None:
                    yield RawMessage(path.name, f"message {number}", b"".join(headers), in_headers)
                number += 1
                headers, size, in_headers = [], 0, True
                continue
            if headers is None or not in_headers:
                continue
            if line in (b"\n", b"\r\n"):
                in_headers = False
                headers.append(b"\n")
                continue
            size += len(line)
            if size <= _HEADER_LIMIT:
                headers.append(line)
    if headers is not None:
        yield RawMessage(path.name, f"message {number}", b"".join(headers), in_headers)


def read_maildir(root: Path) -> Iterator[RawMessage]:
    """The header blocks of every message of every Maildir folder under ``root``.

    A folder is any directory holding ``cur`` and ``new`` (Maildir++ ``.Sent`` folders and
    nested trees alike); messages are read in name order so a re-run writes the same files.
    """
    for folder in sorted(_maildir_folders(root)):
        box = mailbox.Maildir(folder, factory=None, create=False)
        label = str(folder.relative_to(root)) if folder != root else root.name
        for key in sorted(box.iterkeys()):
            handle = box.get_file(key)
            try:
                headers, truncated = _header_block(handle)
            finally:
                handle.close()
            yield RawMessage(label, key, headers, truncated)


def read_eml(paths: list[Path], base: Path) -> Iterator[RawMessage]:
    """The header block of each ``.eml`` file."""
    for path in paths:
        with path.open("rb") as handle:
            headers, truncated = _header_block(handle)
        name = str(path.relative_to(base)) if path != base and base.is_dir() else path.name
        yield RawMessage(name, "", headers, truncated)


def is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def _maildir_folders(root: Path) -> Iterator[Path]:
    for directory, subdirs, _ in os.walk(root):
        here = Path(directory)
        if is_maildir(here):
            yield here
        subdirs[:] = sorted(d for d in subdirs if d not in ("cur", "new", "tmp"))


def _header_block(handle: object) -> tuple[bytes, bool]:
    lines: list[bytes] = []
    size = 0
    for line in handle:  # type: ignore[attr-defined]
        if line in (b"\n", b"\r\n"):
            return b"".join(lines) + b"\n", False
        size += len(line)
        if size > _HEADER_LIMIT:
            break
        lines.append(line)
    return b"".join(lines), True


# --- converting --------------------------------------------------------------------------------


def convert_messages(
    messages: Iterator[RawMessage], staging: Staging, options: MailOptions
) -> None:
    """Stage every message; unusable ones become source errors, the rest interactions."""
    for raw in messages:
        staging.read("messages")
        staging.digest(raw.headers)
        result = parse_message(raw, options)
        if isinstance(result, SourceError):
            staging.error(result)
            continue
        extracted, names, warnings = result
        for warning in warnings:
            staging.warn(warning)
        staging.add_interaction(extracted, names)


def parse_message(
    raw: RawMessage, options: MailOptions
) -> SourceError | tuple[Extracted, list[tuple[str, str]], list[str]]:
    """One message's headers as an interaction, the names seen next to addresses, warnings.

    Returns a :class:`SourceError` when the message cannot be placed in time or has no
    sender.
    """
    warnings: list[str] = []
    try:
        message = _PARSER.parsebytes(_without_content_type(raw.headers))
        headers: dict[str, list[str]] = {}
        for name, value in message.raw_items():
            headers.setdefault(name.lower(), []).append(_text(str(value)))
    except Exception as exc:  # the parser records defects; anything else is a broken message
        return SourceError(raw.file, raw.item, f"headers cannot be parsed ({exc})")

    def first(name: str) -> str:
        values = headers.get(name)
        return " ".join(values[0].split()) if values else ""

    message_id = _first_id(first("message-id"))
    where = raw.item + (f" (Message-ID <{message_id}>)" if message_id else "")

    def fail(reason: str) -> SourceError:
        return SourceError(raw.file, where.strip(), reason)

    if raw.truncated and not (headers.get("from") and headers.get("date")):
        return fail("the message is truncated (the file ends inside its headers)")
    senders = [a for a in _addresses(headers.get("from", [])) if a[1]]
    if not headers.get("from"):
        return fail("no From header")
    if not senders or not is_email_address(senders[0][1]):
        return fail(f'From header "{_short(first("from"))}" is not an email address')
    date_text = first("date")
    if not date_text:
        return fail("no Date header")
    at = _parse_date(date_text)
    if at is None:
        return fail(f'Date header "{_short(date_text)}" is not a date')
    if after_today(at):
        return fail(
            f'Date header "{_short(date_text)}" is after today: it cannot have been sent yet '
            "(the sender's clock was wrong)"
        )

    names: list[tuple[str, str]] = []
    sender_name, sender = senders[0]
    names.append((sender, sender_name))
    recipients: dict[str, list[str]] = {"to": [], "cc": []}
    invalid = 0
    for field in ("to", "cc"):
        for name, address in _addresses(headers.get(field, [])):
            if not address:
                continue  # a group like "undisclosed-recipients:;"
            if not is_email_address(address):
                invalid += 1
                continue
            recipients[field].append(address)
            names.append((address, name))
    if invalid:
        warnings.append(
            f"{raw.file} {where.strip()}: {invalid} recipient(s) that are not email addresses "
            "were left out"
        )
    to = tuple(dict.fromkeys(recipients["to"]))
    cc = tuple(a for a in dict.fromkeys(recipients["cc"]) if a not in to)
    subject = _decode(first("subject")) if "subject" in headers else None
    if not message_id:
        basis = "\0".join((sender, at.isoformat(), ",".join(to), subject or ""))
        message_id = "generated-" + hashlib.sha256(basis.encode()).hexdigest()[:32] + "@stakegraph"
        warnings.append(
            f"{raw.file} {raw.item}: no Message-ID; using the generated id <{message_id}>"
        )
    references = _MESSAGE_ID.findall(" ".join(headers.get("references", [])))
    reply_ids = _MESSAGE_ID.findall(first("in-reply-to"))
    parent = reply_ids[0] if reply_ids else (references[-1] if references else None)
    if parent == message_id:
        parent = None
    thread = references[0] if references else (parent or message_id)
    stored_subject: str | None = None
    if options.subjects and subject:
        stored_subject = _hash_subject(subject) if options.hash_subjects else subject
    return (
        Extracted(
            id=message_id,
            kind="email",
            at=at,
            sender=sender,
            to=to,
            cc=cc,
            subject=stored_subject,
            thread_id=thread,
            in_reply_to=parent,
            bulk=is_bulk(headers, sender, len(to) + len(cc), subject),
            content_key=hashlib.sha256((subject or "").encode()).hexdigest()[:16],
        ),
        names,
        warnings,
    )


def is_bulk(
    headers: dict[str, list[str]], sender: str, recipients: int, subject: str | None = None
) -> bool:
    """True for list and broadcast mail, automatic replies and delivery reports: kept, but
    flagged so analytics leave them out.

    Examples
    --------
    >>> is_bulk({"precedence": ["bulk"]}, "ann@acme.com", 1)
    True
    >>> is_bulk({}, "no-reply@acme.com", 1)
    True
    >>> is_bulk({}, "ann@acme.com", 3)
    False
    >>> is_bulk({}, "ann@acme.com", 1, "Out of Office AutoReply: Q3 plan")
    True
    >>> is_bulk({"x-autoreply": ["yes"]}, "ann@acme.com", 1)
    True
    """
    if "list-id" in headers or "list-unsubscribe" in headers:
        return True
    precedence = " ".join(headers.get("precedence", [])).strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return True
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return True
    if subject and _AUTOMATIC_SUBJECT.match(subject):
        return True
    auto = " ".join(headers.get("auto-submitted", [])).strip().lower()
    if auto and auto != "no":
        return True
    if recipients > BULK_RECIPIENTS:
        return True
    return _NO_REPLY.match(sender.partition("@")[0]) is not None


# --- helpers -----------------------------------------------------------------------------------


def _without_content_type(headers: bytes) -> bytes:
    # The parser reads Content-Type (through the slow header registry) only to know whether
    # a body is multipart; bodies are not read here, so the header is dropped: a quarter of
    # the parsing time on typical mail.
    start = headers.find(b"ontent-")
    if start < 0:
        return headers
    kept: list[bytes] = []
    skipping = False
    for line in headers.splitlines(keepends=True):
        if skipping and line[:1] in (b" ", b"\t"):
            continue
        skipping = line[:13].lower() == b"content-type:"
        if not skipping:
            kept.append(line)
    return b"".join(kept)


def _text(value: str) -> str:
    # Header bytes that are not ASCII arrive as surrogate escapes: decode them as UTF-8
    # when they are, else as Latin-1 (the usual culprit), so nothing unencodable reaches
    # the CSV files.
    if not any("\udc80" <= c <= "\udcff" for c in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _decode(value: str) -> str:
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeDecodeError):
        return value


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for name, address in getaddresses(values):
        out.append((_decode(name).strip(), address.strip().lower()))
    return out


def _first_id(value: str) -> str:
    found = _MESSAGE_ID.findall(value)
    if found:
        return found[0]
    value = value.strip().strip("<>").strip()
    return value if value and " " not in value else ""


def _parse_date(text: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # "-0000": the zone is unknown; take it as UTC
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.year < 1971:
        return None
    return parsed.astimezone(UTC)


def _hash_subject(subject: str) -> str:
    # Replies share the hash of their thread's subject: strip Re:/Fwd: and case first.
    normal = " ".join(_REPLY_PREFIX.sub("", subject).lower().split())
    return "sha256:" + hashlib.sha256(normal.encode()).hexdigest()[:16]


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
