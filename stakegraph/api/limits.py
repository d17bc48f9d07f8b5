"""Request rate limits: token buckets per API key and per client address.

Two limits, both applied where the caller is authenticated
(:func:`stakegraph.api.deps.get_principal`):

- every request of a valid key takes a token from that key's bucket
  (``STAKEGRAPH_RATE_LIMIT`` a minute, bursts of up to a minute's worth): one key, leaked
  or scripted, cannot hold the server's worker threads and the store for everyone else;
- every presented key that is not valid takes a token from the client address's bucket
  (``STAKEGRAPH_AUTH_FAILURE_LIMIT`` a minute). Keys are 256-bit random secrets, so
  guessing cannot succeed; the limit keeps a scanner from turning the key check into
  free load, and shows in the log. A valid key still authenticates from an address whose
  failure bucket is empty: many users behind one proxy are not locked out by one of them.

An empty bucket answers 429 with ``Retry-After`` (whole seconds until the next token).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimits", "TokenBuckets", "retry_after_header"]

# Buckets kept at most; beyond it, the full ones (callers that stopped) are dropped first.
MAX_TRACKED = 10_000


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    """One token bucket per key: ``per_minute`` tokens refilled evenly over a minute, at
    most ``per_minute`` held (a minute's allowance may be spent at once).

    Examples
    --------
    >>> now = [0.0]
    >>> buckets = TokenBuckets(60, clock=lambda: now[0])
    >>> [buckets.take("k") for _ in range(60)] == [0.0] * 60
    True
    >>> buckets.take("k")  # empty: one token a second comes back
    1.0
    >>> now[0] = 0.25
    >>> buckets.take("k")
    0.75
    >>> buckets.take("other")  # every key has its own bucket
    0.0
    """

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, got {per_minute}")
        self.per_minute = per_minute  # also the most a bucket holds
        self.per_second = per_minute / 60.0
        self._clock = clock
        self._max_tracked = max_tracked
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """Take a token of ``key``'s bucket: 0.0 when one was there, else the seconds until
        one will be (nothing taken)."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._make_room(now)
            bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
        bucket.tokens = min(self.per_minute, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.per_second

    def _make_room(self, now: float) -> None:
        if len(self._buckets) < self._max_tracked:
            return
        # A bucket that has refilled says nothing a new one would not: drop those first,
        # then (a flood of new callers) the oldest.
        full = [
            key
            for key, b in self._buckets.items()
            if b.tokens + (now - b.at) * self.per_second >= self.per_minute
        ]
        for key in full:
            del self._buckets[key]
        while len(self._buckets) >= self._max_tracked:
            del self._buckets[next(iter(self._buckets))]


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


@dataclass(frozen=True)
class RateLimits:
    """The app's two limits; None where the setting is 0 (no limit)."""

    per_key: TokenBuckets | None
    failures: TokenBuckets | None

    @classmethod
    def of(cls, per_key_per_minute: int, failures_per_minute: int) -> RateLimits:
        return cls(
            per_key=TokenBuckets(per_key_per_minute) if per_key_per_minute else None,
            failures=TokenBuckets(failures_per_minute) if failures_per_minute else None,
        )
