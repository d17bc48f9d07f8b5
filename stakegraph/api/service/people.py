"""People: what would break, per account, if one of them left."""

from __future__ import annotations

from datetime import date

from stakegraph.analytics.impact import departure_impact as compute_departure_impact
from stakegraph.api import schemas as s
from stakegraph.api.authz import Scope, person_accounts
from stakegraph.api.service.accounts import account_row, default_as_of
from stakegraph.api.service.network import (
    AccountNetwork,
    build_networks,
    executive_ids,
    fetch_window,
)
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore


def departure_impact(
    store: GraphStore,
    settings: ApiSettings,
    scope: Scope,
    person_id: str,
    *,
    account_id: str | None,
    as_of: date | None,
) -> s.DepartureImpactPublic:
    """What breaks, per account of the caller's scope the person is involved in, if they
    left (404 when they are involved in none: see :func:`stakegraph.api.authz.person_accounts`)."""
    person = person_accounts(store, scope, person_id, account_id=account_id)
    days = {
        acc: as_of or default_as_of(store, account_row(store, settings, acc))
        for acc in person.accounts
    }
    executives = {day: executive_ids(store, day) for day in set(days.values())}
    # Built together: windows that share their bounds (all of them, by default) go through
    # one tie computation, whose cost is mostly per call (an account manager is part of
    # dozens of accounts; one call each took seconds).
    networks = build_networks(
        fetch_window(
            store, acc, day, window_days=settings.tie_window_days, extra_people=executives[day]
        )
        for acc, day in days.items()
    )
    impacts = []
    for acc, day in days.items():
        net = networks[acc]
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
        person=s.PersonRef(id=person_id, name=person.name), accounts=impacts
    )
