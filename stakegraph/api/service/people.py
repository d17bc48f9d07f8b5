"""People: what would break, per account, if one of them left."""

from __future__ import annotations

from datetime import date

from stakegraph.analytics.impact import departure_impact as compute_departure_impact
from stakegraph.api import schemas as s
from stakegraph.api.errors import NotFoundError
from stakegraph.api.keys import Principal
from stakegraph.api.service.accounts import account_row, default_as_of
from stakegraph.api.service.network import AccountNetwork, account_network, executive_ids
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore


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
