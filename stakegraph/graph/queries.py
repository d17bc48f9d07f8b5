"""Named Cypher queries: one statement per ``cypher/<area>/<verb_noun>.cypher`` file.

Each file starts with a comment header declaring its parameters::

    // Count nodes per label.
    // params: $label, $limit

(``// params: none`` when it takes none). The registry is loaded once; a query is called
by its name, ``area/verb_noun``, and its parameters are checked against the header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from stakegraph.errors import QueryNotFoundError, QueryParameterError

_PARAMS_HEADER = re.compile(r"^//\s*params:\s*(?P<names>.*)$", re.MULTILINE)
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Literals and comments may contain "$" that is not a parameter.
_NOT_CODE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    params: frozenset[str]

    def check(self, params: Mapping[str, object]) -> None:
        given = set(params)
        if given != self.params:
            raise QueryParameterError(
                self.name, missing=set(self.params - given), unexpected=given - self.params
            )


class QueryRegistry(Mapping[str, NamedQuery]):
    """Every named query of the package, by name."""

    def __init__(self, queries: Mapping[str, NamedQuery]) -> None:
        self._queries = dict(queries)

    def __getitem__(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise QueryNotFoundError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)


def parse_query(name: str, text: str) -> NamedQuery:
    """Parse one file; raise ``ValueError`` when its header and body disagree."""
    header = _PARAMS_HEADER.search(text)
    if header is None:
        raise ValueError(f"{name}: missing '// params:' header")
    names = header.group("names").strip()
    declared = (
        frozenset()
        if names == "none"
        else frozenset(p.strip().lstrip("$") for p in names.split(",") if p.strip())
    )
    used = set(_PARAM_USE.findall(_NOT_CODE.sub(" ", text)))
    if used != declared:
        raise ValueError(
            f"{name}: header declares {sorted(declared)} but the statement uses {sorted(used)}"
        )
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    if ";" in _NOT_CODE.sub(" ", body).strip().rstrip(";"):
        raise ValueError(f"{name}: more than one statement")
    return NamedQuery(name=name, text=body.strip().rstrip(";"), params=declared)


@lru_cache(maxsize=1)
def registry() -> QueryRegistry:
    root = resources.files("stakegraph") / "cypher"
    return QueryRegistry({q.name: q for q in _walk(root, "")})


def _walk(folder: Traversable, prefix: str) -> Iterator[NamedQuery]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            yield from _walk(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".cypher"):
            name = prefix + entry.name.removesuffix(".cypher")
            yield parse_query(name, entry.read_text(encoding="utf-8"))
