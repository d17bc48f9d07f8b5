"""Portfolio outreach plans: our executives to at-risk accounts' senior people."""

from __future__ import annotations

from datetime import UTC, date, datetime

import networkx as nx

from stakegraph.analytics.matching import MatchScore, Person
from stakegraph.analytics.outreach import Target, plan_outreach, warm_path_strength
from stakegraph.analytics.warm_paths import (
    ReportingLine,
    knows_links,
    reporting_links,
    tie_links,
    warm_graph,
)
from stakegraph.api import schemas as s
from stakegraph.api.errors import InvalidRequestError
from stakegraph.api.service.network import number_or_none, stored_capacity
from stakegraph.api.service.serialize import as_datetime, number, person_brief, score_public
from stakegraph.dates import DAY, epoch_seconds
from stakegraph.graph.store import GraphStore


def outreach_plan(store: GraphStore, request: s.OutreachPlanRequest) -> s.OutreachPlanPublic:
    """Our executives to at-risk accounts' senior people, as an optimal assignment."""
    day = request.as_of or _last_analysis_day(store)
    at = epoch_seconds(day) + DAY - 1
    rows = store.query("api/our_executives", levels=sorted(set(request.executive_levels)), at=at)
    unknown = sorted(set(request.capacities) - {r["person_id"] for r in rows})
    if unknown:
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise InvalidRequestError(
            f"capacities name people who are not our executives on {day}: {unknown[:5]}{more}"
        )
    executives = [
        Person(
            r["person_id"],
            r["name"],
            r["title"],
            r["level"],
            r["function"],
            request.capacities.get(r["person_id"], stored_capacity(r["outreach_capacity"])),
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
            number(r["risk_score"]) or 0.0,
        )
        for r in target_rows
    ]
    account_names = {r["account_id"]: r["account_name"] for r in target_rows}
    stakeholders: dict[str, set[str]] = {}
    for t in targets:
        stakeholders.setdefault(t.account_id, set()).add(t.stakeholder.person_id)
    graphs = _stored_tie_graphs(store, stakeholders, [e.person_id for e in executives], at)

    plan = plan_outreach(
        executives, targets, warm_path_strength(graphs), min_score=request.min_score
    )
    assigned: dict[str, int] = {}
    for a in plan.assignments:
        assigned[a.executive.person_id] = assigned.get(a.executive.person_id, 0) + 1
    names = {p.person_id: p.name or p.person_id for p in executives}
    names.update({t.stakeholder.person_id: t.stakeholder.name or "" for t in targets})
    return s.OutreachPlanPublic(
        as_of=day,
        total_utility=round(plan.total_utility, 4),
        warm_introductions=plan.warm_introductions,
        assignments=[
            s.OutreachAssignmentPublic(
                executive=person_brief(a.executive, is_ours=True),
                account_id=a.target.account_id,
                account_name=account_names.get(a.target.account_id),
                stakeholder=person_brief(a.target.stakeholder),
                utility=round(a.utility, 4),
                score=score_public(a.score),
                warm=a.warm,
                reason=_plan_reason(a.executive, a.target, a.score),
            )
            for a in plan.assignments
        ],
        uncovered=[
            s.OutreachUncoveredPublic(
                account_id=t.account_id,
                account_name=account_names.get(t.account_id),
                stakeholder=person_brief(t.stakeholder),
                reason=why,
            )
            for t, why in plan.uncovered
        ],
        executives=[
            s.OutreachExecutivePublic(
                **person_brief(e, is_ours=True).model_dump(),
                capacity=e.capacity,
                assigned=assigned.get(e.person_id, 0),
            )
            for e in executives
        ],
    )


def _last_analysis_day(store: GraphStore) -> date:
    """The day the last analysis ran as of (risk and tiers are as of then), else today."""
    rows = store.query("api/last_analysis")
    analyzed_at = rows[0]["analyzed_at"] if rows else None
    if analyzed_at is None:
        return datetime.now(UTC).date()
    # analyzed_at is the exclusive end of the analysed window: its previous second.
    return as_datetime(analyzed_at - 1).date()


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


def _stored_tie_graphs(
    store: GraphStore, stakeholders: dict[str, set[str]], executive_ids: list[str], at: int
) -> dict[str, nx.Graph]:
    """Each account's warm-path graph for the plan: the last analysis' stored ties, plus the
    reporting lines held at ``at`` and the declared acquaintances among the people of those
    ties, the account's target stakeholders and our executives
    (:mod:`stakegraph.analytics.warm_paths`)."""
    account_ids = sorted(stakeholders)
    if not account_ids:
        return {}
    ties: dict[str, list[tuple[str, str, float, int, int]]] = {}
    for r in store.query("api/account_ties", account_ids=account_ids):
        strength = number(r["strength"])
        if strength is not None:
            ties.setdefault(r["account_id"], []).append(
                (
                    r["a"],
                    r["b"],
                    strength,
                    int(number(r["interactions"]) or 0),
                    int(number(r["last_at"]) or 0),
                )
            )
    people = sorted(
        {p for rows in ties.values() for a, b, *_ in rows for p in (a, b)}
        | set(executive_ids)
        | {p for ids in stakeholders.values() for p in ids}
    )
    lines = [
        ReportingLine(
            str(r["report"]), str(r["manager"]), int(r["start"]), number_or_none(r["end"])
        )
        for r in (store.query("api/reporting_lines_among", person_ids=people) if people else [])
        if r["start"] is not None
    ]
    knows = [
        (r["a"], r["b"], r.get("source"), number_or_none(r["since"]))
        for r in (store.query("api/knows_among", person_ids=people) if people else [])
    ]
    shared = [*reporting_links(lines, at=at), *knows_links(knows)]
    graphs = {}
    for account in account_ids:
        rows = ties.get(account, [])
        members = {p for a, b, *_ in rows for p in (a, b)} | set(executive_ids)
        members |= stakeholders[account]
        graphs[account] = warm_graph(
            [
                *tie_links(rows),
                *(link for link in shared if link.a in members and link.b in members),
            ]
        )
    return graphs
