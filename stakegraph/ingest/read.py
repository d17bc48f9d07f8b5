"""Reading an import directory: dumb I/O that yields chunks of raw rows.

Nothing here validates values; it only finds the files, decodes them (UTF-8) and says
where each row came from. A file that cannot be read at all raises
:class:`ImportFileError` naming it; a single unparseable JSONL line is not fatal and is
yielded as a :class:`RowError` for the rejects file.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from stakegraph.errors import StakegraphError
from stakegraph.ingest.records import RawRow, RowError

#: The import files, in the order they are loaded (references point backwards).
ENTITIES: Final = (
    "organizations",
    "people",
    "roles",
    "renewals",
    "knows",
    "engagements",
    "interactions",
    "interactions",
    "usage",
)
_CHUNK_BYTES: Final = 1 << 20


class IngestError(StakegraphError):
    """Base of the errors that stop an import as a whole (exit code 1)."""


class ImportDirectoryError(IngestError):
    """The import directory is missing, or its set of files is not usable."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class ImportFileError(IngestError):
    """One import file cannot be read at all (missing, not UTF-8, not CSV)."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(f"{path.name}: {message}")
        self.path = path


@dataclass(frozen=True)
class ImportFile:
    """One file of an import directory."""

    entity: str  # one of ENTITIES
    path: Path
    format: str  # csv or jsonl

    @property
    def name(self) -> str:
        return self.path.name


def find_import_files(directory: Path) -> dict[str, ImportFile]:
    """The import files present in ``directory``, by entity.

    Raises
    ------
    ImportDirectoryError
        When the directory does not exist, has no ``interactions`` file, or holds both a
        CSV and a JSONL file for one entity.
    """
    if not directory.is_dir():
        raise ImportDirectoryError(f"{directory} is not a directory", path=directory)
    found: dict[str, ImportFile] = {}
    for entity in ENTITIES:
        present = [
            ImportFile(entity, directory / f"{entity}.{fmt}", fmt)
            for fmt in ("csv", "jsonl")
            if (directory / f"{entity}.{fmt}").is_file()
        ]
        if len(present) > 1:
            raise ImportDirectoryError(
                f"{directory} holds both {entity}.csv and {entity}.jsonl; keep one",
                path=directory,
            )
        if present:
            found[entity] = present[0]
    if "interactions" not in found:
        raise ImportDirectoryError(
            f"{directory} has no interactions.csv or interactions.jsonl (the one required file)",
            path=directory,
        )
    return found


def fingerprint_files(files: list[ImportFile]) -> tuple[str, dict[str, int]]:
    """A content hash of the files (the import run id) and each file's line count.

    The line count is an upper bound of its rows, good enough for a progress bar.
    """
    digest = hashlib.sha256()
    lines: dict[str, int] = {}
    for item in sorted(files, key=lambda f: f.entity):
        digest.update(f"{item.entity}.{item.format}\0".encode())
        count = 0
        try:
            with item.path.open("rb") as handle:
                while chunk := handle.read(_CHUNK_BYTES):
                    digest.update(chunk)
                    count += chunk.count(b"\n")
        except OSError as exc:
            raise ImportFileError(f"cannot be read: {exc.strerror or exc}", path=item.path) from exc
        digest.update(b"\0")
        lines[item.entity] = count
    return digest.hexdigest()[:32], lines


def read_rows(item: ImportFile, *, chunk_size: int = 5000) -> Iterator[list[RawRow | RowError]]:
    """Yield the rows of one import file in chunks of at most ``chunk_size``.

    Raises
    ------
    ImportFileError
        When the file cannot be opened or decoded, or a CSV file is malformed.
    """
    rows = _csv_rows(item) if item.format == "csv" else _jsonl_rows(item)
    chunk: list[RawRow | RowError] = []
    try:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"is not UTF-8 text (byte {exc.start} of a read block: {exc.reason})", path=item.path
        ) from exc
    except csv.Error as exc:
        raise ImportFileError(f"is not valid CSV: {exc}", path=item.path) from exc
    except OSError as exc:
        raise ImportFileError(f"cannot be read: {exc.strerror or exc}", path=item.path) from exc
    if chunk:
        yield chunk


def read_header(item: ImportFile) -> list[str]:
    """The column names of a CSV file (empty for JSONL, whose keys vary per line)."""
    if item.format != "csv":
        return []
    try:
        with item.path.open(encoding="utf-8-sig", newline="") as handle:
            return [name.strip() for name in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportFileError(f"cannot be read: {exc}", path=item.path) from exc


def _csv_rows(item: ImportFile) -> Iterator[RawRow | RowError]:
    # utf-8-sig: spreadsheets like to prepend a byte-order mark.
    with item.path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        if not header or not any(header):
            raise ImportFileError("has no header row", path=item.path)
        line_end = reader.line_num
        for fields in reader:
            line = line_end + 1  # a quoted field may span lines; report where the row starts
            line_end = reader.line_num
            if not fields or not any(f.strip() for f in fields):
                continue
            values = dict(zip(header, fields, strict=False))
            if len(fields) > len(header):
                yield RowError(
                    item.name,
                    line,
                    "",
                    f"row has {len(fields)} fields but the header has {len(header)}",
                    {**values, "_extra": fields[len(header) :]},
                )
                continue
            yield RawRow(item.name, line, values)


def _jsonl_rows(item: ImportFile) -> Iterator[RawRow | RowError]:
    with item.path.open(encoding="utf-8-sig") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                values = json.loads(text)
            except json.JSONDecodeError as exc:
                yield RowError(
                    item.name, number, "", f"is not valid JSON: {exc.msg}", {"_line": text}
                )
                continue
            if not isinstance(values, dict):
                yield RowError(item.name, number, "", "is not a JSON object", {"_line": text})
                continue
            yield RawRow(item.name, number, values)
