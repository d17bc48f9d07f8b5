"""STAKEGRAPH_HOME and what the store writes under it are readable by their owner only.

Before, the embedded store's database files and logs were created 0644 in 0755
directories: any user of the machine could read every name, address and subject in the
graph (``grep`` on the bucket files), although ``keys.json`` and ``credentials.json``
were 0600.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from stakegraph.api.keys import KeyRing, Role
from stakegraph.config import private_home
from stakegraph.graph.store import GraphStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_home_is_the_owners_only(tmp_path: Path) -> None:
    home = tmp_path / "a" / "home"
    previous = os.umask(0o022)
    try:
        assert private_home(home) == home
    finally:
        os.umask(previous)
    assert mode(home) == 0o700


def test_a_home_open_to_others_is_tightened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o755)
    private_home(home)
    assert mode(home) == 0o700


def test_the_key_ring_makes_its_home_private(tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"
    previous = os.umask(0o022)
    try:
        KeyRing(home / "keys.json").create(Role.ANALYST)
    finally:
        os.umask(previous)
    assert mode(home) == 0o700
    assert mode(home / "keys.json") == 0o600


@pytest.mark.store
def test_the_embedded_stores_files_are_its_owners_only(backend: str, store: GraphStore) -> None:
    if backend != "embedded":
        pytest.skip("the embedded store's own files (a Neo4j server keeps its files itself)")
    assert mode(store.home) & 0o077 == 0
    written = [p for p in (store.home / "arcadedb").rglob("*")]
    assert any(p.name.endswith(".bucket") for p in written)
    readable = sorted(str(p) for p in written if mode(p) & 0o077)
    assert readable == []
