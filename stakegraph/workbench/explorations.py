"""Curated explorations: documented, parameterised read-only questions about the graph.

Each is one file ``cypher/explore/<name>.cypher`` of the named-query registry whose header
says what it answers, which parameters it takes (type, default, meaning) and what its
output looks like::

    // Key stakeholders silent before a renewal
    // question: Which VP and C-level people of accounts renewing soon went quiet?
    // params: $as_of, $silent_days
    // param as_of: date = null -- look from this day; null: each account's analysis date
    // param silent_days: int = 30 -- at least this many days without an interaction
    // example:
    // account | person  | last_seen_at
    // Acme    | Fay Lin | 2024-01-15

The first line is the title; ``question:`` may continue on the lines after it. Parameter
types are ``int``, ``float``, ``text``, ``date`` (given as ``YYYY-MM-DD``, sent to the
statement as epoch seconds at midnight UTC, the way the store keeps dates) and ``list``
(of text; comma-separated when given as text). A parameter whose default is ``null`` may be
left out or given as ``null``; one whose default is ``required`` must be given.

Every exploration runs through :func:`stakegraph.graph.readonly.run_read_only`, so it has
the same guarantees and limits as an analyst's own Cypher.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any, Literal, cast, get_args

from stakegraph.dates import epoch_seconds
from stakegraph.errors import StakegraphError
from stakegraph.graph.queries import NamedQuery, registry
from stakegraph.graph.readonly import DEFAULT_MAX_BYTES, ReadOnlyResult, run_read_only
from stakegraph.graph.store import GraphStore

AREA = "explore"

ParamType = Literal["int", "float", "text", "date", "list"]
PARAM_TYPES: tuple[str, ...] = get_args(ParamType)

_PARAM_LINE = re.compile(
    r"^param\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>\w+)\s*=\s*(?P<default>.*?)\s+--\s+(?P<doc>.+)$"
)
_NULL = ("", "null", "none")


class ExplorationError(StakegraphError):
    """An exploration does not exist, or was given a parameter it cannot take."""


class ExplorationNotFoundError(ExplorationError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no exploration {name!r} (`stakegraph explore --list` lists them)")
        self.name = name


class ExplorationParameterError(ExplorationError):
    """``parameter`` of ``exploration`` was refused; ``reason`` says why."""

    def __init__(self, exploration: str, parameter: str, reason: str) -> None:
        super().__init__(f"exploration {exploration!r}, parameter {parameter!r}: {reason}")
        self.exploration = exploration
        self.parameter = parameter
        self.reason = reason


@dataclass(frozen=True)
class Parameter:
    name: str
    type: ParamType
    default: Any  # already converted: what the statement receives when the caller omits it
    default_text: str  # as written in the header (and shown to people)
    description: str
    required: bool = False  # default written as ``required``: the caller must give it

    def convert(self, value: Any, *, exploration: str) -> Any:
        """``value`` (text from a command line or a form, or JSON) as the statement takes it."""
        if value is None or (isinstance(value, str) and value.strip().lower() in _NULL):
            if self.default is None:
                return None
            raise ExplorationParameterError(exploration, self.name, "may not be null")
        try:
            return _CONVERTERS[self.type](value)
        except (TypeError, ValueError) as exc:
            raise ExplorationParameterError(exploration, self.name, str(exc)) from None


@dataclass(frozen=True)
class Exploration:
    name: str
    title: str
    question: str
    parameters: tuple[Parameter, ...]
    example: str
    query: NamedQuery

    @property
    def columns(self) -> list[str]:
        """The result's columns, as the example's first line names them."""
        return self.example.splitlines()[0].split()

    def bind(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter's value for the statement: ``given`` converted, defaults for the rest."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - known.keys())
        if unknown:
            raise ExplorationParameterError(
                self.name,
                unknown[0],
                f"not a parameter of this exploration (it takes: {', '.join(known) or 'none'})",
            )
        missing = [p.name for p in self.parameters if p.required and p.name not in given]
        if missing:
            raise ExplorationParameterError(self.name, missing[0], "required, and not given")
        return {
            p.name: (
                p.convert(given[p.name], exploration=self.name) if p.name in given else p.default
            )
            for p in self.parameters
        }


def run_exploration(
    store: GraphStore,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int = 1000,
    timeout_s: float = 30.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    caller: str = "",
) -> ReadOnlyResult:
    """Run one exploration with ``params`` (defaults for the others), read-only, for
    ``caller``, with the limits of :func:`run_read_only`."""
    exploration = get_exploration(name)
    values = exploration.bind(params or {})
    result = run_read_only(
        store,
        exploration.query.text,
        values,
        limit=limit,
        timeout_s=timeout_s,
        max_bytes=max_bytes,
        caller=caller,
    )
    if not result.columns:  # an empty result may come without its columns (ArcadeDB)
        return replace(result, columns=exploration.columns)
    return result


def get_exploration(name: str) -> Exploration:
    try:
        return explorations()[name]
    except KeyError:
        raise ExplorationNotFoundError(name) from None


@lru_cache(maxsize=1)
def explorations() -> dict[str, Exploration]:
    """Every curated exploration, by name (the file name without ``.cypher``)."""
    prefix = f"{AREA}/"
    return {
        query.name.removeprefix(prefix): parse_exploration(query)
        for name, query in sorted(registry().items())
        if name.startswith(prefix)
    }


def parse_exploration(query: NamedQuery, text: str | None = None) -> Exploration:
    """The documentation of an exploration, from its file's header.

    Raises ``ValueError`` naming the file and the problem when the header is incomplete or
    disagrees with the statement.
    """
    name = query.name.removeprefix(f"{AREA}/")
    source = text if text is not None else _source(query.name)
    header = []
    for line in source.splitlines():
        if not line.lstrip().startswith("//"):
            break
        header.append(line.lstrip()[2:].removeprefix(" ").rstrip())
    if not header:
        raise ValueError(f"{query.name}: no header")
    title, fields = header[0], _fields(header[1:])
    parameters = tuple(_parameter(query.name, line) for line in fields.get("param", []))
    declared = {p.name for p in parameters}
    if declared != set(query.params):
        raise ValueError(
            f"{query.name}: 'param' lines describe {sorted(declared)} "
            f"but '// params:' declares {sorted(query.params)}"
        )
    question = " ".join(fields.get("question", [])).strip()
    example = "\n".join(fields.get("example", [])).strip("\n")
    for what, value in (("title", title), ("question", question), ("example", example)):
        if not value.strip():
            raise ValueError(f"{query.name}: the header has no {what}")
    return Exploration(name, title, question, parameters, example, query)


def _fields(lines: list[str]) -> dict[str, list[str]]:
    """Header lines by key: ``question``, ``params``, ``param`` (one per line), ``example``."""
    fields: dict[str, list[str]] = {}
    key = None
    for line in lines:
        word = line.split(":", 1)[0].split(" ", 1)[0]
        if key != "example" and word in ("question", "params", "example"):
            key = word
            rest = line.split(":", 1)[1].strip() if ":" in line else ""
            fields.setdefault(key, []).extend([rest] if rest and key != "example" else [])
        elif key != "example" and word == "param":
            key = "param"
            fields.setdefault(key, []).append(line)
        elif key == "param":
            fields["param"][-1] += " " + line.strip()  # a description continued
        elif key is not None:
            fields[key].append(line if key == "example" else line.strip())
    return fields


def _parameter(source: str, line: str) -> Parameter:
    match = _PARAM_LINE.match(line)
    if match is None:
        raise ValueError(f"{source}: {line!r} is not 'param NAME: TYPE = DEFAULT -- meaning'")
    kind = match.group("type")
    if kind not in PARAM_TYPES:
        raise ValueError(f"{source}: parameter type {kind!r} is not one of {PARAM_TYPES}")
    name, default_text = match.group("name"), match.group("default")
    required = default_text == "required"
    nullable = Parameter(name, cast(ParamType, kind), None, "", "")
    default = None if required else nullable.convert(default_text, exploration=source)
    return Parameter(
        name, cast(ParamType, kind), default, default_text, match.group("doc"), required
    )


def _source(name: str) -> str:
    from importlib import resources

    path = resources.files("stakegraph") / "cypher" / f"{name}.cypher"
    return path.read_text(encoding="utf-8")


def _to_int(value: Any) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        # Python will not read a number of thousands of digits, nor do the stores need one.
        number = int(value) if len(value.strip()) <= 20 else 2**63
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        raise ValueError(f"{value!r} is not a whole number")
    # The stores' integers are 64-bit: a larger one failed in the driver, as a 400 that
    # quoted Python ("int too large to convert to C long").
    if not -(2**63) <= number < 2**63:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:30] + "..."
        raise ValueError(f"{shown} is out of range (a 64-bit whole number)")
    return number


def _to_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _to_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


def _to_date(value: Any) -> int:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    if not 1971 <= day.year <= 2200:  # real relationship data; far dates overflow
        raise ValueError(f"{value!r} is out of range (1971 to 2200)")
    return epoch_seconds(day)


def _to_list(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError(f"{value!r} is not a list of text (a,b,c)")
    return [item.strip() for item in items if item.strip()]


_CONVERTERS = {
    "int": _to_int,
    "float": _to_float,
    "text": _to_text,
    "date": _to_date,
    "list": _to_list,
}
