"""A co-innovation withdrawal says what its first 90 days can show: its decisions as
written, against the account's expected history of accepting."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from generated_portfolio import LoadedPortfolio

from stakegraph.generate.beyond import MIN_OBSERVABLE_EVIDENCE, BeyondEvent
from stakegraph.generate.engagements import ACCEPTANCE, withdrawal_observability
from stakegraph.generate.timeline import Timeline
from stakegraph.vocabulary import CO_INNOVATION_KINDS

TIMELINE = Timeline(date(2023, 1, 2), 700)


def decisions(days_and_statuses: list[tuple[int, str]]) -> list[list[str]]:
    return [
        ["org-1", "pilot", TIMELINE.date_label(day), status, "p", "o"]
        for day, status in days_and_statuses
    ]


def test_four_refusals_of_four_after_a_year_of_accepting_are_observable() -> None:
    # 1.5 invitations a month, the event on day 500: 364 days of history, n0 = 1.5 / 30.4
    # x 364 = 17.96 decisions at 10% refused. Four refusals of four, then a fifth on day
    # 590 (outside the 90 days): m = (1.796 + 4) / 21.96 = 0.264; 17.96 KL(0.1 || 0.264)
    # + 4 KL(1 || 0.264) = 1.51 + 5.33 = 6.8 nats.
    rows = decisions([(450, "accepted")] + [(d, "declined") for d in (510, 530, 560, 580, 590)])
    out = withdrawal_observability(
        BeyondEvent("co_innovation_withdrawal", 500), rows, 1.5, TIMELINE
    )
    n0 = 1.5 / 30.4 * 364
    m = (n0 * (1 - ACCEPTANCE) + 4) / (n0 + 4)
    kl_before = 0.1 * np.log(0.1 / m) + 0.9 * np.log(0.9 / (1 - m))
    assert (out["decisions_90_days"], out["refusals_90_days"]) == (4, 4)
    assert out["expected_decisions_before"] == 18.0
    assert out["expected_evidence"] == round(n0 * kl_before + 4 * np.log(1 / m), 1) == 6.8
    assert out["observable"] is True


@pytest.mark.parametrize(
    ("quarter", "observable"),
    [
        ([(510, "declined"), (560, "declined")], False),  # invited twice: 2 log 10 at most
        ([(510, "declined"), (530, "accepted"), (560, "declined")], False),
        ([(510, "declined"), (530, "declined"), (560, "declined"), (580, "accepted")], False),
        ([(d, "declined") for d in (505, 520, 540, 560, 580)], True),
        ([], False),
    ],
)
def test_a_withdrawal_invited_too_rarely_in_its_quarter_is_not_observable(
    quarter: list[tuple[int, str]], observable: bool
) -> None:
    out = withdrawal_observability(
        BeyondEvent("co_innovation_withdrawal", 500), decisions(quarter), 1.5, TIMELINE
    )
    assert out["observable"] is observable
    if len(quarter) <= 2:  # two refusals hold at most 2 KL(1 || 0.1) = 2 log 10 nats
        assert out["expected_evidence"] < 2 * np.log(10)


def test_each_withdrawal_counts_its_decisions_as_written(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    events = [
        e for e in pattern_portfolio.truth["events"] if e["kind"] == "co_innovation_withdrawal"
    ]
    assert events
    written = pd.read_csv(pattern_portfolio.path / "engagements.csv", dtype=str)
    co_innovation = written[written["kind"].isin(CO_INNOVATION_KINDS)]
    for event in events:
        start = date.fromisoformat(event["date"])
        end = (pd.Timestamp(start) + pd.Timedelta(days=90)).date().isoformat()
        quarter = co_innovation[
            (co_innovation["account_id"] == event["account_id"])
            & (co_innovation["date"] >= start.isoformat())
            & (co_innovation["date"] < end)
        ]
        details = event["details"]
        assert details["decisions_90_days"] == len(quarter)
        assert details["refusals_90_days"] == int((quarter["status"] == "declined").sum())
        assert details["observable"] == (details["expected_evidence"] >= MIN_OBSERVABLE_EVIDENCE)
