"""truth.json describes what was written: every recorded event can be seen in the files.

Events are planted (``details.cause == "planted"``), planted in another kind by a planted
event (``"knock_on"``), or planted by the slide before a churn (``"pre_churn_slide"``); all
are checked against the files the same way. Run on the
200-account portfolio, so that every kind of event is planted several times.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from generated_portfolio import LoadedPortfolio

from stakegraph.generate.beyond import BEYOND_CAUSE
from stakegraph.generate.people import CustomerOrg, Person, RoleSpell
from stakegraph.generate.plan import AccountPlan, AccountTeam, churn_decline_ramp_days
from stakegraph.generate.slide import slide_events, slide_volume_factor

EVENT_KINDS = {
    "champion_departure",
    "single_node_bottleneck",
    "executive_withdrawal",
    "response_latency_inflation",
    "engagement_contraction",
    "stakeholder_departure",
}
GRACE = pd.Timedelta(days=3)
PLANTED, KNOCK_ON, SLIDE, CAREER = "planted", "knock_on", "pre_churn_slide", "career"
STAKEHOLDER = "stakeholder_departure"


def events_of(
    portfolio: LoadedPortfolio, kind: str, cause: str | None = None
) -> list[dict[str, Any]]:
    found = [
        e
        for e in portfolio.truth["events"]
        if e["kind"] == kind and (cause is None or e["details"]["cause"] == cause)
    ]
    assert found, f"no {kind} ({cause or 'any cause'}) recorded"
    return found


def planted_events(portfolio: LoadedPortfolio) -> list[dict[str, Any]]:
    return [e for e in portfolio.truth["events"] if e["details"]["cause"] == PLANTED]


def at(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC")


def account_customer_parts(portfolio: LoadedPortfolio, account_id: str) -> pd.DataFrame:
    parts = portfolio.participations
    return parts[(parts["account_id"] == account_id) & ~parts["home"]]


def test_truth_header(pattern_portfolio: LoadedPortfolio) -> None:
    truth = pattern_portfolio.truth
    assert truth["start"] == "2023-01-02"
    assert truth["end"] == "2025-07-02"
    assert truth["home_organization_id"] == "org-0000"
    assert isinstance(truth["generated_at_version"], str)
    accounts = pattern_portfolio.organizations.query("kind == 'account'")
    assert [a["id"] for a in truth["accounts"]] == list(accounts["id"])


def test_about_two_fifths_of_accounts_get_one_or_two_events(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    truth = pattern_portfolio.truth
    planted = planted_events(pattern_portfolio)
    per_account = pd.Series([e["account_id"] for e in planted]).value_counts()
    unhealthy = {a["id"] for a in truth["accounts"] if not a["healthy"]}
    assert set(per_account.index) == unhealthy
    # One or two events, and maybe a key stakeholder's departure on top.
    others = pd.Series(
        [e["account_id"] for e in planted if e["kind"] != "stakeholder_departure"]
    ).value_counts()
    assert set(others.index) == unhealthy
    assert others.between(1, 2).all()
    assert per_account.between(1, 3).all()
    assert 0.35 <= len(unhealthy) / len(truth["accounts"]) <= 0.45
    assert {e["kind"] for e in planted} == EVENT_KINDS
    causes = {e["details"]["cause"] for e in truth["events"]}
    assert causes == {PLANTED, KNOCK_ON, SLIDE, CAREER, BEYOND_CAUSE}


def test_knock_on_events_sit_on_a_planted_event_of_the_other_kind(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """A silenced executive champion, or a departed champion who was the last executive:
    same account, same day, same person as the planted event, and never both kinds planted.
    """
    other = {
        "champion_departure": "executive_withdrawal",
        "executive_withdrawal": "champion_departure",
    }
    planted = planted_events(pattern_portfolio)
    knock_ons = [e for e in pattern_portfolio.truth["events"] if e["details"]["cause"] == KNOCK_ON]
    assert {e["kind"] for e in knock_ons} == set(other)
    for event in knock_ons:
        kind = other[event["kind"]]
        assert event["details"]["knock_on_of"] == kind
        mine = [p for p in planted if p["account_id"] == event["account_id"]]
        assert event["kind"] not in {p["kind"] for p in mine}, event
        source = [p for p in mine if p["kind"] == kind and p["date"] == event["date"]]
        assert len(source) == 1, event
        if event["kind"] == "champion_departure":
            assert event["person_id"] in source[0]["person_ids"]
        else:
            # The departed champion first; executives the slide took the same day after
            # (one withdrawal, recorded once: `slide.withdrawals_recorded_once`).
            assert event["person_ids"][0] == source[0]["person_id"]


def test_slide_events_follow_the_slide_schedule(pattern_portfolio: LoadedPortfolio) -> None:
    """Only churning accounts slide; the contraction is dated when the slide has become as
    strong as the weakest planted one (volume against the day before the slide at most
    0.5, half of the contacts in traffic gone, at least 2 kept), or failing that when the
    last of the contacts (at least 2) is gone, before the churn.

    The slide starts 240 days before the churn, or at the account's first planted event
    if that is later; contacts drift away 150-260 days before the churn, never before
    that event. At most one slide event of each kind per account, but key stakeholders'
    departures: one per key stakeholder dropped before the slide's volume starts to fall.
    Executives and key stakeholders are recorded only when dropped before the volume
    falls (after that, they go with the account's own contraction).
    """
    truth = pattern_portfolio.truth
    churns = {r["account_id"]: r["date"] for r in truth["renewals"] if r["outcome"] == "churned"}
    first_planted: dict[str, date] = {}
    planted_days: dict[str, list[date]] = {}
    for event in planted_events(pattern_portfolio):
        day = date.fromisoformat(event["date"])
        planted_days.setdefault(event["account_id"], []).append(day)
        first_planted[event["account_id"]] = min(first_planted.get(event["account_id"], day), day)
    slide = [e for e in truth["events"] if e["details"]["cause"] == SLIDE]
    kinds = {
        "engagement_contraction",
        "champion_departure",
        "executive_withdrawal",
        "single_node_bottleneck",
        "stakeholder_departure",
    }
    # Executives are seldom all dropped before the slide's volume falls (none here).
    assert kinds - {"executive_withdrawal"} <= {e["kind"] for e in slide} <= kinds
    seen = pd.Series(
        [
            (e["account_id"], e["kind"], e["person_id"] if e["kind"] == STAKEHOLDER else "")
            for e in slide
        ]
    ).value_counts()
    assert (seen == 1).all()
    for event in slide:
        churn = date.fromisoformat(churns[event["account_id"]])
        day = date.fromisoformat(event["date"])
        trouble = first_planted.get(event["account_id"], date.min)
        if event["kind"] == "engagement_contraction":
            details = event["details"]
            start = day - timedelta(days=details["slide_start_days_before"])
            assert start == max(trouble, churn - timedelta(days=240)), event
            assert day < churn, event
            if details["contacts_kept"] == 0:
                # Never as strong as a planted one while contacts were left: dated when
                # the last of at least 2 is gone, their whole side silent.
                assert details["contacts_before"] >= 2, event
                continue
            # The slide's own ramp reaches 0.5 no earlier than this; a planted drop can
            # bring the day forward, never beyond it.
            halfway_down = details["ramp_days"] * 0.5 / (1 - details["volume_factor"])
            if details["slide_start_days_before"] < halfway_down - 1:
                assert any(start <= d <= day for d in planted_days[event["account_id"]]), event
            assert details["volume_against_before"] <= 0.5, event
            assert 2 <= details["contacts_kept"] <= 0.5 * details["contacts_before"], event
        else:
            assert day >= trouble, event
            assert timedelta(days=150) <= churn - day <= timedelta(days=260) or day == trouble
        if event["kind"] == "champion_departure":
            assert event["details"]["mode"] == "silent"
        if event["kind"] == STAKEHOLDER:
            # Dropped while the account went on as before: the volume has not started
            # to fall (the slide starts at most 240 days before the churn).
            assert churn - day > timedelta(days=240) and day >= trouble, event
        if event["kind"] == "executive_withdrawal":
            # Short of a contraction: the slide's own ramp (a planted drop only brings the
            # day forward) has not brought the volume to 0.5 against the day before it.
            start = max(trouble, churn - timedelta(days=240))
            ramp = churn_decline_ramp_days(0, (churn - start).days)
            assert (day - start).days < ramp * 0.5 / (1 - slide_volume_factor()), event


def test_events_reference_what_exists(pattern_portfolio: LoadedPortfolio) -> None:
    p = pattern_portfolio
    people = set(p.people["id"])
    accounts = set(p.organizations["id"])
    roles = p.roles
    for event in p.truth["events"]:
        assert event["account_id"] in accounts
        listed = [event["person_id"]] if event["person_id"] else event.get("person_ids", [])
        for person_id in listed:
            assert person_id in people
            at_account = roles[roles["person_id"] == person_id]["organization_id"]
            assert event["account_id"] in set(at_account)


def test_events_leave_history_on_both_sides(pattern_portfolio: LoadedPortfolio) -> None:
    start = date.fromisoformat(pattern_portfolio.truth["start"])
    end = date.fromisoformat(pattern_portfolio.truth["end"])
    for event in pattern_portfolio.truth["events"]:
        day = date.fromisoformat(event["date"])
        assert (day - start).days >= 183
        assert (end - day).days >= 60


def test_role_ended_champions_have_their_role_ended_that_day(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    roles = pattern_portfolio.roles
    departures = events_of(pattern_portfolio, "champion_departure")
    assert {e["details"]["mode"] for e in departures} == {"role_ended", "silent"}
    assert {e["details"]["mode"] for e in departures if e["details"]["cause"] == SLIDE} == {
        "silent"
    }
    for event in departures:
        held = roles[
            (roles["person_id"] == event["person_id"])
            & (roles["organization_id"] == event["account_id"])
        ]
        if event["details"]["mode"] == "role_ended":
            assert held["end"].iloc[-1] == event["date"]
        else:
            assert held["end"].iloc[-1] == ""
        assert held["level"].iloc[-1] in {"director", "vp"}


# The slide's executive withdrawals are rare (recorded only while the account goes on,
# `slide.account_goes_on`): the pattern portfolio has none to check.
@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        ("champion_departure", PLANTED),
        ("champion_departure", KNOCK_ON),
        ("champion_departure", SLIDE),
        ("executive_withdrawal", PLANTED),
        ("executive_withdrawal", KNOCK_ON),
    ],
)
def test_departed_people_appear_nowhere_afterwards(
    pattern_portfolio: LoadedPortfolio, kind: str, cause: str
) -> None:
    parts = pattern_portfolio.participations
    for event in events_of(pattern_portfolio, kind, cause):
        listed = [event["person_id"]] if event["person_id"] else event["person_ids"]
        assert listed
        appearances = parts[parts["person_id"].isin(listed)]
        assert (appearances["at"] < at(event["date"]) + GRACE).all(), event
        assert (appearances["at"] < at(event["date"])).any(), "was active before"


@pytest.mark.parametrize("cause", [PLANTED, KNOCK_ON])
def test_no_executive_takes_part_after_a_withdrawal(
    pattern_portfolio: LoadedPortfolio, cause: str
) -> None:
    """From the date on, no VP or C-level contact of the account appears, listed or not."""
    roles = pattern_portfolio.roles
    executives = roles[roles["level"].isin(["vp", "c_level"])]
    parts = pattern_portfolio.participations
    for event in events_of(pattern_portfolio, "executive_withdrawal", cause):
        day = at(event["date"])
        mine = executives[executives["organization_id"] == event["account_id"]]
        after = parts[
            (parts["account_id"] == event["account_id"])
            & (parts["at"] >= day + GRACE)
            & parts["person_id"].isin(set(mine["person_id"]))
        ]
        assert after.empty, event


def test_each_executive_withdrawal_is_recorded_once_and_changes_the_data(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """One withdrawal per account and day, and one of its executives appears after the
    account's previous withdrawal (a planted withdrawal of executives the slide took out
    of the traffic earlier would change nothing from its date)."""
    parts = pattern_portfolio.participations
    withdrawals = events_of(pattern_portfolio, "executive_withdrawal")
    days = [(e["account_id"], e["date"]) for e in withdrawals]
    assert len(days) == len(set(days))
    previous: dict[str, Any] = {}
    for event in sorted(withdrawals, key=lambda e: (e["account_id"], at(e["date"]))):
        since = previous.get(event["account_id"])
        seen = parts[
            (parts["account_id"] == event["account_id"])
            & parts["person_id"].isin(event["person_ids"])
        ]
        if since is not None:
            seen = seen[seen["at"] >= since]
        assert not seen.empty, event
        previous[event["account_id"]] = at(event["date"])


def test_champions_were_highly_engaged(pattern_portfolio: LoadedPortfolio) -> None:
    for event in events_of(pattern_portfolio, "champion_departure"):
        parts = account_customer_parts(pattern_portfolio, event["account_id"])
        before = parts[parts["at"] < at(event["date"])]
        top = before["person_id"].value_counts()
        assert event["person_id"] in set(top.index[:5])


def test_reply_latency_of_the_customer_inflates(pattern_portfolio: LoadedPortfolio) -> None:
    events = pattern_portfolio.events.set_index("id")
    replies = events[events["in_reply_to"] != ""]
    parent_at = replies["in_reply_to"].map(events["at"])
    latency = replies["at"] - parent_at
    from_customer = ~replies["from"].map(_is_home(pattern_portfolio)).astype(bool)
    for event in events_of(pattern_portfolio, "response_latency_inflation"):
        mine = (replies["account_id"] == event["account_id"]) & from_customer
        before = latency[mine & (parent_at < at(event["date"]))]
        after = latency[mine & (parent_at >= at(event["date"]))]
        assert len(before) >= 10 and len(after) >= 3
        assert after.median() >= 2.5 * before.median(), event


def _is_home(portfolio: LoadedPortfolio) -> dict[str, bool]:
    labels = {}
    for person in portfolio.people.itertuples(index=False):
        home = person.id.startswith("h-")
        labels[person.id] = home
        for address in person.emails.split(";"):
            labels[address] = home
    return labels


def test_bottleneck_contracts_traffic_onto_one_contact(pattern_portfolio: LoadedPortfolio) -> None:
    for event in events_of(pattern_portfolio, "single_node_bottleneck"):
        parts = account_customer_parts(pattern_portfolio, event["account_id"])
        after = parts[parts["at"] >= at(event["date"])]
        before = parts[parts["at"] < at(event["date"])]
        shares = after["person_id"].value_counts(normalize=True)
        assert shares.index[0] == event["person_id"]
        assert shares.iloc[0] >= 0.8, event
        assert before["person_id"].value_counts(normalize=True).iloc[0] < 0.6


def test_slide_bottleneck_leaves_one_contact_until_the_churn(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """The slide's bottleneck: from its date to the churn, their side is that one person."""
    churns = pattern_portfolio.renewals.query("outcome == 'churned'").set_index("account_id")
    for event in events_of(pattern_portfolio, "single_node_bottleneck", SLIDE):
        parts = account_customer_parts(pattern_portfolio, event["account_id"])
        churn = at(str(churns.loc[event["account_id"], "date"]))
        after = parts[(parts["at"] >= at(event["date"]) + GRACE) & (parts["at"] < churn)]
        assert set(after["person_id"]) == {event["person_id"]}, event
        before = parts[parts["at"] < at(event["date"])]
        assert before["person_id"].nunique() > 1


def test_engagement_contraction_drops_volume_and_contacts(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """Volume per day after the fade vs the half year before; contacts engaged, too.

    Small accounts are noisy (a few dozen interactions per window), so each event must
    show a drop and the typical event a sharp one.
    """
    events = pattern_portfolio.events
    ratios = []
    for event in events_of(pattern_portfolio, "engagement_contraction", PLANTED):
        day = at(event["date"])
        mine = events[events["account_id"] == event["account_id"]]
        before = mine[(mine["at"] >= day - pd.Timedelta(days=180)) & (mine["at"] < day)]
        # After the two-week fade and before any churn (churns come >= 150 days later).
        after = mine[
            (mine["at"] >= day + pd.Timedelta(days=14))
            & (mine["at"] < day + pd.Timedelta(days=150))
        ]
        ratios.append((len(after) / 136) / (len(before) / 180))
        parts = account_customer_parts(pattern_portfolio, event["account_id"])
        window, fade = pd.Timedelta(days=120), pd.Timedelta(days=14)
        contacts_before = parts[(parts["at"] >= day - window) & (parts["at"] < day)]
        contacts_after = parts[(parts["at"] >= day + fade) & (parts["at"] < day + fade + window)]
        assert contacts_after["person_id"].nunique() < contacts_before["person_id"].nunique()
    assert max(ratios) < 0.8, ratios
    assert float(pd.Series(ratios).median()) <= 0.6, ratios


def test_slide_contraction_drops_volume_and_contacts(pattern_portfolio: LoadedPortfolio) -> None:
    """Volume per day once the slide reaches its floor, until the churn, vs the half year
    before its start; contacts engaged over windows of equal length on either side.

    The slide is slower than a planted contraction (``ramp_days``, up to 120), and the
    churn can come soon after its floor, so the window after is as long as it can be.
    """
    events = pattern_portfolio.events
    churns = pattern_portfolio.renewals.query("outcome == 'churned'").set_index("account_id")
    ratios = []
    for event in events_of(pattern_portfolio, "engagement_contraction", SLIDE):
        day = at(event["date"]) - pd.Timedelta(days=event["details"]["slide_start_days_before"])
        floor = day + pd.Timedelta(days=event["details"]["ramp_days"])
        churn = at(str(churns.loc[event["account_id"], "date"]))
        mine = events[events["account_id"] == event["account_id"]]
        before = mine[(mine["at"] >= day - pd.Timedelta(days=180)) & (mine["at"] < day)]
        after = mine[(mine["at"] >= floor) & (mine["at"] < churn)]
        ratios.append((len(after) / (churn - floor).days) / (len(before) / 180))
        parts = account_customer_parts(pattern_portfolio, event["account_id"])
        window = min(churn - floor, pd.Timedelta(days=120))
        contacts_before = parts[(parts["at"] >= day - window) & (parts["at"] < day)]
        contacts_after = parts[(parts["at"] >= churn - window) & (parts["at"] < churn)]
        assert contacts_after["person_id"].nunique() < contacts_before["person_id"].nunique()
    assert max(ratios) < 0.8, ratios
    assert float(pd.Series(ratios).median()) <= 0.5, ratios


def test_truth_renewals_are_the_written_renewals(pattern_portfolio: LoadedPortfolio) -> None:
    written = pattern_portfolio.renewals[["account_id", "date", "outcome"]]
    truth = pd.DataFrame(pattern_portfolio.truth["renewals"])[["account_id", "date", "outcome"]]
    pd.testing.assert_frame_equal(written.reset_index(drop=True), truth.reset_index(drop=True))


def test_churned_accounts_go_quiet(pattern_portfolio: LoadedPortfolio) -> None:
    events = pattern_portfolio.events
    churns = pattern_portfolio.renewals.query("outcome == 'churned'")
    assert len(churns) > 0
    for churn in churns.itertuples(index=False):
        mine = events[events["account_id"] == churn.account_id]
        late = mine[mine["at"] >= at(churn.date) + pd.Timedelta(days=1)]
        assert len(late) <= 3
        later = pattern_portfolio.renewals.query("account_id == @churn.account_id")
        assert later["date"].max() == churn.date


def test_churn_follows_health(pattern_portfolio: LoadedPortfolio) -> None:
    truth = pattern_portfolio.truth
    healthy = {a["id"] for a in truth["accounts"] if a["healthy"]}
    churned = {r["account_id"] for r in truth["renewals"] if r["outcome"] == "churned"}
    unhealthy = {a["id"] for a in truth["accounts"]} - healthy
    churn_rate_unhealthy = len(churned & unhealthy) / len(unhealthy)
    churn_rate_healthy = len(churned & healthy) / len(healthy)
    assert 0.4 <= churn_rate_unhealthy < 0.95
    assert 0.0 < churn_rate_healthy <= 0.2


@pytest.mark.parametrize("cause", [PLANTED, CAREER, SLIDE])
def test_key_stakeholders_who_depart_are_not_the_champion_and_leave_the_traffic(
    pattern_portfolio: LoadedPortfolio, cause: str
) -> None:
    """A key stakeholder's departure (planted, a natural one of someone key, or the slide
    taking someone key out of the traffic): not the champion, one of the account's top
    five by engagement or an executive, active before and in no interaction after; a
    role that ends does so that day, a silence leaves the role open that day."""
    truth = pattern_portfolio.truth
    roles = pattern_portfolio.roles
    parts = pattern_portfolio.participations
    champions = {e["person_id"] for e in truth["events"] if e["kind"] == "champion_departure"}
    healthy = {a["id"] for a in truth["accounts"] if a["healthy"]}
    departures = events_of(pattern_portfolio, "stakeholder_departure", cause)
    for event in departures:
        assert event["person_id"] not in champions
        if cause == PLANTED:
            assert event["account_id"] not in healthy
        details = event["details"]
        assert details["rank"] <= 5 or details["level"] in {"vp", "c_level"}, event
        held = roles[
            (roles["person_id"] == event["person_id"])
            & (roles["organization_id"] == event["account_id"])
        ]
        if details["mode"] == "role_ended":
            assert event["date"] in set(held["end"]), event
        else:
            last_end = held["end"].iloc[-1]
            assert last_end == "" or last_end > event["date"], event
        mine = parts[
            (parts["person_id"] == event["person_id"])
            & (parts["account_id"] == event["account_id"])
        ]
        assert (mine["at"] < at(event["date"]) + GRACE).all(), event
        assert (mine["at"] < at(event["date"])).any(), "was active before"
    assert departures
    if cause == PLANTED:
        assert {e["details"]["mode"] for e in departures} == {"role_ended", "silent"}
    if cause == SLIDE:
        assert {e["details"]["mode"] for e in departures} == {"silent"}


def _slide_plan(leaving: dict[str, tuple[str, int]], steps: list[tuple[int, float]]) -> AccountPlan:
    """An account of six managers (a to f) in traffic when its slide starts on day 300,
    and a seventh (g) who went dormant on day 250; the churn comes on day 500 (the slide
    ramps over 100 days). ``leaving``: person -> ("drop", day) for the slide taking them,
    ("role", day) for their role ending; ``steps``: planted volume steps."""
    org = CustomerOrg(1, "org-0001", "Acme", "acme.example", 0, "mid_market")

    def manager(name: str) -> Person:
        how, day = leaving.get(name, ("", 0))
        spell = RoleSpell(
            org.id, "IT Manager", "manager", "it", -400, day if how == "role" else None
        )
        return Person(f"p-{name}", name, {}, [spell], 1.0, 4.0, 1.0)

    people = [manager(name) for name in "abcdefg"]
    people[-1].dormant_from = 250
    plan = AccountPlan(
        org=org,
        team=AccountTeam(owner=people[0], members=[], parts=[]),
        arr=1.0,
        renewals=[],
        next_renewal=date(2026, 1, 1),
        volume_weight=1.0,
        wander=np.ones(600),
        incident_days=[],
        contacts=people,
        volume_steps=steps,
        churn_day=500,
        churn_decline_start=300,
        slide_reference_day=300,
        slide_contacts_before=[p.id for p in people],
    )
    for name, (how, day) in leaving.items():
        if how == "drop":
            plan.slide_drops[f"p-{name}"] = day
            plan.cutoffs[f"p-{name}"] = day
    return plan


# a and b dropped by the slide, c's role ends (they left all the same); d, e, f stay.
THREE_LEAVE = {"a": ("drop", 320), "b": ("drop", 330), "c": ("role", 360)}


@pytest.mark.parametrize(
    ("leaving", "steps", "expected"),
    [
        # The slide alone: 1 - 0.61 * p <= 0.5 from p = 0.82, day 382; by then 3 of the
        # 6 in traffic (g was dormant) have left, 3 kept.
        (THREE_LEAVE, [], (382, 0.5, 3)),
        # A planted drop to 0.6 from day 340 (14-day ramp): on day 350 the slide's 0.695
        # times 0.714 is 0.496, but only 2 have left until c on day 360 (0.634 * 0.6).
        (THREE_LEAVE, [(340, 0.6)], (360, 0.38, 3)),
        # d and e dropped too: by day 360 only f is left, a bottleneck's narrowing, not a
        # contraction; with the planted drop, day 350 still keeps c and f.
        (THREE_LEAVE | {"d": ("drop", 340), "e": ("drop", 345)}, [], None),
        (THREE_LEAVE | {"d": ("drop", 340), "e": ("drop", 345)}, [(340, 0.6)], (350, 0.5, 2)),
    ],
)
def test_slide_contraction_is_dated_when_volume_and_contacts_have_halved(
    leaving: dict[str, tuple[str, int]],
    steps: list[tuple[int, float]],
    expected: tuple[int, float, int] | None,
) -> None:
    """The slide's contraction: the first day its volume against the day before it
    (planted drops included) is at most 0.5, half of the contacts in traffic on its
    reference day have left (whatever took them), and at least 2 are kept."""
    events = [
        e for e in slide_events(_slide_plan(leaving, steps)) if e.kind == "engagement_contraction"
    ]
    if expected is None:
        assert events == []
        return
    (event,) = events
    day, volume, kept = expected
    assert event.day == day
    assert event.details["volume_against_before"] == pytest.approx(volume, abs=0.005)
    assert event.details["contacts_before"] == 6
    assert event.details["contacts_kept"] == kept
    assert event.details["slide_start_days_before"] == day - 300


@pytest.mark.parametrize(
    ("bottleneck_day", "expected_day"),
    [
        # The slide alone is as strong as a planted contraction on day 382 (above): a
        # planted bottleneck from day 400 leaves the contraction before it recorded.
        (400, 382),
        # From day 382 on their side is one person: the slide never narrowed the contacts
        # while there were contacts to narrow (day 381 has volume 0.506 > 0.5).
        (382, None),
        # A bottleneck before the slide starts: no contacts to narrow at all.
        (250, None),
    ],
)
def test_slide_contraction_counts_only_the_days_before_a_planted_bottleneck(
    bottleneck_day: int, expected_day: int | None
) -> None:
    """A planted bottleneck narrows the account onto one person from its day on; the
    slide's contraction is recorded when it was as strong as a planted one before that."""
    plan = _slide_plan(THREE_LEAVE, [])
    plan.bottleneck = (plan.contacts[3], bottleneck_day)
    events = [e for e in slide_events(plan) if e.kind == "engagement_contraction"]
    assert [e.day for e in events] == ([] if expected_day is None else [expected_day])
