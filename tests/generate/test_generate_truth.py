"""truth.json describes what was written: every planted event can be seen in the files.

Run on the 200-account portfolio, so that every kind of event is planted several times.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from conftest import LoadedPortfolio

EVENT_KINDS = {
    "champion_departure",
    "single_node_bottleneck",
    "executive_withdrawal",
    "response_latency_inflation",
    "engagement_contraction",
}
GRACE = pd.Timedelta(days=3)


def events_of(portfolio: LoadedPortfolio, kind: str) -> list[dict[str, Any]]:
    found = [e for e in portfolio.truth["events"] if e["kind"] == kind]
    assert found, f"no {kind} planted"
    return found


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
    per_account = pd.Series([e["account_id"] for e in truth["events"]]).value_counts()
    unhealthy = {a["id"] for a in truth["accounts"] if not a["healthy"]}
    assert set(per_account.index) == unhealthy
    assert per_account.between(1, 2).all()
    assert 0.35 <= len(unhealthy) / len(truth["accounts"]) <= 0.45
    assert {e["kind"] for e in truth["events"]} == EVENT_KINDS


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


@pytest.mark.parametrize("kind", ["champion_departure", "executive_withdrawal"])
def test_departed_people_appear_nowhere_afterwards(
    pattern_portfolio: LoadedPortfolio, kind: str
) -> None:
    parts = pattern_portfolio.participations
    for event in events_of(pattern_portfolio, kind):
        listed = [event["person_id"]] if event["person_id"] else event["person_ids"]
        assert listed
        appearances = parts[parts["person_id"].isin(listed)]
        assert (appearances["at"] < at(event["date"]) + GRACE).all(), event
        assert (appearances["at"] < at(event["date"])).any(), "was active before"


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


def test_engagement_contraction_drops_volume_and_contacts(
    pattern_portfolio: LoadedPortfolio,
) -> None:
    """Volume per day after the fade vs the half year before; contacts engaged, too.

    Small accounts are noisy (a few dozen interactions per window), so each event must
    show a drop and the typical event a sharp one.
    """
    events = pattern_portfolio.events
    ratios = []
    for event in events_of(pattern_portfolio, "engagement_contraction"):
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
