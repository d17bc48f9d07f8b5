"""Shared numeric kernels against the one-call-per-window numpy they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stakegraph.analytics.kernels import (
    group_medians,
    positions_in,
    row_medians,
    unique_inverse,
    window_medians,
)


@pytest.mark.parametrize("seed", range(5))
def test_group_medians_equal_a_pandas_groupby_median(seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, 9, size=70)  # group 9 has none; odd and even counts
    values = rng.integers(0, 25, size=70).astype(float)  # ties inside groups
    expected = pd.Series(values).groupby(groups).median().reindex(range(10)).to_numpy()
    np.testing.assert_array_equal(group_medians(values, groups, 10), expected)


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


def _random_ids(rng: np.random.Generator, size: int, distinct: int) -> np.ndarray:
    return np.array([f"p{i:04d}" for i in rng.integers(0, distinct, size=size)], dtype=object)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("as_series", [False, True])
def test_positions_in_equals_get_indexer_on_a_unique_index(seed: int, as_series: bool) -> None:
    rng = np.random.default_rng(seed)
    index = np.unique(_random_ids(rng, 300, 1000))  # unique, about a quarter of the ids
    values = _random_ids(rng, 2000, 1000)  # most of them missing from the index
    expected = pd.Index(index).get_indexer(values)
    assert (expected == -1).any() and (expected >= 0).any()
    if as_series:  # the arrow-backed string columns of the frames
        got = positions_in(pd.Series(values, dtype="str"), pd.Series(index, dtype="str"))
    else:
        got = positions_in(values, index)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("seed", range(5))
def test_positions_in_a_duplicated_index_is_the_first_position(seed: int) -> None:
    rng = np.random.default_rng(seed)
    index = _random_ids(rng, 300, 200)  # many ids twice or more: get_indexer would raise
    values = _random_ids(rng, 2000, 400)
    first = {}
    for position, value in enumerate(index):
        first.setdefault(value, position)
    expected = [first.get(v, -1) for v in values]
    np.testing.assert_array_equal(positions_in(values, index), expected)
    with pytest.raises(pd.errors.InvalidIndexError):
        pd.Index(index).get_indexer(values)


def test_positions_in_edge_cases() -> None:
    assert positions_in(["a"], []).tolist() == [-1]
    assert positions_in([], ["a"]).tolist() == []
    assert positions_in(["b", None], ["a", None, "b"]).tolist() == [2, 1]  # missing finds missing
    assert positions_in(["1"], [1]).tolist() == [-1]  # a string is not the number


@pytest.mark.parametrize("seed", range(3))
def test_unique_inverse_equals_numpy_unique(seed: int) -> None:
    keys = np.random.default_rng(seed).integers(-50, 10**12, size=500) // 10**10
    distinct, inverse = unique_inverse(keys)
    expected_distinct, expected_inverse = np.unique(keys, return_inverse=True)
    np.testing.assert_array_equal(distinct, expected_distinct)
    np.testing.assert_array_equal(inverse, expected_inverse)
    assert unique_inverse(np.zeros(0, dtype=np.int64))[0].shape == (0,)
