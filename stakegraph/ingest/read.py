"""Reading an import directory: dumb I/O that yields chunks of raw rows.

Nothing here validates values; it only finds the files, decodes them (UTF-8) and says
where each row came from. A file that cannot be read at all raises
:class:`ImportFileError` naming it (and the line, when one line is the reason); a single
unparseable JSONL line is not fatal and is yielded as a :class:`RowError` for the rejects
file. Column names are compared without case and surrounding spaces, and a CSV file's
delimiter (``,``, ``;`` or a tab) is the one that splits its header into known columns.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from stakegraph.errors import StakegraphError
from stakegraph.ingest.records import (
    ROW_MODELS,
    RawRow,
    RowError,
    columns_of,
    required_columns_of,
)

#: The import files, in the order they are loaded (references point backwards).
ENTITIES: Final = (
    "organizations",
    "people",
    "roles",
    "renewals",
    "knows",
    "engagements",
    "coverage",
    "interactions",
    "usage",
)
# The names of the import files, compared without case.
_IMPORT_FILES: Final = frozenset(f"{e}.{fmt}" for e in ENTITIES for fmt in ("csv", "jsonl"))
_CHUNK_BYTES: Final = 1 << 20
# European spreadsheets save "CSV" with semicolons; some exports use tabs.
_DELIMITERS: Final = (",", ";", "\t")
# The csv module's default field limit (128 KiB) is below a long mail subject or note.
_FIELD_LIMIT: Final = 16 << 20
# Files that may sit in an import directory without being import files.
_OTHER_FILES: Final = frozenset(
    {"ticket_rules.csv", "merges.csv", "errors.csv", "rejects.csv", "truth.json"}
)
csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))


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


def is_import_directory(directory: Path) -> bool:
    """Whether ``directory`` holds a file of the import format (any entity, any case).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "Roles.csv").write_text("person_id")
    ...     is_import_directory(Path(tmp)), is_import_directory(Path(tmp) / "missing")
    (True, False)
    """
    if not directory.is_dir():
        return False
    return any(p.is_file() and p.name.lower() in _IMPORT_FILES for p in directory.iterdir())


def find_import_files(directory: Path) -> dict[str, ImportFile]:
    """The import files present in ``directory``, by entity.

    File names are compared without case (``Interactions.CSV`` is ``interactions.csv``,
    as it is on a case-insensitive file system).

    Raises
    ------
    ImportDirectoryError
        When the directory does not exist, holds no import file, or holds two files for one
        entity (a CSV and a JSONL, or two spellings of one name).
    """
    if not directory.is_dir():
        raise ImportDirectoryError(f"{directory} is not a directory", path=directory)
    by_name: dict[str, list[Path]] = {}
    for path in sorted(directory.iterdir()):
        if path.is_file():
            by_name.setdefault(path.name.lower(), []).append(path)
    found: dict[str, ImportFile] = {}
    for entity in dict.fromkeys(ENTITIES):
        present = [
            ImportFile(entity, path, fmt)
            for fmt in ("csv", "jsonl")
            for path in by_name.get(f"{entity}.{fmt}", [])
        ]
        if len(present) > 1:
            names = " and ".join(p.name for p in present)
            raise ImportDirectoryError(
                f"{directory} holds both {names} for {entity}; keep one", path=directory
            )
        if present:
            found[entity] = present[0]
    if not found:
        others = unrecognized_files(directory)
        hint = f" (found {', '.join(others)})" if others else ""
        raise ImportDirectoryError(
            f"{directory} holds no import file (organizations, people, roles, renewals, "
            f"knows, engagements, coverage, interactions or usage, .csv or .jsonl){hint}",
            path=directory,
        )
    return found


def unrecognized_files(directory: Path) -> list[str]:
    """Files of ``directory`` that look like data but are not read: a misspelt name
    (``contacts.csv``) or another format (``roles.txt``, ``usage.xlsx``)."""
    known = _IMPORT_FILES | _OTHER_FILES
    data_suffixes = {".csv", ".jsonl", ".tsv", ".txt", ".json", ".xlsx", ".xls", ".ndjson"}
    return [
        path.name
        for path in sorted(directory.iterdir())
        if path.is_file()
        and path.name.lower() not in known
        and path.suffix.lower() in data_suffixes
    ]


def fingerprint_files(files: list[ImportFile]) -> tuple[str, dict[str, int]]:
    """A content hash of the files (the import run id) and each file's line count.

    The line count is an upper bound of its rows, good enough for a progress bar. Every
    byte is read here, so a file that is not UTF-8 fails here, before anything is written.

    Raises
    ------
    ImportFileError
        When a file cannot be read or is not UTF-8 text (naming the first bad line).
    """
    digest = hashlib.sha256()
    lines: dict[str, int] = {}
    for item in sorted(files, key=lambda f: f.entity):
        digest.update(f"{item.entity}.{item.format}\0".encode())
        count = 0
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with item.path.open("rb") as handle:
                while chunk := handle.read(_CHUNK_BYTES):
                    digest.update(chunk)
                    count += chunk.count(b"\n")
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(_not_utf8(item.path), path=item.path) from None
        except OSError as exc:
            raise ImportFileError(f"cannot be read: {exc.strerror or exc}", path=item.path) from exc
        digest.update(b"\0")
        lines[item.entity] = count
    return digest.hexdigest()[:32], lines


def _not_utf8(path: Path) -> str:
    """Where a file stops being UTF-8, and what to do about it."""
    with path.open("rb") as handle:
        if handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return (
                'is UTF-16 text, not UTF-8: save it as "CSV UTF-8" (or UTF-8 text) and import again'
            )
        handle.seek(0)
        # A UTF-8 sequence never holds a newline byte, so lines can be checked one by one.
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                column = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
                near = text[max(0, column - 21) : column + 20]
                return (
                    f"line {number}, character {column}: byte 0x{raw[exc.start]:02X} is not UTF-8 "
                    f'(near "{near}"); the file looks like Latin-1 or Windows-1252 text: save it '
                    'as "CSV UTF-8" (or re-encode it to UTF-8) and import again'
                )
    return "is not UTF-8 text (it ends inside a character)"


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


def check_header(item: ImportFile) -> None:
    """Check a CSV file's header before anything is written: a file whose rows could not
    be read as meant fails as a whole, naming its columns, instead of every row being
    rejected for the same reason (JSONL has no header: its keys are checked per line).

    Raises
    ------
    ImportFileError
        When the header is empty, names one column twice, or lacks a required column.
    """
    if item.format == "csv":
        _csv_layout(item)


@dataclass(frozen=True)
class _CsvLayout:
    delimiter: str
    header: list[str]


def column_key(name: str) -> str:
    """A column name as compared: ``" Person_ID "`` is ``person_id``."""
    return name.strip().lower()


def _csv_layout(item: ImportFile) -> _CsvLayout:
    with item.path.open(encoding="utf-8-sig", newline="") as handle:
        first = next(handle, None)  # the header line; None for an empty file
    if first is None:
        raise ImportFileError(
            "is empty: not even a header row (write the header, or remove the file when "
            "there is nothing to import)",
            path=item.path,
        )
    known = set(columns_of(ROW_MODELS[item.entity]))
    layouts = [
        _CsvLayout(d, [column_key(n) for n in next(csv.reader([first], delimiter=d))])
        for d in _DELIMITERS
    ]
    # The delimiter that splits the header into the most known columns; ',' on a tie.
    layout = max(layouts, key=lambda lay: len(known.intersection(lay.header)))
    header = layout.header
    if not any(header):
        raise ImportFileError("has no header row (its first line is empty)", path=item.path)
    repeated = sorted({n for n in header if n and header.count(n) > 1})
    if repeated:
        names = ", ".join(f'"{n}"' for n in repeated)
        raise ImportFileError(
            f"line 1: the header names column(s) {names} more than once (column names are "
            "compared without case and surrounding spaces); keep one of each",
            path=item.path,
        )
    missing = [c for c in required_columns_of(ROW_MODELS[item.entity]) if c not in header]
    if missing:
        names = ", ".join(f'"{n}"' for n in missing)
        found = ", ".join(f'"{n}"' for n in header)
        raise ImportFileError(
            f"line 1: the header lacks the required column(s) {names} (it has {found}; "
            "docs/import-format.md lists the columns)",
            path=item.path,
        )
    return layout


def _csv_rows(item: ImportFile) -> Iterator[RawRow | RowError]:
    layout = _csv_layout(item)
    header = layout.header
    # utf-8-sig: spreadsheets like to prepend a byte-order mark. strict: a quote that is
    # never closed swallows the rest of the file into one field; fail instead.
    with item.path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter, strict=True)
        line_end = 0
        try:
            next(reader, None)
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
        except csv.Error as exc:
            raise ImportFileError(
                _csv_problem(exc, line_end + 1, reader.line_num), path=item.path
            ) from None


def _csv_problem(exc: csv.Error, started: int, reached: int) -> str:
    reason = str(exc)
    if "unexpected end of data" in reason:
        return (
            f"line {started}: a quoted field opened in the row starting here is never closed "
            f"(the file ends at line {reached} inside it); close the quote or double the "
            'quotes inside the field ("")'
        )
    if "expected after" in reason:
        return (
            f"line {reached}: a quoted field is followed by more text before the delimiter "
            f'({reason}); quotes inside a field are doubled ("")'
        )
    return f"line {reached}: is not valid CSV: {reason}"


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
            keys = [column_key(str(k)) for k in values]
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            if repeated:
                names = ", ".join(f'"{k}"' for k in repeated)
                yield RowError(
                    item.name,
                    number,
                    "",
                    f"names the key(s) {names} more than once (keys are compared without "
                    "case and surrounding spaces)",
                    values,
                )
                continue
            yield RawRow(item.name, number, dict(zip(keys, values.values(), strict=True)))
