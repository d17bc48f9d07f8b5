"""The embedded store: ArcadeDB (PyPI ``arcadedb-embedded``) serving Bolt on 127.0.0.1.

The store runs in its own process, shared by every stakegraph command that uses the same
``STAKEGRAPH_HOME``. Its lifetime is governed by leases, not by whoever started it:

* each client holds a *shared* ``flock`` on ``store.clients`` for as long as it uses the
  store; the kernel drops it when the client exits, even on SIGKILL;
* the store process polls for an *exclusive* lock on that file; once no client holds a
  lease it shuts ArcadeDB down cleanly and exits, so no JVM outlives its users;
* ``store.lock`` serialises start-up and shut-down, so a command arriving while the store
  is stopping waits for it instead of opening the same database twice.

``serve`` and ``ingest`` run side by side on one store this way: the second attaches.
A store process killed with SIGKILL leaves a ``server.json`` whose pid is dead; the next
client sees that and starts a fresh one.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

from stakegraph.errors import StoreError, StoreStartError

log = logging.getLogger(__name__)

DATABASE = "stakegraph"
USER = "root"
_STATE = "server.json"
_STARTUP_LOCK = "store.lock"
_LEASES = "store.clients"
_CREDENTIALS = "credentials.json"
_LOG = "store.log"
_POLL_S = 0.25


@dataclass(frozen=True)
class Endpoint:
    """How to reach a running embedded store over Bolt."""

    uri: str
    user: str
    password: str
    database: str
    pid: int


class EmbeddedStore:
    """A lease on the embedded store of one ``STAKEGRAPH_HOME``: starts it if needed.

    Hold the object for as long as the store is used and call :meth:`release` (or use it
    as a context manager) when done; the store stops by itself once no lease remains.
    """

    def __init__(self, home: Path, *, heap: str = "2g", start_timeout_s: float = 120.0) -> None:
        self.home = home.resolve()
        self.home.mkdir(parents=True, exist_ok=True)
        self._lease: IO[bytes] | None = open(self.home / _LEASES, "ab")  # noqa: SIM115
        fcntl.flock(self._lease, fcntl.LOCK_SH)
        try:
            with _locked(self.home / _STARTUP_LOCK, timeout_s=start_timeout_s):
                self.endpoint = _running_endpoint(self.home) or _start(
                    self.home, heap=heap, timeout_s=start_timeout_s
                )
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self._lease is not None:
            self._lease.close()  # closing drops the shared flock
            self._lease = None

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def running_store_pid(home: Path) -> int | None:
    """The pid of the embedded store serving ``home``, if one is up."""
    endpoint = _running_endpoint(home.resolve())
    return endpoint.pid if endpoint else None


# --- client side helpers -------------------------------------------------------------------


@contextlib.contextmanager
def _locked(path: Path, *, timeout_s: float):  # type: ignore[no-untyped-def]
    with open(path, "ab") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"timed out after {timeout_s:.0f}s waiting for {path} "
                        "(another stakegraph command is starting or stopping the store)"
                    ) from None
                time.sleep(_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _running_endpoint(home: Path) -> Endpoint | None:
    """The endpoint in ``server.json`` if its process is alive and answering; else clean up."""
    state_file = home / _STATE
    try:
        state = json.loads(state_file.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        state_file.unlink(missing_ok=True)
        return None
    pid = int(state["pid"])
    if _alive(pid) and _port_open(int(state["bolt_port"])):
        return Endpoint(
            uri=f"bolt://127.0.0.1:{state['bolt_port']}",
            user=USER,
            password=_password(home),
            database=DATABASE,
            pid=pid,
        )
    if _alive(pid) and _is_store_process(pid):
        # Alive but deaf: wedged. It cannot be mid-start (we hold the start-up lock).
        log.warning("embedded store pid %s does not answer; stopping it", pid)
        os.kill(pid, signal.SIGKILL)
    log.info("removing stale store state (pid %s is gone)", pid)
    state_file.unlink(missing_ok=True)
    return None


def _start(home: Path, *, heap: str, timeout_s: float) -> Endpoint:
    log.info("starting the embedded store under %s", home)
    _password(home)  # create the credentials before the child reads them
    with open(home / _LOG, "ab") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "stakegraph.graph.embedded",
                "--home",
                str(home),
                "--heap",
                heap,
            ],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=home,
            start_new_session=True,  # a ^C in the terminal must not kill the shared store
        )
    # The store may outlive us or stop first; reap it when it exits so it leaves no zombie.
    threading.Thread(target=process.wait, name="stakegraph-store-reaper", daemon=True).start()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        endpoint = _running_endpoint(home)
        if endpoint is not None and endpoint.pid == process.pid:
            return endpoint
        if process.poll() is not None:
            raise StoreStartError(
                f"the embedded store exited with code {process.returncode} while starting",
                log_tail=_tail(home / _LOG),
            )
        time.sleep(_POLL_S)
    process.kill()
    raise StoreStartError(
        f"the embedded store did not start within {timeout_s:.0f}s", log_tail=_tail(home / _LOG)
    )


def _password(home: Path) -> str:
    path = home / _CREDENTIALS
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"user": USER, "password": secrets.token_urlsafe(18)}, handle)
    return str(json.loads(path.read_text())["password"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_store_process(pid: int) -> bool:
    try:
        return b"stakegraph.graph.embedded" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- the store process ---------------------------------------------------------------------


def serve(home: Path, *, heap: str) -> None:
    """Run ArcadeDB with Bolt on free loopback ports until no client holds a lease."""
    import arcadedb_embedded  # the JVM starts here, only in the store process

    os.chdir(home)  # ArcadeDB writes ./log relative to the working directory
    bolt_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    server = arcadedb_embedded.ArcadeDBServer(
        str(home / "arcadedb"),
        root_password=_password(home),
        config={
            "host": "127.0.0.1",
            "http_port": http_port,
            "server.httpsIncomingPort": https_port,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": bolt_port,
        },
        jvm_kwargs={"heap_size": heap},
    )
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    server.start()
    try:
        server.create_database(DATABASE)  # opens it when it already exists
        state = {"pid": os.getpid(), "bolt_port": bolt_port, "http_port": http_port}
        tmp = home / f"{_STATE}.tmp"
        tmp.write_text(json.dumps(state))
        tmp.replace(home / _STATE)
        print(f"stakegraph store ready: bolt://127.0.0.1:{bolt_port}", flush=True)
        with open(home / _LEASES, "ab") as leases, open(home / _STARTUP_LOCK, "ab") as startup:
            while not stopping:
                time.sleep(_POLL_S)
                if _no_clients(leases, startup):
                    break
            # Holding the start-up lock (if we got it) until the state file is gone makes a
            # newcomer wait for this shut-down instead of racing it.
            (home / _STATE).unlink(missing_ok=True)
            server.stop()
            print("stakegraph store stopped", flush=True)
    finally:
        (home / _STATE).unlink(missing_ok=True)
        server.stop()


def _no_clients(leases: IO[bytes], startup: IO[bytes]) -> bool:
    """True (and both locks held) when nobody holds a lease and nobody is starting up."""
    try:
        fcntl.flock(startup, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    try:
        fcntl.flock(leases, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fcntl.flock(startup, fcntl.LOCK_UN)
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run stakegraph's embedded ArcadeDB store.")
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--heap", default="2g")
    args = parser.parse_args(argv)
    serve(args.home.resolve(), heap=args.heap)


if __name__ == "__main__":
    main()
