"""The Examples sections of the package's docstrings run, and say what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import stakegraph

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(stakegraph.__path__, prefix="stakegraph.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_examples_are_found() -> None:
    # A module with examples: if discovery broke, every case above would pass empty.
    module = importlib.import_module("stakegraph.dates")
    assert doctest.testmod(module).attempted == 9
