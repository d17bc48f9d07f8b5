"""The package layering, enforced: an AST walk over every module of stakegraph/.

- ``analytics`` is pure except its orchestrator (``analytics/run.py``): no store driver,
  no web framework, no network, no file I/O, and no import of the store layer.
- ``graph``, ``ingest`` and ``analytics`` never import ``api`` or ``cli`` (the layers
  above them).
- Analytics modules stay readable: at most 600 lines, functions at most 100.

Imports inside functions count as much as those at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "stakegraph"
ORCHESTRATOR = "stakegraph.analytics.run"
# Modules (and their submodules) that mean a store, a server, the network or files.
IMPURE_IMPORTS = (
    "neo4j",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "requests",
    "socket",
    "subprocess",
    "urllib",
    "shutil",
    "pathlib",
    "stakegraph.graph",
)
# Calls that read or write files, by function or method name.
IO_CALLS = {
    "open",
    "read_text",
    "write_text",
    "read_bytes",
    "write_bytes",
    "read_csv",
    "to_csv",
    "read_json",
    "to_json",
    "read_parquet",
    "to_parquet",
    "read_excel",
    "to_excel",
}
UPPER_LAYERS = ("stakegraph.api", "stakegraph.cli")
LOWER_PACKAGES = ("stakegraph.graph", "stakegraph.ingest", "stakegraph.analytics")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> list[tuple[str, ast.Module, int]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        found.append((module_name(path), ast.parse(text, filename=str(path)), text.count("\n")))
    return found


def imported(tree: ast.Module, module: str) -> Iterator[tuple[int, str]]:
    """Every module a tree imports (absolute names; relative imports resolved)."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base


def io_calls(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in IO_CALLS:
                yield node.lineno, name


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


MODULES = modules()
ANALYTICS = [
    (name, tree, lines)
    for name, tree, lines in MODULES
    if within(name, ("stakegraph.analytics",)) and name != ORCHESTRATOR
]


def test_the_walk_sees_the_packages() -> None:
    names = {name for name, _, _ in MODULES}
    assert {ORCHESTRATOR, "stakegraph.analytics.signals.detect", "stakegraph.api.app"} <= names
    assert len(ANALYTICS) > 20


def layering_violations() -> list[str]:
    problems = []
    for name, tree, _ in ANALYTICS:
        for line, target in imported(tree, name):
            if within(target, IMPURE_IMPORTS):
                problems.append(f"{name}:{line} imports {target} (analytics is pure)")
        for line, call in io_calls(tree):
            problems.append(f"{name}:{line} calls {call}() (analytics does no I/O)")
    for name, tree, _ in MODULES:
        if within(name, LOWER_PACKAGES):
            for line, target in imported(tree, name):
                if within(target, UPPER_LAYERS):
                    problems.append(f"{name}:{line} imports {target} (a layer above it)")
    return problems


def test_analytics_is_pure_and_no_lower_layer_imports_an_upper_one() -> None:
    problems = layering_violations()
    assert not problems, "layering broken:\n" + "\n".join(problems)


@pytest.mark.parametrize("name,tree,lines", ANALYTICS, ids=[m[0] for m in ANALYTICS])
def test_analytics_modules_and_functions_stay_short(
    name: str, tree: ast.Module, lines: int
) -> None:
    assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines"
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{name}.{node.name}: {length} lines"


def test_a_violation_is_reported_with_its_place() -> None:
    source = "import neo4j\n\ndef f():\n    from stakegraph.api import app\n    open('x')\n"
    tree = ast.parse(source)
    assert [target for _, target in imported(tree, "stakegraph.analytics.x")] == [
        "neo4j",
        "stakegraph.api",
    ]
    assert list(io_calls(tree)) == [(5, "open")]
