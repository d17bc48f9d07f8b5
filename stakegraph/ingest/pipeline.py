"""``import_directory``: read → validate → resolve identities → load, for one directory.

The small files (organizations, people, roles, renewals, knows, engagements) are read whole and
``MERGE``d. Interactions stream in batches: each batch is validated, deduplicated, checked
against the store for ids it already holds, and the new interactions are created with
their relationships in one transaction. A run killed at any point and re-run therefore
loses nothing and duplicates nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stakegraph.config import private_home
from stakegraph.graph.store import GraphStore, WriteSummary
from stakegraph.ingest.identity import Directory, KnownOrganization, KnownPerson
from stakegraph.ingest.load import (
    StoreDirectory,
    find_copies,
    find_interactions,
    finish_import_run,
    get_store_directory,
    load_coverage,
    load_engagements,
    load_interactions,
    load_knows,
    load_organizations,
    load_people,
    load_people_met_by_address,
    load_renewals,
    load_roles,
    load_usage,
    set_reply_latencies,
    start_import_run,
    usage_id,
)
from stakegraph.ingest.read import (
    ImportFile,
    ImportFileError,
    check_header,
    find_import_files,
    fingerprint_files,
    read_rows,
    unrecognized_files,
)
from stakegraph.ingest.records import (
    ROW_MODELS,
    CoverageRow,
    EngagementRow,
    InteractionRecord,
    KnowsRow,
    OrganizationRow,
    PersonRow,
    RawRow,
    RenewalRow,
    RoleRow,
    RowError,
    columns_of,
)
from stakegraph.ingest.report import (
    FileReport,
    ImportReport,
    Rejects,
    Warnings,
)
from stakegraph.ingest.ticket_rules import TICKET_RULES_FILE, TicketRulesError, read_ticket_rules
from stakegraph.ingest.transform import (
    InteractionDeduplicator,
    Located,
    Transformed,
    transform_coverage,
    transform_engagements,
    transform_interactions,
    transform_knows,
    transform_organizations,
    transform_people,
    transform_renewals,
    transform_roles,
    transform_usage,
)
from stakegraph.vocabulary import FEATURE_METRIC_PREFIX, USAGE_METRICS, USAGE_SIGNAL_METRICS

log = logging.getLogger(__name__)

# --- the pipeline ----------------------------------------------------------------------------


ProgressCallback = Callable[[str, int, int | None], None]
"""``callback(stage, done, total)``: ``total`` is ``None`` when not known in advance."""


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def import_directory(
    store: GraphStore,
    path: Path,
    *,
    batch_size: int = 5000,
    writers: int = 1,
    rejects_dir: Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a directory in the import format (docs/import-format.md) into the store.

    Parameters
    ----------
    store
        The graph store (its schema is ensured first).
    path
        The directory holding the import files (any of them: roles alone enrich people a
        mailbox import created).
    batch_size
        Interactions per transaction.
    writers
        Interaction batches written at once, each in a session and transaction of its own.
        One by default: on ArcadeDB a second writer's batches collide with the first's
        edge appends (measured 0.69x); on Neo4j two measured 1.3-1.5x one under heavy
        load from other processes but 0.4x in whole imports on a less loaded machine
        (docs/evaluation-log.md, 2026-12-06).
    rejects_dir
        Where ``rejects.csv`` goes; default ``STAKEGRAPH_HOME/imports/<run_id>/``.
    progress
        A callback ``(stage, done, total)``.

    Returns
    -------
    ImportReport
        Rows read, loaded and rejected per file, what was created, the rejects file.

    Raises
    ------
    IngestError
        When the directory or a file cannot be read at all, or a batch fails to load
        (exit code 1). Rejected rows do not raise: they are in the report.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if writers < 1:
        raise ValueError("writers must be at least 1")
    started = time.perf_counter()
    files = find_import_files(path)
    run_id, line_counts = fingerprint_files(list(files.values()))
    for item in files.values():
        check_header(item)
    rejects = Rejects((rejects_dir or _default_rejects_dir(store, run_id)) / "rejects.csv")
    run = _Run(store, run_id, rejects, progress or _no_progress, batch_size, writers)
    for name in unrecognized_files(path):
        run.warnings.add(
            "unrecognized files",
            f"{name}: not read (import files are named organizations, people, roles, renewals, "
            "knows, engagements, coverage, interactions or usage, with .csv or .jsonl)",
        )
    try:
        store.ensure_schema()
        run.import_entities(files)
        start_import_run(
            store, run_id=run_id, source=str(path.resolve()), started_epoch=int(time.time())
        )
        run.load_entities()
        run.lap("entities")
        if "interactions" in files:
            run.import_interactions(files["interactions"], line_counts["interactions"])
            run.lap("interactions")
        if "usage" in files:
            run.import_usage(files["usage"])
            run.lap("usage")
    except BaseException:
        rejects.close()
        try:
            finish_import_run(store, run_id=run_id, status="failed", **run.counts())
        except Exception:  # the store may be the reason we failed; keep the first error
            log.debug("could not mark import run %s as failed", run_id, exc_info=True)
        raise
    rejects.close()
    report = run.report(path, seconds=time.perf_counter() - started)
    finish_import_run(store, run_id=run_id, status=report.status, **run.counts())
    # The warnings are in the report (and so on the summary people read): logged once
    # more they would be shown twice.
    for warning in report.warnings:
        log.debug("%s", warning)
    return report


@dataclass
class _Tally:
    read: int = 0
    rejected: int = 0
    duplicates: int = 0


class _Run:
    """The state of one import while it runs."""

    def __init__(
        self,
        store: GraphStore,
        run_id: str,
        rejects: Rejects,
        progress: ProgressCallback,
        batch_size: int,
        writers: int = 1,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.rejects = rejects
        self.progress = progress
        self.batch_size = batch_size
        self.writers = writers
        self._written_lock = threading.Lock()  # the writers' tallies below
        self.tallies: dict[str, _Tally] = {}
        self.file_names: dict[str, str] = {}
        self.warnings = Warnings()
        self.written = WriteSummary()
        self.interactions_created = 0
        self.interactions_present = 0
        self.interaction_copies = 0
        self.interactions_write_seconds = 0.0
        self.organizations: list[OrganizationRow] = []
        self.people: list[PersonRow] = []
        self.roles: list[RoleRow] = []
        self.renewals: list[RenewalRow] = []
        self.knows: list[KnowsRow] = []
        self.engagements: list[EngagementRow] = []
        self.coverage: list[CoverageRow] = []
        self.people_in_store: dict[str, str | None] = {}
        # Organizations and people whose own row was rejected: where, for the rejects
        # that name them (docs/import-format.md, "Validation").
        self.rejected_ids: dict[str, str] = {}
        self.stage_seconds: dict[str, float] = {}
        self._lap_started = time.perf_counter()

    def lap(self, stage: str) -> None:
        """Close the timing of a phase (for the report) and start the next."""
        now = time.perf_counter()
        self.stage_seconds[stage] = now - self._lap_started
        self._lap_started = now

    # --- organizations, people, roles, renewals, knows ----------------------------------------

    def import_entities(self, files: Mapping[str, ImportFile]) -> None:
        before = get_store_directory(self.store)
        self.people_in_store = {p.id: p.organization_id for p in before.people}
        orgs = self._transform(
            files.get("organizations"),
            lambda rows: transform_organizations(
                rows, existing_kinds={o.id: o.kind for o in before.organizations}
            ),
        )
        self.organizations = [r.record for r in orgs]
        directory = _merged_directory(before, self.organizations, [], self.rejected_ids)
        people = self._transform(
            files.get("people"), lambda rows: transform_people(rows, directory=directory)
        )
        self.people = [r.record for r in people]
        directory = _merged_directory(before, self.organizations, self.people, self.rejected_ids)
        for warning in directory.conflicts:
            self.warnings.add("identity conflict", warning)
        self.roles = [
            r.record
            for r in self._transform(
                files.get("roles"), lambda rows: transform_roles(rows, directory=directory)
            )
        ]
        self.renewals = [
            r.record
            for r in self._transform(
                files.get("renewals"), lambda rows: transform_renewals(rows, directory=directory)
            )
        ]
        self.knows = [
            r.record
            for r in self._transform(
                files.get("knows"), lambda rows: transform_knows(rows, directory=directory)
            )
        ]
        self.engagements = [
            r.record
            for r in self._transform(
                files.get("engagements"),
                lambda rows: transform_engagements(rows, directory=directory),
            )
        ]
        self.coverage = [
            r.record
            for r in self._transform(
                files.get("coverage"), lambda rows: transform_coverage(rows, directory=directory)
            )
        ]

    def load_entities(self) -> None:
        for stage, load in (
            (
                "organizations",
                lambda: load_organizations(self.store, self.organizations, run_id=self.run_id),
            ),
            (
                "people",
                lambda: load_people(
                    self.store, self.people, run_id=self.run_id, in_store=self.people_in_store
                ),
            ),
            ("roles", lambda: load_roles(self.store, self.roles, run_id=self.run_id)),
            ("renewals", lambda: load_renewals(self.store, self.renewals, run_id=self.run_id)),
            ("knows", lambda: load_knows(self.store, self.knows, run_id=self.run_id)),
            (
                "engagements",
                lambda: load_engagements(self.store, self.engagements, run_id=self.run_id),
            ),
            ("coverage", lambda: load_coverage(self.store, self.coverage, run_id=self.run_id)),
        ):
            self._written(load())
            self.progress(stage, 1, 1)

    def _transform(
        self,
        item: ImportFile | None,
        transform: Callable[[list[RawRow | RowError]], Transformed[Any]],
    ) -> list[Located[Any]]:
        if item is None:
            return []
        rows = [row for chunk in read_rows(item, chunk_size=self.batch_size) for row in chunk]
        self._check_columns(item, rows)
        result = transform(rows)
        if item.entity in ("organizations", "people"):
            for error in result.errors:
                rejected = error.raw.get("id")
                if isinstance(rejected, str) and rejected.strip():
                    self.rejected_ids.setdefault(
                        rejected.strip(), f"{error.file} line {error.line}"
                    )
        tally = self._tally(item)
        tally.read += len(rows)
        tally.rejected += len(result.errors)
        tally.duplicates += len(rows) - len(result.errors) - len(result.records)
        self.rejects.write(result.errors)
        for warning in result.warnings:
            self.warnings.add(item.name, warning)
        return list(result.records)

    # --- usage --------------------------------------------------------------------------------

    def import_usage(self, item: ImportFile) -> None:
        """Usage rows, chunk by chunk (the file can be large): validated, each account
        known, a repeated measurement (same account, metric, date and person) kept once."""
        now = get_store_directory(self.store)
        directory = Directory.build(now.organizations, now.people, rejected=self.rejected_ids)
        tally = self._tally(item)
        seen: set[str] = set()
        unknown: set[str] = set()
        unread: Counter[str] = Counter()
        for chunk in read_rows(item, chunk_size=self.batch_size):
            unknown |= self._unknown_columns(item, chunk)
            tally.read += len(chunk)
            result = transform_usage(chunk, directory=directory)
            unread.update(
                r.metric
                for r in result.records
                if r.metric not in USAGE_METRICS and not r.metric.startswith(FEATURE_METRIC_PREFIX)
            )
            fresh = []
            for row in result.records:
                key = usage_id(row)
                if key not in seen:
                    seen.add(key)
                    fresh.append(row)
            tally.rejected += len(result.errors)
            tally.duplicates += len(result.records) - len(fresh)
            self.rejects.write(result.errors)
            self._written(
                load_usage(self.store, fresh, run_id=self.run_id, element_ids=now.element_ids)
            )
            self.progress("usage", tally.read, None)
        self._warn_columns(item, unknown)
        if unread:
            names = ", ".join(f"{m} ({n:,})" for m, n in unread.most_common(5))
            more = f" and {len(unread) - 5} more" if len(unread) > 5 else ""
            self.warnings.add(
                f"unread metrics {item.name}",
                f"{item.name}: metric(s) not known by name, kept but read by no signal: "
                f"{names}{more}; the usage signals read {', '.join(USAGE_SIGNAL_METRICS)} "
                "and feature:<name> (docs/import-format.md)",
            )

    # --- interactions -------------------------------------------------------------------------

    def import_interactions(self, item: ImportFile, total_lines: int) -> None:
        try:
            ticket_rules = read_ticket_rules(item.path.parent)
        except TicketRulesError as exc:
            raise ImportFileError(str(exc), path=item.path.parent / TICKET_RULES_FILE) from None
        now = get_store_directory(self.store)
        directory = Directory.build(now.organizations, now.people, rejected=self.rejected_ids)
        element_ids = dict(now.element_ids)
        dedupe = InteractionDeduplicator()
        known_at: dict[str, int] = {}  # every interaction of this import, with its time
        first_copies: dict[str, str] = {}  # copy key -> the id of the copy kept
        deferred: dict[str, tuple[str, int, int]] = {}  # child -> (parent, child at, line)
        unknown_columns: set[str] = set()
        tally = self._tally(item)
        estimated = max(total_lines - (1 if item.format == "csv" else 0), 0)
        ambiguous = 0
        pending: deque[Future[None]] = deque()
        with ThreadPoolExecutor(
            max_workers=self.writers, thread_name_prefix="ingest-writer"
        ) as writer:
            for chunk in read_rows(item, chunk_size=self.batch_size):
                unknown_columns |= self._unknown_columns(item, chunk)
                tally.read += len(chunk)
                result = transform_interactions(
                    chunk, directory=directory, ticket_rules=ticket_rules
                )
                ambiguous += result.ambiguous_accounts
                raws = {r.line: r for r in chunk if isinstance(r, RawRow)}
                unique, duplicate_errors = dedupe(result.records, item.name, raws)
                errors = result.errors + duplicate_errors
                tally.rejected += len(errors)
                tally.duplicates += len(result.records) - len(unique) - len(duplicate_errors)
                self.rejects.write(errors)
                for warning in result.warnings:
                    self.warnings.add(item.name, warning)

                for record in unique:
                    known_at[record.id] = record.at_epoch
                unique = self._without_copies(unique, first_copies)
                parents = {
                    r.in_reply_to for r in unique if r.in_reply_to and r.in_reply_to not in known_at
                }
                in_store = find_interactions(self.store, [*(r.id for r in unique), *parents])
                for parent in parents & in_store.keys():
                    known_at[parent] = in_store[parent]
                new = [r for r in unique if r.id not in in_store]
                self.interactions_present += len(unique) - len(new)

                latencies: dict[str, int] = {}
                for record in unique:
                    if record.in_reply_to is None:
                        continue
                    parent_at = known_at.get(record.in_reply_to)
                    if parent_at is None:
                        deferred[record.id] = (record.in_reply_to, record.at_epoch, record.line)
                    else:
                        latency = self._latency(
                            item, record.id, record.line, record.at_epoch, parent_at
                        )
                        if latency is not None:
                            latencies[record.id] = latency

                # People met by address are known from now on, so the next batches do not
                # create them again. They are created here, before any batch that names them
                # is handed to a writer: batches in flight together may share them.
                directory.add_people(
                    KnownPerson(p.id, p.organization_id, (p.email,))
                    for r in new
                    for p in r.new_people
                )
                self._create_people_met(new, element_ids)
                # Batches are written while the next is read and validated: the store and
                # Python each get a core. At most `writers` batches are in flight; each is
                # one transaction, so a killed run leaves whole batches, which the re-run
                # finds in the store and skips, whatever order they committed in.
                if len(pending) >= self.writers:
                    pending.popleft().result()
                pending.append(writer.submit(self._write_batch, new, latencies, element_ids))
                self.progress("interactions", tally.read, max(estimated, tally.read))
            while pending:
                pending.popleft().result()

        late: dict[str, int] = {}
        outside: list[str] = []
        for child, (parent, child_at, line) in deferred.items():
            parent_at = known_at.get(parent)
            if parent_at is None:
                outside.append(f'line {line}: "{parent}"')
                continue
            latency = self._latency(item, child, line, child_at, parent_at)
            if latency is not None:
                late[child] = latency
        set_reply_latencies(self.store, late)
        if outside:
            # Common and harmless (a mailbox holds replies to mail from before it starts):
            # one line for all of them, not one each.
            replies = "1 reply" if len(outside) == 1 else f"{len(outside)} replies"
            self.warnings.add(
                "unknown in_reply_to",
                f"{item.name}: {replies} to messages not in this import: no latency "
                f"(first: {'; '.join(outside[:3])})",
            )
        if ambiguous:
            self.warnings.add(
                "ambiguous account",
                f"{item.name}: {ambiguous} interaction(s) without account_id involve several "
                "customer accounts; each went to the account with most participants (ties: "
                "the first account id in alphabetical order)",
            )
        self._warn_columns(item, unknown_columns)

    def _without_copies(
        self, records: list[InteractionRecord], first_copies: dict[str, str]
    ) -> list[InteractionRecord]:
        """``records`` but copies of an interaction kept earlier (the same copy key under
        another id, in the store or in this import), counted; ``first_copies`` learns the
        keys. A copy's id stays in the import's ``known_at``: replies to it get a latency."""
        first_copies.update(
            find_copies(
                self.store,
                (r.copy_key for r in records if r.copy_key and r.copy_key not in first_copies),
            )
        )
        kept = []
        for record in records:
            key = record.copy_key
            if key is None or first_copies.setdefault(key, record.id) == record.id:
                kept.append(record)
        self.interaction_copies += len(records) - len(kept)
        return kept

    def _latency(
        self, item: ImportFile, child: str, line: int, at: int, parent_at: int
    ) -> int | None:
        latency = at - parent_at
        if latency < 0:
            self.warnings.add(
                "negative reply latency",
                f'{item.name} line {line}, column "in_reply_to": interaction "{child}" is '
                f"{-latency} s earlier than the one it replies to; no reply latency",
            )
            return None
        return latency

    def _create_people_met(
        self, new: list[InteractionRecord], element_ids: dict[tuple[str, str], str]
    ) -> None:
        people = {
            p.id: p
            for record in new
            for p in record.new_people
            if ("Person", p.id) not in element_ids
        }
        if people:
            created, summary = load_people_met_by_address(
                self.store, list(people.values()), run_id=self.run_id
            )
            self._written(summary)
            for person_id, element_id in created.items():
                element_ids["Person", person_id] = element_id

    def _write_batch(
        self,
        new: list[InteractionRecord],
        latencies: dict[str, int],
        element_ids: dict[tuple[str, str], str],
    ) -> None:
        started = time.perf_counter()
        summary = load_interactions(
            self.store,
            new,
            run_id=self.run_id,
            element_ids=element_ids,
            reply_latencies=latencies,
        )
        seconds = time.perf_counter() - started
        with self._written_lock:
            self.interactions_write_seconds += seconds
            self.interactions_created += len(new)
        self._written(summary)

    # --- bookkeeping ----------------------------------------------------------------------------

    def _tally(self, item: ImportFile) -> _Tally:
        self.file_names[item.entity] = item.name
        return self.tallies.setdefault(item.entity, _Tally())

    def _written(self, summary: WriteSummary) -> None:
        with self._written_lock:
            self.written += summary

    def _check_columns(self, item: ImportFile, rows: list[RawRow | RowError]) -> None:
        self._warn_columns(item, self._unknown_columns(item, rows))

    def _unknown_columns(self, item: ImportFile, rows: Iterable[RawRow | RowError]) -> set[str]:
        keys: set[str] = set()
        for row in rows:
            if isinstance(row, RawRow):
                keys.update(row.values)
        return keys.difference(columns_of(ROW_MODELS[item.entity]))

    def _warn_columns(self, item: ImportFile, unknown: set[str]) -> None:
        if unknown:
            names = ", ".join(f'"{c}"' for c in sorted(unknown))
            self.warnings.add(
                f"unknown columns {item.name}", f"{item.name}: ignoring unknown column(s) {names}"
            )

    def counts(self) -> dict[str, int]:
        read = sum(t.read for t in self.tallies.values())
        rejected = sum(t.rejected for t in self.tallies.values())
        duplicates = sum(t.duplicates for t in self.tallies.values())
        return {
            "finished_epoch": int(time.time()),
            "rows_read": read,
            "rows_loaded": read - rejected - duplicates,
            "rows_rejected": rejected,
            "interactions_created": self.interactions_created,
            "nodes_created": self.written.nodes_created,
            "relationships_created": self.written.relationships_created,
        }

    def report(self, path: Path, *, seconds: float) -> ImportReport:
        files = tuple(
            FileReport(
                file=self.file_names[entity],
                rows_read=t.read,
                rows_loaded=t.read - t.rejected - t.duplicates,
                rows_rejected=t.rejected,
                duplicates=t.duplicates,
            )
            for entity, t in self.tallies.items()
        )
        return ImportReport(
            run_id=self.run_id,
            source=path,
            files=files,
            nodes_created=self.written.nodes_created,
            relationships_created=self.written.relationships_created,
            interactions_created=self.interactions_created,
            interactions_already_present=self.interactions_present,
            interaction_copies=self.interaction_copies,
            rejects_path=self.rejects.path if self.rejects.count else None,
            warnings=self.warnings.final(),
            first_rejects=tuple(self.rejects.first),
            seconds=seconds,
            stage_seconds=dict(self.stage_seconds),
            interactions_write_seconds=self.interactions_write_seconds,
        )


def _merged_directory(
    before: StoreDirectory,
    organizations: list[OrganizationRow],
    people: list[PersonRow],
    rejected: dict[str, str],
) -> Directory:
    """The store's organizations and people, overridden by those of the import (and the
    import's rejected ids)."""
    orgs = {o.id: o for o in before.organizations}
    orgs.update({o.id: KnownOrganization(o.id, o.kind, o.domains) for o in organizations})
    persons = {p.id: p for p in before.people}
    persons.update({p.id: KnownPerson(p.id, p.organization_id, p.emails) for p in people})
    return Directory.build(orgs.values(), persons.values(), rejected=rejected)


def _default_rejects_dir(store: GraphStore, run_id: str) -> Path:
    return private_home(store.home) / "imports" / run_id
