"""An account's trend over its latest snapshots: worked cases."""

from __future__ import annotations

import math
from typing import Any

import pytest

from stakegraph.analytics.trend import Trend, metric_trend


def snaps(metric: str, *values: Any) -> list[dict[str, Any]]:
    # Given newest first on purpose: the trend sorts by window end.
    return [{"window_end": i, metric: v} for i, v in reversed(list(enumerate(values)))]


@pytest.mark.parametrize(
    ("snapshots", "expected"),
    [
        (
            snaps("risk_score", 0.2, 0.3, 0.5),
            Trend("risk_score", (0.2, 0.3, 0.5), 0.3, "worsening"),
        ),
        (snaps("risk_score", 0.5, 0.2), Trend("risk_score", (0.5, 0.2), -0.3, "improving")),
        (snaps("risk_score", 0.50, 0.51), Trend("risk_score", (0.5, 0.51), 0.01, "flat")),
        (snaps("depth_score", 40, 30), Trend("depth_score", (40.0, 30.0), -10.0, "worsening")),
        (snaps("depth_score", 30, 31), Trend("depth_score", (30.0, 31.0), 1.0, "flat")),
        (snaps("risk_score", 0.4), Trend("risk_score", (0.4,), None, "unknown")),
        ([], Trend("depth_score", (), None, "unknown")),
    ],
)
def test_direction_and_change(snapshots: list[dict[str, Any]], expected: Trend) -> None:
    found = metric_trend(snapshots)
    assert (found.metric, found.direction) == (expected.metric, expected.direction)
    assert found.values == pytest.approx(expected.values)
    assert found.change == (None if expected.change is None else pytest.approx(expected.change))


def test_missing_and_non_finite_values_are_skipped() -> None:
    found = metric_trend(snaps("risk_score", 0.2, None, math.nan, True, "x", 0.6))
    assert found.values == (0.2, 0.6)
    assert found.direction == "worsening"
