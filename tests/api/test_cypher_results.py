"""What an analyst's statement returns is bounded before it is converted, not after.

Found against a running server (40-account demo, seed 3): ``RETURN range(1, 13000000)``
was answered 400 (over the byte cap) after 72 s, past the 10 s time limit, because every
one of the 13 million numbers went through ``record.data()`` first (about 3.6 µs each, in
the API process, holding its interpreter lock); now 3.1 s, the store's and the driver's
share. ``RETURN reduce(l = [], x IN range(1, 400) | [l])`` was a 500, and 900 levels a
dropped connection: FastAPI's encoder gives up on so deep a value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_portfolio import headers
from fastapi.testclient import TestClient
from neo4j import Record

from stakegraph.graph.readonly import MAX_NESTING, ResultTooLargeError, _capped_rows


def _nested(levels: int) -> str:
    return f"RETURN reduce(l = [], x IN range(1, {levels}) | [l]) AS deep"


@pytest.mark.store
def test_a_value_nested_too_deep_is_refused_not_a_server_error(
    client: TestClient, keys: dict[str, str]
) -> None:
    analyst = headers(keys["analyst"])
    for levels in (MAX_NESTING + 1, 400, 900):
        response = client.post("/api/cypher", headers=analyst, json={"query": _nested(levels)})
        assert response.status_code == 400, levels
        assert response.json() == {
            "detail": f"read-only: a value nested deeper than {MAX_NESTING} levels cannot be "
            "answered"
        }
    within = client.post("/api/cypher", headers=analyst, json={"query": _nested(MAX_NESTING - 1)})
    assert within.status_code == 200
    value = within.json()["rows"][0]["deep"]
    depth = 0
    while value:
        value, depth = value[0], depth + 1
    assert depth == MAX_NESTING - 1


class CountingList(list[Any]):
    """A list that counts the elements anyone reads from it."""

    read = 0

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            CountingList.read += 1
            yield item


def test_an_oversized_row_is_refused_after_reading_about_the_cap_of_it() -> None:
    CountingList.read = 0
    big = Record({"n": CountingList(range(1_000_000))})
    with pytest.raises(ResultTooLargeError):
        _capped_rows([big], limit=10, max_bytes=1_000)
    assert CountingList.read <= 1_000  # each number is at least one byte and a separator


def test_a_row_within_the_cap_is_whole_and_a_second_one_over_it_truncates() -> None:
    small = Record({"n": list(range(100)), "s": "x" * 10})
    rows, truncated = _capped_rows([small], limit=10, max_bytes=1_000)
    assert rows == [{"n": list(range(100)), "s": "x" * 10}] and not truncated
    rows, truncated = _capped_rows(
        [small, Record({"n": list(range(10_000))})], limit=10, max_bytes=1_000
    )
    assert rows == [{"n": list(range(100)), "s": "x" * 10}] and truncated
