"""A small in-process cache of read answers, so a dashboard's repeated reads stay cheap.

Derived data only changes when ``stakegraph ingest`` or ``stakegraph analyze`` runs, but
maps and suggestions are computed per request from a trailing window (several store
round trips and a tie computation): under load, the same account is asked for again and
again. Answers are kept ``ttl_s`` seconds (``STAKEGRAPH_CACHE_TTL``; 0 turns caching off),
keyed by everything that shapes them, including who may see what. Errors are never cached.
Concurrent misses of one key compute it once: the others wait for that answer (ten
requests for the same departure impact used to compute it ten times over, side by side).
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
        self._computing: dict[Hashable, threading.Lock] = {}

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached answer for ``key`` if fresh, else ``compute()`` (kept when it returns)."""
        if self.ttl_s <= 0:
            return compute()
        found, cached = self._fresh(key)
        if found:
            return cached
        # One lock per key being computed: other keys are never held up, and a second miss
        # of this key waits for the first one's answer instead of computing it again.
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            found, cached = self._fresh(key)
            if found:
                return cached
            try:
                computed = compute()
                with self._lock:  # kept before the key's lock goes, so no one computes it again
                    self._entries[key] = (time.monotonic() + self.ttl_s, computed)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return computed

    def _fresh(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] > time.monotonic():
                self._entries.move_to_end(key)
                return True, hit[1]
        return False, None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
