"""Peak resident memory of this process and of another one (the store), in MB."""

from __future__ import annotations

import resource
from pathlib import Path


def self_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_peak_mb(pid: int | None) -> float:
    """VmHWM of ``pid`` (read it while the process is alive); NaN when unknown."""
    if pid is None:
        return float("nan")
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
