"""An import killed with SIGKILL midway and re-run loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from synthetic import write_portfolio

from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

pytestmark = [pytest.mark.store, pytest.mark.slow]

INTERACTIONS = 4_000
BATCH = 100

# The child reaches the session's store through its environment (on the embedded store, a
# lease on the same STAKEGRAPH_HOME).
CHILD = """
import sys
from pathlib import Path
from stakegraph.config import Settings
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory
data, rejects = (Path(arg) for arg in sys.argv[1:3])
with GraphStore.open(Settings()) as store:
    import_directory(store, data, batch_size=int(sys.argv[3]), rejects_dir=rejects)
"""


def count(store: GraphStore, cypher: str) -> int:
    records, _, _ = store.driver.execute_query(cypher, database_=store.database)
    return int(records[0][0])


def test_kill_and_rerun(clean_store: GraphStore, store_env: dict[str, str], tmp_path: Path) -> None:
    store = clean_store
    data = write_portfolio(tmp_path / "data", accounts=20, interactions=INTERACTIONS)
    import_directory(store, data, batch_size=2000, rejects_dir=tmp_path)
    expected = store.counts()
    assert expected["Interaction"] == INTERACTIONS
    store.driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), str(tmp_path), str(BATCH)],
        env={**os.environ, **store_env},
    )
    try:
        deadline = time.monotonic() + 300
        while count(store, "MATCH (i:Interaction) RETURN count(i)") < 5 * BATCH:
            assert child.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline, "the import never committed a batch"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    at_kill = count(store, "MATCH (i:Interaction) RETURN count(i)")
    assert 0 < at_kill < INTERACTIONS
    assert at_kill % BATCH == 0  # whole batches only
    assert count(store, "MATCH (r:ImportRun) WHERE r.status = 'running' RETURN count(r)") == 1

    rerun = import_directory(store, data, batch_size=BATCH, rejects_dir=tmp_path)
    assert rerun.interactions_already_present == at_kill
    assert rerun.interactions_created == INTERACTIONS - at_kill
    assert store.counts() == expected
    assert count(store, "MATCH (i:Interaction) WHERE NOT (i)-[:ABOUT]->() RETURN count(i)") == 0
    # Written from the interaction: ArcadeDB plans ``NOT ()-[:PARTICIPATED]->(i)`` as a scan of
    # every participation per interaction (about 50 s here); both count the same.
    assert (
        count(store, "MATCH (i:Interaction) WHERE NOT (i)<-[:PARTICIPATED]-() RETURN count(i)") == 0
    )
    assert (
        count(
            store,
            "MATCH (i:Interaction)<-[:PARTICIPATED]-(p) WITH i, count(p) AS n "
            "WHERE n <> i.participants RETURN count(i)",
        )
        == 0
    )
    assert count(store, "MATCH (r:ImportRun) WHERE r.status = 'complete' RETURN count(r)") == 1
