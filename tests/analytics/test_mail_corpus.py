"""One organization's mail, imported as a new user would (issue 14's first case): a
mailbox of a 60-person organization (about 650 messages a month), no home domain, then
its org chart as a roles.csv of titles only. Its chief executive, about 1.5% of the
traffic, stops on a known day; people go on writing to them for a month, and their mailbox
answers with an out-of-office reply; two messages carry a wrong clock (1980 and 2020, in
data of 2000-2002).

Through the production path on each store: the mailbox and the roles are ingested, the
analysis runs as of its default date, and the departure is raised, from the title's
level, within 90 days; nobody else's is.
"""

from __future__ import annotations

import csv
import email.utils
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from stakegraph.analytics.run import analyze
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import EXIT_COMPLETE, import_directory
from stakegraph.ingest.sources import SourceOptions, ingest_path

pytestmark = pytest.mark.store

PEOPLE = 60
START = datetime(2000, 6, 1, 9, tzinfo=UTC)
DAYS = 730
CEO_STOPS = START + timedelta(days=500)
TITLES = [
    "President & Chief Executive Officer",
    *(f"Vice President, {f}" for f in ("Finance", "Trading", "Legal")),
    *(f"Director, Desk {n}" for n in range(6)),
    *(f"Manager, Desk {n}" for n in range(10)),
    *(["Trader", "Analyst", "Associate", "Specialist"] * 10),
]


def address(person: int) -> str:
    return f"p{person:02d}@corp.example"


def message(at: datetime, sender: int, to: list[int], mid: str, subject: str, extra: str) -> str:
    return (
        f"From {address(sender)} {at.strftime('%a %b %d %H:%M:%S %Y')}\n"
        f"From: {address(sender)}\nTo: {', '.join(address(r) for r in to)}\n"
        f"Date: {email.utils.format_datetime(at)}\nMessage-ID: <{mid}@corp.example>\n"
        f"Subject: {subject}\n{extra}\nbody\n\n"
    )


def corpus(path: Path) -> int:
    """Write the mailbox; returns how many out-of-office replies it holds."""
    rng = np.random.default_rng(14)
    weight = 1.0 / np.arange(1, PEOPLE + 1)
    rng.shuffle(weight[1:])
    weight[0] = 0.0
    weight /= weight.sum()
    out: list[tuple[datetime, str]] = []
    for day in range(DAYS):
        noon = START + timedelta(days=day)
        if noon.weekday() >= 5:
            continue
        for n in range(int(rng.poisson(30))):
            at = noon + timedelta(minutes=int(rng.integers(0, 600)))
            # The chief executive writes ~0.5% of the mail and is on ~1% more, until they stop.
            sender = (
                0 if at < CEO_STOPS and rng.random() < 0.005 else int(rng.choice(PEOPLE, p=weight))
            )
            to = {int(rng.choice(PEOPLE, p=weight)) for _ in range(1 + int(rng.random() < 0.3))}
            if at < CEO_STOPS + timedelta(days=30) and rng.random() < 0.01:
                to.add(0)
            to.discard(sender)
            if to:
                mid = f"m{day}-{n}"
                out.append((at, message(at, sender, sorted(to), mid, "Desk update", "")))
                if 0 in to and at >= CEO_STOPS:
                    reply = at + timedelta(seconds=5)
                    extra = f"In-Reply-To: <{mid}@corp.example>\n"
                    subject = "Out of Office AutoReply: Desk update"
                    out.append((reply, message(reply, 0, [sender], f"auto-{mid}", subject, extra)))
    for when in (datetime(1980, 1, 1, tzinfo=UTC), datetime(2020, 3, 1, tzinfo=UTC)):
        out.append((when, message(when, 5, [7], f"clock-{when.year}", "Desk update", "")))
    path.write_text("".join(text for _, text in sorted(out)), encoding="utf-8")
    return sum("AutoReply" in text for _, text in out)


def test_the_chief_executive_who_stops_is_raised_through_mailbox_and_titles(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    box = tmp_path / "corp.mbox"
    automatic = corpus(box)
    report = ingest_path(clean_store, box, options=SourceOptions())
    assert report.exit_code == EXIT_COMPLETE, report.describe()
    roles = tmp_path / "org-chart"
    roles.mkdir()
    with (roles / "roles.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "organization_id", "title", "start"])
        writer.writerows(
            [address(n), "corp.example", t, "1999-01-01"] for n, t in enumerate(TITLES)
        )
    assert import_directory(clean_store, roles, rejects_dir=tmp_path).exit_code == EXIT_COMPLETE
    records, _, _ = clean_store.driver.execute_query(
        "MATCH (i:Interaction) WHERE i.bulk RETURN count(i) AS n", database_=clean_store.database
    )
    assert automatic >= 2 and records[0]["n"] == automatic

    analysis = analyze(clean_store, windows=4)
    assert analysis.end is not None
    assert (analysis.end.early, analysis.end.stray) == (1, 1)  # the wrong clocks
    assert datetime.fromtimestamp(analysis.end.as_of, UTC) > START + timedelta(days=DAYS - 7)

    records, _, _ = clean_store.driver.execute_query(
        "MATCH (s:Signal) WHERE s.kind IN ['champion_departure', 'stakeholder_departure'] "
        "RETURN s.kind AS kind, s.at_epoch AS at, s.evidence AS evidence, "
        "s.summary AS summary",
        database_=clean_store.database,
    )
    departures = [(r["kind"], r["at"], json.loads(r["evidence"]), r["summary"]) for r in records]
    assert len(departures) == 1, departures
    _, at, evidence, summary = departures[0]
    assert (evidence["person_id"], evidence["level"]) == (address(0), "c_level")
    raised = datetime.fromtimestamp(at, UTC)
    assert CEO_STOPS < raised < CEO_STOPS + timedelta(days=90)
    # Seen until the last mail to them, which went on for a month; their own last message
    # came before they stopped, and the sentence gives both days.
    last_sent = datetime.fromtimestamp(evidence["last_sent_at"], UTC)
    last_seen = datetime.fromtimestamp(evidence["last_seen_at"], UTC)
    assert CEO_STOPS - timedelta(days=60) < last_sent < CEO_STOPS
    assert CEO_STOPS + timedelta(days=20) < last_seen < CEO_STOPS + timedelta(days=30)
    assert (
        f"Their own last message was on {last_sent.date().isoformat()}; others went on "
        f"writing to them until {last_seen.date().isoformat()}."
    ) in summary
