"""A small, deterministic import directory of any size, for load tests and the benchmark.

Run as a script to benchmark the import on the embedded store::

    python tests/ingest/synthetic.py --interactions 200000 --batch-size 5000
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
from pathlib import Path

BASE_EPOCH = 1_700_000_000


def write_portfolio(
    directory: Path,
    *,
    accounts: int = 20,
    people_per_account: int = 10,
    home_people: int = 10,
    interactions: int = 1000,
    seed: int = 7,
) -> Path:
    """Write organizations, people, roles, renewals and interactions CSVs into ``directory``.

    Every third interaction is a reply to an earlier one of the same account; a few
    participants are addresses nobody listed (new people of a known domain).
    """
    rnd = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    account_ids = [f"acc{a:04d}" for a in range(accounts)]
    with _csv(directory / "organizations.csv") as w:
        w.writerow(["id", "name", "domains", "kind", "segment", "arr", "renewal_date"])
        w.writerow(["home", "Home Inc.", "home.example", "home", "", "", ""])
        for a in account_ids:
            w.writerow([a, f"Account {a}", f"{a}.example", "account", "smb", "1000", "2025-06-30"])
    people = {a: [f"{a}-p{j:03d}" for j in range(people_per_account)] for a in account_ids}
    ours = [f"home-p{j:03d}" for j in range(home_people)]
    with _csv(directory / "people.csv") as w:
        w.writerow(["id", "name", "emails", "organization_id"])
        for p in ours:
            w.writerow([p, p.title(), f"{p}@home.example", "home"])
        for a, ids in people.items():
            for p in ids:
                w.writerow([p, p.title(), f"{p}@{a}.example", a])
    with _csv(directory / "roles.csv") as w:
        w.writerow(["person_id", "organization_id", "title", "level", "function", "start", "end"])
        for a, ids in people.items():
            for p in ids:
                w.writerow([p, a, "Engineer", "ic", "engineering", "2020-01-01", ""])
    with _csv(directory / "renewals.csv") as w:
        w.writerow(["account_id", "date", "outcome"])
        for a in account_ids:
            w.writerow([a, "2024-06-30", rnd.choice(["renewed", "churned"])])
    last: dict[str, tuple[str, int]] = {}
    with _csv(directory / "interactions.csv") as w:
        w.writerow(["id", "kind", "at", "from", "to", "cc", "subject", "thread_id", "in_reply_to"])
        for k in range(interactions):
            a = rnd.choice(account_ids)
            previous = last.get(a)
            at = (previous[1] if previous else BASE_EPOCH) + rnd.randrange(60, 86_400)
            sender = rnd.choice(ours)
            to = rnd.sample(people[a], min(2, len(people[a])))
            if k % 50 == 0:  # somebody nobody listed, at a known domain
                to.append(f"New.Person{k % 7}@{a}.example")
            reply = previous[0] if previous and k % 3 == 0 else ""
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
            w.writerow([f"i{k:07d}", "email", stamp, sender, ";".join(to), "", "Hi", a, reply])
            last[a] = (f"i{k:07d}", at)
    return directory


class _csv:
    def __init__(self, path: Path) -> None:
        self._handle = path.open("w", encoding="utf-8", newline="")

    def __enter__(self) -> csv._writer:
        return csv.writer(self._handle)

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark import_directory.")
    parser.add_argument("--interactions", type=int, default=200_000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args()

    from stakegraph.config import Settings
    from stakegraph.graph.embedded import running_store_pid
    from stakegraph.graph.store import GraphStore
    from stakegraph.ingest import import_directory

    with tempfile.TemporaryDirectory() as tmp:
        data = write_portfolio(
            Path(tmp) / "data",
            accounts=args.accounts,
            people_per_account=20,
            home_people=50,
            interactions=args.interactions,
        )
        home = Path(tmp) / "home"
        with GraphStore.open(Settings(STAKEGRAPH_HOME=home)) as store:
            pid = running_store_pid(home)
            # Wall time depends on whatever else the machine runs; CPU seconds of each side
            # say what the import costs, and with one core each (the writer overlaps the
            # next batch's validation) throughput is bounded by the busier side.
            store_cpu, own_cpu = _cpu_seconds(pid), _own_cpu_seconds()
            report = import_directory(store, data, batch_size=args.batch_size)
            store_cpu, own_cpu = _cpu_seconds(pid) - store_cpu, _own_cpu_seconds() - own_cpu
            n = report.interactions_created
            print(
                f"{n} interactions ({report.relationships_created} relationships), batch "
                f"{args.batch_size}: {report.seconds:.1f} s wall = {n / report.seconds:,.0f}/s; "
                f"CPU: store {store_cpu:.1f} s ({n / store_cpu:,.0f}/s), "
                f"python {own_cpu:.1f} s ({n / own_cpu:,.0f}/s)"
            )
            again = import_directory(store, data, batch_size=args.batch_size)
            print(f"re-import (nothing new): {again.seconds:.1f} s")


def _cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


if __name__ == "__main__":
    main()
