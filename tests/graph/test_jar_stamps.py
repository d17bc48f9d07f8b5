"""The Neo4j launcher's jars are fetched again when a pom's content changes, not its time."""

from __future__ import annotations

import os
from pathlib import Path

from stakegraph.graph.local_neo4j import _digest, fetched_for


def _launcher(tmp_path: Path) -> tuple[Path, Path, Path]:
    pom = tmp_path / "pom.xml"
    gds_pom = tmp_path / "gds.xml"
    pom.write_text("<project>neo4j 5.26.30</project>")
    gds_pom.write_text("<project>gds 2.13.9</project>")
    return tmp_path / ".fetched", pom, gds_pom


def test_no_stamp_or_an_old_empty_one_means_not_fetched(tmp_path: Path) -> None:
    stamp, pom, _ = _launcher(tmp_path)
    assert not fetched_for(stamp, pom)
    stamp.touch()  # the stamps of earlier versions were empty files compared by time
    assert not fetched_for(stamp, pom)


def test_a_newer_checkout_of_the_same_pom_is_still_fetched(tmp_path: Path) -> None:
    stamp, pom, gds_pom = _launcher(tmp_path)
    stamp.write_text(_digest(pom, gds_pom))
    later = stamp.stat().st_mtime + 3600
    os.utime(pom, (later, later))  # a fresh clone or worktree: same content, newer time
    assert fetched_for(stamp, pom, gds_pom)


def test_a_changed_pom_is_fetched_again(tmp_path: Path) -> None:
    stamp, pom, gds_pom = _launcher(tmp_path)
    stamp.write_text(_digest(pom, gds_pom))
    gds_pom.write_text("<project>gds 2.14.0</project>")
    assert not fetched_for(stamp, pom, gds_pom)
    # The GDS stamp covers both poms: Neo4j's changing alone also refetches GDS.
    stamp.write_text(_digest(pom, gds_pom))
    pom.write_text("<project>neo4j 5.26.31</project>")
    assert not fetched_for(stamp, pom, gds_pom)
