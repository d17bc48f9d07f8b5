"""Importing the import-format directory (docs/import-format.md) into the graph store.

``read`` (I/O, chunks of raw rows) → ``transform`` (pure validation into typed records,
with ``identity`` resolving people and accounts) → ``load`` (batched writes through the
named queries in ``cypher/ingest/``), orchestrated by :func:`import_directory`.
"""

from __future__ import annotations

from stakegraph.ingest.load import LoadError
from stakegraph.ingest.pipeline import ProgressCallback, import_directory
from stakegraph.ingest.read import ImportDirectoryError, ImportFileError, IngestError
from stakegraph.ingest.records import RowError
from stakegraph.ingest.report import (
    EXIT_COMPLETE,
    EXIT_FAILED,
    EXIT_PARTIAL,
    FileReport,
    ImportReport,
)

__all__ = [
    "EXIT_COMPLETE",
    "EXIT_FAILED",
    "EXIT_PARTIAL",
    "FileReport",
    "ImportDirectoryError",
    "ImportFileError",
    "ImportReport",
    "IngestError",
    "LoadError",
    "ProgressCallback",
    "RowError",
    "import_directory",
]
