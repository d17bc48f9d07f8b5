"""stakegraph: relationship intelligence for account teams.

``stakegraph.connect()`` opens the graph for notebooks (docs/analysts.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stakegraph.workbench.notebook import Workbench

__all__ = ["connect"]


def connect(
    home: str | Path | None = None, *, limit: int = 100_000, timeout_s: float = 120.0
) -> Workbench:
    """The graph, read-only, with answers as pandas DataFrames.

    See :func:`stakegraph.workbench.notebook.connect`; imported on first use, so that
    ``import stakegraph`` stays cheap for the command line.
    """
    from stakegraph.workbench.notebook import connect as open_workbench

    return open_workbench(home, limit=limit, timeout_s=timeout_s)
