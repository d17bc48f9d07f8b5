"""Peak resident memory of this process and of another one (the store), in MB."""

from __future__ import annotations

import resource
from pathlib import Path


def self_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_peak_mb(pid: int | None) -> float:
    """VmHWM of ``pid`` and of every process under it, summed (read while they are alive);
    NaN when unknown.

    The embedded store's pid is a small supervisor whose child JVM holds the graph, so the
    supervisor's own figure alone would miss the store. The sum is an upper bound: the
    processes need not peak at the same moment.
    """
    if pid is None:
        return float("nan")
    peaks = [_own_peak_kb(p) for p in _tree(pid)]
    known = [kb for kb in peaks if kb is not None]
    return sum(known) / 1024 if known else float("nan")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc's children lists."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def _own_peak_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None
