"""forget: a person erased everywhere, checked with Cypher over every node and list."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from source_files import HOME, mbox, message

from stakegraph.analytics.frames import empty_frames
from stakegraph.analytics.windows import prepare_activity
from stakegraph.graph.store import GraphStore
from stakegraph.ingest.forget import forget_person
from stakegraph.ingest.sources import SourceOptions, ingest_path, staging_root


def everything(store: GraphStore) -> str:
    records, _, _ = store.driver.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN properties(n) AS n, properties(r) AS r",
        database_=store.database,
    )
    return json.dumps([[r["n"], r["r"]] for r in records], default=str).lower()


@pytest.mark.store
def test_forget_removes_every_trace(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    box = tmp_path / "inbox.mbox"
    box.write_bytes(
        mbox(
            message(
                sender=f"ann@{HOME}",
                to=["John Smith <john.smith@acme.example>"],
                message_id="one@home",
            ),
            message(
                sender="J Smith <j.smith@acme.example>",
                to=[f"ann@{HOME}"],
                cc=["bob@acme.example"],
                message_id="two@acme",
            ),
            message(sender=f"ann@{HOME}", to=["bob@acme.example"], message_id="three@home"),
        )
    )
    report = ingest_path(store, box, options=SourceOptions(home_domains=(HOME,)))
    assert "john.smith@acme.example" in everything(store)
    forgotten = forget_person(store, "J.Smith@acme.example", files_root=staging_root(store).parent)
    assert forgotten.person_ids == ("john.smith@acme.example",)
    assert forgotten.interactions_deleted == 1 and forgotten.interactions_updated == 1
    assert forgotten.accounts == ("acme.example",)
    text = everything(store)
    assert "john.smith" not in text and "j.smith" not in text
    records, _, _ = store.driver.execute_query(
        "MATCH (i:Interaction) RETURN i.id AS id, i.person_ids AS ids, i.person_roles AS roles, "
        "i.participants AS n ORDER BY id",
        database_=store.database,
    )
    assert [(r["id"], r["ids"], r["roles"], r["n"]) for r in records] == [
        ("three@home", ["ann@home.example", "bob@acme.example"], ["from", "to"], 2),
        ("two@acme", ["ann@home.example", "bob@acme.example"], ["to", "cc"], 2),
    ]
    assert report.conversion is not None
    staged = "".join(p.read_text() for p in report.conversion.directory.glob("*.csv"))
    assert "john.smith" not in staged and "j.smith" not in staged
    assert not forget_person(store, "nobody@acme.example").found


def test_analytics_drop_interactions_flagged_bulk() -> None:
    frames = empty_frames()
    interactions = pd.DataFrame(
        {
            "interaction_id": ["a", "b"],
            "account_id": ["acc", "acc"],
            "kind": ["email", "email"],
            "at": [100, 200],
            "thread_id": [None, None],
            "reply_latency_s": [float("nan")] * 2,
            "participants": [2, 2],
            "bulk": [False, True],
        }
    )
    participations = pd.DataFrame(
        {
            "interaction_id": ["a", "a", "b", "b"],
            "person_id": ["us", "them", "us", "them"],
            "role": ["from", "to", "from", "to"],
        }
    )
    people = pd.DataFrame(
        {
            "person_id": ["us", "them"],
            "name": ["Us", "Them"],
            "org_id": ["h", "acc"],
            "is_home": [True, False],
        }
    )
    data = frames.__class__(
        **{
            **frames.__dict__,
            "interactions": interactions,
            "participations": participations,
            "people": people,
        }
    )
    kept = prepare_activity(data).interactions
    assert list(kept["interaction_id"]) == ["a"]
    without_column = frames.__class__(
        **{**data.__dict__, "interactions": interactions.drop(columns="bulk")}
    )
    assert list(prepare_activity(without_column).interactions["interaction_id"]) == ["a", "b"]
