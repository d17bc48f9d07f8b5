"""One account's network as of a date: the store reads of its trailing window, and its
people (role held at the date) and ties computed by :mod:`stakegraph.analytics`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from stakegraph.analytics.frames import PortfolioFrames
from stakegraph.analytics.interaction_frames import FramePerson, interaction_frames
from stakegraph.analytics.matching import DEFAULT_CAPACITY, Person
from stakegraph.analytics.roles import role_at_date
from stakegraph.analytics.suggest import SENIOR_LEVELS
from stakegraph.analytics.ties import tie_table
from stakegraph.analytics.ties_map import MapTie, Touch
from stakegraph.analytics.ties_map import tie_evidence as compute_tie_evidence
from stakegraph.analytics.warm_paths import (
    CO_ATTENDED_KINDS,
    Link,
    ReportingLine,
    co_attendance_links,
    former_colleague_links,
    knows_links,
    reporting_links,
    tie_links,
    warm_graph,
)
from stakegraph.analytics.windows import is_broadcast
from stakegraph.api import schemas as s
from stakegraph.api.service.serialize import evidence_public, number
from stakegraph.dates import DAY, epoch_seconds
from stakegraph.graph.store import GraphStore


@dataclass(frozen=True)
class PersonAt:
    """A person as they were on the date: side, role held, capacity, departed or not."""

    id: str
    name: str | None
    organization_id: str | None
    is_ours: bool
    title: str | None
    level: str | None
    function: str | None
    capacity: int
    departed: bool

    def brief(self) -> s.PersonBrief:
        return s.PersonBrief(
            id=self.id,
            name=self.name,
            title=self.title,
            level=self.level,
            function=self.function,
            is_ours=self.is_ours,
        )

    def person(self) -> Person:
        return Person(self.id, self.name, self.title, self.level, self.function, self.capacity)


@dataclass
class AccountWindow:
    """What the store holds about one account's trailing window, before any computation.

    ``members`` are the people who belong on the map: everyone who took part in the window
    and everyone who held a role at the account in it. ``people`` may hold more (our
    executives, so that their acquaintances can carry a warm path).
    """

    account_id: str
    as_of: date
    start: int
    end: int
    interactions: list[dict[str, Any]]
    members: set[str]
    people: dict[str, PersonAt]
    knows: set[tuple[str, str]]
    # Declared acquaintances' (source, since) and reporting lines among ``people``.
    knows_detail: dict[tuple[str, str], tuple[str | None, int | None]] = field(default_factory=dict)
    lines: list[ReportingLine] = field(default_factory=list)
    roles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Meetings and calls over the warm-path history before ``end``: (at, person ids).
    meetings: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class AccountNetwork:
    """Who took part in an account's relationships in the trailing window, and their ties."""

    account_id: str
    as_of: date
    start: int
    end: int
    people: dict[str, PersonAt]
    ties: list[MapTie]
    knows: set[tuple[str, str]]
    active: set[str]
    members: set[str] = field(default_factory=set)
    graph: nx.Graph = field(default_factory=nx.Graph)
    lines: list[ReportingLine] = field(default_factory=list)
    # Our company's organization ids, as the people's roles name them.
    home_orgs: frozenset[str] = frozenset()

    def shown_organization(self, organization_id: str | None) -> str | None:
        """An organization id as an answer about this account may show it
        (:func:`shown_organization`)."""
        return shown_organization(organization_id, self.account_id, self.home_orgs)

    def declared(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` are linked only by a declared acquaintance (knows.csv)."""
        return not self.graph[a][b].get("engaged", True)

    def evidence(self, a: str, b: str) -> list[s.EvidencePublic]:
        """When and how ``a`` and ``b`` interacted (most recent first)."""
        pair = (min(a, b), max(a, b))
        for t in self.ties:
            if (t.a, t.b) == pair:
                return [evidence_public(e) for e in t.evidence]
        return []

    def ref(self, person_id: str) -> s.PersonRef:
        person = self.people.get(person_id)
        return s.PersonRef(id=person_id, name=person.name if person else None)


def window_bounds(as_of: date, window_days: int) -> tuple[int, int]:
    """``[start, end)`` of the trailing window: ``as_of`` is a whole day, so it ends at the
    next midnight."""
    end = epoch_seconds(as_of) + DAY
    return end - window_days * DAY, end


def executive_ids(store: GraphStore, day: date) -> list[str]:
    """Our senior people on ``day``: suggestions consider them even if they never engaged."""
    rows = store.query(
        "api/our_executives", levels=sorted(SENIOR_LEVELS), at=epoch_seconds(day) + DAY - 1
    )
    return [r["person_id"] for r in rows]


def fetch_window(
    store: GraphStore,
    account_id: str,
    as_of: date,
    *,
    window_days: int,
    extra_people: Iterable[str] = (),
    history_days: int = 0,
) -> AccountWindow:
    """One account's window, read with account-scoped named queries (the on-request path).

    ``history_days`` > 0 also reads the meetings and calls of that many days before the
    window's end, for warm paths (co-attendance); their people join the window's people.
    """
    start, end = window_bounds(as_of, window_days)
    interactions = store.query(
        "api/account_interactions", account_id=account_id, start=start, end=end
    )
    stakeholders = {
        r["person_id"]
        for r in store.query(
            "api/account_stakeholders", account_id=account_id, start=start, end=end
        )
    }
    window = AccountWindow(account_id, as_of, start, end, interactions, set(), {}, set())
    if history_days > 0:
        for row in store.query(
            "api/account_meetings",
            account_id=account_id,
            start=end - history_days * DAY,
            end=end,
            kinds=sorted(CO_ATTENDED_KINDS),
        ):
            window.meetings = _meetings(row["meetings"])
    return _with_people(store, [(window, stakeholders, set(extra_people))])[0]


def _meetings(rows: Iterable[Sequence[Any]]) -> list[tuple[int, list[str]]]:
    """``[at, person_ids]`` rows as (at, ids), broadcasts left out (as from the window)."""
    return [
        (int(at), [str(p) for p in people])
        for at, people in rows
        if people and not is_broadcast(len(set(people)), flagged=False)
    ]


def fetch_windows(
    store: GraphStore, days: Mapping[str, date], *, window_days: int, history_days: int = 0
) -> list[AccountWindow]:
    """Every given account's window as of its own day, with our executives of that day,
    in one read per kind of data (the read model's path; the same windows as
    :func:`fetch_window` with ``extra_people`` = :func:`executive_ids`)."""
    if not days:
        return []
    windows = {
        account: AccountWindow(account, day, *window_bounds(day, window_days), [], set(), {}, set())
        for account, day in days.items()
    }
    low = min(w.start for w in windows.values())
    high = max(w.end for w in windows.values())
    for r in store.query("api/model_interactions", start=low, end=high):
        window = windows.get(r["account_id"])
        if window is not None and window.start <= r["at"] < window.end:
            window.interactions.append(r)
    stakeholders: dict[str, set[str]] = {account: set() for account in days}
    for r in store.query("api/model_stakeholders", start=low, end=high):
        window = windows.get(r["account_id"])
        # The same overlap test as api/account_stakeholders.cypher.
        if (
            window is not None
            and r["start"] < window.end
            and (r["end"] is None or r["end"] >= window.start)
        ):
            stakeholders[r["account_id"]].add(r["person_id"])
    if history_days > 0:
        since = min(w.end for w in windows.values()) - history_days * DAY
        for r in store.query(
            "api/model_meetings", start=since, end=high, kinds=sorted(CO_ATTENDED_KINDS)
        ):
            window = windows.get(r["account_id"])
            if window is not None:
                window.meetings = [
                    (at, people)
                    for at, people in _meetings(r["meetings"])
                    if window.end - history_days * DAY <= at < window.end
                ]
    executives = {day: set(executive_ids(store, day)) for day in set(days.values())}
    return _with_people(
        store,
        [(w, stakeholders[account], executives[w.as_of]) for account, w in windows.items()],
    )


def _with_people(
    store: GraphStore, windows: list[tuple[AccountWindow, set[str], set[str]]]
) -> list[AccountWindow]:
    """Windows given their stakeholders and extra people, completed with their members, the
    people's roles at the window's end and their declared acquaintances (one read each).

    Broadcasts (flagged ``bulk``, or more people than the bulk threshold) leave the window
    first: a newsletter filed under one account is no relationship of theirs, and its
    readers — people of every other account — do not belong on its map.
    """
    # Who met them in the history can introduce, but is not on the window's map. (A new
    # set per window: windows of one day share their executives' set.)
    windows = [
        (window, stakeholders, extra | {p for _, people in window.meetings for p in people})
        for window, stakeholders, extra in windows
    ]
    for window, stakeholders, _ in windows:
        window.interactions = [r for r in window.interactions if not _broadcast(r)]
        active = {p["person_id"] for r in window.interactions for p in r["participants"]}
        window.members = active | stakeholders
    everyone = sorted(set().union(*(w.members | extra for w, _, extra in windows)))
    profiles = {
        p["person_id"]: p
        for p in (store.query("api/people_profiles", person_ids=everyone) if everyone else [])
    }
    knows_rows = store.query("api/knows_among", person_ids=everyone) if everyone else []
    knows = _pairs(knows_rows)
    knows_detail = {
        (min(r["a"], r["b"]), max(r["a"], r["b"])): (r.get("source"), number_or_none(r["since"]))
        for r in knows_rows
        if r["a"] != r["b"]
    }
    lines = [
        ReportingLine(
            str(r["report"]), str(r["manager"]), int(r["start"]), number_or_none(r["end"])
        )
        for r in (store.query("api/reporting_lines_among", person_ids=everyone) if everyone else [])
        if r["start"] is not None
    ]
    for window, _, extra in windows:
        ids = window.members | extra
        window.people = {
            pid: _person_at(profiles[pid], window.account_id, window.end - 1)
            for pid in sorted(ids)
            if pid in profiles
        }
        window.knows = {(a, b) for a, b in knows if a in ids and b in ids}
        window.knows_detail = {pair: knows_detail[pair] for pair in window.knows}
        window.lines = [line for line in lines if line.report in ids and line.manager in ids]
        window.roles = {pid: list(profiles[pid].get("roles") or []) for pid in window.people}
    return [window for window, _, _ in windows]


def build_networks(windows: Iterable[AccountWindow]) -> dict[str, AccountNetwork]:
    """The networks of the given windows, by account id.

    Windows that share their bounds go through one :func:`tie_table` call (its cost is
    mostly per call, not per row), which is what makes computing a whole portfolio cheap.
    """
    groups: dict[tuple[int, int], list[AccountWindow]] = {}
    for window in windows:
        groups.setdefault((window.start, window.end), []).append(window)
    networks: dict[str, AccountNetwork] = {}
    for (start, end), group in groups.items():
        table = tie_table(_frames(group), as_of=end, window=end - start)
        strengths: dict[str, list[tuple[str, str, float, int, int]]] = {}
        for a, b, account, strength, count, last_at in zip(
            table["person_a"].tolist(),
            table["person_b"].tolist(),
            table["account_id"].tolist(),
            table["strength"].tolist(),
            table["interactions"].tolist(),
            table["last_at"].tolist(),
            strict=True,
        ):
            if strength > 0:
                strengths.setdefault(str(account), []).append(
                    (str(a), str(b), float(strength), int(count), int(last_at))
                )
        for window in group:
            networks[window.account_id] = _network(window, strengths.get(window.account_id, []))
    return networks


def account_network(
    store: GraphStore,
    account_id: str,
    as_of: date,
    *,
    window_days: int,
    extra_people: Iterable[str] = (),
    history_days: int = 0,
) -> AccountNetwork:
    """The account's people and ties from the interactions of ``window_days`` up to ``as_of``.

    ``extra_people`` (e.g. our executives who never touched the account) join the people
    so that their declared acquaintances can carry a warm path; ``history_days`` > 0 reads
    that long a history of meetings for warm paths (:func:`fetch_window`).
    """
    window = fetch_window(
        store,
        account_id,
        as_of,
        window_days=window_days,
        extra_people=extra_people,
        history_days=history_days,
    )
    return build_networks([window])[account_id]


def _network(
    window: AccountWindow, strengths: list[tuple[str, str, float, int, int]]
) -> AccountNetwork:
    touches = [
        Touch(
            interaction_id=r["id"],
            kind=r["kind"],
            at=int(r["at"]),
            participants=tuple((p["person_id"], p["role"]) for p in r["participants"]),
            subject=r["subject"],
        )
        for r in window.interactions
    ]
    evidence = compute_tie_evidence(touches, as_of=window.end)
    ties = [
        MapTie(
            a=a,
            b=b,
            strength=strength,
            interactions=count,
            last_at=last_at,
            kinds=(),
            evidence=evidence.get((a, b), ()),
        )
        for a, b, strength, count, last_at in strengths
    ]
    graph = warm_graph(_links(window, ties, touches))
    return AccountNetwork(
        window.account_id,
        window.as_of,
        window.start,
        window.end,
        window.people,
        ties,
        window.knows,
        {p for t in touches for p, _ in t.participants},
        window.members,
        graph,
        window.lines,
        _home_orgs(window),
    )


def _links(window: AccountWindow, ties: list[MapTie], touches: list[Touch]) -> list[Link]:
    """Every way two people of the window are linked (:mod:`stakegraph.analytics.warm_paths`).

    Interaction ties link anyone; the other kinds only link people still there (a departed
    person introduces nobody), and only people of the window.
    """
    at = window.end - 1
    present = {pid for pid, p in window.people.items() if not p.departed}
    links = tie_links((t.a, t.b, t.strength, t.interactions, t.last_at) for t in ties)
    links += reporting_links(window.lines, at=at)
    # The history's meetings include the window's; without a history, the window's only.
    meetings = window.meetings or [
        (t.at, [p for p, _ in t.participants]) for t in touches if t.kind in CO_ATTENDED_KINDS
    ]
    links += co_attendance_links(meetings, as_of=window.end)
    links += knows_links(
        (a, b, *window.knows_detail.get((a, b), (None, None))) for a, b in sorted(window.knows)
    )
    home_orgs = _home_orgs(window)
    links += [
        _private_employer(link, window.account_id, home_orgs)
        for link in former_colleague_links(
            {pid: roles for pid, roles in window.roles.items() if pid in present}, at=at
        )
    ]
    return [
        link
        for link in links
        if link.kind in ("tie", "knows") or (link.a in present and link.b in present)
    ]


def shown_organization(
    organization_id: str | None, account_id: str, home_orgs: frozenset[str]
) -> str | None:
    """An organization id as an answer about ``account_id`` may show it: ours or the
    account's, else None — any other may be an account the caller must not learn of (a
    departed stakeholder's new employer; docs/api.md, threat model)."""
    if organization_id == account_id or organization_id in home_orgs:
        return organization_id
    return None


def _private_employer(link: Link, account_id: str, home_orgs: frozenset[str]) -> Link:
    """A former colleague's evidence names the employer only as :func:`shown_organization`
    allows."""
    org = link.evidence.get("organization_id")
    shown = shown_organization(org if isinstance(org, str) else None, account_id, home_orgs)
    if shown is not None:
        return link
    evidence = {**link.evidence, "organization_id": None, "organization": "another organization"}
    return Link(link.a, link.b, link.kind, link.strength, evidence)


def _home_orgs(window: AccountWindow) -> frozenset[str]:
    """Our company's organization ids, from the roles of the window's people."""
    return frozenset(
        str(role["org_id"])
        for roles in window.roles.values()
        for role in roles
        if role.get("home") and role.get("org_id") is not None
    )


def number_or_none(value: Any) -> int | None:
    """An integer from the store, or None."""
    stored = number(value)
    return None if stored is None else int(stored)


def _broadcast(interaction: Mapping[str, Any]) -> bool:
    people = {p["person_id"] for p in interaction["participants"]}
    return is_broadcast(len(people), flagged=bool(interaction.get("bulk")))


def _pairs(rows: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """Declared acquaintances as undirected pairs ``(a, b)``, ``a < b``."""
    return {(min(r["a"], r["b"]), max(r["a"], r["b"])) for r in rows if r["a"] != r["b"]}


def _person_at(profile: Mapping[str, Any], account_id: str, at: int) -> PersonAt:
    role = role_at_date(
        profile.get("roles") or [],
        account_id=account_id,
        at=at,
        member_of_home=bool(profile.get("member_of_home")),
    )
    return PersonAt(
        id=profile["person_id"],
        name=profile.get("name"),
        organization_id=profile.get("organization_id"),
        is_ours=role.is_ours,
        title=role.title,
        level=role.level,
        function=role.function,
        capacity=stored_capacity(profile.get("outreach_capacity")),
        departed=role.departed,
    )


def _frames(windows: list[AccountWindow]) -> PortfolioFrames:
    """The windows' interactions as the frames :func:`stakegraph.analytics.ties.tie_table` reads."""
    people: dict[str, PersonAt] = {}
    for w in windows:
        people.update(w.people)
    return interaction_frames(
        [(w.account_id, r) for w in windows for r in w.interactions],
        [FramePerson(p.id, p.name, p.organization_id, p.is_ours) for p in people.values()],
        [w.account_id for w in windows],
    )


def stored_capacity(value: Any) -> int:
    """``outreach_capacity`` as stored, within [0, MAX_CAPACITY]; the default when unset."""
    stored = number(value)
    if stored is None:
        return DEFAULT_CAPACITY
    return max(0, min(s.MAX_CAPACITY, int(stored)))
