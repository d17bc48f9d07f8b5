"""What ``stakegraph explore`` prints: the list of explorations, and a result as a table."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from rich.table import Table

from stakegraph.workbench.explorations import Exploration, ExplorationError, explorations
from stakegraph.workbench.frames import display_value


def parse_param_items(items: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` items as a dict of text values (each exploration converts its own).

    >>> parse_param_items(["silent_days=45", "levels=vp,c_level"])
    {'silent_days': '45', 'levels': 'vp,c_level'}
    """
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ExplorationError(f"--param {item!r}: expected KEY=VALUE")
        params[key.strip()] = value
    return params


def explorations_table() -> Table:
    table = Table("name", "question", "parameters (default)", title="curated explorations")
    for exploration in explorations().values():
        table.add_row(exploration.name, exploration.question, _parameters(exploration))
    return table


def exploration_help(exploration: Exploration) -> str:
    lines = [f"{exploration.name}: {exploration.title}", "", exploration.question, ""]
    for p in exploration.parameters:
        lines.append(
            f"  --param {p.name}=...  ({p.type}, default {p.default_text}) {p.description}"
        )
    lines += ["", "example:", exploration.example]
    return "\n".join(lines)


def frame_table(frame: pd.DataFrame, *, title: str) -> Table:
    table = Table(*[str(c) for c in frame.columns], title=title)
    for row in frame.itertuples(index=False):
        table.add_row(*(display_value(v) for v in row))
    return table


def _parameters(exploration: Exploration) -> str:
    return "\n".join(f"{p.name}={p.default_text}" for p in exploration.parameters) or "none"
