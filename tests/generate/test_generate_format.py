"""Generated files follow the import format (docs/import-format.md)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest
from generated_portfolio import LoadedPortfolio, read_csv

REQUIRED = {
    "organizations": {"id", "name"},
    "people": {"id"},
    "roles": {"person_id", "organization_id", "start"},
    "interactions": {"id", "kind", "at", "from"},
    "renewals": {"account_id", "date", "outcome"},
    "knows": {"person_a", "person_b"},
}
# The headers in the order of docs/import-format.md, pinned so that editing the row models
# they come from (stakegraph/ingest/records.py) cannot silently change a seed's files.
DOCUMENTED = {
    "organizations": (
        "id",
        "name",
        "domains",
        "kind",
        "segment",
        "arr",
        "renewal_date",
        "owner_id",
    ),
    "people": ("id", "name", "emails", "organization_id", "outreach_capacity"),
    "roles": (
        "person_id",
        "organization_id",
        "title",
        "level",
        "function",
        "start",
        "end",
        "reports_to",
    ),
    "interactions": (
        "id",
        "kind",
        "at",
        "from",
        "to",
        "cc",
        "subject",
        "thread_id",
        "in_reply_to",
        "account_id",
        "bulk",
        "category",
        "severity",
        "status",
    ),
    "renewals": ("account_id", "date", "outcome", "arr_before", "arr_after", "reason"),
    "knows": ("person_a", "person_b", "since", "source"),
}
LEVELS = {"ic", "manager", "director", "vp", "c_level"}
FUNCTIONS = {
    "executive",
    "engineering",
    "product",
    "it",
    "operations",
    "finance",
    "procurement",
    "legal",
    "sales",
    "marketing",
    "support",
    "hr",
    "other",
}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_columns_are_the_documented_ones(small_portfolio: LoadedPortfolio, name: str) -> None:
    frame: pd.DataFrame = getattr(small_portfolio, name)
    assert tuple(frame.columns) == DOCUMENTED[name]
    for column in REQUIRED[name]:
        assert (frame[column] != "").all(), column


def test_vocabularies_are_respected(small_portfolio: LoadedPortfolio) -> None:
    p = small_portfolio
    assert set(p.interactions["kind"]) == {"email", "meeting", "call", "ticket", "note"}
    assert set(p.roles["level"]) == LEVELS
    assert set(p.roles["function"]) <= FUNCTIONS
    assert set(p.renewals["outcome"]) <= {"renewed", "churned", "downgraded", "expanded"}
    assert set(p.organizations["kind"]) == {"home", "account"}
    accounts = p.organizations[p.organizations["kind"] == "account"]
    assert set(accounts["segment"]) <= {"enterprise", "mid_market", "smb"}


def test_timestamps_and_dates_parse(small_portfolio: LoadedPortfolio) -> None:
    p = small_portfolio
    stamps = p.interactions["at"]
    assert stamps.str.match(TIMESTAMP).all()
    with_offset = stamps[~stamps.str.endswith("Z")]
    assert 0.01 < len(with_offset) / len(stamps) < 0.2
    parsed = pd.to_datetime(stamps, format="ISO8601", utc=True)
    assert parsed.notna().all()
    for column in (p.roles["start"], p.renewals["date"], p.knows["since"]):
        assert column.str.match(DATE).all()
    ends = p.roles["end"][p.roles["end"] != ""]
    assert ends.str.match(DATE).all()
    accounts = p.organizations[p.organizations["kind"] == "account"]
    assert accounts["renewal_date"].str.match(DATE).all()


def test_ids_are_unique_and_readable(small_portfolio: LoadedPortfolio) -> None:
    p = small_portfolio
    assert p.organizations["id"].is_unique
    assert p.people["id"].is_unique
    assert p.organizations["id"].str.match(r"^org-\d{4}$").all()
    assert p.people["id"].str.match(r"^(p-\d{4}-\d{3}|h-\d{3})$").all()
    assert p.events["id"].str.match(r"^i-(\d{4}-\d{6}|bulk-\d{4})$").all()


def test_duplicates_are_exact_repeats(small_portfolio: LoadedPortfolio) -> None:
    rows = small_portfolio.interactions
    repeated = rows[rows["id"].duplicated(keep=False)]
    assert len(repeated) > 0
    assert len(repeated.drop_duplicates()) == repeated["id"].nunique()


def test_references_resolve(small_portfolio: LoadedPortfolio) -> None:
    p = small_portfolio
    people = set(p.people["id"])
    organizations = set(p.organizations["id"])
    assert set(p.people["organization_id"]) <= organizations
    assert set(p.roles["person_id"]) <= people
    assert set(p.roles["organization_id"]) <= organizations
    assert set(p.knows["person_a"]) | set(p.knows["person_b"]) <= people
    assert set(p.renewals["account_id"]) <= organizations
    assert set(p.participations["person_id"]) <= people
    accounts = set(p.organizations.loc[p.organizations["kind"] == "account", "id"])
    assert set(p.events["account_id"]) - {""} <= accounts


def test_org_charts_are_trees_of_more_senior_colleagues(small_portfolio: LoadedPortfolio) -> None:
    """Nearly every role reports to a person of the same organization who held a more senior
    role (or the CEO's) during it; nobody reports to themselves."""
    rank = {"ic": 0, "manager": 1, "director": 2, "vp": 3, "c_level": 4}
    roles = small_portfolio.roles
    lines = roles[roles["reports_to"] != ""]
    assert len(lines) >= 0.9 * len(roles)
    assert (lines["reports_to"] != lines["person_id"]).all()
    held = roles.assign(rank=roles["level"].map(rank))
    for row in lines.itertuples():
        theirs = held[
            (held["person_id"] == row.reports_to)
            & (held["organization_id"] == row.organization_id)
            & ((row.end == "") | (held["start"] < row.end))
            & ((held["end"] == "") | (held["end"] > row.start))
        ]
        chief = (theirs["function"] == "executive") & (theirs["level"] == "c_level")
        assert ((theirs["rank"] > rank[row.level]) | chief).any(), row
    # The top of each organization: a c-level person (or the most senior there) with no line.
    tops = roles[roles["reports_to"] == ""]
    assert tops.groupby("organization_id").size().min() >= 1


def test_replies_point_to_an_earlier_interaction_of_the_thread(
    small_portfolio: LoadedPortfolio,
) -> None:
    events = small_portfolio.events.set_index("id")
    replies = events[events["in_reply_to"] != ""]
    assert len(replies) > 0.2 * (events["kind"] == "email").sum()
    assert (replies["in_reply_to"].map(events["thread_id"]) == replies["thread_id"]).all()
    assert (replies["in_reply_to"].map(events["at"]) < replies["at"]).all()
    position = {key: i for i, key in enumerate(small_portfolio.interactions["id"])}
    assert all(position[c] > position[r] for c, r in replies["in_reply_to"].items())


def test_home_organization_and_account_owners(small_portfolio: LoadedPortfolio) -> None:
    p = small_portfolio
    home = p.organizations[p.organizations["kind"] == "home"]
    assert list(home["id"]) == [p.truth["home_organization_id"]]
    latest = p.roles.drop_duplicates("person_id", keep="last").set_index("person_id")
    titles = latest["title"]
    accounts = p.organizations[p.organizations["kind"] == "account"]
    assert accounts["owner_id"].map(titles).str.contains("Account Manager").all()
    assert (accounts["arr"].astype(int) > 0).all()
    ours = p.people[p.people["organization_id"] == home["id"].iloc[0]]
    capacity = ours["outreach_capacity"].astype(int)
    executive = ours["id"].map(latest["level"]).isin(["vp", "c_level"]).to_numpy()
    assert capacity[executive].between(3, 8).all()
    assert capacity[~executive].between(0, 2).all()
    assert set(ours["id"].map(titles)) >= {"VP Sales", "Chief Revenue Officer", "Support Engineer"}


def test_customer_addresses_are_on_their_domain(small_portfolio: LoadedPortfolio) -> None:
    p = small_portfolio
    domains = p.organizations.set_index("id")["domains"]
    first_roles = p.roles.drop_duplicates("person_id").set_index("person_id")["organization_id"]
    for person in p.people.itertuples(index=False):
        first_address = person.emails.split(";")[0]
        assert first_address.endswith("@" + domains[first_roles[person.id]])


def test_noise_is_there(small_portfolio: LoadedPortfolio) -> None:
    p = small_portfolio
    events = p.events
    bulk = events[events["account_id"] == ""]
    assert len(bulk) >= 20
    recipients = bulk["to"].str.count(";") + 1
    assert recipients.between(50, 300).all() | (recipients < 50).all()
    assert (bulk["from"].str.startswith("news@")).all()
    # Broadcasts are flagged, and only they are.
    flagged = events["bulk"].fillna("").astype(str) == "true"
    assert flagged.equals(events["account_id"] == "")
    assert ((events["from"] == events["to"]) & (events["kind"] == "email")).sum() > 0
    meetings = p.participations[p.participations["kind"] == "meeting"]
    sides = meetings.groupby("id")["home"].agg(["min", "max", "size"])
    assert ((sides["min"] != sides["max"]) & (sides["size"] >= 4)).sum() > 20


def test_role_changes_happen(pattern_portfolio: LoadedPortfolio) -> None:
    roles = pattern_portfolio.roles
    spells = roles.groupby("person_id")["organization_id"].agg(["size", "nunique"])
    promoted = spells[(spells["size"] > 1) & (spells["nunique"] == 1)]
    moved = spells[spells["nunique"] > 1]
    assert len(promoted) > 5
    assert len(moved) > 5
    assert (roles["end"] != "").sum() > 50


def test_coverage_declares_the_whole_history_for_every_account(
    small_portfolio: LoadedPortfolio,
) -> None:
    coverage = read_csv(small_portfolio.path / "coverage.csv")
    assert tuple(coverage.columns) == ("source", "start", "end", "account_id", "kinds")
    truth = small_portfolio.truth
    # UTC days around the accounts' local days: one more on each side.
    first = (date.fromisoformat(truth["start"]) - timedelta(days=1)).isoformat()
    assert coverage.to_dict("records") == [
        {
            "source": "generated export",
            "start": first,
            "end": truth["end"],
            "account_id": "",
            "kinds": "",
        }
    ]
    days = small_portfolio.events["at"].dt.date
    assert days.min().isoformat() >= first and days.max().isoformat() <= truth["end"]
