"""What the endpoints do between parsing and answering: named queries in, pure analytics,
``...Public`` models out.

The API never computes a score itself: risk, tiers, snapshots and signals are read as the
last analysis run wrote them (docs/data-model.md, "Derived data"); maps, suggestions and
departure impact are computed on request by the pure functions of
:mod:`stakegraph.analytics` (``ties``, ``ties_map``, ``suggest``, ``outreach``, ``impact``)
over one account's trailing window of interactions, so they can be asked for any date.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import networkx as nx
import pandas as pd

from stakegraph.analytics.frames import (
    ACCOUNT_COLUMNS,
    RENEWAL_COLUMNS,
    ROLE_COLUMNS,
    PortfolioFrames,
)
from stakegraph.analytics.impact import departure_impact as compute_departure_impact
from stakegraph.analytics.outreach import Target, plan_outreach
from stakegraph.analytics.suggest import (
    DEFAULT_CAPACITY,
    SENIOR_LEVELS,
    MatchScore,
    Person,
    path_strength,
    suggest_remapping,
    tie_graph,
    warm_path,
)
from stakegraph.analytics.ties import tie_table
from stakegraph.analytics.ties_map import MapPerson, MapTie, TieEvidence, Touch, map_flags
from stakegraph.analytics.ties_map import tie_evidence as compute_tie_evidence
from stakegraph.api import schemas as s
from stakegraph.api.errors import InvalidRequestError, NotFoundError
from stakegraph.api.keys import Principal
from stakegraph.api.settings import ApiSettings
from stakegraph.dates import epoch_seconds
from stakegraph.graph.readonly import run_read_only
from stakegraph.graph.store import GraphStore

DAY = 86_400
SORT_FIELDS = ("name", "segment", "arr", "renewal_date", "risk_score", "risk_tier", "open_signals")
# A change smaller than this over the last snapshots reads as "flat" (scale of each metric).
_TREND_TOLERANCE = {"risk_score": 0.02, "depth_score": 2.0}
# Declared acquaintances (knows.csv) carry no interaction data; they count as weak ties.
KNOWS_STRENGTH = 0.1
# The list's trend covers this many latest snapshots (api/account_trends.cypher returns as many).
TREND_SNAPSHOTS = 4


# --- time --------------------------------------------------------------------------------------


def as_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def as_date(epoch: float | None) -> date | None:
    return None if epoch is None else as_datetime(epoch).date()


# --- accounts ----------------------------------------------------------------------------------


def list_accounts(
    store: GraphStore,
    settings: ApiSettings,
    principal: Principal,
    *,
    segment: str | None,
    tier: int | None,
    owner_id: str | None,
    sort: str,
    limit: int,
    offset: int,
) -> s.AccountsPublic:
    """A page of the accounts the caller may see, filtered and sorted."""
    if not principal.sees_all_accounts:
        if owner_id is not None and owner_id != principal.owner_id:
            return s.AccountsPublic(data=[], count=0, limit=limit, offset=offset)
        owner_id = principal.owner_id
    rows = store.query(
        "api/list_accounts",
        segment=segment,
        tier=tier,
        owner_id=owner_id,
        open_window_s=settings.open_signal_days * DAY,
    )
    rows = sorted_rows(rows, sort)
    page = rows[offset : offset + limit]
    trends = _recent_snapshots(store, [r["id"] for r in page])
    return s.AccountsPublic(
        data=[account_public(r, trends.get(r["id"], [])) for r in page],
        count=len(rows),
        limit=limit,
        offset=offset,
    )


def account_detail(
    store: GraphStore, settings: ApiSettings, principal: Principal, account_id: str
) -> s.AccountDetailPublic:
    """Scores, tier and why, open signals with evidence, and the timeline of every metric."""
    row = account_row(store, settings, principal, account_id)
    signals: list[dict[str, Any]] = []
    if row["analyzed_at"] is not None:
        signals = store.query(
            "api/account_signals",
            account_id=account_id,
            since=row["analyzed_at"] - settings.open_signal_days * DAY,
            until=row["analyzed_at"],
        )
    snapshots = [r["snapshot"] for r in store.query("api/account_snapshots", account_id=account_id)]
    history: list[dict[str, Any]] = []
    if row["analyzed_at"] is not None:
        history = store.query(
            "api/account_signals", account_id=account_id, since=0, until=row["analyzed_at"]
        )[::-1]  # newest first from the query; the timeline reads oldest first
    return detail_public(row, snapshots, signals, history)


def detail_public(
    row: Mapping[str, Any],
    snapshots: list[dict[str, Any]],
    signals: list[dict[str, Any]],
    history: list[dict[str, Any]],
) -> s.AccountDetailPublic:
    """The detail of an account from its row, every snapshot (oldest first), its open
    signals and every signal up to the analysis date (oldest first)."""
    return s.AccountDetailPublic(
        **account_public(row, snapshots).model_dump(),
        risk_factors=_risk_factors(row.get("risk_factors")),
        signals=[
            s.SignalPublic(
                id=sig["id"],
                kind=sig["kind"],
                at=as_datetime(sig["at"]),
                severity=_number(sig["severity"]),
                summary=sig["summary"],
                evidence=_json(sig["evidence"]),
                people=[s.PersonRef(**p) for p in sig["people"] if p.get("id") is not None],
            )
            for sig in signals
        ],
        timeline=_timeline(snapshots),
        signal_history=[
            s.SignalMarkerPublic(
                id=sig["id"],
                kind=sig["kind"],
                at=as_datetime(sig["at"]),
                severity=_number(sig["severity"]),
                summary=sig["summary"],
            )
            for sig in history
        ],
    )


def account_row(
    store: GraphStore, settings: ApiSettings, principal: Principal, account_id: str
) -> dict[str, Any]:
    """The account's row; 404 when it does not exist or is not the caller's to see."""
    rows = store.query(
        "api/get_account", account_id=account_id, open_window_s=settings.open_signal_days * DAY
    )
    if not rows or (not principal.sees_all_accounts and rows[0]["owner_id"] != principal.owner_id):
        # The same answer for "missing" and "not yours": no probing for other owners' ids.
        raise NotFoundError("account", account_id)
    return rows[0]


def default_as_of(store: GraphStore, row: Mapping[str, Any]) -> date:
    """The last analysis date, else the day of the latest interaction, else today."""
    last_at = None
    if row.get("analyzed_at") is None:
        last = store.query("api/account_last_activity", account_id=row["id"])
        last_at = last[0]["last_at"] if last else None
    return default_day(row, last_at)


def default_day(row: Mapping[str, Any], last_at: float | None) -> date:
    """:func:`default_as_of` given the account's latest interaction (epoch, or None)."""
    if row.get("analyzed_at") is not None:
        # analyzed_at is the exclusive end of the analysed window: its previous second.
        return as_datetime(row["analyzed_at"] - 1).date()
    if last_at is not None:
        return as_datetime(last_at).date()
    return datetime.now(UTC).date()


def account_public(row: Mapping[str, Any], snapshots: list[dict[str, Any]]) -> s.AccountPublic:
    """A list item: the account's row and (at least) its last four snapshots, in any order."""
    recent = sorted(snapshots, key=lambda r: r["window_end"])[-TREND_SNAPSHOTS:]
    kinds: dict[str, int] = {}
    for kind in row.get("open_kinds") or []:
        kinds[kind] = kinds.get(kind, 0) + 1
    return s.AccountPublic(
        id=row["id"],
        name=row["name"],
        segment=row["segment"],
        arr=_number(row["arr"]),
        renewal_date=as_date(row["renewal_epoch"]),
        owner_id=row["owner_id"],
        risk_score=_number(row["risk_score"]),
        risk_tier=row["risk_tier"],
        risk_tier_label=row["risk_tier_label"],
        analyzed_at=as_date(row["analyzed_at"] - 1) if row["analyzed_at"] is not None else None,
        trend=trend(recent),
        open_signals=sum(kinds.values()),
        open_signals_by_kind=dict(sorted(kinds.items())),
    )


def trend(recent: list[dict[str, Any]]) -> s.TrendPublic:
    """Risk trend over the last snapshots (depth when snapshots carry no risk), oldest first."""
    ordered = sorted(recent, key=lambda r: r["window_end"])
    metric = (
        "risk_score" if any(r.get("risk_score") is not None for r in ordered) else "depth_score"
    )
    values = [float(v) for r in ordered if (v := _number(r.get(metric))) is not None]
    if len(values) < 2:
        return s.TrendPublic(metric=metric, values=values, change=None, direction="unknown")  # type: ignore[arg-type]
    change = values[-1] - values[0]
    if abs(change) < _TREND_TOLERANCE[metric]:
        direction = "flat"
    else:
        # More risk is worse; more relationship depth is better.
        worse = change > 0 if metric == "risk_score" else change < 0
        direction = "worsening" if worse else "improving"
    return s.TrendPublic(metric=metric, values=values, change=change, direction=direction)  # type: ignore[arg-type]


def sorted_rows(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Rows sorted by ``sort`` (``-`` prefix = descending); missing values always last."""
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    column = {"renewal_date": "renewal_epoch", "open_signals": "open_kinds"}.get(name, name)

    def value(row: dict[str, Any]) -> Any:
        v = row.get(column)
        return len(v or []) if column == "open_kinds" else v

    present = sorted(
        (r for r in rows if value(r) is not None), key=lambda r: r["id"]
    )  # id order breaks ties, both ways
    present.sort(key=value, reverse=descending)
    missing = sorted((r for r in rows if value(r) is None), key=lambda r: r["id"])
    return present + missing


def _recent_snapshots(store: GraphStore, account_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    if not account_ids:
        return {}
    rows = store.query("api/account_trends", account_ids=account_ids)
    return {r["account_id"]: r["recent"] for r in rows}


def _timeline(snapshots: list[dict[str, Any]]) -> s.TimelinePublic:
    skip = {"id", "account_id", "window_start", "window_end"}
    names = sorted(
        {
            k
            for snap in snapshots
            for k, v in snap.items()
            if k not in skip and isinstance(v, (int, float)) and not isinstance(v, bool)
        }
    )
    return s.TimelinePublic(
        window_start=[as_datetime(snap["window_start"]) for snap in snapshots],
        window_end=[as_datetime(snap["window_end"]) for snap in snapshots],
        metrics={n: [_number(snap.get(n)) for snap in snapshots] for n in names},
    )


def _risk_factors(raw: Any) -> list[s.RiskFactorPublic]:
    factors = _json(raw)
    if not isinstance(factors, list):
        return []
    return [
        s.RiskFactorPublic(
            factor=str(f.get("factor")),
            value=_number(f.get("value")),
            contribution=_number(f.get("contribution")),
        )
        for f in factors
        if isinstance(f, dict) and f.get("factor") is not None
    ]


def _json(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw  # evidence written as plain text stays text
    return raw


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


# --- one account's network as of a date ------------------------------------------------------


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
                return [_evidence_public(e) for e in t.evidence]
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
        capacity=_capacity(capacity),
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
                    [_number(r["reply_latency_s"]) for _, r in rows], dtype="float64"
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


def _evidence_public(e: TieEvidence) -> s.EvidencePublic:
    return s.EvidencePublic(
        interaction_id=e.interaction_id, kind=e.kind, at=as_datetime(e.at), subject=e.subject
    )


# --- stakeholder map ---------------------------------------------------------------------------

_FLAG_ORDER = ("champion", "bottleneck", "articulation_point", "departed", "silent_executive")


def stakeholder_map(
    store: GraphStore,
    settings: ApiSettings,
    principal: Principal,
    account_id: str,
    as_of: date | None,
) -> s.StakeholderMapPublic:
    """Nodes and edges ready to draw, as of ``as_of`` (default: the last analysis date)."""
    row = account_row(store, settings, principal, account_id)
    day = as_of or default_as_of(store, row)
    return map_public(account_network(store, account_id, day, window_days=settings.tie_window_days))


def map_public(net: AccountNetwork) -> s.StakeholderMapPublic:
    """The drawable map of a network: its members (not the extra people) and their ties."""
    people = {pid: p for pid, p in net.people.items() if pid in net.members}
    flags = map_flags(
        {p.id: MapPerson(p.id, p.is_ours, p.level, p.departed) for p in people.values()},
        net.ties,
        active=net.active,
    )
    return s.StakeholderMapPublic(
        account_id=net.account_id,
        as_of=net.as_of,
        window_start=as_datetime(net.start).date(),
        window_end=as_datetime(net.end).date(),
        nodes=[
            s.MapNodePublic(
                **p.brief().model_dump(),
                organization_id=p.organization_id,
                flags=[f for f in _FLAG_ORDER if f in flags.get(p.id, set())],  # type: ignore[misc]
            )
            for p in sorted(people.values(), key=lambda p: (not p.is_ours, p.id))
        ],
        edges=[
            s.MapEdgePublic(
                source=t.a,
                target=t.b,
                strength=round(t.strength, 4),
                interactions=t.interactions,
                last_at=as_datetime(t.last_at),
                days_since_last=(net.end - t.last_at) // DAY,
                evidence=[_evidence_public(e) for e in t.evidence],
            )
            for t in sorted(net.ties, key=lambda t: (t.a, t.b))
            if t.a in people and t.b in people
        ],
    )


# --- re-mapping suggestions --------------------------------------------------------------------


def remapping_suggestions(
    store: GraphStore,
    settings: ApiSettings,
    principal: Principal,
    account_id: str,
    as_of: date | None,
) -> s.SuggestionsPublic:
    """Senior people of theirs we do not reach (or through one person), each matched."""
    row = account_row(store, settings, principal, account_id)
    day = as_of or default_as_of(store, row)
    net = account_network(
        store,
        account_id,
        day,
        window_days=settings.tie_window_days,
        extra_people=executive_ids(store, day),
    )
    return suggestions_public(net)


def suggestions_public(net: AccountNetwork) -> s.SuggestionsPublic:
    """Re-mapping suggestions over a network that includes our executives."""
    stakeholders = [
        p.person()
        for p in net.people.values()
        if not p.is_ours and not p.departed and p.level in SENIOR_LEVELS
    ]
    colleagues = [
        p.person()
        for p in net.people.values()
        if p.is_ours and not p.departed and p.level is not None
    ]
    names = {p.id: p.name or p.id for p in net.people.values()}
    suggestions = suggest_remapping(net.graph, stakeholders, colleagues, names=names)
    data = [
        s.SuggestionPublic(
            stakeholder=net.people[sug.stakeholder.person_id].brief(),
            reach=sug.reach,  # type: ignore[arg-type]
            reached_through=[net.ref(p) for p in sug.reached_through],
            suggested=net.people[sug.colleague.person_id].brief() if sug.colleague else None,
            score=_score_public(sug.score) if sug.score else None,
            path=_hops(net, sug.path) if sug.path else None,
            path_strength=round(sug.path_strength, 4),
            reason=sug.reason,
        )
        for sug in suggestions
    ]
    return s.SuggestionsPublic(
        account_id=net.account_id, as_of=net.as_of, data=data, count=len(data)
    )


def _hops(net: AccountNetwork, path: tuple[str, ...]) -> list[s.HopPublic]:
    hops = []
    for a, b in itertools.pairwise(path):
        evidence = net.evidence(a, b)
        hops.append(
            s.HopPublic(
                source=net.ref(a),
                target=net.ref(b),
                strength=round(float(net.graph[a][b]["strength"]), 4),
                kind="declared" if net.declared(a, b) else "interaction",
                evidence=evidence,
            )
        )
    return hops


def _score_public(score: MatchScore) -> s.ScorePartsPublic:
    return s.ScorePartsPublic(
        total=round(score.total, 4),
        level_parity=round(score.level_parity, 4),
        function_affinity=round(score.function_affinity, 4),
        tie=round(score.tie, 4),
        capacity=round(score.capacity, 4),
    )


# --- outreach plan -----------------------------------------------------------------------------


def outreach_plan(store: GraphStore, request: s.OutreachPlanRequest) -> s.OutreachPlanPublic:
    """Our executives to at-risk accounts' senior people, as an optimal assignment."""
    day = request.as_of or datetime.now(UTC).date()
    at = epoch_seconds(day) + DAY - 1
    rows = store.query("api/our_executives", levels=sorted(set(request.executive_levels)), at=at)
    unknown = sorted(set(request.capacities) - {r["person_id"] for r in rows})
    if unknown:
        raise InvalidRequestError(
            f"capacities name people who are not our executives on {day}: {unknown}"
        )
    executives = [
        Person(
            r["person_id"],
            r["name"],
            r["title"],
            r["level"],
            r["function"],
            request.capacities.get(r["person_id"], _capacity(r["outreach_capacity"])),
        )
        for r in rows
    ]
    target_rows = store.query(
        "api/at_risk_stakeholders",
        min_tier=request.min_tier,
        levels=sorted(set(request.stakeholder_levels)),
        at=at,
    )
    targets = [
        Target(
            r["account_id"],
            Person(r["person_id"], r["name"], r["title"], r["level"], r["function"]),
            _number(r["risk_score"]) or 0.0,
        )
        for r in target_rows
    ]
    account_names = {r["account_id"]: r["account_name"] for r in target_rows}
    graphs = _stored_tie_graphs(store, sorted(account_names))

    def tie_strength(executive_id: str, target: Target) -> float:
        graph = graphs.get(target.account_id)
        if graph is None:
            return 0.0
        return path_strength(graph, warm_path(graph, executive_id, target.stakeholder.person_id))

    plan = plan_outreach(executives, targets, tie_strength, min_score=request.min_score)
    assigned: dict[str, int] = {}
    for a in plan.assignments:
        assigned[a.executive.person_id] = assigned.get(a.executive.person_id, 0) + 1
    names = {p.person_id: p.name or p.person_id for p in executives}
    names.update({t.stakeholder.person_id: t.stakeholder.name or "" for t in targets})
    return s.OutreachPlanPublic(
        as_of=day,
        total_utility=round(plan.total_utility, 4),
        assignments=[
            s.OutreachAssignmentPublic(
                executive=_brief(a.executive, is_ours=True),
                account_id=a.target.account_id,
                account_name=account_names.get(a.target.account_id),
                stakeholder=_brief(a.target.stakeholder),
                utility=round(a.utility, 4),
                score=_score_public(a.score),
                reason=_plan_reason(a.executive, a.target, a.score),
            )
            for a in plan.assignments
        ],
        uncovered=[
            s.OutreachUncoveredPublic(
                account_id=t.account_id,
                account_name=account_names.get(t.account_id),
                stakeholder=_brief(t.stakeholder),
                reason=why,
            )
            for t, why in plan.uncovered
        ],
        executives=[
            s.OutreachExecutivePublic(
                **_brief(e, is_ours=True).model_dump(),
                capacity=e.capacity,
                assigned=assigned.get(e.person_id, 0),
            )
            for e in executives
        ],
    )


def _capacity(value: Any) -> int:
    """``outreach_capacity`` as stored, within [0, MAX_CAPACITY]; the default when unset."""
    number = _number(value)
    if number is None:
        return DEFAULT_CAPACITY
    return max(0, min(s.MAX_CAPACITY, int(number)))


def _plan_reason(executive: Person, target: Target, score: MatchScore) -> str:
    warmth = (
        f"a warm path of strength {score.tie:.2g} exists"
        if score.tie > 0
        else "there is no warm path yet (cold introduction)"
    )
    return (
        f"{executive.label} for {target.stakeholder.label} at an account with risk "
        f"{target.risk:.2f}: level parity {score.level_parity:.2f}, function affinity "
        f"{score.function_affinity:.2f}, and {warmth}."
    )


def _stored_tie_graphs(store: GraphStore, account_ids: list[str]) -> dict[str, nx.Graph]:
    if not account_ids:
        return {}
    by_account: dict[str, list[tuple[str, str, float]]] = {}
    for r in store.query("api/account_ties", account_ids=account_ids):
        strength = _number(r["strength"])
        if strength is not None:
            by_account.setdefault(r["account_id"], []).append((r["a"], r["b"], strength))
    return {account: tie_graph(ties) for account, ties in by_account.items()}


def _brief(person: Person, *, is_ours: bool = False) -> s.PersonBrief:
    return s.PersonBrief(
        id=person.person_id,
        name=person.name,
        title=person.title,
        level=person.level,
        function=person.function,
        is_ours=is_ours,
    )


# --- departure impact --------------------------------------------------------------------------


def departure_impact(
    store: GraphStore,
    settings: ApiSettings,
    principal: Principal,
    person_id: str,
    *,
    account_id: str | None,
    as_of: date | None,
) -> s.DepartureImpactPublic:
    """What breaks, per account the person is involved in, if they left."""
    rows = store.query("api/person_accounts", person_id=person_id)
    if not rows:
        raise NotFoundError("person", person_id)
    involved = sorted(set(rows[0]["via_interactions"]) | set(rows[0]["via_roles"]))
    if account_id is not None:
        if account_id not in involved:
            raise NotFoundError("account of this person", account_id)
        involved = [account_id]
    impacts = []
    for acc in involved:
        try:
            row = account_row(store, settings, principal, acc)
        except NotFoundError:
            if account_id is not None:
                raise
            continue  # an account manager sees the impact on their own accounts only
        day = as_of or default_as_of(store, row)
        net = account_network(
            store,
            acc,
            day,
            window_days=settings.tie_window_days,
            extra_people=executive_ids(store, day),
        )
        if person_id not in net.people:
            continue  # not part of this account's relationships in the window
        ours = {p.id for p in net.people.values() if p.is_ours}
        theirs = set(net.people) - ours
        impact = compute_departure_impact(net.graph, person_id, ours=ours, theirs=theirs)

        def brief(pid: str, net: AccountNetwork = net) -> s.PersonBrief:
            person = net.people.get(pid)
            return person.brief() if person else s.PersonBrief(id=pid)

        impacts.append(
            s.AccountImpactPublic(
                account_id=acc,
                as_of=day,
                broken_ties=[
                    s.BrokenTiePublic(person=brief(o), strength=round(st, 4))
                    for o, st in impact.broken_ties
                ],
                unreachable=[brief(p) for p in impact.unreachable],
                lost_direct_contact=[brief(p) for p in impact.lost_direct_contact],
                single_threaded=[
                    s.SingleThreadedPublic(stakeholder=brief(a), remaining_contact=brief(b))
                    for a, b in impact.single_threaded
                ],
                bridges=[
                    s.BridgePublic(
                        stakeholder=net.ref(b.stakeholder_id),
                        via=brief(b.via_id),
                        path=[net.ref(p) for p in b.path],
                        strength=round(b.strength, 4),
                        handover=b.handover,
                    )
                    for b in impact.bridges
                ],
            )
        )
    return s.DepartureImpactPublic(
        person=s.PersonRef(id=person_id, name=rows[0]["name"]), accounts=impacts
    )


# --- read-only Cypher --------------------------------------------------------------------------


def read_only_cypher(
    store: GraphStore, settings: ApiSettings, request: s.CypherRequest
) -> s.CypherResultPublic:
    """Run an analyst's statement so that it cannot change anything."""
    result = run_read_only(
        store,
        request.query,
        request.parameters,
        limit=min(request.limit, settings.cypher_max_rows),
        timeout_s=settings.cypher_timeout_s,
    )
    return s.CypherResultPublic(
        columns=result.columns,
        rows=result.rows,
        count=len(result.rows),
        truncated=result.truncated,
    )
