"""Numeric kernels shared by the analytics modules: weekly sums, group reductions, keyed times.

Every function here is vectorized over whole portfolios (accounts x weeks, or every
(key, time) event at once) and knows nothing of the domain; the modules that use them
give the arrays their meaning.

Examples
--------
>>> import numpy as np
>>> prefix = prefix_sums(np.array([[1.0, 2.0, 3.0]]))
>>> window_sums(prefix, 1, 3)
array([5.])
>>> herfindahl_index(np.array([4.0]), np.array([10.0]))  # amounts 3 and 1
array([0.625])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import sparse

__all__ = [
    "KeyedTimes",
    "compact_codes",
    "concatenated_ranges",
    "distinct_codes",
    "distinct_in_windows",
    "effective_threads",
    "group_argmax",
    "group_medians",
    "group_sum",
    "herfindahl_index",
    "positions_in",
    "prefix_sums",
    "unique_inverse",
    "window_medians",
    "window_sums",
]


def prefix_sums(matrix: np.ndarray) -> np.ndarray:
    """Prefix sums along the columns with a leading zero column.

    The sum of columns ``[i, j)`` of row ``r`` is ``prefix[r, j] - prefix[r, i]``.
    """
    out = np.zeros((matrix.shape[0], matrix.shape[1] + 1), dtype=float)
    np.cumsum(matrix, axis=1, out=out[:, 1:])
    return out


def window_sums(prefix: np.ndarray, lo: np.ndarray | int, hi: np.ndarray | int) -> np.ndarray:
    """Sum of columns ``[lo, hi)`` (clipped to the matrix) for every row.

    ``lo`` and ``hi`` are scalars or arrays of the same shape (one window per output
    column); ``prefix`` comes from :func:`prefix_sums`.
    """
    columns = prefix.shape[1] - 1
    lo_clipped = np.clip(lo, 0, columns)
    hi_clipped = np.clip(hi, 0, columns)
    return np.asarray(prefix[:, hi_clipped] - prefix[:, lo_clipped])


def group_sum(matrix: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows of ``matrix`` per group (``groups`` need not be sorted).

    A sparse group-by-row indicator times the matrix: it adds each group's rows in their
    order, as ``np.add.at`` did, at a tenth of its cost (``np.add.at`` took a fifth of
    the signals' time).

    Examples
    --------
    >>> group_sum(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([1, 0, 1]), 3)
    array([[3., 4.],
           [6., 8.],
           [0., 0.]])
    """
    rows = len(groups)
    indicator = sparse.csr_matrix(
        (np.ones(rows), (np.asarray(groups, dtype=np.int64), np.arange(rows))),
        shape=(n_groups, rows),
    )
    return np.asarray(indicator @ np.asarray(matrix, dtype=float))


def group_argmax(
    matrix: np.ndarray, groups: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per group and column, the row (position in ``matrix``) with the largest value.

    Returns the row index (-1 for empty groups or all-zero columns) and the value; the
    first row wins ties.
    """
    best = np.full((n_groups, matrix.shape[1]), -np.inf)
    np.maximum.at(best, groups, matrix)
    is_best = (matrix >= best[groups]) & (matrix > 0)
    rows, cols = np.nonzero(is_best)
    arg = np.full((n_groups, matrix.shape[1]), -1, dtype=np.int64)
    # Assigned in reverse so that earlier rows overwrite later ones.
    arg[groups[rows[::-1]], cols[::-1]] = rows[::-1]
    value = np.where(arg >= 0, best, 0.0)
    return arg, value


def herfindahl_index(total: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """Herfindahl-Hirschman index ``H = sum_i x_i^2 / (sum_i x_i)^2`` from the two sums.

    ``total`` is ``sum_i x_i`` and ``squares`` is ``sum_i x_i^2`` of non-negative amounts
    (one entry per group); NaN where the total is 0. ``H`` runs from ``1 / k`` for ``k``
    equal amounts to 1 for a single holder (Hirschman 1964).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(total > 0, squares / total**2, np.nan))


def effective_threads(total: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """The effective number of holders ``1 / H`` (see :func:`herfindahl_index`).

    Computed as ``total^2 / squares`` directly (not as the reciprocal of ``H``, which can
    differ in the last bit); NaN where the total is 0.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(total > 0, total**2 / squares, np.nan))


def compact_codes(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes (sorted) and each code's position among them, by marking, not sorting.

    Linear in ``size``: the fixed node and pair codes of an :class:`Activity` make this
    cheaper than ``np.unique`` in every window.

    Examples
    --------
    >>> import numpy as np
    >>> compact_codes(np.array([7, 2, 7]), 10)
    (array([2, 7]), array([1, 0, 1]))
    """
    seen = np.zeros(size, dtype=bool)
    seen[codes] = True
    remap = np.cumsum(seen) - 1
    return np.flatnonzero(seen), remap[codes]


def distinct_codes(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct codes (sorted), by marking: :func:`compact_codes` without the positions.

    The positions take a running count over all ``size`` codes, the bulk of the cost in
    a large, sparsely used code space (the renewals' people: one code per renewal and
    person, millions, for a hundred thousand participations).

    Examples
    --------
    >>> import numpy as np
    >>> distinct_codes(np.array([7, 2, 7]), 10)
    array([2, 7])
    """
    seen = np.zeros(size, dtype=bool)
    seen[codes] = True
    return np.flatnonzero(seen)


def positions_in(values: ArrayLike, index: ArrayLike) -> np.ndarray:
    """Position of each of ``values`` in ``index`` (int64), -1 where it is not there.

    What ``pd.Index(index).get_indexer(values)`` returns for a unique ``index``, by one
    ``pd.factorize`` of the two concatenated (index first) and integer lookups: hashing
    string ids once is 2-3x cheaper than ``get_indexer``, which first copies arrow-backed
    strings out into Python objects. Where ``index`` holds a value more than once (where
    ``get_indexer`` raises), its first position is returned. Missing values (NaN, None)
    are a value like any other: they find the index's first missing value.

    Examples
    --------
    >>> positions_in(["b", "x", "a", "b"], ["a", "b", "c"])
    array([ 1, -1,  0,  1])
    >>> positions_in(["b", "c"], ["b", "a", "b"])  # duplicates: the first position
    array([ 0, -1])
    """
    index_series = index if isinstance(index, pd.Series) else pd.Series(index)
    n_index = len(index_series)
    both = pd.concat([index_series, pd.Series(values)], ignore_index=True)
    codes, uniques = pd.factorize(both, use_na_sentinel=False)
    # The smallest position of each distinct value (ufunc.at is defined for repeated
    # indices, where a fancy assignment's order is not); n_index marks "not in the index".
    first = np.full(len(uniques), n_index, dtype=np.int64)
    np.minimum.at(first, codes[:n_index], np.arange(n_index, dtype=np.int64))
    first[first == n_index] = -1
    return np.asarray(first[codes[n_index:]], dtype=np.int64)


def text_codes(values: pd.Series | None, where: np.ndarray) -> np.ndarray:
    """Codes of the distinct non-empty strings of ``values`` at the rows ``where``, -1
    elsewhere (and everywhere when ``values`` is None).

    Examples
    --------
    >>> text_codes(pd.Series(["b", None, "a", "b"]), np.array([True, True, True, False]))
    array([ 1, -1,  0, -1])
    """
    out = np.full(len(where), -1, dtype=np.int64)
    if values is None:
        return out
    text = values.astype("string").fillna("").to_numpy(dtype=str)
    chosen = np.asarray(where, dtype=bool) & (text != "")
    if chosen.any():
        _, out[chosen] = np.unique(text[chosen], return_inverse=True)
    return out


def unique_inverse(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` for integer keys with many repeats, by hashing.

    The keys are hashed to their distinct values (``pd.factorize``) and only those are
    sorted, where ``np.unique`` sorts every key: several times faster for the node and
    pair keys of an :class:`Activity` (a million rows, tens of thousands of keys).

    Examples
    --------
    >>> import numpy as np
    >>> unique_inverse(np.array([30, 10, 30, 20]))
    (array([10, 20, 30]), array([2, 0, 2, 1]))
    """
    codes, distinct = pd.factorize(np.asarray(keys))
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return np.asarray(distinct[order]), rank[codes]


def concatenated_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for each start ``s`` and count ``c``.

    Examples
    --------
    >>> import numpy as np
    >>> concatenated_ranges(np.array([10, 3]), np.array([2, 3]))
    array([10, 11,  3,  4,  5])
    """
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(np.asarray(starts, dtype=np.int64), counts) + offsets


def distinct_in_windows(
    at: np.ndarray,
    key: np.ndarray | None,
    group: np.ndarray,
    n_groups: int,
    ends: np.ndarray,
    length: int,
) -> np.ndarray:
    """Distinct ``key`` values of each group in every window ``[end - length, end)``, at once.

    An event is the first of its key inside a window exactly when the window holds it and
    not the key's previous event: for event times ``t`` with the key's previous event at
    ``p``, the windows whose end lies in ``(max(t, p + length), t + length]``. Each event
    adds one to that run of (sorted) window ends, a difference array summed along the
    windows: one pass over the events for every window instead of one pass per window.
    ``key=None`` counts events, not distinct keys. Keys belong to one group each.

    Parameters
    ----------
    at : numpy.ndarray
        Event times, sorted ascending.
    key, group : numpy.ndarray
        The key (or None) and group code (``0 .. n_groups - 1``) of each event.
    ends : numpy.ndarray
        Window ends, sorted ascending and distinct.

    Returns
    -------
    numpy.ndarray
        ``(len(ends), n_groups)`` int64 counts.

    Examples
    --------
    >>> import numpy as np
    >>> at, key = np.array([0, 1, 5, 9]), np.array([7, 7, 7, 8])
    >>> distinct_in_windows(at, key, np.zeros(4, int), 1, np.array([2, 6, 10]), 8)[:, 0]
    array([1, 1, 2])
    """
    at = np.asarray(at, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    # Events outside every window change no count: each one inside sees only that its
    # key's previous event lies before its window, true of an event dropped for being
    # before the first window's start as of one with no previous event at all.
    if len(ends):
        inside = slice(*np.searchsorted(at, [ends[0] - length, ends[-1]], side="left"))
        at, group = at[inside], np.asarray(group)[inside]
        key = None if key is None else np.asarray(key)[inside]
    # Far enough below any time that adding ``length`` stays below every window end.
    never = np.iinfo(np.int64).min // 4
    if key is None:
        previous = np.full(len(at), never, dtype=np.int64)
    else:
        # A hashed groupby shift: about four times faster than a stable sort by key.
        previous = pd.Series(at).groupby(key, sort=False).shift(fill_value=never).to_numpy(np.int64)
    lo = np.searchsorted(ends, np.maximum(at, previous + length), side="right")
    hi = np.searchsorted(ends, at + length, side="right")
    width = len(ends) + 1
    base = np.asarray(group, dtype=np.int64) * width
    steps = np.bincount(base + lo, minlength=n_groups * width) - np.bincount(
        base + hi, minlength=n_groups * width
    )
    counts = np.cumsum(steps.reshape(n_groups, width), axis=1)[:, :-1]
    return np.ascontiguousarray(counts.T)


def window_medians(
    values: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Median of ``values[lo[i]:hi[i]]`` for every window ``i`` at once (NaN where empty),
    and each window's values padded into one row of a matrix (NaN past its end).

    Equal to ``np.median`` of each slice (the mean of the two middle values when a window
    has an even count), without a call per window: a call costs ~15 us however short the
    slice, and usage signals take three medians per metric, week and account. The padded
    matrix lets a caller take a second median over the same windows (a MAD) with
    :func:`row_medians`.

    Examples
    --------
    >>> import numpy as np
    >>> medians, _ = window_medians(np.array([5.0, 1.0, 3.0, 2.0]), np.array([0, 1, 2]),
    ...                             np.array([3, 4, 2]))
    >>> medians
    array([ 3.,  2., nan])
    """
    counts = np.maximum(hi - lo, 0)
    width = int(counts.max()) if len(counts) else 0
    positions = lo[:, None] + np.arange(width)[None, :]
    inside = np.arange(width)[None, :] < counts[:, None]
    padded = np.where(inside, values[np.clip(positions, 0, max(len(values) - 1, 0))], np.nan)
    return row_medians(padded, counts), padded


def row_medians(padded: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Median of the first ``counts[i]`` values of each row of ``padded`` (NaN where 0);
    the rest of each row must be NaN (:func:`window_medians`)."""
    if padded.shape[1] == 0:
        return np.full(len(counts), np.nan)
    ordered = np.sort(padded, axis=1)  # NaN sorts last
    low = np.take_along_axis(ordered, np.maximum((counts - 1) // 2, 0)[:, None], axis=1)[:, 0]
    high = np.take_along_axis(ordered, np.maximum(counts // 2, 0)[:, None], axis=1)[:, 0]
    return np.where(counts > 0, (low + high) / 2, np.nan)


def group_medians(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Median of the ``values`` of each group ``0 .. n_groups - 1`` (NaN where it has none).

    Equal to a pandas groupby median (the mean of the two middle values for an even
    count), by one sort on (group, value) and each group's middle positions, where
    :func:`window_medians`' padded matrix would be as wide as the largest group.

    Examples
    --------
    >>> import numpy as np
    >>> group_medians(np.array([9.0, 1.0, 4.0, 2.0]), np.array([0, 0, 2, 0]), 3)
    array([ 2., nan,  4.])
    """
    count = np.bincount(groups, minlength=n_groups)
    ordered = values[np.lexsort((values, groups))]
    first = np.cumsum(count) - count
    has = count > 0
    low = ordered[(first + (count - 1) // 2)[has]]
    high = ordered[(first + count // 2)[has]]
    medians = np.full(n_groups, np.nan)
    medians[has] = (low + high) / 2
    return medians


@dataclass(frozen=True)
class KeyedTimes:
    """Events ``(key, time)`` folded into one sorted integer axis ``key * span + (time - origin)``.

    With ``span`` larger than any ``time - origin`` of interest, every key owns its own
    stretch of the axis, so "events of key ``k`` before time ``t``" or "between ``t0``
    and ``t1``" is one binary search for all queries at once. Queries with times outside
    ``[origin, origin + span)`` land in a neighbouring key's stretch: callers mask them.

    Attributes
    ----------
    encoded : numpy.ndarray
        The events' positions on the axis, sorted.
    order : numpy.ndarray
        The permutation that sorts the events given to :meth:`of` (stable).
    span, origin : int
    """

    encoded: np.ndarray
    order: np.ndarray
    span: int
    origin: int

    @classmethod
    def of(cls, keys: np.ndarray, times: np.ndarray, *, span: int, origin: int = 0) -> KeyedTimes:
        encoded = keys.astype(np.int64) * np.int64(span) + (times.astype(np.int64) - origin)
        order = np.argsort(encoded, kind="stable")
        return cls(encoded=encoded[order], order=order, span=int(span), origin=int(origin))

    def encode(self, keys: np.ndarray | int, times: np.ndarray | int) -> np.ndarray:
        """Positions of ``(keys, times)`` on the axis."""
        return np.asarray(np.asarray(keys, dtype=np.int64) * np.int64(self.span)) + (
            np.asarray(times, dtype=np.int64) - self.origin
        )

    def rank(
        self, keys: np.ndarray | int, times: np.ndarray | int, side: str = "left"
    ) -> np.ndarray:
        """Events before each ``(key, time)`` on the axis (``side="right"``: at or before)."""
        return np.asarray(
            np.searchsorted(self.encoded, self.encode(keys, times), side=side)  # type: ignore[call-overload]
        )

    def count_between(self, keys: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Events of each key with ``start <= time < end``."""
        return self.rank(keys, end) - self.rank(keys, start)
