"""A history of the shortest length the command line allows, on both profiles, and what
`stakegraph generate` prints and refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from stakegraph.generate import generate_portfolio


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stakegraph.cli", "generate", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("profile", ["default", "enterprise"])
def test_a_twelve_month_history_generates_and_plants_only_what_it_can_show(
    tmp_path: Path, profile: str
) -> None:
    # Before: the default profile failed on an account with no renewal late enough for an
    # event, the enterprise one on a person hired after the history's end (seed 7).
    summary = generate_portfolio(tmp_path, accounts=30, seed=7, months=12, profile=profile)
    truth = json.loads(summary.truth_path.read_text(encoding="utf-8"))
    days = (date.fromisoformat(truth["end"]) - date.fromisoformat(truth["start"])).days
    assert days == 365  # 2023-01-02 to 2024-01-02
    for event in truth["events"]:
        day = (date.fromisoformat(event["date"]) - date.fromisoformat(truth["start"])).days
        assert 0 <= day < days
    assert summary.interactions > 0


def test_the_command_prints_every_file_with_its_rows(tmp_path: Path) -> None:
    done = run(str(tmp_path), "--accounts", "3", "--seed", "2")
    assert done.returncode == 0, done.stderr
    out = done.stdout + done.stderr  # the console writes to stderr
    for name in ("organizations", "coverage", "interactions", "usage"):
        rows = len((tmp_path / f"{name}.csv").read_text(encoding="utf-8").splitlines()) - 1
        assert f"{name}.csv" in out
        assert f"{rows:,}" in out.split(f"{name}.csv", 1)[1].splitlines()[0]
    events = len(json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["events"])
    assert f"{events} events" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--months", "6"), "--months"),
        (("--profile", "enterprise", "--interactions-per-account", "50"), "follows account size"),
        (("--start", "2023-13-01"), "--start '2023-13-01' is not a date"),
    ],
)
def test_options_that_cannot_work_are_refused_without_a_traceback(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    done = run(str(tmp_path), "--accounts", "2", *args)
    assert done.returncode == 2
    assert says in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "interactions.csv").exists()
