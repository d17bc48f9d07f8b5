"""Shared numeric kernels against the one-call-per-window numpy they replace."""

from __future__ import annotations

import numpy as np
import pytest

from stakegraph.analytics.kernels import row_medians, window_medians


@pytest.mark.parametrize("seed", range(5))
def test_window_medians_equal_numpy_median_of_each_slice(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=60)
    lo = rng.integers(0, 60, size=40)
    hi = lo + rng.integers(-2, 15, size=40)  # empty, odd and even windows, some past the end
    hi = np.clip(hi, 0, 60)
    medians, padded = window_medians(values, lo, hi)
    expected = [np.median(values[a:b]) if b > a else np.nan for a, b in zip(lo, hi, strict=True)]
    np.testing.assert_array_equal(medians, expected)
    # The padded rows give a second median over the same windows: the MAD.
    mads = row_medians(np.abs(padded - medians[:, None]), np.maximum(hi - lo, 0))
    expected_mads = [
        np.median(np.abs(values[a:b] - np.median(values[a:b]))) if b > a else np.nan
        for a, b in zip(lo, hi, strict=True)
    ]
    np.testing.assert_array_equal(mads, expected_mads)


def test_no_windows_and_no_values_give_empty_and_nan() -> None:
    medians, _ = window_medians(np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, np.int64))
    assert medians.shape == (0,)
    medians, _ = window_medians(np.zeros(0), np.array([0, 0]), np.array([0, 0]))
    assert np.isnan(medians).all()
