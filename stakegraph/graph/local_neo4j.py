"""A local Neo4j Community server for the tests, the benchmarks and ``make neo4j``.

It runs ``neo4j-launcher/Neo4jLauncher.java`` of a source checkout with the jars that
``neo4j-launcher/pom.xml`` fetches from Maven Central (once: they stay in
``neo4j-launcher/lib/``, and Maven keeps its own copy in ``~/.m2``). The launcher prints
``NEO4J_URI=``, ``NEO4J_USER=`` and ``NEO4J_PASSWORD=`` lines and stays up until its
standard input closes, so a server started here stops when :meth:`LocalNeo4j.stop` runs
or when this process dies, however it dies.

Graph Data Science (``neo4j-launcher/gds/pom.xml``) is fetched beside them into
``neo4j-launcher/plugins/``, the server's plugin directory: stakegraph uses it when a
server has it (``graph/gds.py``) and needs it nowhere.

``python -m stakegraph.graph.local_neo4j`` fetches the jars and runs the launcher in the
foreground (``make neo4j``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from stakegraph.errors import StoreStartError

LAUNCHER_DIR = Path(
    os.environ.get(
        "STAKEGRAPH_NEO4J_LAUNCHER", Path(__file__).resolve().parents[2] / "neo4j-launcher"
    )
)
_FETCHED = "lib/.fetched"
_GDS_FETCHED = "plugins/.fetched"
_GDS_GROUP = ("org", "neo4j", "gds")
# Java 17 or 21 (Neo4j 5.26 supports those): `java` on PATH unless STAKEGRAPH_NEO4J_JAVA says.
_JAVA = os.environ.get("STAKEGRAPH_NEO4J_JAVA", "java")
_JVM_FLAGS = (
    # what Neo4j's own start script passes on Java 17+, for its off-heap page cache and Netty
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
)


@dataclass(frozen=True)
class Neo4jEndpoint:
    uri: str
    user: str
    password: str


def fetch_jars(launcher: Path = LAUNCHER_DIR) -> None:
    """Copy Neo4j's jars into ``launcher/lib`` and GDS's into ``launcher/plugins``, unless
    they are there for these poms already."""
    stamp = launcher / _FETCHED
    pom = launcher / "pom.xml"
    if not pom.is_file():
        raise StoreStartError(f"no Neo4j launcher at {launcher} (a source checkout has it)")
    if not fetched_for(stamp, pom):
        shutil.rmtree(launcher / "lib", ignore_errors=True)
        _maven(pom, "Neo4j's")
        stamp.write_text(_digest(pom))
    gds_pom = launcher / "gds" / "pom.xml"
    gds_stamp = launcher / _GDS_FETCHED
    if gds_pom.is_file() and not fetched_for(gds_stamp, pom, gds_pom):
        repository = launcher / "gds" / "repository"
        shutil.rmtree(repository, ignore_errors=True)
        _maven(gds_pom, "Graph Data Science's", "-Dmdep.useRepositoryLayout=true")
        _keep_plugins(repository, launcher / "lib", launcher / "plugins")
        gds_stamp.write_text(_digest(pom, gds_pom))


def fetched_for(stamp: Path, *poms: Path) -> bool:
    """Whether the jars beside ``stamp`` were fetched for these poms' contents.

    The stamp holds the poms' digest rather than being compared by time: git gives every
    file of a checkout its checkout time, so a new clone or worktree whose jars are shared
    with another would look stale, and the same pom edited back would look new.
    """
    return stamp.is_file() and stamp.read_text().strip() == _digest(*poms)


def _digest(*poms: Path) -> str:
    digest = hashlib.sha256()
    for pom in poms:
        digest.update(pom.read_bytes())
    return digest.hexdigest()


def _maven(pom: Path, what: str, *flags: str) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StoreStartError(f"Maven (mvn) is needed to fetch {what} jars; install it")
    done = subprocess.run(
        [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies", *flags],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise StoreStartError(
            f"fetching {what} jars with Maven failed", log_tail=(done.stdout + done.stderr)[-4000:]
        )


def _artifact(jar_name: str) -> str:
    """``commons-text-1.14.0.jar`` -> ``commons-text`` (the name before the version)."""
    return re.split(r"-\d", jar_name.removesuffix(".jar"), maxsplit=1)[0]


def _keep_plugins(repository: Path, lib: Path, plugins: Path) -> None:
    """GDS's own jars, and those of its libraries that Neo4j does not ship itself: a
    library on both class paths is loaded twice, and the server refuses to start."""
    shipped = {_artifact(jar.name) for jar in lib.glob("*.jar")}
    shutil.rmtree(plugins, ignore_errors=True)
    plugins.mkdir(parents=True)
    for jar in repository.rglob("*.jar"):
        group = jar.relative_to(repository).parts[:-3]
        if group[: len(_GDS_GROUP)] == _GDS_GROUP or _artifact(jar.name) not in shipped:
            shutil.copy2(jar, plugins / jar.name)


def launcher_command(
    *, heap: str, pagecache: str, data: Path | None = None, port: int = 0
) -> list[str]:
    """The ``java`` command line that runs the launcher (from ``LAUNCHER_DIR``)."""
    plugins = LAUNCHER_DIR / "plugins"
    class_path = [str(LAUNCHER_DIR / "lib" / "*")]
    with_plugins = any(plugins.glob("*.jar"))
    if with_plugins:  # Neo4j's own start script puts its plugins on the class path too
        class_path.append(str(plugins / "*"))
    command = [
        _JAVA,
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *_JVM_FLAGS,
        "-cp",
        os.pathsep.join(class_path),
        str(LAUNCHER_DIR / "Neo4jLauncher.java"),
        "--port",
        str(port),
        "--pagecache",
        pagecache,
    ]
    if with_plugins:
        command += ["--plugins", str(plugins)]
    if data is not None:
        command += ["--data", str(data)]
    return command


class LocalNeo4j:
    """A Neo4j server of our own, on a free loopback port, with a generated password.

    Its data lives in a temporary directory removed when it stops. Use it as a context
    manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self, *, heap: str = "1g", pagecache: str = "256m", start_timeout_s: float = 600.0
    ) -> None:
        self.heap = heap
        self.pagecache = pagecache
        self.start_timeout_s = start_timeout_s
        self._process: subprocess.Popen[str] | None = None
        self._stderr: deque[str] = deque(maxlen=60)
        self._readers: list[threading.Thread] = []
        self.endpoint: Neo4jEndpoint | None = None

    def start(self) -> Neo4jEndpoint:
        fetch_jars()
        self._process = subprocess.Popen(
            launcher_command(heap=self.heap, pagecache=self.pagecache),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tempfile.gettempdir(),
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        values: dict[str, str] = {}
        lines: deque[str] = deque()
        ready = threading.Event()
        self._readers = [
            threading.Thread(target=self._keep_tail, args=(self._process.stderr,), daemon=True),
            threading.Thread(
                target=_read_lines, args=(self._process.stdout, values, lines, ready), daemon=True
            ),
        ]
        for thread in self._readers:
            thread.start()
        deadline = time.monotonic() + self.start_timeout_s
        # A launcher that exits (a bad setting, no Java) is reported at once, not at the deadline.
        while not ready.wait(0.5) and self._process.poll() is None:
            if time.monotonic() > deadline:
                break
        if "READY" not in values:
            why = (
                "exited before it was ready"
                if self._process.poll() is not None
                else f"did not start within {self.start_timeout_s:g} s"
            )
            self.stop()
            raise StoreStartError(
                f"the local Neo4j {why}", log_tail="".join([*lines, *self._stderr])
            )
        self.endpoint = Neo4jEndpoint(
            uri=values["NEO4J_URI"], user=values["NEO4J_USER"], password=values["NEO4J_PASSWORD"]
        )
        return self.endpoint

    @property
    def pid(self) -> int | None:
        """The launcher's process (Neo4j runs inside it), while it runs."""
        return self._process.pid if self._process is not None else None

    def _keep_tail(self, stream: IO[str]) -> None:
        for line in stream:
            self._stderr.append(line)

    def stop(self) -> None:
        """Close the launcher's stdin (it shuts Neo4j down); kill it if it does not exit."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for thread in self._readers:  # both end at the pipes' end of file
            thread.join(timeout=5)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Neo4jEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _read_lines(
    stream: IO[str], values: dict[str, str], lines: deque[str], ready: threading.Event
) -> None:
    """Collect ``KEY=value`` lines until READY, then read on so the pipe never fills up."""
    for line in stream:
        if not ready.is_set():
            lines.append(line)
            key, _, value = line.strip().partition("=")
            values[key] = value
            if key == "READY":
                ready.set()
    ready.set()  # end of file: the launcher exited


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m stakegraph.graph.local_neo4j",
        description="Run a local Neo4j in the foreground; stop it with Ctrl-C or Ctrl-D.",
    )
    parser.add_argument("--data", type=Path, default=LAUNCHER_DIR / "data")
    parser.add_argument("--port", type=int, default=7687)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    args = parser.parse_args(argv)
    fetch_jars()
    command = launcher_command(
        heap=args.heap, pagecache=args.pagecache, data=args.data.resolve(), port=args.port
    )
    sys.stdout.flush()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
