"""Recurring events a calendar may hold from anyone: their expansion is bounded in work.

A calendar export holds the invitations of outside senders, so one crafted RRULE must
not stall an import. Each case converts one .ics file in a child process with a deadline
(before the bound, the ``--since`` case ran for hours and the child is then killed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from source_files import HOME, calendar, event

import stakegraph

ORGANIZER = f"ORGANIZER:mailto:ann@{HOME}"
ATTENDEE = "ATTENDEE:mailto:bob@acme.example"
UNTIL = "2024-03-11"

CONVERT = textwrap.dedent(
    """
    import csv, json, sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from stakegraph.ingest.sources.calendar import CalendarOptions, convert_calendar
    from stakegraph.ingest.sources.staging import Staging

    path, since, until = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    day = lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None
    staging = Staging(path.parent / "staging")
    started = time.perf_counter()
    convert_calendar(path, staging, CalendarOptions(since=day(since), until=day(until)))
    seconds = time.perf_counter() - started
    staging._handle.flush()
    with (staging.work / "interactions.partial.csv").open() as handle:
        meetings = [row["at"] for row in csv.DictReader(handle)]
    reasons = [error.reason for error in staging.summary.errors]
    print(json.dumps({"meetings": meetings, "errors": reasons, "seconds": seconds}))
    """
)


def convert(tmp_path: Path, rule: str, start: str, since: str = "") -> dict[str, Any]:
    """Stage one recurring event in a child process; fail past 20 s."""
    path = tmp_path / "invite.ics"
    path.write_text(calendar(event("series", start, ORGANIZER, ATTENDEE, rule)))
    package_root = str(Path(stakegraph.__file__).parent.parent)
    env = {**os.environ, "PYTHONPATH": package_root}
    try:
        done = subprocess.run(
            [sys.executable, "-c", CONVERT, str(path), since, UNTIL],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"expanding {rule!r} ran past 20 s")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "RRULE:FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3",
        "RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31",
    ],
)
def test_a_rule_no_day_satisfies_is_searched_only_up_to_the_range(
    tmp_path: Path, rule: str
) -> None:
    # Before: dateutil walked every day to the year 9999 (3.5 s for the daily rule).
    result = convert(tmp_path, rule, "19710101T090000Z")
    assert result["meetings"] == [] and result["errors"] == []
    assert result["seconds"] < 1.0


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        # Before: every second from the start to --since was produced (hours).
        ("RRULE:FREQ=SECONDLY", "recurs at most daily"),
        ("RRULE:FREQ=HOURLY", "recurs at most daily"),
        # A daily rule with 144 times a day: past 100,000 occurrences before the range.
        (
            "RRULE:FREQ=DAILY;BYHOUR="
            + ",".join(map(str, range(24)))
            + ";BYMINUTE=0,10,20,30,40,50",
            "more than 100,000 occurrences",
        ),
    ],
)
def test_a_series_too_dense_to_reach_the_range_is_that_events_error(
    tmp_path: Path, rule: str, reason: str
) -> None:
    result = convert(tmp_path, rule, "20000101T090000Z", since="2024-03-01")
    assert result["meetings"] == []
    assert len(result["errors"]) == 1 and reason in result["errors"][0]
    assert result["seconds"] < 2.0


def test_a_series_before_1900_or_with_two_rules_is_that_events_error(tmp_path: Path) -> None:
    early = convert(tmp_path, "RRULE:FREQ=DAILY", "00010101T090000Z", since="2024-03-01")
    assert early["meetings"] == [] and "starts before 1900-01-01" in early["errors"][0]
    two = convert(
        tmp_path, "RRULE:FREQ=DAILY\r\nRRULE:FREQ=WEEKLY", "20240101T090000Z", since="2024-03-01"
    )
    assert two["meetings"] == [] and "2 RRULEs" in two["errors"][0]


def test_a_long_daily_series_still_gives_every_meeting_of_the_range(tmp_path: Path) -> None:
    result = convert(tmp_path, "RRULE:FREQ=DAILY", "19000101T090000Z", since="2024-03-01")
    assert result["errors"] == []
    assert len(result["meetings"]) == 10
    assert result["meetings"][0].startswith("2024-03-01T09:00:00")
    ranged = convert(tmp_path, "RRULE:FREQ=MONTHLY;BYMONTHDAY=31", "20230101T090000Z")
    assert [m[:10] for m in ranged["meetings"]] == [
        "2023-01-31",
        "2023-03-31",
        "2023-05-31",
        "2023-07-31",
        "2023-08-31",
        "2023-10-31",
        "2023-12-31",
        "2024-01-31",
    ]
