"""One account's network as of a date: the store reads of its trailing window, and its
people (role held at the date) and ties computed by :mod:`stakegraph.analytics`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
import pandas as pd

from stakegraph.analytics.frames import (
    ACCOUNT_COLUMNS,
    RENEWAL_COLUMNS,
    ROLE_COLUMNS,
    PortfolioFrames,
)
from stakegraph.analytics.suggest import DEFAULT_CAPACITY, SENIOR_LEVELS, Person, tie_graph
from stakegraph.analytics.ties import tie_table
from stakegraph.analytics.ties_map import MapTie, Touch
from stakegraph.analytics.ties_map import tie_evidence as compute_tie_evidence
from stakegraph.api import schemas as s
from stakegraph.api.service.serialize import evidence_public, number
from stakegraph.dates import epoch_seconds
from stakegraph.graph.store import GraphStore

DAY = 86_400
# Declared acquaintances (knows.csv) carry no interaction data; they count as weak ties.
KNOWS_STRENGTH = 0.1


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
) -> AccountWindow:
    """One account's window, read with a few named queries (the on-request path)."""
    start, end = window_bounds(as_of, window_days)
    interactions = store.query(
        "api/account_interactions", account_id=account_id, start=start, end=end
    )
    active = {p["person_id"] for r in interactions for p in r["participants"]}
    stakeholders = {
        r["person_id"]
        for r in store.query(
            "api/account_stakeholders", account_id=account_id, start=start, end=end
        )
    }
    ids = sorted(active | stakeholders | set(extra_people))
    profiles = store.query("api/people_profiles", person_ids=ids) if ids else []
    knows = _pairs(store.query("api/knows_among", person_ids=ids) if ids else [])
    return AccountWindow(
        account_id,
        as_of,
        start,
        end,
        interactions,
        active | stakeholders,
        {p["person_id"]: _person_at(p, account_id, end - 1) for p in profiles},
        knows,
    )


def fetch_windows(
    store: GraphStore, days: Mapping[str, date], *, window_days: int
) -> list[AccountWindow]:
    """Every given account's window as of its own day, with our executives of that day,
    in one read per kind of data (the read model's path; see :func:`fetch_window`)."""
    if not days:
        return []
    bounds = {account: window_bounds(day, window_days) for account, day in days.items()}
    low = min(start for start, _ in bounds.values())
    high = max(end for _, end in bounds.values())
    executives = {day: executive_ids(store, day) for day in set(days.values())}
    interactions: dict[str, list[dict[str, Any]]] = {account: [] for account in days}
    for r in store.query("api/model_interactions", start=low, end=high):
        window = bounds.get(r["account_id"])
        if window is not None and window[0] <= r["at"] < window[1]:
            interactions[r["account_id"]].append(r)
    stakeholders: dict[str, set[str]] = {account: set() for account in days}
    for r in store.query("api/model_stakeholders", start=low, end=high):
        window = bounds.get(r["account_id"])
        # The same overlap test as api/account_stakeholders.cypher.
        if (
            window is not None
            and r["start"] < window[1]
            and (r["end"] is None or r["end"] >= window[0])
        ):
            stakeholders[r["account_id"]].add(r["person_id"])
    members = {
        account: {p["person_id"] for r in rows for p in r["participants"]} | stakeholders[account]
        for account, rows in interactions.items()
    }
    everyone = sorted(set().union(*members.values(), *executives.values()))
    profiles = {
        p["person_id"]: p
        for p in (store.query("api/people_profiles", person_ids=everyone) if everyone else [])
    }
    knows = _pairs(store.query("api/knows_among", person_ids=everyone) if everyone else [])
    windows = []
    for account, day in days.items():
        start, end = bounds[account]
        ids = members[account] | set(executives[day])
        windows.append(
            AccountWindow(
                account,
                day,
                start,
                end,
                interactions[account],
                members[account],
                {
                    pid: _person_at(profiles[pid], account, end - 1)
                    for pid in sorted(ids)
                    if pid in profiles
                },
                {(a, b) for a, b in knows if a in ids and b in ids},
            )
        )
    return windows


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
) -> AccountNetwork:
    """The account's people and ties from the interactions of ``window_days`` up to ``as_of``.

    ``extra_people`` (e.g. our executives who never touched the account) join the people
    so that their declared acquaintances can carry a warm path.
    """
    window = fetch_window(
        store, account_id, as_of, window_days=window_days, extra_people=extra_people
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
    graph = tie_graph(
        [(t.a, t.b, t.strength) for t in ties],
        declared=window.knows,
        declared_strength=KNOWS_STRENGTH,
    )
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
    )


def _pairs(rows: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """Declared acquaintances as undirected pairs ``(a, b)``, ``a < b``."""
    return {(min(r["a"], r["b"]), max(r["a"], r["b"])) for r in rows if r["a"] != r["b"]}


def _person_at(profile: Mapping[str, Any], account_id: str, at: int) -> PersonAt:
    roles = [r for r in profile.get("roles") or [] if r.get("start") is not None]
    is_ours = bool(profile.get("member_of_home")) or any(r.get("home") for r in roles)
    side = [r for r in roles if (r.get("home") if is_ours else r.get("org_id") == account_id)]
    current = [r for r in side if r["start"] <= at and (r.get("end") is None or r["end"] > at)]
    if not side:  # a third party: whatever role they held at the date
        current = [r for r in roles if r["start"] <= at and (r.get("end") is None or r["end"] > at)]
    departed = (
        bool(side)
        and not current
        and any(r.get("end") is not None and r["end"] <= at for r in side)
    )
    pool = current or ([r for r in side if r.get("end") is not None and r["end"] <= at])
    role = max(pool, key=lambda r: r["start"]) if pool else {}
    capacity = profile.get("outreach_capacity")
    return PersonAt(
        id=profile["person_id"],
        name=profile.get("name"),
        organization_id=profile.get("organization_id"),
        is_ours=is_ours,
        title=role.get("title"),
        level=role.get("level"),
        function=role.get("function"),
        capacity=stored_capacity(capacity),
        departed=departed,
    )


def _frames(windows: list[AccountWindow]) -> PortfolioFrames:
    """The windows' interactions as the frames :func:`stakegraph.analytics.ties.tie_table` reads."""
    rows = [(w.account_id, r) for w in windows for r in w.interactions]
    people: dict[str, PersonAt] = {}
    for w in windows:
        people.update(w.people)
    return PortfolioFrames(
        interactions=pd.DataFrame(
            {
                "interaction_id": [r["id"] for _, r in rows],
                "account_id": [account for account, _ in rows],
                "kind": [r["kind"] for _, r in rows],
                "at": pd.array([int(r["at"]) for _, r in rows], dtype="int64"),
                "thread_id": [r["thread_id"] for _, r in rows],
                "reply_latency_s": pd.array(
                    [number(r["reply_latency_s"]) for _, r in rows], dtype="float64"
                ),
                "participants": pd.array([len(r["participants"]) for _, r in rows], dtype="int64"),
            }
        ),
        participations=pd.DataFrame(
            [(r["id"], p["person_id"], p["role"]) for _, r in rows for p in r["participants"]],
            columns=["interaction_id", "person_id", "role"],
        ),
        people=pd.DataFrame(
            [(p.id, p.name, p.organization_id, p.is_ours) for p in people.values()],
            columns=["person_id", "name", "org_id", "is_home"],
        ),
        roles=pd.DataFrame(columns=list(ROLE_COLUMNS)),
        accounts=pd.DataFrame(
            [(w.account_id, None, None, math.nan, math.nan, None) for w in windows],
            columns=list(ACCOUNT_COLUMNS),
        ),
        renewals=pd.DataFrame(columns=list(RENEWAL_COLUMNS)),
    )


def stored_capacity(value: Any) -> int:
    """``outreach_capacity`` as stored, within [0, MAX_CAPACITY]; the default when unset."""
    stored = number(value)
    if stored is None:
        return DEFAULT_CAPACITY
    return max(0, min(s.MAX_CAPACITY, int(stored)))
