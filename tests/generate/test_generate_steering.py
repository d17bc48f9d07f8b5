"""The executives' rhythm (`generate.steering`): steering committees at the segment's
cadence, attended by the executives, held on when the executives withdraw.

Run on the 200-account pattern portfolio, where every segment and every planted
withdrawal occurs several times.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pandas as pd
import pytest
from generated_portfolio import LoadedPortfolio

from stakegraph.generate.plan import AccountPlan, meeting_held_share
from stakegraph.generate.slide import account_goes_on, short_of_a_contraction
from stakegraph.generate.steering import STEERING_EVERY_DAYS

SUBJECTS = {"Executive steering committee": "meeting", "Executive sponsor call": "call"}


def slide_plan(
    start: int | None,
    churn: int | None,
    bottleneck: int | None = None,
    steps: list[tuple[int, float]] | None = None,
) -> AccountPlan:
    """The fields the slide's rules read (a whole plan is not needed for them)."""
    return cast(
        AccountPlan,
        SimpleNamespace(
            churn_decline_start=start,
            churn_day=churn,
            bottleneck=None if bottleneck is None else (object(), bottleneck),
            volume_steps=steps or [],
        ),
    )


@pytest.mark.parametrize(
    ("start", "churn", "day", "held"),
    [
        (None, None, 500, 1.0),  # no churn: every meeting is held
        (100, 400, 99, 1.0),  # before the slide
        (100, 400, 100, 1.0),  # its first day: nothing has faded yet
        # ramp min(120, 300 // 2) = 120 days; halfway: 1 - 0.65 x 0.5
        (100, 400, 160, 0.675),
        (100, 400, 220, 0.35),  # at the floor
        (100, 400, 390, 0.35),
        # a late slide ramps over half the way to the churn: 60 // 2 = 30 days
        (100, 160, 115, 0.675),
    ],
)
def test_standing_meetings_thin_out_with_the_slide(
    start: int | None, churn: int | None, day: int, held: float
) -> None:
    assert meeting_held_share(slide_plan(start, churn), day) == pytest.approx(held)


@pytest.mark.parametrize(
    ("start", "bottleneck", "day", "goes_on"),
    [
        (None, None, 300, True),
        (200, None, 199, True),
        (200, None, 200, False),  # the volume starts to fall: the account's contraction
        (200, 150, 160, False),  # traffic already runs through one contact
        (200, 150, 140, True),
    ],
)
def test_the_slide_withdraws_executives_only_while_the_account_goes_on(
    start: int | None, bottleneck: int | None, day: int, goes_on: bool
) -> None:
    assert account_goes_on(slide_plan(start, 400, bottleneck), day) is goes_on


@pytest.mark.parametrize(
    ("start", "bottleneck", "steps", "day", "short"),
    [
        (None, None, None, 300, True),
        (200, None, None, 199, True),
        # The slide's first day: its volume has only started to fall.
        (200, None, None, 200, True),
        # Ramp min(120, 200 // 2) = 100 days to 0.39 (slide_volume_factor): on day 280
        # 1 - 0.61 x 0.8 = 0.51, above a planted contraction's 0.5; on day 290, 0.45.
        (200, None, None, 280, True),
        (200, None, None, 290, False),
        # A planted drop to 0.5 on day 220 (complete 14 days later): day 240, 0.76 x 0.5.
        (200, None, [(220, 0.5)], 240, False),
        (200, 150, None, 200, False),  # traffic already runs through one contact
        (200, None, None, 400, False),  # the churn
    ],
)
def test_the_slide_withdraws_executives_while_short_of_a_contraction(
    start: int | None,
    bottleneck: int | None,
    steps: list[tuple[int, float]] | None,
    day: int,
    short: bool,
) -> None:
    assert short_of_a_contraction(slide_plan(start, 400, bottleneck, steps), day) is short


def steering_meetings(portfolio: LoadedPortfolio) -> pd.DataFrame:
    events = portfolio.events
    return events[events["subject"].isin(SUBJECTS)]


def test_steering_committees_recur_at_the_segment_cadence(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """Enterprise every 4 weeks, mid-market every 6, SMB a call every 8: the median gap
    between an account's meetings is its segment's period (weekend shifts and vacations
    spread single gaps, never the median by more than a few days; the slide's skipped
    meetings are the longer gaps)."""
    meetings = steering_meetings(pattern_portfolio)
    assert (meetings["kind"] == meetings["subject"].map(SUBJECTS)).all()
    segments = pattern_portfolio.organizations.set_index("id")["segment"]
    gaps = meetings.sort_values("at").groupby("account_id")["at"].diff().dt.days.dropna()
    by_segment = gaps.groupby(meetings.loc[gaps.index, "account_id"].map(segments)).median()
    assert set(by_segment.index) == set(STEERING_EVERY_DAYS)
    for segment, every in STEERING_EVERY_DAYS.items():
        assert abs(by_segment[segment] - every) <= 3, (segment, by_segment[segment])


def test_standing_meetings_are_series_as_a_calendar_writes_them(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """Each account's steering committees are one series and its business reviews
    another: every occurrence carries the series' `ics:<UID>` thread id, one per account
    and series; no other interaction carries it; the reviews' series recurs every
    quarter (91 days, +-12)."""
    events = pattern_portfolio.events
    steering = steering_meetings(pattern_portfolio)
    ids = steering.groupby("account_id")["thread_id"].agg(set)
    assert (ids.map(len) == 1).all()
    series = ids.map(lambda s: next(iter(s)))
    assert series.is_unique
    assert series.str.fullmatch(r"ics:steering-\d+@stakegraph-demo").all()
    assert set(events.loc[events["thread_id"].isin(set(series)), "id"]) == set(steering["id"])
    reviews = events[events["thread_id"].str.startswith("ics:business-review-")]
    assert (reviews["kind"] == "meeting").all()
    assert (reviews["subject"] == "Quarterly business review").all()
    numbers = reviews["thread_id"].str.extract(r"-(\d+)@")[0]
    assert (numbers == reviews["account_id"].str.extract(r"(\d+)$")[0]).all()
    gaps = reviews.sort_values("at").groupby("account_id")["at"].diff().dt.days.dropna()
    assert abs(gaps.median() - 91) <= 12


def test_executives_attend_and_are_a_small_share_of_the_mail(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """Most steering committees have an executive of theirs in them; across the
    portfolio, each executive is on a few percent of their account's emails at most."""
    roles = pattern_portfolio.roles
    executives = set(roles.loc[roles["level"].isin(["vp", "c_level"]), "person_id"])
    parts = pattern_portfolio.participations
    theirs = parts[~parts["home"]]
    meetings = steering_meetings(pattern_portfolio)
    in_meetings = theirs[theirs["id"].isin(meetings["id"])]
    with_executive = in_meetings.groupby("id")["person_id"].agg(
        lambda people: bool(executives & set(people))
    )
    assert with_executive.mean() > 0.6
    emails = theirs[theirs["kind"] == "email"]
    per_account = emails.groupby("account_id")["id"].nunique()
    executive_emails = emails[emails["person_id"].isin(executives)]
    share = (
        executive_emails.groupby(["account_id", "person_id"])["id"].nunique()
        / per_account.reindex(executive_emails["account_id"].unique())
    ).dropna()
    assert share.median() < 0.1


def test_the_working_level_meets_on_after_an_executive_withdrawal(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """A planted withdrawal stops the executives, not the meeting: in the half year after
    it, the account's steering committees go on (held without them, which
    `test_no_executive_takes_part_after_a_withdrawal` checks)."""
    meetings = steering_meetings(pattern_portfolio)
    withdrawals = [
        e
        for e in pattern_portfolio.truth["events"]
        if e["kind"] == "executive_withdrawal" and e["details"]["cause"] == "planted"
    ]
    assert withdrawals
    churns = {
        r["account_id"]: pd.Timestamp(r["date"], tz="UTC")
        for r in pattern_portfolio.truth["renewals"]
        if r["outcome"] == "churned"
    }
    went_on = []
    for event in withdrawals:
        day = pd.Timestamp(event["date"], tz="UTC")
        end = min(
            day + pd.Timedelta(days=182),
            churns.get(event["account_id"], pd.Timestamp.max.tz_localize("UTC")),
        )
        if end - day < pd.Timedelta(days=120):
            continue  # too close to a churn to judge
        mine = meetings[(meetings["account_id"] == event["account_id"])]
        went_on.append(((mine["at"] > day) & (mine["at"] < end)).any())
    assert went_on and sum(went_on) / len(went_on) > 0.9
