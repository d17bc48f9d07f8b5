"""Re-mapping suggestions: which of our people should reach which of their senior people."""

from __future__ import annotations

import itertools
from datetime import date

from stakegraph.analytics.suggest import SENIOR_LEVELS, suggest_remapping
from stakegraph.api import schemas as s
from stakegraph.api.service.accounts import account_row, default_as_of
from stakegraph.api.service.network import AccountNetwork, account_network, executive_ids
from stakegraph.api.service.serialize import score_public
from stakegraph.api.settings import ApiSettings
from stakegraph.graph.store import GraphStore


def remapping_suggestions(
    store: GraphStore,
    settings: ApiSettings,
    account_id: str,
    as_of: date | None,
) -> s.SuggestionsPublic:
    """Senior people of theirs we do not reach (or through one person), each matched."""
    row = account_row(store, settings, account_id)
    day = as_of or default_as_of(store, row)
    net = account_network(
        store,
        account_id,
        day,
        window_days=settings.tie_window_days,
        extra_people=executive_ids(store, day),
        history_days=settings.warm_history_days,
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
            score=score_public(sug.score) if sug.score else None,
            path=_hops(net, sug.path) if sug.path else None,
            path_strength=round(sug.path_strength, 4),
            hops=[
                s.WarmHopPublic.model_validate(
                    {
                        "from": net.ref(h.source),
                        "to": net.ref(h.target),
                        "kind": h.kind,
                        "strength": round(h.strength, 4),
                        "evidence": dict(h.evidence),
                    }
                )
                for h in sug.hops
            ],
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
                kind="interaction" if net.graph[a][b].get("kind", "tie") == "tie" else "declared",
                evidence=evidence,
            )
        )
    return hops
