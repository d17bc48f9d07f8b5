"""The analytics reads, field by field, give the frames one list per item gave.

A small generated portfolio is imported, and ``read_frames``/``read_beyond_frames`` are
compared with a reference reader written the way the reads were before: one list per
interaction (measurement, ticket, engagement) in one row per account, built into frames
row by row. Every frame must be equal: values, dtypes, columns and row order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from stakegraph.analytics import run
from stakegraph.analytics.signals.beyond_tables import (
    ENGAGEMENT_FRAME_COLUMNS,
    TICKET_FRAME_COLUMNS,
    USAGE_FRAME_COLUMNS,
)
from stakegraph.dates import midnight_after
from stakegraph.generate import generate_portfolio
from stakegraph.graph.store import GraphStore
from stakegraph.ingest import import_directory

pytestmark = pytest.mark.store

# The reads as they were: a list per item, in the frame's column order after account_id.
ITEM_LISTS = {
    "interactions": """
        MATCH (i:Interaction)
        WHERE i.at_epoch >= $since AND i.at_epoch < $until AND i.account_id IS NOT NULL
        RETURN i.account_id AS account_id,
               collect([i.id, i.kind, i.at_epoch, i.thread_id, i.reply_latency_s,
                        i.participants, i.person_ids, i.person_roles,
                        coalesce(i.bulk, false)]) AS items""",
    "usage": """
        MATCH (u:Usage) WHERE u.date_epoch < $until
        RETURN u.account_id AS account_id,
               collect([u.date_epoch, u.metric, u.value, u.tier]) AS items""",
    "tickets": """
        MATCH (i:Interaction {kind: 'ticket'})
        WHERE i.at_epoch < $until AND i.category IS NOT NULL
        RETURN i.account_id AS account_id, collect([i.at_epoch, i.category]) AS items""",
    "engagements": """
        MATCH (a:Account)-[:HAD_ENGAGEMENT]->(e:Engagement) WHERE e.date_epoch < $until
        RETURN a.id AS account_id,
               collect([e.kind, e.date_epoch, e.status, e.person_id]) AS items""",
}
FIELDS = {
    "interactions": run.INTERACTION_FIELDS,
    "usage": USAGE_FRAME_COLUMNS[1:],
    "tickets": TICKET_FRAME_COLUMNS[1:],
    "engagements": ENGAGEMENT_FRAME_COLUMNS[1:],
}


def item_rows(store: GraphStore, read: str, **params: Any) -> pd.DataFrame:
    """One row per item, ``account_id`` first, built row by row from the item lists."""
    records, _, _ = store.driver.execute_query(ITEM_LISTS[read], params, database_=store.database)
    account_ids: list[str] = []
    items: list[list[Any]] = []
    for account_id, of_account in (r.values() for r in records):
        account_ids.extend([account_id] * len(of_account))
        items.extend(of_account)
    columns = list(zip(*items, strict=True)) or [()] * len(FIELDS[read])
    frame = pd.DataFrame({f: list(v) for f, v in zip(FIELDS[read], columns, strict=True)})
    frame.insert(0, "account_id", account_ids)
    return frame


def reference_interactions(store: GraphStore, until: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = item_rows(store, "interactions", since=0, until=until)
    lengths = raw["person_ids"].map(len).to_numpy()
    participations = pd.DataFrame(
        {
            "interaction_id": np.repeat(raw["interaction_id"].to_numpy(), lengths),
            "person_id": np.concatenate(raw["person_ids"].to_numpy()),
            "role": np.concatenate(raw["person_roles"].to_numpy()),
        }
    )
    return run.typed_interactions(raw), participations


def reference_beyond(store: GraphStore, read: str, until: int) -> pd.DataFrame:
    frame = item_rows(store, read, until=until)
    frame["at"] = pd.to_numeric(frame["at"]).astype("int64")
    return frame


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(actual.columns) == list(expected.columns)
    assert list(actual.dtypes) == list(expected.dtypes)
    pd.testing.assert_frame_equal(actual, expected)
    assert actual.equals(expected)


@pytest.fixture
def portfolio(clean_store: GraphStore, tmp_path: Path) -> GraphStore:
    generate_portfolio(tmp_path / "portfolio", accounts=3, seed=7, interactions_per_account=80)
    import_directory(clean_store, tmp_path / "portfolio", rejects_dir=tmp_path)
    # A measurement without a tier and an engagement without a person, beside the
    # generated ones (which have both).
    clean_store.driver.execute_query(
        """
        MATCH (a:Account) WITH a ORDER BY a.id LIMIT 1
        CREATE (:Usage {id: 'u-extra', account_id: a.id, date_epoch: 1000, metric: 'logins',
                        value: 3.0})
        CREATE (a)-[:HAD_ENGAGEMENT]->(:Engagement {id: 'e-extra', account_id: a.id,
                        kind: 'qbr', status: 'held', date_epoch: 1000})
        """,
        database_=clean_store.database,
    )
    return clean_store


def test_the_reads_field_by_field_give_the_frames_lists_per_item_gave(
    portfolio: GraphStore,
) -> None:
    latest = portfolio.query("analytics/latest_interaction")[0]["latest"]
    until = midnight_after(int(latest))

    frames = run.read_frames(portfolio, since=0, until=until)
    beyond = run.read_beyond_frames(portfolio, until=until)

    interactions, participations = reference_interactions(portfolio, until)
    # The portfolio holds both cases of every field that may be missing: a mix-up of
    # values and gaps would show.
    assert 0 < interactions["thread_id"].isna().sum() < len(interactions)
    assert 0 < interactions["reply_latency_s"].isna().sum() < len(interactions)
    assert_same(frames.interactions, interactions)
    assert_same(frames.participations, participations)
    for read in ("usage", "tickets", "engagements"):
        assert_same(getattr(beyond, read), reference_beyond(portfolio, read, until))
    for frame, optional in ((beyond.usage, "tier"), (beyond.engagements, "person_id")):
        assert 0 < frame[optional].isna().sum() < len(frame)


def test_a_read_fails_on_a_missing_value_the_import_always_writes(
    clean_store: GraphStore,
) -> None:
    clean_store.driver.execute_query(
        """
        CREATE (:Interaction {id: 'i-1', account_id: 'acc-a', kind: 'email', at_epoch: 100,
          participants: 1, person_ids: ['p-1'], person_roles: ['from']})
        CREATE (:Interaction {id: 'i-2', account_id: 'acc-a', at_epoch: 200,
          participants: 1, person_ids: ['p-1'], person_roles: ['from']})
        """,
        database_=clean_store.database,
    )

    with pytest.raises(ValueError, match="kind of account 'acc-a'"):
        run.read_frames(clean_store, since=0, until=1_000)
