"""The embedded store's lifecycle: start on demand, attach, stop when unused, recover."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stakegraph.config import Settings
from stakegraph.graph.embedded import running_store_pid
from stakegraph.graph.store import GraphStore

pytestmark = [pytest.mark.store, pytest.mark.slow, pytest.mark.only_backend("embedded")]


def _settings(home: Path) -> Settings:
    return Settings(STAKEGRAPH_HOME=home)


def _wait_gone(pid: int, timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # reap it if it is our child (it is not: the store runs in its own session)
        time.sleep(0.2)
    return False


@pytest.fixture
def home(tmp_path: Path) -> Path:
    if os.environ.get("NEO4J_URI"):
        pytest.skip("lifecycle of the embedded store only")
    return tmp_path / "home"


def test_second_client_attaches_and_last_one_out_stops_the_store(home: Path) -> None:
    first = GraphStore.open(_settings(home))
    second = GraphStore.open(_settings(home))
    pid = running_store_pid(home)
    assert pid is not None
    assert first.backend == second.backend  # same Bolt endpoint
    first.driver.execute_query("CREATE (:Person {id: 'shared'})", database_=first.database)
    first.close()
    # the first client leaving does not stop a store still in use
    time.sleep(1.0)
    rows = second.query("status/count_nodes")
    assert {"label": "Person", "n": 1} in rows
    second.close()
    assert _wait_gone(pid), "the store process outlived its last client"
    assert not (home / "server.json").exists()


def test_a_killed_store_is_replaced_and_keeps_its_data(home: Path) -> None:
    store = GraphStore.open(_settings(home))
    store.driver.execute_query("CREATE (:Person {id: 'survivor'})", database_=store.database)
    pid = running_store_pid(home)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _wait_gone(pid)
    store.close()
    with GraphStore.open(_settings(home)) as reopened:
        assert running_store_pid(home) not in (None, pid)
        assert {"label": "Person", "n": 1} in reopened.query("status/count_nodes")


def test_stale_state_from_a_dead_process_is_ignored(home: Path) -> None:
    home.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (home / "server.json").write_text(json.dumps({"pid": dead.pid, "bolt_port": 1, "http_port": 2}))
    with GraphStore.open(_settings(home)) as store:
        assert running_store_pid(home) not in (None, dead.pid)
        assert store.query("status/count_nodes") == []


def test_a_cli_command_attaches_to_a_running_store(home: Path) -> None:
    with GraphStore.open(_settings(home)) as store:
        pid = running_store_pid(home)
        env = {**os.environ, "STAKEGRAPH_HOME": str(home)}
        env.pop("NEO4J_URI", None)
        done = subprocess.run(
            [sys.executable, "-m", "stakegraph.cli", "status", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert json.loads(done.stdout)["backend"] == store.backend
        assert running_store_pid(home) == pid  # attached, did not start a second store
