"""Invariants every account-level score must hold, on random portfolios."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from frames_builder import make_frames, with_extra
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic_portfolio import START, random_portfolio

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.snapshot import snapshot
from stakegraph.dates import DAY

WINDOW_START = START + 200 * DAY
WINDOW_END = WINDOW_START + 90 * DAY
# Latency trends are defined on a series, ratios need renewals: not part of one snapshot.
SCORES = [
    "interactions",
    "contacts_engaged",
    "our_people_engaged",
    "meetings",
    "inbound_emails",
    "outbound_emails",
    "functions_engaged",
    "levels_engaged",
    "senior_contacts_engaged",
    "multi_role",
    "stakeholders",
    "ties",
    "degree_centralization",
    "betweenness_centralization",
    "their_hhi",
    "their_effective_threads",
    "our_hhi",
    "our_effective_threads",
    "articulation_point_count",
    "depth_score",
    "contact_strength_mean",
    "their_reply_latency_s",
    "our_reply_latency_s",
]


def scores(frames: PortfolioFrames) -> pd.DataFrame:
    table = snapshot(frames, start=WINDOW_START, end=WINDOW_END)
    return table.set_index("account_id")[SCORES].sort_index()


def assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=1e-9, atol=1e-12)


def small(seed: int) -> PortfolioFrames:
    return random_portfolio(4, 1500, days=365, seed=seed, bulk_share=0.02)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.sampled_from([-1, 0]))
def test_interactions_outside_the_window_change_no_score(seed: int, shift: int) -> None:
    frames = small(seed)
    at = frames.interactions["at"]
    inside = (at >= WINDOW_START) & (at < WINDOW_END)
    # Move every outside interaction elsewhere outside (before start, or to end exactly).
    moved = frames.interactions.copy()
    moved.loc[~inside, "at"] = np.where(shift, WINDOW_START - 1, WINDOW_END)
    assert_same(scores(frames), scores(replace(frames, interactions=moved)))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_relabelling_people_permutes_nothing(seed: int) -> None:
    frames = small(seed)
    ids = frames.people["person_id"].to_numpy()
    shuffled = np.random.default_rng(seed).permutation(len(ids))
    rename = dict(zip(ids, [f"p{i:05d}" for i in shuffled], strict=True))
    relabelled = replace(
        frames,
        people=frames.people.assign(person_id=frames.people["person_id"].map(rename)),
        participations=frames.participations.assign(
            person_id=frames.participations["person_id"].map(rename)
        ),
        roles=frames.roles.assign(person_id=frames.roles["person_id"].map(rename)),
    )
    assert_same(scores(frames), scores(relabelled))


def test_duplicated_rows_change_nothing() -> None:
    frames = small(7)
    doubled = replace(
        frames,
        interactions=pd.concat([frames.interactions, frames.interactions.iloc[::3]]),
        participations=pd.concat([frames.participations, frames.participations.iloc[::2]]),
    )
    assert_same(scores(frames), scores(doubled))


def test_mail_to_self_changes_nothing() -> None:
    frames = small(3)
    customer = frames.people.loc[~frames.people["is_home"], "person_id"].iloc[0]
    account = customer.split("-")[0]
    day = (WINDOW_START - START) / DAY + 10
    extra = make_frames(
        [
            ("self1", account, "email", 0, customer, [customer], 60.0),
            ("self2", account, "email", 0, "h00001", ["h00001"], 60.0),
        ]
    )
    extra = replace(
        extra,
        interactions=extra.interactions.assign(at=START + int(day * DAY)),
        people=frames.people.iloc[:0],
    )
    assert_same(scores(frames), scores(with_extra(frames, extra)))


def test_a_200_recipient_bulk_mail_is_not_200_relationships() -> None:
    frames = small(5)
    account = "a00001"
    recipients = [f"{account}-bulk{i:03d}" for i in range(200)]
    extra = make_frames([("bulk", account, "email", 0, "h00002", recipients)])
    extra = replace(extra, interactions=extra.interactions.assign(at=WINDOW_START + 5 * DAY))
    before = scores(frames).loc[account]
    after = scores(with_extra(frames, extra)).loc[account]
    assert after.contacts_engaged == before.contacts_engaged
    assert after.depth_score == pytest.approx(before.depth_score)
    assert after.stakeholders == before.stakeholders
