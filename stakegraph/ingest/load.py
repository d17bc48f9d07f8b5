"""Writing typed records to the graph store: batched ``UNWIND`` through named queries.

Organizations, people, roles, renewals and who-knows-whom are ``MERGE``d on their keys
(idempotent, and small). Interactions, usage and engagements are the bulk:
:func:`load_interactions` ``CREATE``s a batch already known to be new, with its account
link and participations, in one transaction that checks it wrote every relationship it
meant to (else it rolls back); usage and engagements are looked up by id a batch at a time,
what is new created and what exists updated in place, in one transaction per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j

from stakegraph.dates import epoch_seconds
from stakegraph.graph.store import GraphStore, WriteSummary
from stakegraph.ingest.identity import KnownOrganization, KnownPerson
from stakegraph.ingest.read import IngestError
from stakegraph.ingest.records import (
    CoverageRow,
    EngagementRow,
    InteractionRecord,
    KnowsRow,
    NewPerson,
    OrganizationRow,
    PersonRow,
    RenewalRow,
    RoleRow,
    UsageRow,
)

T = TypeVar("T")

_MERGE_BATCH = 2000


class LoadError(IngestError):
    """A batch did not write what it should have; its transaction was rolled back."""


@dataclass(frozen=True)
class StoreDirectory:
    """What the store already holds for identity resolution, with element ids."""

    organizations: list[KnownOrganization]
    people: list[KnownPerson]
    element_ids: dict[tuple[str, str], str]  # ("Person" | "Organization", id) -> element id


def get_store_directory(store: GraphStore) -> StoreDirectory:
    """Read every organization and person (id, kind, domains, addresses, element id)."""
    element_ids: dict[tuple[str, str], str] = {}
    organizations = []
    for row in store.query("ingest/get_organizations"):
        organizations.append(
            KnownOrganization(row["id"], row["kind"] or "account", tuple(row["domains"] or ()))
        )
        element_ids["Organization", row["id"]] = row["element_id"]
    people = []
    for row in store.query("ingest/get_people"):
        people.append(KnownPerson(row["id"], row["organization_id"], tuple(row["emails"] or ())))
        element_ids["Person", row["id"]] = row["element_id"]
    return StoreDirectory(organizations, people, element_ids)


def load_organizations(
    store: GraphStore, organizations: Sequence[OrganizationRow], *, run_id: str
) -> WriteSummary:
    """MERGE organizations with their ``:Account`` or ``:Home`` label."""
    accounts = [
        {
            "id": o.id,
            "name": o.name,
            "domains": list(o.domains),
            "segment": o.segment,
            "arr": o.arr,
            "renewal_date": o.renewal_date,
            "renewal_epoch": epoch_seconds(o.renewal_date) if o.renewal_date else None,
            "owner_id": o.owner_id,
        }
        for o in organizations
        if o.kind == "account"
    ]
    homes = [
        {"id": o.id, "name": o.name, "domains": list(o.domains)}
        for o in organizations
        if o.kind == "home"
    ]
    total = _merge(store, "ingest/merge_home_organizations", homes, run_id=run_id)
    return total + _merge(store, "ingest/merge_accounts", accounts, run_id=run_id)


def load_people(
    store: GraphStore,
    people: Sequence[PersonRow],
    *,
    run_id: str,
    in_store: Mapping[str, str | None],
) -> WriteSummary:
    """Write people and their ``MEMBER_OF`` (one organization per person).

    Parameters
    ----------
    in_store
        Organization of each person already in the store: those are ``MERGE``d (and their
        membership moved if it changed), the others ``CREATE``d.
    """
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "emails": list(p.emails),
            "organization_id": p.organization_id,
            "outreach_capacity": p.outreach_capacity,
        }
        for p in people
    ]
    new = [r for r in rows if r["id"] not in in_store]
    known = [r for r in rows if r["id"] in in_store]
    total = WriteSummary()
    for batch in _batches(new, _MERGE_BATCH):
        total += store.write("ingest/create_people", rows=batch, run_id=run_id)
    total += _merge(store, "ingest/merge_people", known, run_id=run_id)
    moved = [
        {"person_id": p.id, "organization_id": p.organization_id}
        for p in people
        if p.id in in_store and in_store[p.id] != p.organization_id
    ]
    for stale in _batches(moved, _MERGE_BATCH):
        total += store.write("ingest/delete_stale_memberships", rows=stale)
    members = [m for m in moved if m["organization_id"] is not None]
    for chunk in _batches(members, _MERGE_BATCH):
        total += store.write("ingest/merge_memberships", rows=chunk)
    return total


def load_roles(store: GraphStore, roles: Sequence[RoleRow], *, run_id: str) -> WriteSummary:
    """MERGE ``HOLDS_ROLE`` relationships, one per (person, organization, start, title), and
    the role's ``REPORTS_TO`` line to the manager it names (dated like the role)."""
    rows = [
        {
            "person_id": r.person_id,
            "organization_id": r.organization_id,
            "role_key": f"{r.start.isoformat()}|{r.title or ''}",
            "title": r.title,
            "level": r.level,
            "function": r.function,
            "buying_role": r.buying_role,
            "start": r.start,
            "end": r.end,
            "start_epoch": epoch_seconds(r.start),
            "end_epoch": epoch_seconds(r.end) if r.end else None,
        }
        for r in roles
    ]
    total = _merge(store, "ingest/merge_roles", rows, run_id=run_id)
    lines = [
        {
            "person_id": r.person_id,
            "organization_id": r.organization_id,
            "role_key": row["role_key"],
            "reports_to": r.reports_to,
            "start": r.start,
            "end": r.end,
            "start_epoch": row["start_epoch"],
            "end_epoch": row["end_epoch"],
        }
        for r, row in zip(roles, rows, strict=True)
    ]
    # A role's reporting line is replaced, not added to: a re-import that names another
    # manager (or none) for the same role removes the old line first.
    for batch in _batches(lines, _MERGE_BATCH):
        total += store.write("ingest/delete_replaced_reporting_lines", rows=batch)
    with_manager = [line for line in lines if line["reports_to"] is not None]
    return total + _merge(store, "ingest/merge_reporting_lines", with_manager, run_id=run_id)


def load_coverage(
    store: GraphStore, coverage: Sequence[CoverageRow], *, run_id: str
) -> WriteSummary:
    """MERGE coverage spans (id ``<source>|<account_id or empty>``) and, for a span of one
    account, ``HAS_COVERAGE``. A re-import of the same source and account replaces its
    dates and kinds."""
    rows = [
        {
            "id": f"{c.source}|{c.account_id or ''}",
            "source": c.source,
            "account_id": c.account_id,
            "kinds": list(c.kinds),
            "start": c.start,
            "start_epoch": epoch_seconds(c.start),
            "end": c.end,
            "end_epoch": epoch_seconds(c.end) if c.end is not None else None,
        }
        for c in coverage
    ]
    return _merge(store, "ingest/merge_coverage", rows, run_id=run_id)


def load_renewals(
    store: GraphStore, renewals: Sequence[RenewalRow], *, run_id: str
) -> WriteSummary:
    """MERGE renewals (id ``<account_id>@<date>``) and ``HAD_RENEWAL``."""
    rows = [
        {
            "id": f"{r.account_id}@{r.date.isoformat()}",
            "account_id": r.account_id,
            "date": r.date,
            "date_epoch": epoch_seconds(r.date),
            "outcome": r.outcome,
            "arr_before": r.arr_before,
            "arr_after": r.arr_after,
            "reason": r.reason,
        }
        for r in renewals
    ]
    return _merge(store, "ingest/merge_renewals", rows, run_id=run_id)


def engagement_id(engagement: EngagementRow) -> str:
    """``<account_id>|<kind>|<date>|<person_id or empty>``: the key an engagement merges on.

    Examples
    --------
    >>> row = EngagementRow.model_validate(
    ...     {"account_id": "acme", "kind": "qbr", "date": "2024-03-01", "status": "attended"}
    ... )
    >>> engagement_id(row)
    'acme|qbr|2024-03-01|'
    """
    return "|".join(
        (
            engagement.account_id,
            engagement.kind,
            engagement.date.isoformat(),
            engagement.person_id or "",
        )
    )


def load_engagements(
    store: GraphStore, engagements: Sequence[EngagementRow], *, run_id: str
) -> WriteSummary:
    """Write engagements (id :func:`engagement_id`) with ``HAD_ENGAGEMENT``: created when
    new, their status and host updated in place when already in the store."""

    def new_row(key: str, e: EngagementRow) -> list[Any]:
        return [
            key,
            e.account_id,
            e.kind,
            e.status,
            e.date,
            epoch_seconds(e.date),
            e.person_id,
            e.our_person_id,
        ]

    def known_row(element_id: str, e: EngagementRow) -> list[Any]:
        return [element_id, e.status, e.our_person_id]

    return _create_or_update(
        store,
        "engagements",
        [(engagement_id(e), e) for e in engagements],
        run_id=run_id,
        new_row=new_row,
        known_row=known_row,
    )


def usage_id(usage: UsageRow) -> str:
    """``<account_id>|<metric>|<date>|<person_id or empty>``: the key of a measurement."""
    return "|".join((usage.account_id, usage.metric, usage.date.isoformat(), usage.person_id or ""))


def load_usage(
    store: GraphStore,
    usage: Sequence[UsageRow],
    *,
    run_id: str,
    element_ids: Mapping[tuple[str, str], str],
) -> WriteSummary:
    """Write usage measurements (id :func:`usage_id`, unique) with ``HAD_USAGE``: created
    when new, their value and tier updated in place when already in the store (a re-run,
    or the same measurement sent again).

    Parameters
    ----------
    element_ids
        Element id of every account, by ``("Organization", id)``.
    """

    def new_row(key: str, u: UsageRow) -> list[Any]:
        return [
            key,
            u.account_id,
            element_ids["Organization", u.account_id],
            u.metric,
            u.date,
            epoch_seconds(u.date),
            u.value,
            u.person_id,
            u.tier,
        ]

    def known_row(element_id: str, u: UsageRow) -> list[Any]:
        return [element_id, u.value, u.tier]

    return _create_or_update(
        store,
        "usage",
        [(usage_id(u), u) for u in usage],
        run_id=run_id,
        new_row=new_row,
        known_row=known_row,
    )


def load_knows(store: GraphStore, pairs: Sequence[KnowsRow], *, run_id: str) -> WriteSummary:
    """MERGE ``KNOWS`` relationships."""
    rows = [
        {
            "person_a": k.person_a,
            "person_b": k.person_b,
            "since": k.since,
            "since_epoch": epoch_seconds(k.since) if k.since else None,
            "source": k.source,
        }
        for k in pairs
    ]
    return _merge(store, "ingest/merge_knows", rows, run_id=run_id)


def load_people_met_by_address(
    store: GraphStore, people: Sequence[NewPerson], *, run_id: str
) -> tuple[dict[str, str], WriteSummary]:
    """MERGE people known only by address; their element ids by person id.

    Runs in its own transaction before the interactions that need them: MERGE makes it
    safe to repeat when an import is killed in between.
    """
    element_ids: dict[str, str] = {}
    total = WriteSummary()
    rows = [{"id": p.id, "email": p.email, "organization_id": p.organization_id} for p in people]
    for batch in _batches(rows, _MERGE_BATCH):

        def work(tx: neo4j.ManagedTransaction, batch: list[dict[str, Any]] = batch) -> Any:
            result = _run(
                store, tx, "ingest/merge_people_met_by_address", rows=batch, run_id=run_id
            )
            found = {r["id"]: r["element_id"] for r in result}
            members = [
                {"person_id": r["id"], "organization_id": r["organization_id"]}
                for r in batch
                if r["organization_id"] is not None
            ]
            counters = [result.consume().counters]
            if members:
                counters.append(
                    _run(store, tx, "ingest/merge_memberships", rows=members).consume().counters
                )
            return found, counters

        found, counters = _execute_write(store, work)
        element_ids.update(found)
        for c in counters:
            total += WriteSummary.of(c)
    return element_ids, total


def find_interactions(store: GraphStore, ids: Iterable[str]) -> dict[str, int]:
    """The ``at_epoch`` of each of these interaction ids already in the store."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    return {
        row["id"]: row["at_epoch"] for row in store.query("ingest/find_interactions", ids=wanted)
    }


def find_copies(store: GraphStore, copy_keys: Iterable[str]) -> dict[str, str]:
    """The id of an interaction already in the store under each of these copy keys."""
    wanted = list(dict.fromkeys(copy_keys))
    if not wanted:
        return {}
    return {
        row["copy_key"]: row["id"] for row in store.query("ingest/find_copies", copy_keys=wanted)
    }


def load_interactions(
    store: GraphStore,
    interactions: Sequence[InteractionRecord],
    *,
    run_id: str,
    element_ids: Mapping[tuple[str, str], str],
    reply_latencies: Mapping[str, int],
) -> WriteSummary:
    """CREATE new interactions with ``ABOUT`` and ``PARTICIPATED``, in ONE transaction.

    Parameters
    ----------
    interactions
        Interactions known not to be in the store yet (unique ids).
    element_ids
        Element id of every account and participant, by ``(label, id)``.
    reply_latencies
        Seconds since the parent, for the replies whose parent is known.

    Raises
    ------
    LoadError
        When the store did not create every node and relationship asked for (the batch
        is rolled back, so nothing of it remains).
    """
    if not interactions:
        return WriteSummary()
    rows, expected_relationships = interaction_rows(
        interactions, element_ids=element_ids, reply_latencies=reply_latencies
    )

    def work(tx: neo4j.ManagedTransaction) -> neo4j.SummaryCounters:
        counters = (
            _run(store, tx, "ingest/create_interactions", rows=rows, run_id=run_id)
            .consume()
            .counters
        )
        if (
            counters.nodes_created != len(rows)
            or counters.relationships_created != expected_relationships
        ):
            # Raising inside the transaction function rolls the whole batch back.
            raise LoadError(
                f"a batch of {len(rows)} interactions created {counters.nodes_created} nodes "
                f"and {counters.relationships_created} relationships instead of {len(rows)} and "
                f"{expected_relationships}; was the store changed during the import?"
            )
        return counters

    return WriteSummary.of(_execute_write(store, work))


def interaction_rows(
    interactions: Sequence[InteractionRecord],
    *,
    element_ids: Mapping[tuple[str, str], str],
    reply_latencies: Mapping[str, int],
) -> tuple[list[list[Any]], int]:
    """The ``$rows`` of ``ingest/create_interactions``, and the relationships they create."""
    rows = []
    expected_relationships = 0
    for i in interactions:
        person_ids = [p.person_id for p in i.participations]
        expected_relationships += 1 + len(person_ids)
        rows.append(
            [
                i.id,
                i.kind,
                i.at_epoch,
                i.subject,
                i.thread_id,
                i.in_reply_to,
                reply_latencies.get(i.id),
                i.account_id,
                element_ids["Organization", i.account_id],
                [element_ids["Person", person_id] for person_id in person_ids],
                person_ids,
                [p.role for p in i.participations],
                i.bulk,
                i.category,
                i.severity,
                i.status,
                i.copy_key,
            ]
        )
    return rows, expected_relationships


def set_reply_latencies(store: GraphStore, latencies: Mapping[str, int]) -> WriteSummary:
    """Set ``reply_latency_s`` on interactions whose parent was found after they were written."""
    total = WriteSummary()
    rows = [[child, latency] for child, latency in latencies.items()]
    for batch in _batches(rows, 10_000):
        total += store.write("ingest/set_reply_latencies", rows=batch)
    return total


def start_import_run(store: GraphStore, *, run_id: str, source: str, started_epoch: int) -> None:
    store.write("ingest/start_import_run", id=run_id, source=source, started_epoch=started_epoch)


def finish_import_run(store: GraphStore, *, run_id: str, status: str, **counts: int) -> None:
    store.write("ingest/finish_import_run", id=run_id, outcome={"status": status, **counts})


# --- helpers ---------------------------------------------------------------------------------


def _merge(
    store: GraphStore, name: str, rows: list[dict[str, Any]], *, run_id: str
) -> WriteSummary:
    total = WriteSummary()
    for batch in _batches(rows, _MERGE_BATCH):
        total += store.write(name, rows=batch, run_id=run_id)
    return total


def _create_or_update(
    store: GraphStore,
    kind: str,
    keyed: Sequence[tuple[str, T]],
    *,
    run_id: str,
    new_row: Callable[[str, T], list[Any]],
    known_row: Callable[[str, T], list[Any]],
) -> WriteSummary:
    """Write records with unique ids and one account link each, a batch per transaction:
    ``ingest/find_<kind>`` looks the batch's ids up, ``ingest/create_<kind>`` creates the
    new ones (``new_row(id, record)``) with their link, ``ingest/update_<kind>`` sets the
    others (``known_row(element id, record)``).

    A ``MERGE`` per row took a lock and, on ArcadeDB, walked the account's links for each
    row (an account holds thousands): 5x slower there on an empty store, 30x on a re-run.
    A killed import leaves whole batches, which the re-run finds and updates.

    Raises
    ------
    LoadError
        When a batch did not create every node and link it meant to (it is rolled back).
    """
    total = WriteSummary()
    for batch in _batches(list(keyed), _MERGE_BATCH):

        def work(
            tx: neo4j.ManagedTransaction, batch: list[tuple[str, T]] = batch
        ) -> list[neo4j.SummaryCounters]:
            found = _run(store, tx, f"ingest/find_{kind}", ids=[key for key, _ in batch])
            present = {row["id"]: row["element_id"] for row in found}
            new = [new_row(key, item) for key, item in batch if key not in present]
            known = [known_row(present[key], item) for key, item in batch if key in present]
            created = _run(store, tx, f"ingest/create_{kind}", rows=new, run_id=run_id)
            counters = created.consume().counters
            if counters.nodes_created != len(new) or counters.relationships_created != len(new):
                raise LoadError(
                    f"a batch of {len(new)} new {kind} created {counters.nodes_created} nodes "
                    f"and {counters.relationships_created} relationships instead of "
                    f"{len(new)} each; was the store changed during the import?"
                )
            updated = _run(store, tx, f"ingest/update_{kind}", rows=known, run_id=run_id)
            return [counters, updated.consume().counters]

        for counters in _execute_write(store, work):
            total += WriteSummary.of(counters)
    return total


def _run(store: GraphStore, tx: neo4j.ManagedTransaction, name: str, **params: Any) -> neo4j.Result:
    query = store.queries[name]
    query.check(params)
    return tx.run(query.text, params)


def _execute_write(store: GraphStore, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
    with store.driver.session(database=store.database) as session:
        return session.execute_write(work)


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
