from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from frames_builder import at, make_frames

from stakegraph.analytics.engagement import (
    BASELINE_METRICS,
    engagement,
    engagement_ratios,
    multi_role_share,
    renewal_engagement,
    renewed_baseline,
)
from stakegraph.dates import DAY

ROLES = [
    ("a", "vp", "finance", -100, None),
    ("b", "manager", "it", -100, None),
    ("c", "director", "legal", -100, None),
]


def three_person_account():  # type: ignore[no-untyped-def]
    return make_frames(
        [
            ("e1", "acme", "email", 1, "o1", ["a", "b"]),
            ("e2", "acme", "email", 2, "a", ["o1"], 3600.0),
            ("m1", "acme", "meeting", 3, "o1", ["a"]),
            ("e3", "acme", "email", 4, "o1", ["a"], 7200.0),
        ],
        roles=ROLES,
    )


def test_three_person_account_counts() -> None:
    row = engagement(three_person_account(), start=at(0), end=at(90)).loc["acme"]
    expected = {
        "interactions": 4,
        "contacts_engaged": 2,
        "our_people_engaged": 1,
        "meetings": 1,
        "inbound_emails": 1,
        "outbound_emails": 2,
        "functions_engaged": 2,
        "levels_engaged": 2,
        "senior_contacts_engaged": 1,
    }
    assert row[list(expected)].to_dict() == expected
    assert not row.multi_role  # two functions only


@pytest.mark.parametrize(
    ("recipients", "multi_role"),
    [
        (["a", "b", "c"], True),  # finance/it/legal, vp/manager/director
        (["a", "b"], False),  # two functions
        (["b"], False),
    ],
)
def test_multi_role(recipients: list[str], multi_role: bool) -> None:
    frames = make_frames([("e", "acme", "email", 1, "o1", recipients)], roles=ROLES)
    assert engagement(frames, start=at(0), end=at(90)).loc["acme", "multi_role"] == multi_role


def test_multi_role_needs_a_director_or_above() -> None:
    roles = [(p, "manager", f, -100, None) for p, f in (("a", "it"), ("b", "legal"))]
    roles += [("c", "ic", "finance", -100, None)]
    frames = make_frames([("e", "acme", "email", 1, "o1", ["a", "b", "c"])], roles=roles)
    row = engagement(frames, start=at(0), end=at(90)).loc["acme"]
    assert (row.functions_engaged, row.levels_engaged, row.multi_role) == (3, 2, False)


def test_multi_role_share() -> None:
    frame = pd.DataFrame({"window_end": [1, 1, 1, 2], "multi_role": [True, False, False, True]})
    assert multi_role_share(frame).to_dict() == pytest.approx({1: 100 / 3, 2: 100.0})


def baseline_frames():  # type: ignore[no-untyped-def]
    # acme renews on day 200 with 2 contacts and 4 meetings in the 180 days before;
    # globex renews on day 200 with 4 contacts and 2 meetings; initech churns.
    rows = [(f"a{i}", "acme", "meeting", 50 + i, "o1", ["a1", "a2"]) for i in range(4)]
    rows += [(f"g{i}", "globex", "meeting", 60 + i, "o1", [f"g{i}", f"g{i + 2}"]) for i in range(2)]
    rows += [
        ("x0", "initech", "meeting", 70, "o1", ["x1"]),
        ("a_old", "acme", "email", 1, "o1", ["a3"]),
    ]
    return make_frames(
        rows,
        accounts=[("acme", "smb"), ("globex", "smb"), ("initech", "enterprise")],
        renewals=[
            ("acme", 200, "renewed"),
            ("globex", 200, "expanded"),
            ("initech", 200, "churned"),
        ],
    )


def test_renewal_engagement_uses_the_180_days_before() -> None:
    table = renewal_engagement(baseline_frames()).set_index("account_id")
    assert set(table.index) == {"acme", "globex"}  # churned renewals are not a baseline
    assert table.loc["acme", "contacts_engaged"] == 2  # a3 on day 1 is > 180 days before
    assert table.loc["acme", "meetings"] == 4
    assert table.loc["globex", "contacts_engaged"] == 4


def test_renewed_baseline_medians_and_portfolio_fallback() -> None:
    baseline = renewed_baseline(baseline_frames())
    assert baseline.loc["smb", "contacts_engaged"] == 3.0
    assert baseline.loc["smb", "meetings"] == 3.0
    assert "enterprise" not in baseline.index
    assert baseline.loc["*", "renewals"] == 2
    assert renewed_baseline(baseline_frames(), as_of=at(200))["renewals"].loc["*"] == 0


def test_engagement_ratios_scale_counts_to_the_window() -> None:
    frames = baseline_frames()
    baseline = renewed_baseline(frames)
    engaged = engagement(frames, start=at(0), end=at(90))
    segments = frames.accounts.set_index("account_id")["segment"]
    ratios = engagement_ratios(engaged, baseline, segments, window=90 * DAY)
    # acme: 4 meetings in the window vs 3 per 180 days scaled to 1.5 per 90 days
    assert ratios.loc["acme", "meetings_ratio"] == pytest.approx(4 / 1.5)
    assert ratios.loc["acme", "contacts_engaged_ratio"] == pytest.approx(3 / 3)
    # initech's segment has no renewal: the portfolio baseline (median over all) is used
    assert ratios.loc["initech", "meetings_ratio"] == pytest.approx(1 / 1.5)
    assert math.isnan(ratios.loc["acme", "inbound_emails_ratio"])  # baseline of 0


def test_one_organization_internal_communication() -> None:
    frames = make_frames(
        [
            ("i1", "acme", "email", 1, "x", ["y"]),
            ("i2", "acme", "email", 2, "y", ["x"], 600.0),
            ("i3", "acme", "meeting", 3, "x", ["y", "z"]),
        ],
        home=[],
        roles=[("x", "vp", "finance", -100, None), ("y", "manager", "it", -100, None)],
    )
    row = engagement(frames, start=at(0), end=at(90)).loc["acme"]
    assert row.contacts_engaged == 3
    assert (row.functions_engaged, row.levels_engaged) == (2, 2)
    assert row.our_people_engaged == 0
    assert (row.inbound_emails, row.outbound_emails) == (0, 0)
    assert row.meetings == 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_renewed_baseline_is_the_groupby_median(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    per_renewal = pd.DataFrame(
        {
            "account_id": [f"acc-{i}" for i in range(n)],
            "segment": rng.choice(np.array(["smb", "enterprise", None], dtype=object), n),
            "at": rng.integers(0, 100, n),
            **{metric: rng.integers(0, 30, n) for metric in BASELINE_METRICS},
        }
    )
    as_of = 60
    kept = per_renewal[per_renewal["at"] < as_of]
    metrics = list(BASELINE_METRICS)
    expected = kept.dropna(subset=["segment"]).groupby("segment")[metrics].median()
    expected["renewals"] = kept.groupby("segment").size()
    expected.loc["*"] = [*kept[metrics].median(), len(kept)]
    got = renewed_baseline(per_renewal, as_of=as_of)
    assert list(got.index) == list(expected.index)
    assert np.array_equal(got.to_numpy(), expected.astype(float).to_numpy())
