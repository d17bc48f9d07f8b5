"""Stakeholder maps: an account's people and ties as of a date, ready to draw."""

from __future__ import annotations

from datetime import date

from stakegraph.analytics.ties_map import MapPerson, map_flags
from stakegraph.api import schemas as s
from stakegraph.api.service.accounts import account_row, default_as_of
from stakegraph.api.service.network import AccountNetwork, account_network
from stakegraph.api.service.serialize import as_datetime, evidence_public
from stakegraph.api.settings import ApiSettings
from stakegraph.dates import DAY
from stakegraph.graph.store import GraphStore

_FLAG_ORDER = ("champion", "bottleneck", "articulation_point", "departed", "silent_executive")


def stakeholder_map(
    store: GraphStore,
    settings: ApiSettings,
    account_id: str,
    as_of: date | None,
) -> s.StakeholderMapPublic:
    """Nodes and edges ready to draw, as of ``as_of`` (default: the last analysis date)."""
    row = account_row(store, settings, account_id)
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
                organization_id=net.shown_organization(p.organization_id),
                flags=[f for f in _FLAG_ORDER if f in flags.get(p.id, set())],  # type: ignore[misc]
            )
            for p in sorted(people.values(), key=lambda p: (not p.is_ours, p.id))
        ],
        reporting_lines=[
            s.ReportingLinePublic(
                report=line.report,
                manager=line.manager,
                since=as_datetime(line.start).date(),
                until=as_datetime(line.end).date() if line.end is not None else None,
            )
            for line in sorted(net.lines, key=lambda line: (line.manager, line.report))
            if line.report in people
            and line.manager in people
            and line.start < net.end
            and (line.end is None or line.end >= net.end)
        ],
        edges=[
            s.MapEdgePublic(
                source=t.a,
                target=t.b,
                strength=round(t.strength, 4),
                interactions=t.interactions,
                last_at=as_datetime(t.last_at),
                days_since_last=(net.end - t.last_at) // DAY,
                evidence=[evidence_public(e) for e in t.evidence],
            )
            for t in sorted(net.ties, key=lambda t: (t.a, t.b))
            if t.a in people and t.b in people
        ],
    )
