"""Rate limits: per API key, and per client address for keys that are not valid.

The buckets' arithmetic is pinned with a hand-driven clock (and the doctest of
:class:`TokenBuckets`); the app's answers on the running app, with small limits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from api_client import serving
from api_portfolio import headers

from stakegraph.api.limits import TokenBuckets, retry_after_header
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_refills_evenly_and_holds_at_most_a_minute() -> None:
    clock = Clock()
    buckets = TokenBuckets(120, clock=clock)  # two tokens a second
    assert all(buckets.take("k") == 0.0 for _ in range(120))
    assert buckets.take("k") == pytest.approx(0.5)
    clock.now += 1.0  # two tokens back
    assert buckets.take("k") == 0.0
    assert buckets.take("k") == 0.0
    assert buckets.take("k") == pytest.approx(0.5)
    clock.now += 3600.0  # an hour idle refills to the minute's 120, not 7,200
    assert sum(buckets.take("k") == 0.0 for _ in range(200)) == 120


def test_a_refused_request_takes_no_token() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock=clock)
    for _ in range(60):
        buckets.take("k")
    for _ in range(10):  # hammering an empty bucket does not push the next token away
        assert buckets.take("k") == pytest.approx(1.0)
    clock.now += 1.0
    assert buckets.take("k") == 0.0


def test_tracked_callers_are_bounded_and_full_buckets_go_first() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock=clock, max_tracked=3)
    buckets.take("busy")
    for _ in range(59):
        buckets.take("busy")  # empty
    buckets.take("a")
    buckets.take("b")
    clock.now += 0.5  # "a" and "b" are still not full either: the oldest goes
    buckets.take("c")
    assert len(buckets._buckets) == 3
    assert "busy" not in buckets._buckets
    clock.now += 60.0  # now all are full: the new caller drops them all
    buckets.take("d")
    assert list(buckets._buckets) == ["d"]


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert [retry_after_header(s) for s in (0.01, 1.0, 1.2, 59.5)] == ["1", "1", "2", "60"]


def _settings(keys: dict[str, str], **limits: int) -> ApiSettings:
    """The app's settings with these limits (the others at their defaults), no read model."""
    return ApiSettings(STAKEGRAPH_HOME=Path(keys["home"]), STAKEGRAPH_READ_MODEL=False, **limits)


def test_a_key_over_its_limit_gets_429_and_others_are_served(
    portfolio: GraphStore, keys: dict[str, str]
) -> None:
    with serving(portfolio, _settings(keys, STAKEGRAPH_RATE_LIMIT=5)) as client:
        answers = [client.get("/api/accounts", headers=headers(keys["leader"])) for _ in range(7)]
        assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
        refused = answers[-1]
        assert int(refused.headers["retry-after"]) >= 1
        assert "this API key" in refused.json()["detail"]
        assert "Traceback" not in refused.text
        # Another key, from the same address, has its own allowance.
        assert client.get("/api/accounts", headers=headers(keys["admin"])).status_code == 200


def test_invalid_keys_from_one_address_are_cut_off_but_valid_ones_still_pass(
    portfolio: GraphStore, keys: dict[str, str]
) -> None:
    settings = _settings(keys, STAKEGRAPH_AUTH_FAILURE_LIMIT=3)
    # Guesses of every shape: well-formed with an unknown id, a known id with a wrong
    # secret, garbage.
    known_id = keys["leader"].split("_")[1]
    guesses = [f"sgk_{known_id}_wrong", "sgk_nobody_x", "garbage", "sgk_a_b_c"]
    with serving(portfolio, settings) as client:
        statuses = [client.get("/api/accounts", headers=headers(g)).status_code for g in guesses]
        assert statuses == [401, 401, 401, 429]
        again = client.get("/api/accounts", headers=headers(keys["leader"] + "x"))
        assert again.status_code == 429
        assert int(again.headers["retry-after"]) >= 1
        # The valid key is not locked out by someone else's guessing behind the same address.
        assert client.get("/api/accounts", headers=headers(keys["leader"])).status_code == 200
        # A missing key is not a guess: it is told what to send, every time.
        missing = [client.get("/api/accounts").status_code for _ in range(5)]
        assert missing == [401] * 5


def test_zero_turns_the_limits_off(portfolio: GraphStore, keys: dict[str, str]) -> None:
    settings = _settings(keys, STAKEGRAPH_RATE_LIMIT=0, STAKEGRAPH_AUTH_FAILURE_LIMIT=0)
    with serving(portfolio, settings) as client:
        ok = [client.get("/health").status_code for _ in range(3)]
        assert ok == [200] * 3
        served = [
            client.get("/api/accounts", headers=headers(keys["analyst"])).status_code
            for _ in range(30)
        ]
        assert served == [200] * 30
        guessed = [
            client.get("/api/accounts", headers=headers("sgk_x_y")).status_code for _ in range(30)
        ]
        assert guessed == [401] * 30
