"""Which way an account is heading over its latest snapshots: pure, no I/O.

The metric is the risk score when the snapshots carry one (an analysis has run), else the
relationship depth score. The change is last minus first; a change smaller than the
metric's tolerance is "flat". More risk is worse, more depth is better.

>>> metric_trend([{"window_end": 1, "risk_score": 0.2}, {"window_end": 2, "risk_score": 0.5}])
Trend(metric='risk_score', values=(0.2, 0.5), change=0.3, direction='worsening')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["TREND_TOLERANCE", "Trend", "metric_trend"]

Direction = Literal["worsening", "improving", "flat", "unknown"]
Metric = Literal["risk_score", "depth_score"]
# A change smaller than this over the last snapshots reads as "flat" (scale of each metric).
TREND_TOLERANCE: Mapping[str, float] = {"risk_score": 0.02, "depth_score": 2.0}


@dataclass(frozen=True)
class Trend:
    """The metric followed, its values oldest first, last minus first, and the verdict."""

    metric: Metric
    values: tuple[float, ...]
    change: float | None
    direction: Direction


def metric_trend(snapshots: Sequence[Mapping[str, Any]]) -> Trend:
    """The trend over ``snapshots`` (any order; sorted by ``window_end``).

    Missing, non-numeric and non-finite values are skipped; fewer than two values give an
    ``unknown`` direction.
    """
    ordered = sorted(snapshots, key=lambda r: r["window_end"])
    metric: Metric = (
        "risk_score" if any(r.get("risk_score") is not None for r in ordered) else "depth_score"
    )
    values = tuple(v for r in ordered if (v := _finite(r.get(metric))) is not None)
    if len(values) < 2:
        return Trend(metric, values, None, "unknown")
    change = values[-1] - values[0]
    if abs(change) < TREND_TOLERANCE[metric]:
        return Trend(metric, values, change, "flat")
    worse = change > 0 if metric == "risk_score" else change < 0
    return Trend(metric, values, change, "worsening" if worse else "improving")


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)
