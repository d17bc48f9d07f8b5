"""Benchmark: ingest a Maildir of 100,000 messages (headers only) into the embedded store.

Writes a Maildir of realistic messages (our team and customer contacts at a few hundred
companies, threads with In-Reply-To/References, name variants, some mailing-list and
no-reply mail, a few broadcasts to 40 people), then measures

* parsing: reading every message's header block and converting it into the staging
  import directory (identity resolution included), in messages/s;
* the whole ingest: conversion plus loading into the store, in messages/s;
* peak memory of this process (and of the store process).

    python bench/mail.py                      # 100,000 messages
    python bench/mail.py --messages 10000     # a quick look
"""

from __future__ import annotations

import argparse
import random
import shutil
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from memory import process_peak_mb, self_peak_mb

from stakegraph.config import Settings
from stakegraph.graph.embedded import running_store_pid
from stakegraph.graph.store import GraphStore
from stakegraph.ingest.sources import SourceOptions, convert_sources, detect_sources, ingest_path

HOME = "ourco.example"
FIRST = ["ann", "bob", "carla", "dev", "eli", "fay", "gus", "hana", "ivan", "jo", "kim", "lee"]
LAST = ["smith", "lopez", "chen", "okafor", "novak", "berg", "khan", "rossi", "dubois", "ito"]


def write_maildir(root: Path, messages: int, seed: int) -> None:
    """``messages`` messages in ``root`` (a Maildir), deterministic for a seed."""
    rng = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    companies = [f"company{n}.example" for n in range(300)]
    ours = [(f"{f}.{la}@{HOME}", f"{f.title()} {la.title()}") for f in FIRST for la in LAST[:4]]
    contacts = {
        c: [(f"{f}.{la}@{c}", f"{f.title()} {la.title()}") for f, la in _people(rng, 6)]
        for c in companies
    }
    start = 1_700_000_000
    threads: list[tuple[str, str, str, list[str]]] = []  # (company, root id, last id, refs)
    for n in range(messages):
        at = start + n * 300 + rng.randrange(300)
        company = rng.choice(companies)
        roll = rng.random()
        headers = []
        if roll < 0.05:  # a newsletter
            sender = (f"news@{company}", "News")
            to = [rng.choice(ours)]
            headers = [f"List-Id: <news.{company}>", f"List-Unsubscribe: <mailto:u@{company}>"]
        elif roll < 0.07:  # a no-reply notification
            sender = (f"no-reply@{company}", "Notifications")
            to = [rng.choice(ours)]
        elif roll < 0.08:  # a broadcast
            sender = rng.choice(ours)
            to = [rng.choice(contacts[c]) for c in rng.sample(companies, 40)]
        else:
            ours_person, theirs = rng.choice(ours), rng.choice(contacts[company])
            if rng.random() < 0.1:  # a name variant: f.last@ with "Last, First"
                first, _, rest = theirs[0].partition(".")
                last = rest.partition("@")[0]
                theirs = (f"{first[0]}.{rest}", f"{last.title()}, {first.title()}")
            sender, to = (ours_person, [theirs]) if rng.random() < 0.5 else (theirs, [ours_person])
        message_id = f"m{n}.{seed}@mail.example"
        if threads and rng.random() < 0.5:
            k = rng.randrange(len(threads))
            _, root_id, parent, refs = threads[k]
            refs = [*refs, parent][-10:]
            headers += [
                f"In-Reply-To: <{parent}>",
                "References: " + " ".join(f"<{r}>" for r in refs),
            ]
            threads[k] = (company, root_id, message_id, refs)
        else:
            threads.append((company, message_id, message_id, []))
            if len(threads) > 2000:
                threads.pop(0)
        lines = [
            "Return-Path: <bounce@mail.example>",
            "Received: from mx.example (mx.example [192.0.2.1]) by mail.example; "
            + format_datetime(_utc(at)),
            f'From: "{sender[1]}" <{sender[0]}>',
            "To: " + ", ".join(f'"{name}" <{address}>' for address, name in to),
            f"Date: {format_datetime(_utc(at))}",
            f"Message-ID: <{message_id}>",
            f"Subject: Topic {n % 997}",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            *headers,
        ]
        body = "Hello,\n\n" + "Some text of the body that is never stored.\n" * rng.randrange(3, 40)
        name = f"{at}.M{n}P1.host:2,S"
        (root / "cur" / name).write_text("\n".join(lines) + "\n\n" + body)


def _people(rng: random.Random, k: int) -> list[tuple[str, str]]:
    return rng.sample([(f, la) for f in FIRST for la in LAST], k)


def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/out/mail"))
    args = parser.parse_args()

    box = args.out / f"Maildir-{args.messages}"
    home = args.out / "home"
    shutil.rmtree(home, ignore_errors=True)
    if not (box / "cur").is_dir():
        started = time.perf_counter()
        write_maildir(box, args.messages, args.seed)
        print(f"wrote {args.messages:,} messages to {box} in {time.perf_counter() - started:.1f} s")
    options = SourceOptions(home_domains=(HOME,))

    started = time.perf_counter()
    summary = convert_sources(
        detect_sources(box), staging_root=args.out / "parse-only", options=options
    )
    parse_s = time.perf_counter() - started
    print(
        f"parse and stage: {args.messages:,} messages in {parse_s:.1f} s = "
        f"{args.messages / parse_s:,.0f} messages/s ({summary.interactions:,} interactions, "
        f"{summary.bulk:,} bulk, {summary.people:,} people, {summary.merged_addresses:,} "
        f"addresses merged; peak memory so far {self_peak_mb():,.0f} MB)"
    )

    with GraphStore.open(Settings(STAKEGRAPH_HOME=home)) as store:
        store.ensure_schema()
        store_pid = running_store_pid(home)
        started = time.perf_counter()
        report = ingest_path(store, box, options=options)
        whole_s = time.perf_counter() - started
        loaded = store.counts()["Interaction"]
        store_peak = process_peak_mb(store_pid)
    print(
        f"whole ingest (parse, stage, validate, load): {args.messages:,} messages in "
        f"{whole_s:.1f} s = {args.messages / whole_s:,.0f} messages/s; {loaded:,} interactions "
        f"stored, {report.imported.rows_rejected} rows rejected"
    )
    print(f"peak memory: this process {self_peak_mb():,.0f} MB; store process {store_peak:,.0f} MB")


if __name__ == "__main__":
    main()
