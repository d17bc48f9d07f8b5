"""What an import reports: rows read, loaded and rejected per file, the rejects file with
the first rejected rows shown on screen, and warnings (a few of each kind)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from stakegraph.ingest.records import RowError

#: Exit codes of ``stakegraph ingest``.
EXIT_COMPLETE = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 3

REJECTS_COLUMNS = ("file", "line", "column", "reason", "raw")
# Rejected rows named in the summary (file, line, column, reason); the rest are in the file.
REJECTS_SHOWN = 5
_WARNINGS_PER_KIND = 20


@dataclass(frozen=True)
class FileReport:
    """What happened to the rows of one file.

    ``rows_read == rows_loaded + rows_rejected + duplicates`` (identical repeated rows are
    dropped silently and counted in ``duplicates``).
    """

    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class ImportReport:
    """The outcome of :func:`import_directory`."""

    run_id: str
    source: Path
    files: tuple[FileReport, ...]
    nodes_created: int
    relationships_created: int
    interactions_created: int
    interactions_already_present: int
    rejects_path: Path | None
    warnings: tuple[str, ...]
    seconds: float
    first_rejects: tuple[RowError, ...] = ()
    #: Wall-clock seconds of each phase: ``entities`` (organizations, people, roles,
    #: renewals, knows, engagements read, validated and written), ``interactions`` (read,
    #: validated and written, with the reply latencies found late) and ``usage``.
    stage_seconds: Mapping[str, float] = field(default_factory=dict)
    #: Seconds the interactions' writers spent writing (the store's statements and the
    #: driver around them), summed over the writers, within the ``interactions`` phase:
    #: near the phase times the writers when the store is what limits it, since reading
    #: and validating the next batch overlap.
    interactions_write_seconds: float = 0.0
    #: Rows that were copies of an interaction stored under another id (the same
    #: ``copy_key``, in this import or an earlier one): counted as loaded, not stored again.
    interaction_copies: int = 0

    @property
    def interactions_per_second(self) -> float | None:
        """New interactions per second of the interactions phase alone (None if it did
        not run or took no measurable time)."""
        seconds = self.stage_seconds.get("interactions")
        return self.interactions_created / seconds if seconds else None

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def status(self) -> str:
        """``complete`` when every row loaded, ``partial`` when some were rejected."""
        return "partial" if self.rows_rejected else "complete"

    @property
    def exit_code(self) -> int:
        """0 when everything loaded, 3 when some rows were rejected (1 is a failed import)."""
        return EXIT_PARTIAL if self.rows_rejected else EXIT_COMPLETE

    def describe(self) -> str:
        """A few lines for people: per file, what was created, where the rejects are."""
        lines = [
            f"import {self.run_id} ({self.status}) from {self.source} in {self.seconds:.1f} s",
        ]
        for f in self.files:
            line = f"  {f.file}: {f.rows_read} read, {f.rows_loaded} loaded"
            if f.rows_rejected:
                line += f", {f.rows_rejected} rejected"
            if f.duplicates:
                line += f", {f.duplicates} repeated rows skipped"
            lines.append(line)
        lines.append(
            f"  created {self.nodes_created} nodes and {self.relationships_created} "
            f"relationships ({self.interactions_created} new interactions, "
            f"{self.interactions_already_present} already present)"
        )
        if self.interaction_copies:
            lines.append(
                f"  {self.interaction_copies} copies of an interaction stored under another id "
                "(the same copy_key) not stored again"
            )
        if self.rejects_path is not None:
            lines.extend(f"  rejected: {error}" for error in self.first_rejects)
            more = self.rows_rejected - len(self.first_rejects)
            if more > 0:
                lines.append(f"  ... and {more} more rejected rows")
            lines.append(f"  rejected rows and reasons: {self.rejects_path}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def file(self, name: str) -> FileReport:
        """The report of one file by name (``interactions.csv``) or entity (``interactions``)."""
        for report in self.files:
            if report.file == name or report.file.rsplit(".", 1)[0] == name:
                return report
        raise KeyError(name)


class Warnings:
    """Warnings, at most a few of each kind (plus a count of the rest)."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._counts: Counter[str] = Counter()

    def add(self, kind: str, message: str) -> None:
        self._counts[kind] += 1
        if self._counts[kind] <= _WARNINGS_PER_KIND:
            self.messages.append(message)

    def final(self) -> tuple[str, ...]:
        extra = [
            f"... and {n - _WARNINGS_PER_KIND} more warnings like: {kind}"
            for kind, n in self._counts.items()
            if n > _WARNINGS_PER_KIND
        ]
        return (*self.messages, *extra)


class Rejects:
    """The rejects CSV, created on the first rejected row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.first: list[RowError] = []  # the first few, for the summary on screen
        self._handle: IO[str] | None = None
        self._writer: Any = None
        path.unlink(missing_ok=True)  # a re-run replaces the rejects of the previous one

    def write(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            if self._writer is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("w", encoding="utf-8", newline="")
                self._writer = csv.writer(self._handle)
                self._writer.writerow(REJECTS_COLUMNS)
            raw = json.dumps(dict(error.raw), ensure_ascii=False, default=str)
            self._writer.writerow((error.file, error.line, error.column, error.reason, raw))
            self.count += 1
            if len(self.first) < REJECTS_SHOWN:
                self.first.append(error)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
