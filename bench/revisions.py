"""Benchmark: activity, metrics, signals and risk of two stakegraph checkouts, in one process.

The baseline is another revision's source tree (a ``git archive`` of it), this checkout's
code the other side; both run ``prepare_activity``, ``snapshot_series`` (52 weekly
windows), ``detect_signals`` and ``score_risk`` on the same portfolio, read once from its
files and handed to each revision as its own classes, alternately. Prints every round's
seconds, the medians and their ratio (baseline / this), and whether the prepared
activities (every array and frame), snapshots, signal records and risk rows are
identical. Each stage's CPU
seconds of this process are printed beside its wall-clock seconds: on a machine shared
with other jobs they move less with the load.

    mkdir /tmp/main-src && git archive main | tar -x -C /tmp/main-src
    python bench/revisions.py DIR --baseline /tmp/main-src --rounds 3
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import itertools
import os
import pickle
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "tests" / "analytics"))

from portfolio_frames import load_beyond_frames, load_portfolio_frames  # noqa: E402

from stakegraph.dates import midnight_after  # noqa: E402

STAGES = ("activity", "metrics", "signals", "risk")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("portfolio", type=Path)
    parser.add_argument("--baseline", type=Path, required=True, help="another revision's tree")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    frames = load_portfolio_frames(args.portfolio)
    as_of = midnight_after(int(frames.interactions["at"].max()))
    # Pickled once: each revision unpickles them into its own classes.
    data = pickle.dumps((frames, load_beyond_frames(args.portfolio)))
    roots = {"baseline": args.baseline.resolve(), "this": HERE}
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    seconds: dict[str, list[tuple[float, ...]]] = {name: [] for name in roots}
    outputs: dict[str, Any] = {}
    snapshots: dict[str, Any] = {}
    activities: dict[str, dict[str, Any]] = {}
    for _ in range(args.rounds):
        for name, root in roots.items():
            timing, activities[name], snapshots[name], outputs[name] = _run(
                root, roots.values(), data, as_of
            )
            seconds[name].append(timing)
            wall, cpu = timing[: len(STAGES)], timing[len(STAGES) :]
            print(
                f"{name}: "
                + ", ".join(f"{s} {w:.2f} s" for s, w in zip(STAGES, wall, strict=True))
                + " (CPU "
                + " / ".join(f"{c:.2f}" for c in cpu)
                + " s)",
                flush=True,
            )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    signals, risk = outputs["this"]
    different = _different_fields(activities["baseline"], activities["this"])
    print(f"identical activities: {not different}" + (f" (differ: {different})" * bool(different)))
    same_snapshots = snapshots["baseline"].equals(snapshots["this"])
    print(
        f"identical snapshots: {same_snapshots} ({len(snapshots['this'])} rows); "
        f"identical signals and risk rows: {outputs['baseline'] == outputs['this']} "
        f"({len(signals)} signals, {len(risk)} risk rows)"
    )
    for i, stage in enumerate(STAGES):
        for clock, j in (("", i), (" CPU", i + len(STAGES))):
            before = statistics.median(s[j] for s in seconds["baseline"])
            after = statistics.median(s[j] for s in seconds["this"])
            print(
                f"{stage}{clock}: baseline {before:.2f} s, this {after:.2f} s, "
                f"{before / after:.1f}x"
            )


def _different_fields(baseline: dict[str, Any], this: dict[str, Any]) -> list[str]:
    """The fields of two prepared activities that are not equal (frames: values, dtypes and
    index; arrays: dtype, shape and every element with ``==``)."""
    different = []
    for name in sorted(baseline.keys() | this.keys()):
        a, b = baseline.get(name), this.get(name)
        if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
            same = a.equals(b) and list(a.columns) == list(b.columns)
            same = same and list(a.dtypes) == list(b.dtypes)
        elif isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            same = a.dtype == b.dtype and a.shape == b.shape and bool(np.all(a == b))
        else:
            same = type(a) is type(b) and a == b
        if not same:
            different.append(name)
    return different


def _run(
    root: Path, every_root: Any, data: bytes, as_of: int
) -> tuple[tuple[float, ...], dict[str, Any], Any, Any]:
    """Import stakegraph from ``root`` (dropping any other revision's modules) and time it."""
    for module in [m for m in sys.modules if m == "stakegraph" or m.startswith("stakegraph.")]:
        del sys.modules[module]
    for other in every_root:
        while str(other) in sys.path:
            sys.path.remove(str(other))
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    windows = importlib.import_module("stakegraph.analytics.windows")
    detect = importlib.import_module("stakegraph.analytics.signals")
    risk = importlib.import_module("stakegraph.analytics.risk")
    snapshot = importlib.import_module("stakegraph.analytics.snapshot")
    assert Path(windows.__file__).is_relative_to(root), windows.__file__
    frames, beyond = pickle.loads(data)
    marks = [_clock()]
    activity = windows.prepare_activity(frames)
    marks.append(_clock())
    series = snapshot.snapshot_series(activity, as_of=as_of, windows=52)
    marks.append(_clock())
    found = detect.detect_signals(activity, as_of=as_of, roles=frames.roles, beyond=beyond)
    signals = [s.as_record() for s in found]
    marks.append(_clock())
    rows = risk.score_risk(activity, signals, as_of=as_of, beyond=beyond)
    marks.append(_clock())
    fields = {f.name: getattr(activity, f.name) for f in dataclasses.fields(activity)}
    wall = tuple(b[0] - a[0] for a, b in itertools.pairwise(marks))
    cpu = tuple(b[1] - a[1] for a, b in itertools.pairwise(marks))
    return wall + cpu, fields, series, (signals, rows)


def _clock() -> tuple[float, float]:
    """Wall-clock and this process's CPU seconds, now."""
    return time.perf_counter(), time.process_time()


if __name__ == "__main__":
    main()
