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
import base64
import contextlib
import ctypes
import fcntl
import hashlib
import hmac
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
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

from stakegraph.config import private_home
from stakegraph.errors import StoreError, StoreStartError

log = logging.getLogger(__name__)

DATABASE = "stakegraph"
USER = "root"
# Analysts' Cypher runs as this user: its group may read records and do nothing else.
READER = "reader"
READER_GROUP = {
    "resultSetLimit": -1,
    "readTimeout": -1,
    "access": [],  # no schema, security or database-settings changes
    "types": {"*": {"access": ["readRecord"]}},
}
# LOAD CSV reads neither local files nor URLs: an analyst must not read the server's files
# (keys, credentials) nor reach services on its network. JVM-wide, so set at start.
STORE_JVM_ARGS = (
    "-Darcadedb.opencypher.loadCsv.allowFileUrls=false",
    "-Darcadedb.opencypher.loadCsv.allowRemoteUrls=false",
    # An OutOfMemoryError leaves ArcadeDB unusable for everyone (see serve): end the JVM
    # instead, and the supervisor starts it again.
    "-XX:+ExitOnOutOfMemoryError",
    # A store-side limit on every statement's scans, expansions and filters, whoever runs
    # it (as db.transaction.timeout on Neo4j): 15 minutes.
    "-Darcadedb.command.timeout=900000",
    # ArcadeDB's admission gate (2 statements per core, the rest queued 30 s then refused)
    # is off: a statement that ends in an error thrown by Java code (measured: a string
    # past Java's length limit, "Overflow: String length out of range", which does not
    # end the JVM) never gives its place back, so four such statements of an analyst left
    # every statement of every user refused. stakegraph bounds its concurrency itself.
    "-Darcadedb.queryMaxConcurrent=0",
)
_STATE = "server.json"
_STARTUP_LOCK = "store.lock"
_LEASES = "store.clients"
_CREDENTIALS = "credentials.json"
_LOG = "store.log"
_POLL_S = 0.25
_READY = "arcadedb.ready"
_RESTART_ATTEMPTS = 3
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Endpoint:
    """How to reach a running embedded store over Bolt."""

    uri: str
    user: str
    password: str
    database: str
    pid: int
    reader_user: str
    reader_password: str


class EmbeddedStore:
    """A lease on the embedded store of one ``STAKEGRAPH_HOME``: starts it if needed.

    Hold the object for as long as the store is used and call :meth:`release` (or use it
    as a context manager) when done; the store stops by itself once no lease remains.
    """

    def __init__(self, home: Path, *, heap: str = "2g", start_timeout_s: float = 120.0) -> None:
        self.home = private_home(home.resolve())
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
        credentials = _credentials(home)
        return Endpoint(
            uri=f"bolt://127.0.0.1:{state['bolt_port']}",
            user=USER,
            password=credentials["password"],
            database=DATABASE,
            pid=pid,
            reader_user=READER,
            reader_password=credentials["reader_password"],
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
    _credentials(home)  # create the credentials before the child reads them
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


def _credentials(home: Path) -> dict[str, str]:
    """The store's passwords (root, reader), made on first use; the file is mode 0600."""
    path = home / _CREDENTIALS
    credentials: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    if "password" in credentials and "reader_password" in credentials:
        return credentials
    credentials.setdefault("user", USER)
    credentials.setdefault("password", secrets.token_urlsafe(18))
    credentials.setdefault("reader_password", secrets.token_urlsafe(18))
    tmp = home / f"{_CREDENTIALS}.tmp"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(credentials, handle)
    tmp.replace(path)
    return credentials


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
    """Supervise ArcadeDB (Bolt on free loopback ports) until no client holds a lease.

    ArcadeDB runs in a child process (:func:`run_arcadedb`) whose JVM exits on an
    OutOfMemoryError: after one, ArcadeDB is left unusable (measured: its query admission
    gate kept the failed statements as running, and every later statement of every user
    waited 30 s and was refused). The child is then started again on the same ports, so
    clients' drivers reconnect to it; ArcadeDB replays its journal on open.
    """
    os.chdir(home)  # ArcadeDB writes ./log relative to the working directory
    ports = {"bolt": _free_port(), "http": _free_port(), "https": _free_port()}
    _credentials(home)
    _install_reader_group(home / "arcadedb")
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    child: subprocess.Popen[bytes] | None = _start_arcadedb(home, heap, ports)
    assert child is not None
    try:
        if not _wait_ready(child, home, ports["bolt"], lambda: stopping):
            return
        state = {"pid": os.getpid(), "bolt_port": ports["bolt"], "http_port": ports["http"]}
        tmp = home / f"{_STATE}.tmp"
        tmp.write_text(json.dumps(state))
        tmp.replace(home / _STATE)
        print(f"stakegraph store ready: bolt://127.0.0.1:{ports['bolt']}", flush=True)
        with open(home / _LEASES, "ab") as leases, open(home / _STARTUP_LOCK, "ab") as startup:
            while not stopping:
                time.sleep(_POLL_S)
                if child is not None and child.poll() is not None and not stopping:
                    child = _restart(home, heap, ports, child, startup, lambda: stopping)
                    if child is None:
                        break
                    continue
                if _no_clients(leases, startup):
                    break
            # Holding the start-up lock (if we got it) until the state file is gone makes a
            # newcomer wait for this shut-down instead of racing it.
            (home / _STATE).unlink(missing_ok=True)
            if child is not None:
                _stop_arcadedb(child)
            print("stakegraph store stopped", flush=True)
    finally:
        (home / _STATE).unlink(missing_ok=True)
        if child is not None:
            _stop_arcadedb(child)


def _restart(
    home: Path,
    heap: str,
    ports: dict[str, int],
    dead: subprocess.Popen[bytes],
    startup: IO[bytes],
    stopping: Any,
) -> subprocess.Popen[bytes] | None:
    """Start ArcadeDB again after it exited by itself; None when it cannot come back.

    The start-up lock is held meanwhile, so a command arriving now waits for the new
    ArcadeDB instead of taking a store that does not answer for a wedged one.
    """
    print(f"stakegraph store: ArcadeDB exited with code {dead.returncode}; restarting", flush=True)
    fcntl.flock(startup, fcntl.LOCK_EX)
    try:
        for attempt in range(_RESTART_ATTEMPTS):
            child = _start_arcadedb(home, heap, ports)
            if _wait_ready(child, home, ports["bolt"], stopping):
                print(f"stakegraph store restarted (attempt {attempt + 1})", flush=True)
                return child
            if stopping():
                return None
        print("stakegraph store: ArcadeDB does not start again; giving up", flush=True)
        return None
    finally:
        fcntl.flock(startup, fcntl.LOCK_UN)


def _start_arcadedb(home: Path, heap: str, ports: dict[str, int]) -> subprocess.Popen[bytes]:
    arguments = [f"--{name}-port={port}" for name, port in ports.items()]
    (home / _READY).unlink(missing_ok=True)  # a JVM that died does not remove it
    command = [sys.executable, "-m", "stakegraph.graph.embedded", "--home", str(home)]
    return subprocess.Popen(
        [*command, "--heap", heap, "--arcadedb", *arguments],
        stdin=subprocess.DEVNULL,
        cwd=home,
    )


def _wait_ready(child: subprocess.Popen[bytes], home: Path, bolt_port: int, stopping: Any) -> bool:
    """True once the child serves Bolt; False if it exited (or we are told to stop)."""
    while child.poll() is None and not stopping():
        if _port_open(bolt_port) and (home / _READY).exists():
            return True
        time.sleep(_POLL_S)
    if child.poll() is None:
        _stop_arcadedb(child)
    return False


def _stop_arcadedb(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def run_arcadedb(home: Path, *, heap: str, ports: dict[str, int]) -> None:
    """The ArcadeDB server itself (the supervised child of :func:`serve`)."""
    _die_with_parent()
    import arcadedb_embedded  # the JVM starts here, only in this process

    os.chdir(home)
    (home / _READY).unlink(missing_ok=True)
    credentials = _credentials(home)
    server = arcadedb_embedded.ArcadeDBServer(
        str(home / "arcadedb"),
        root_password=credentials["password"],
        config={
            "host": "127.0.0.1",
            "http_port": ports["http"],
            "server.httpsIncomingPort": ports["https"],
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": ports["bolt"],
        },
        jvm_kwargs={"heap_size": heap, "jvm_args": list(STORE_JVM_ARGS)},
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
        _set_reader(ports["http"], credentials)
        (home / _READY).touch()
        while not stopping:
            time.sleep(_POLL_S)
    finally:
        (home / _READY).unlink(missing_ok=True)
        server.stop()


def _die_with_parent() -> None:
    """Have the kernel kill this process when its supervisor dies (even by SIGKILL), so
    no JVM outlives it."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _install_reader_group(root: Path) -> None:
    """Add the reader group to ArcadeDB's security groups before the server reads them."""
    path = root / "config" / "server-groups.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = json.loads(path.read_text()) if path.exists() else _default_groups()
    document["databases"].setdefault("*", {"groups": {}})["groups"][READER] = READER_GROUP
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=2))
    tmp.replace(path)


def _default_groups() -> dict[str, Any]:
    """ArcadeDB's own first groups document: admin may do anything, others nothing."""
    every_record = ["createRecord", "readRecord", "updateRecord", "deleteRecord"]
    return {
        "databases": {
            "*": {
                "groups": {
                    "admin": {
                        "resultSetLimit": -1,
                        "readTimeout": -1,
                        "access": ["updateSecurity", "updateSchema", "updateDatabaseSettings"],
                        "types": {"*": {"access": every_record}},
                    },
                    "*": {
                        "resultSetLimit": -1,
                        "readTimeout": -1,
                        "access": [],
                        "types": {"*": {"access": []}},
                    },
                }
            }
        },
        "version": 2,
    }


def _set_reader(http_port: int, credentials: dict[str, str]) -> None:
    """(Re)create the reader user, in the reader group of our database only.

    Through ArcadeDB's server-command HTTP API, as root, on loopback.
    """
    user = {
        "name": READER,
        "password": credentials["reader_password"],
        "databases": {DATABASE: [READER]},
    }
    with contextlib.suppress(StoreError):  # absent on a first start
        _server_command(http_port, credentials, f"drop user {READER}")
    _server_command(http_port, credentials, f"create user {json.dumps(user)}")


def caller_reader(home: Path, caller: str) -> tuple[str, str]:
    """The store user (name, password) of one caller of read-only Cypher (an API key).

    Each caller gets a user of its own in the reader group, so that the store itself
    scopes what ``SHOW TRANSACTIONS`` lists to that caller's statements (ArcadeDB lists
    the asking user's transactions only; measured). The password is derived from the
    reader's, so nothing more is stored; the user is (re)created through the
    server-command HTTP API, as root, on loopback.
    """
    digest = hashlib.sha256(caller.encode()).hexdigest()[:16]
    name = f"{READER}_{digest}"
    credentials = _credentials(home)
    secret = credentials["reader_password"].encode()
    password = hmac.new(secret, name.encode(), hashlib.sha256).hexdigest()
    state = json.loads((home / _STATE).read_text())
    user = {"name": name, "password": password, "databases": {DATABASE: [READER]}}
    with contextlib.suppress(StoreError):  # absent the first time
        _server_command(int(state["http_port"]), credentials, f"drop user {name}")
    _server_command(int(state["http_port"]), credentials, f"create user {json.dumps(user)}")
    return name, password


def _server_command(http_port: int, credentials: dict[str, str], command: str) -> None:
    token = base64.b64encode(f"{USER}:{credentials['password']}".encode()).decode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{http_port}/api/v1/server",
        data=json.dumps({"command": command}).encode(),
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:300]
        raise StoreError(f"store command {command.split()[0:2]} failed: {detail}") from exc


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
    parser.add_argument("--arcadedb", action="store_true", help=argparse.SUPPRESS)
    for name in ("bolt", "http", "https"):
        parser.add_argument(f"--{name}-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # Database files, logs and configuration the store writes are its owner's only, even
    # if the home above them is opened later.
    os.umask(0o077)
    if args.arcadedb:
        ports = {"bolt": args.bolt_port, "http": args.http_port, "https": args.https_port}
        run_arcadedb(args.home.resolve(), heap=args.heap, ports=ports)
    else:
        serve(args.home.resolve(), heap=args.heap)


if __name__ == "__main__":
    main()
