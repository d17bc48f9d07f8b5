"""What a path holds, judged by content: an import directory, mail, calendars, CRM exports.

A file's first bytes decide (an mbox starts with a ``From `` line, a calendar with
``BEGIN:VCALENDAR``, a message with RFC 5322 headers, a CRM export with a CSV header naming
Salesforce columns); a directory is an import directory when it holds
``interactions.csv``/``.jsonl``, a Maildir when it holds ``cur`` and ``new``, and otherwise
a collection whose files and Maildir folders are each detected on their own.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from stakegraph.ingest.read import IngestError, is_import_directory
from stakegraph.ingest.sources.mail import is_maildir

FORMATS: Final = ("import", "mbox", "maildir", "eml", "ics", "salesforce")
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_MAIL_HEADERS: Final = (b"from:", b"date:", b"message-id:", b"to:", b"subject:", b"received:")
_SNIFF_BYTES: Final = 8192


class SourceFormatError(IngestError):
    """A path whose content is none of the formats stakegraph reads."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Source:
    """One input to convert: its format and path."""

    format: str
    path: Path


@dataclass(frozen=True)
class SkippedFile:
    """A file under the path that is not read, and why."""

    path: Path
    reason: str


def detect_sources(path: Path, *, format: str | None = None) -> list[Source]:
    """The sources under ``path``, with the format of each (see :func:`survey`)."""
    return survey(path, format=format)[0]


def survey(path: Path, *, format: str | None = None) -> tuple[list[Source], list[SkippedFile]]:
    """The sources under ``path`` with the format of each, and every other file with why
    it is not read: each file under ``path`` is in exactly one of the two.

    Parameters
    ----------
    path
        A file or a directory.
    format
        Force this format for ``path`` (``--format``) instead of detecting it.

    Raises
    ------
    SourceFormatError
        When ``path`` (or every file under it) is in no known format.
    """
    if format is not None:
        if format not in FORMATS:
            raise SourceFormatError(
                f"unknown format {format!r}; expected one of {', '.join(FORMATS)}", path=path
            )
        return [Source(format, path)], []
    if path.is_dir():
        if is_import_directory(path):
            return [Source("import", path)], []
        found, skipped = _walk(path)
        if not found:
            raise SourceFormatError(
                f"{path} holds no import files, mailboxes, calendars or CRM exports"
                + (f" ({len(skipped)} other files)" if skipped else ""),
                path=path,
            )
        return found, skipped
    detected = detect_file(path)
    if detected is None:
        raise SourceFormatError(
            f"{path.name} is not an mbox, .eml message, .ics calendar or CRM CSV export "
            "(use --format to say what it is)",
            path=path,
        )
    return [Source(detected, path)], []


def detect_file(path: Path) -> str | None:
    """``mbox``, ``eml``, ``ics``, ``salesforce`` or ``None``, from the file's first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return None
    head = head.removeprefix(b"\xef\xbb\xbf")
    stripped = head.lstrip()
    if head.startswith(b"From "):
        return "mbox"
    if stripped[:15].upper() == b"BEGIN:VCALENDAR":
        return "ics"
    lines = head.splitlines()
    if lines and _HEADER_LINE.match(lines[0]):
        named = sum(1 for line in lines[:60] if line.lower().startswith(_MAIL_HEADERS))
        if named >= 2:
            return "eml"
    if path.suffix.lower() == ".csv" and _is_crm_csv(head):
        return "salesforce"
    return None


def _is_crm_csv(head: bytes) -> bool:
    from stakegraph.ingest.sources.crm import entity_of_header

    try:
        header = next(csv.reader(io.StringIO(head.decode("utf-8", "replace"))), [])
    except csv.Error:
        return False
    return entity_of_header([h.strip() for h in header]) is not None


def _walk(root: Path) -> tuple[list[Source], list[SkippedFile]]:
    found: list[Source] = []
    skipped: list[SkippedFile] = []
    crm = False
    maildirs: list[Path] = []  # Maildir trees: read whole, nested folders included
    for directory, subdirs, files in os.walk(root):
        here = Path(directory)
        subdirs.sort()
        if is_maildir(here):
            if not any(here == tree or tree in here.parents for tree in maildirs):
                found.append(Source("maildir", here))
                maildirs.append(here)
            # cur/ and new/ are the Maildir's messages; tmp/ holds deliveries in progress.
            # Files beside them are looked at like any other file below.
            tmp = here / "tmp"
            for pending in sorted(tmp.iterdir()) if tmp.is_dir() else []:
                skipped.append(SkippedFile(pending, _TMP_REASON))
            subdirs[:] = [d for d in subdirs if d not in ("cur", "new", "tmp")]
        for name in sorted(files):
            path = here / name
            detected = None if name.startswith(".") else detect_file(path)
            if detected == "salesforce":
                crm = True  # the CRM converter takes the folder's CSV files together
            elif detected is not None:
                found.append(Source(detected, path))
            else:
                skipped.append(SkippedFile(path, _why_not_read(path)))
    if crm:
        # Accounts and contacts before activities: their organizations decide accounts.
        found.insert(0, Source("salesforce", root))
    return found, skipped


_TMP_REASON: Final = "in a Maildir's tmp/: a delivery in progress, not a message yet"


def _why_not_read(path: Path) -> str:
    if path.name.startswith("."):
        return "hidden file"
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if size == 0:
        return "empty file"
    return "not a mail message, mbox, .ics calendar or CRM CSV export (judged by content)"
