"""A small in-process cache of read answers, so a dashboard's repeated reads stay cheap.

Derived data only changes when ``stakegraph ingest`` or ``stakegraph analyze`` runs, but
maps and suggestions are computed per request from a trailing window (several store
round trips and a tie computation): under load, the same account is asked for again and
again. Answers are kept ``ttl_s`` seconds (``STAKEGRAPH_CACHE_TTL``; 0 turns caching off),
keyed by everything that shapes them, including who may see what. Errors are never cached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ResponseCache:
    """Thread-safe TTL + LRU cache."""

    def __init__(self, *, ttl_s: float, max_entries: int = 4096) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached answer for ``key`` if fresh, else ``compute()`` (kept when it returns)."""
        if self.ttl_s <= 0:
            return compute()
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] > now:
                self._entries.move_to_end(key)
                value: T = hit[1]
                return value
        # Computed outside the lock: concurrent misses of one key may compute twice, which is
        # cheaper than serialising every miss behind one lock.
        value = compute()
        with self._lock:
            self._entries[key] = (time.monotonic() + self.ttl_s, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
