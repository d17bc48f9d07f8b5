"""``stakegraph.connect()``: the graph as DataFrames, for notebooks and scripts.

>>> import stakegraph                                                   # doctest: +SKIP
>>> with stakegraph.connect() as graph:                                 # doctest: +SKIP
...     graph.explore("silent_key_stakeholders", silent_days=45)
...     graph.run("MATCH (a:Account) RETURN a.name AS name, a.arr AS arr")

Everything runs read-only (:func:`stakegraph.graph.readonly.run_read_only`): a notebook
cannot change the graph, whatever it sends.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from stakegraph.config import Settings
from stakegraph.graph.readonly import ReadOnlyResult, run_read_only
from stakegraph.graph.store import GraphStore
from stakegraph.workbench.explorations import explorations, run_exploration
from stakegraph.workbench.export import ExportedTable, ExportFormat, export_tables
from stakegraph.workbench.frames import to_frame

DEFAULT_LIMIT = 100_000
DEFAULT_TIMEOUT_S = 120.0


class TruncatedResultWarning(UserWarning):
    """A result had more rows than the connection's limit; the frame holds the first ones."""


class Workbench:
    """A read-only connection to the graph whose answers are DataFrames.

    Parameters
    ----------
    store
        An open store.
    owns_store
        Close ``store`` with this object (true when :func:`connect` opened it).
    limit
        At most this many rows per answer; a longer result is cut, with a
        :class:`TruncatedResultWarning` (and ``frame.attrs["truncated"]`` true).
    timeout_s
        A query still running after this many seconds is abandoned.
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        owns_store: bool = False,
        limit: int = DEFAULT_LIMIT,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.store = store
        self._owns_store = owns_store
        self.limit = limit
        self.timeout_s = timeout_s

    def run(self, query: str, /, **params: Any) -> pd.DataFrame:
        """Run one read-only Cypher statement with ``$params``; rows as a DataFrame."""
        result = run_read_only(
            self.store, query, params, limit=self.limit, timeout_s=self.timeout_s
        )
        return self._frame(result)

    def explore(self, name: str, /, **params: Any) -> pd.DataFrame:
        """Run a curated exploration (:meth:`explorations` lists them) with ``params``.

        Parameters are given as Python values (``as_of="2024-06-30"``, ``levels=["vp"]``,
        ``silent_days=45``) or as text, as on the command line.
        """
        result = run_exploration(
            self.store, name, params, limit=self.limit, timeout_s=self.timeout_s
        )
        return self._frame(result)

    @staticmethod
    def explorations() -> pd.DataFrame:
        """The curated explorations: name, title, question and parameters (with defaults)."""
        return pd.DataFrame(
            [
                {
                    "name": e.name,
                    "title": e.title,
                    "question": e.question,
                    "parameters": ", ".join(f"{p.name}={p.default_text}" for p in e.parameters),
                }
                for e in explorations().values()
            ],
            columns=["name", "title", "question", "parameters"],
        )

    def export(
        self,
        out_dir: str | Path,
        *,
        file_format: ExportFormat = "csv",
        tables: Sequence[str] | None = None,
    ) -> list[ExportedTable]:
        """Write the BI tables into ``out_dir`` (as ``stakegraph export``; docs/analysts.md)."""
        return export_tables(self.store, Path(out_dir), file_format=file_format, tables=tables)

    def close(self) -> None:
        """Close the store when this object opened it (a second call does nothing)."""
        if self._owns_store:
            self._owns_store = False
            self.store.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _frame(self, result: ReadOnlyResult) -> pd.DataFrame:
        frame = to_frame(result.columns, result.rows)
        frame.attrs["truncated"] = result.truncated
        if result.truncated:
            warnings.warn(
                f"the result has more than {self.limit} rows; the frame holds the first "
                f"{self.limit} (connect(limit=...) raises the cap)",
                TruncatedResultWarning,
                stacklevel=3,
            )
        return frame


def connect(
    home: str | Path | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Workbench:
    """Open the configured graph store for reading into DataFrames.

    The embedded store under ``STAKEGRAPH_HOME`` (or ``home``) by default, starting it if no
    other stakegraph command has; the Neo4j server at ``NEO4J_URI`` when that is set (with
    ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``). Close it when done, or use it
    as a context manager.
    """
    settings = Settings() if home is None else Settings(STAKEGRAPH_HOME=Path(home))
    store = GraphStore.open(settings)
    return Workbench(store, owns_store=True, limit=limit, timeout_s=timeout_s)
