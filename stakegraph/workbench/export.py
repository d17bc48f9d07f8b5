"""``stakegraph export``: the graph's facts and dimensions as flat files for BI tools.

One file per table (``<table>.csv`` or ``<table>.parquet``) plus ``manifest.json`` (the
tables, their columns and row counts). Column names are a stable contract, documented in
docs/analysts.md; instants are UTC timestamps (ISO 8601 text in CSV), lists are
``;``-separated text (as in the import format), JSON stays text.

Each file is written beside its final name and renamed into place, so an export killed
midway leaves every file either complete or as the previous export left it.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from stakegraph.errors import StakegraphError
from stakegraph.graph.store import GraphStore
from stakegraph.workbench.frames import spreadsheet_safe

ExportFormat = Literal["csv", "parquet"]
DAY = 86_400
OPEN_SIGNAL_WINDOW_S = 90 * DAY  # as the API's "open signals" (docs/api.md)

# The latest snapshot's metrics that account_kpis carries (docs/metrics.md defines them).
KPI_METRICS = (
    "window_end",
    "depth_score",
    "contacts_engaged",
    "senior_contacts_engaged",
    "functions_engaged",
    "levels_engaged",
    "multi_role",
    "degree_centralization",
    "betweenness_centralization",
    "their_effective_threads",
    "their_reply_latency_s",
    "contacts_engaged_ratio",
    "meetings_ratio",
    "inbound_emails_ratio",
    "outbound_emails_ratio",
)
SNAPSHOT_KEYS = ("snapshot_id", "account_id", "window_start", "window_end")


class ExportError(StakegraphError):
    """The export cannot be written as asked."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # the stable ones; snapshots add one column per metric after them
    instants: tuple[str, ...]  # epoch seconds in the store, timestamps in the file
    lists: tuple[str, ...] = ()  # lists in the store, ';'-joined text in the file


TABLES: tuple[Table, ...] = (
    Table(
        "accounts",
        ("account_id", "name", "segment", "arr", "renewal_date", "owner_id", "domains"),
        instants=("renewal_date",),
        lists=("domains",),
    ),
    Table(
        "people",
        (
            "person_id",
            "name",
            "emails",
            "organization_id",
            "organization",
            "is_ours",
            "title",
            "level",
            "function",
            "outreach_capacity",
        ),
        instants=(),
        lists=("emails",),
    ),
    Table(
        "roles",
        ("person_id", "organization_id", "title", "level", "function", "start_date", "end_date"),
        instants=("start_date", "end_date"),
    ),
    Table("renewals", ("account_id", "renewal_date", "outcome"), instants=("renewal_date",)),
    Table(
        "account_kpis",
        (
            "account_id",
            "analyzed_at",
            "risk_score",
            "risk_tier",
            "risk_tier_label",
            "open_signals",
            *KPI_METRICS,
        ),
        instants=("analyzed_at", "window_end"),
    ),
    Table("snapshots", SNAPSHOT_KEYS, instants=("window_start", "window_end")),
    Table(
        "signals",
        (
            "signal_id",
            "account_id",
            "kind",
            "raised_at",
            "severity",
            "summary",
            "evidence",
            "person_ids",
        ),
        instants=("raised_at",),
        lists=("person_ids",),
    ),
    Table(
        "ties",
        (
            "account_id",
            "person_a",
            "person_b",
            "strength",
            "last_at",
            "interactions",
            "reciprocity",
            "channels",
        ),
        instants=("last_at",),
    ),
)


TABLE_BY_NAME = {table.name: table for table in TABLES}


@dataclass(frozen=True)
class ExportedTable:
    name: str
    path: Path
    rows: int
    columns: list[str]


def export_tables(
    store: GraphStore,
    out_dir: Path,
    *,
    file_format: ExportFormat = "csv",
    tables: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[ExportedTable]:
    """Write every table (or those named) into ``out_dir``; return what was written."""
    if file_format not in ("csv", "parquet"):
        raise ExportError(f"format {file_format!r}: use csv or parquet")
    if file_format == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise ExportError(
            "Parquet needs pyarrow, which is not installed: pip install 'stakegraph[parquet]' "
            "(or export with --format csv)"
        )
    unknown = sorted(set(tables or ()) - TABLE_BY_NAME.keys())
    if unknown:
        raise ExportError(f"no table {unknown[0]!r} (tables: {', '.join(TABLE_BY_NAME)})")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        if tables and table.name not in tables:
            continue
        if progress is not None:
            progress(table.name)
        frame = read_table(store, table)
        path = out_dir / f"{table.name}.{file_format}"
        _write_atomically(frame, path, file_format)
        written.append(ExportedTable(table.name, path, len(frame), list(frame.columns)))
    _write_manifest(out_dir, written, file_format)
    return written


def read_table(store: GraphStore, table: Table) -> pd.DataFrame:
    """One table as a DataFrame with its documented columns, instants as UTC timestamps."""
    if table.name == "snapshots":
        frame = _snapshots(store)
    elif table.name == "account_kpis":
        frame = _account_kpis(store)
    else:
        frame = store.query_df(f"export/{table.name}")
        frame = frame.reindex(columns=list(table.columns))
    for column in table.lists:
        frame[column] = frame[column].map(_joined)
    for column in table.instants:
        frame[column] = pd.to_datetime(frame[column].astype("float64"), unit="s", utc=True)
    return frame


def _snapshots(store: GraphStore) -> pd.DataFrame:
    maps = store.query_df("export/snapshots")
    frame = pd.DataFrame.from_records(_maps(maps, "snapshot"))
    frame = frame.rename(columns={"id": "snapshot_id"})
    metrics = sorted(c for c in frame.columns if c not in SNAPSHOT_KEYS)
    frame = frame.reindex(columns=[*SNAPSHOT_KEYS, *metrics])
    return frame.sort_values(["account_id", "window_end"], ignore_index=True)


def _account_kpis(store: GraphStore) -> pd.DataFrame:
    rows = store.query_df("export/account_kpis", open_window_s=OPEN_SIGNAL_WINDOW_S)
    latest = pd.DataFrame.from_records(_maps(rows, "snapshot"), columns=list(KPI_METRICS))
    frame = pd.concat(
        [rows.drop(columns="snapshot", errors="ignore"), latest.set_axis(rows.index)], axis=1
    )
    return frame.reindex(columns=list(TABLE_BY_NAME["account_kpis"].columns))


def _maps(frame: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    """The property maps of a column (an empty result may come without its columns).

    Datetime copies the store keeps for analysts' Cypher (a snapshot's ``window_end_at``
    beside the epoch ``window_end``) are left out: the export dates the epoch columns.
    """
    if column not in frame.columns:
        return []
    return [
        {key: v for key, v in (value or {}).items() if not hasattr(v, "iso_format")}
        for value in frame[column]
    ]


def _joined(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def _write_atomically(frame: pd.DataFrame, path: Path, file_format: ExportFormat) -> None:
    partial = path.with_name(f".{path.name}.partial")
    if file_format == "csv":
        safe = spreadsheet_safe(frame)
        safe.to_csv(partial, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    else:
        frame.to_parquet(partial, index=False)
    os.replace(partial, path)


def _write_manifest(out_dir: Path, written: list[ExportedTable], file_format: str) -> None:
    manifest = {
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "format": file_format,
        "tables": [
            {"name": t.name, "file": t.path.name, "rows": t.rows, "columns": t.columns}
            for t in written
        ],
    }
    partial = out_dir / ".manifest.json.partial"
    partial.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, out_dir / "manifest.json")
