"""Benchmark: the HTTP API under 50 concurrent clients, over loopback, for 60 seconds.

Builds a demo portfolio (generate -> ingest -> analyze) in a fresh STAKEGRAPH_HOME,
creates an admin key, starts ``stakegraph serve`` as its own process, and loads it from a
second process (this script with ``--load``): asyncio, one keep-alive connection per client,
each client looping over the account list, an account's detail, its stakeholder map and
its suggestions (random accounts). Prints p50 / p99 latency and requests/s per endpoint,
and the error count.

    python bench/api.py                                  # 200 accounts, 50 clients, 60 s
    python bench/api.py --accounts 50 --seconds 10      # a quick look
    python bench/api.py --home /tmp/sg-bench --reuse    # skip building when it exists

Targets (2 cores, embedded ArcadeDB): p99 <= 100 ms for reads, <= 300 ms for
suggestions, zero errors. Needs the ``bench`` extra (httpx).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

ENDPOINTS = ("list", "detail", "map", "suggestions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--home", type=Path, default=None, help="STAKEGRAPH_HOME to use")
    parser.add_argument("--reuse", action="store_true", help="reuse a built --home")
    parser.add_argument(
        "--cache-ttl", type=float, default=30.0, help="server's STAKEGRAPH_CACHE_TTL (0 = off)"
    )
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--key", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        asyncio.run(load(args.url, args.key, clients=args.clients, seconds=args.seconds))
        return
    home = args.home or Path(tempfile.mkdtemp(prefix="stakegraph-bench-api-"))
    if not (args.reuse and (home / "built").exists()):
        build(home, accounts=args.accounts, seed=args.seed)
    key = admin_key(home)
    port = free_port()
    env = {**os.environ, "STAKEGRAPH_HOME": str(home), "STAKEGRAPH_CACHE_TTL": str(args.cache_ttl)}
    env.pop("NEO4J_URI", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "stakegraph.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url)
        print(
            f"serving {url} (cache ttl {args.cache_ttl:g} s); "
            f"{args.clients} clients for {args.seconds:.0f} s"
        )
        api_cpu = cpu_seconds(server.pid)
        load_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--load",
                "--url",
                url,
                "--key",
                key,
                "--clients",
                str(args.clients),
                "--seconds",
                str(args.seconds),
            ],
            check=True,
        )
        # CPU seconds per request do not depend on what else the machine runs, unlike latency.
        api_cpu = cpu_seconds(server.pid) - api_cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_cpu_s = after.ru_utime + after.ru_stime - load_cpu.ru_utime - load_cpu.ru_stime
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"CPU seconds under load: API process {api_cpu:.1f}, load generator {load_cpu_s:.1f}")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        if args.home is None and not args.reuse:
            shutil.rmtree(home, ignore_errors=True)


def build(home: Path, *, accounts: int, seed: int) -> None:
    """generate -> ingest -> analyze, timed, into ``home``."""
    from stakegraph.analytics.run import analyze
    from stakegraph.config import Settings
    from stakegraph.generate import generate_portfolio
    from stakegraph.graph.store import GraphStore
    from stakegraph.ingest import import_directory

    portfolio = home / "portfolio"
    started = time.perf_counter()
    generate_portfolio(portfolio, accounts=accounts, seed=seed)
    print(f"generated {accounts} accounts in {time.perf_counter() - started:.1f} s")
    with GraphStore.open(Settings(STAKEGRAPH_HOME=home)) as store:
        store.ensure_schema()
        started = time.perf_counter()
        import_directory(store, portfolio)
        print(f"ingested in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        try:
            analyze(store)
            print(f"analyzed in {time.perf_counter() - started:.1f} s")
        except Exception as exc:  # the API still serves maps and suggestions without it
            print(
                f"WARNING: analyze failed ({type(exc).__name__}: {exc}); serving without "
                "derived risk, snapshots and signals"
            )
    (home / "built").write_text("ok")


def admin_key(home: Path) -> str:
    from stakegraph.api.keys import KeyRing, Role

    return KeyRing(home / "keys.json").create(Role.ADMIN, label="bench")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, timeout_s: float = 300.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{url}/ready", timeout=5)
            # Measure the steady state: wait until the read model (when on) serves.
            if response.status_code == 200 and response.json().get("read_model") != "warming":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not become ready in {timeout_s:.0f} s")


class Connection:
    """One keep-alive HTTP/1.1 connection that GETs and reads whole answers.

    The load generator shares the machine with the server; httpx spent about 1.5 ms of CPU
    per request (three times what the API itself spends), so the clients speak HTTP/1.1
    directly, as wrk or hey would.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes):
        self.reader, self.writer, self.head = reader, writer, head

    @classmethod
    async def open(cls, url: str, key: str) -> Connection:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        head = f"Host: {parts.netloc}\r\nX-API-Key: {key}\r\n\r\n".encode()
        return cls(reader, writer, head)

    async def get(self, target: str) -> int:
        """GET ``target``; the status code, once the whole body is read."""
        self.writer.write(b"GET " + target.encode() + b" HTTP/1.1\r\n" + self.head)
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        if "content-length" in fields:
            await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        return status

    def close(self) -> None:
        self.writer.close()


async def load(url: str, key: str, *, clients: int, seconds: float) -> None:
    """The load generator (runs in its own process)."""
    headers = {"X-API-Key": key}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as probe:
        listing = (await probe.get("/api/accounts", params={"limit": 500})).json()
    account_ids = [a["id"] for a in listing["data"]]
    if not account_ids:
        raise SystemExit("no accounts to load: is the portfolio empty?")
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    stop = time.monotonic() + seconds

    async def client(number: int) -> None:
        rng = random.Random(number)
        connection = await Connection.open(url, key)
        try:
            while time.monotonic() < stop:
                account = quote(rng.choice(account_ids), safe="")
                for name, target in (
                    ("list", "/api/accounts?limit=50&sort=-risk_score"),
                    ("detail", f"/api/accounts/{account}"),
                    ("map", f"/api/accounts/{account}/map"),
                    ("suggestions", f"/api/accounts/{account}/suggestions"),
                ):
                    started = time.perf_counter()
                    try:
                        status = await connection.get(target)
                    except (OSError, ValueError, asyncio.IncompleteReadError):
                        status = 0
                        connection.close()
                        connection = await Connection.open(url, key)
                    latencies[name].append(time.perf_counter() - started)
                    if status != 200:
                        errors[name] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    print(
        f"{'endpoint':<12} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    total = 0
    for name in ENDPOINTS:
        values = sorted(latencies[name])
        total += len(values)
        p50 = statistics.median(values) * 1000 if values else float("nan")
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))] * 1000 if values else 0.0
        print(
            f"{name:<12} {len(values):>9} {len(values) / elapsed:>8.1f} {p50:>8.1f} "
            f"{p99:>8.1f} {errors[name]:>7}"
        )
    print(f"{'all':<12} {total:>9} {total / elapsed:>8.1f}   errors: {sum(errors.values())}")
    print(json.dumps({"elapsed_s": round(elapsed, 1), "errors": dict(errors)}))


if __name__ == "__main__":
    main()
