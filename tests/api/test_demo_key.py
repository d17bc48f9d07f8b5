"""The demo's key: a fresh admin key each run, replacing only the previous demo key."""

from __future__ import annotations

from pathlib import Path

from stakegraph.api.app import DEMO_KEY_LABEL, demo_key
from stakegraph.api.keys import KeyRing, Role


def test_demo_key_replaces_only_the_previous_demo_key(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys.json"
    ring = KeyRing(keys_file)
    mine = ring.create(Role.ADMIN, label="mine")
    first = demo_key(keys_file)
    second = demo_key(keys_file)
    ring = KeyRing(keys_file)
    assert ring.authenticate(first) is None  # revoked by the second demo
    principal = ring.authenticate(second)
    assert principal is not None and principal.role is Role.ADMIN
    assert ring.authenticate(mine) is not None
    assert sorted(r.label or "" for r in ring.records()) == [DEMO_KEY_LABEL, "mine"]
