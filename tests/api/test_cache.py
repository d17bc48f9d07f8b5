"""The response cache: reused within its TTL, never across who-may-see-what, off at 0."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient

from stakegraph.api.app import create_app
from stakegraph.api.cache import ResponseCache
from stakegraph.api.service import accounts
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore


def test_cache_reuses_within_ttl_and_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("stakegraph.api.cache.time.monotonic", lambda: clock[0])
    cache = ResponseCache(ttl_s=10, max_entries=2)
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    assert cache.get_or_compute("a", lambda: compute("a1")) == "a1"
    assert cache.get_or_compute("a", lambda: compute("a2")) == "a1"
    clock[0] += 11
    assert cache.get_or_compute("a", lambda: compute("a3")) == "a3"
    cache.get_or_compute("b", lambda: compute("b"))
    cache.get_or_compute("c", lambda: compute("c"))  # evicts "a", the least recently used
    assert cache.get_or_compute("a", lambda: compute("a4")) == "a4"
    assert calls == ["a1", "a3", "b", "c", "a4"]


def test_errors_are_not_cached_and_zero_ttl_is_off() -> None:
    cache = ResponseCache(ttl_s=10)

    def fail() -> str:
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get_or_compute("k", fail)
    assert cache.get_or_compute("k", lambda: "ok") == "ok"
    off = ResponseCache(ttl_s=0)
    assert off.get_or_compute("k", lambda: 1) == 1
    assert off.get_or_compute("k", lambda: 2) == 2


@pytest.mark.store
def test_cached_answers_respect_account_scope(
    portfolio: GraphStore, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The per-request path is what this cache serves: the read model stays out of the way.
    settings = ApiSettings(
        STAKEGRAPH_HOME=Path(keys["home"]), STAKEGRAPH_CACHE_TTL=60, STAKEGRAPH_READ_MODEL=False
    )
    calls = []
    real = accounts.account_detail

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[2])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(accounts, "account_detail", counted)
    with TestClient(create_app(portfolio, settings=settings)) as client:
        admin, am = headers(keys["admin"]), headers(keys["account_manager"])
        assert client.get("/api/accounts/acc-c", headers=admin).status_code == 200
        assert client.get("/api/accounts/acc-c", headers=admin).status_code == 200
        # Alan's key must not get the admin's cached answer for someone else's account: it
        # is refused before the cache is looked at, so nothing is computed for it either.
        assert client.get("/api/accounts/acc-c", headers=am).status_code == 404
        assert client.get("/api/accounts/acc-c", headers=am).status_code == 404
    assert calls == ["acc-c"]  # the admin's second read was cached


def test_concurrent_misses_of_one_key_compute_once() -> None:
    cache = ResponseCache(ttl_s=60)
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow() -> str:
        calls.append("slow")
        started.set()
        release.wait(timeout=30)  # a bound so that a broken cache fails, not hangs
        return "answer"

    with ThreadPoolExecutor(6) as pool:  # a worker for each call: none waits for a thread
        first = pool.submit(cache.get_or_compute, "k", slow)
        started.wait(timeout=30)
        others = [pool.submit(cache.get_or_compute, "k", lambda: "again") for _ in range(3)]
        other_key = pool.submit(cache.get_or_compute, "other", lambda: "not held up")
        assert other_key.result(timeout=30) == "not held up"
        release.set()
        assert [f.result(timeout=30) for f in (first, *others)] == ["answer"] * 4
    assert calls == ["slow"]
