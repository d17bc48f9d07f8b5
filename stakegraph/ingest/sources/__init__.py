"""Ingesting real exports: mailboxes, calendars and CRM exports, through the import pipeline.

Each source is converted into import-format records in a staging import directory,
``STAKEGRAPH_HOME/imports/staging/<content hash>/`` (so people can read exactly what was
extracted, with ``merges.csv`` for identity decisions and ``errors.csv`` for source items
that could not be read), which :func:`~stakegraph.ingest.import_directory` then validates,
resolves and loads like any import (docs/sources.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from stakegraph.config import get_settings, private_home
from stakegraph.graph.store import GraphStore
from stakegraph.ingest.identity import Directory
from stakegraph.ingest.load import get_store_directory
from stakegraph.ingest.pipeline import ProgressCallback, import_directory
from stakegraph.ingest.read import IngestError, find_import_files, fingerprint_files
from stakegraph.ingest.report import EXIT_COMPLETE, EXIT_PARTIAL, ImportReport
from stakegraph.ingest.sources.calendar import CalendarOptions, convert_calendar
from stakegraph.ingest.sources.crm import convert_crm, read_mapping
from stakegraph.ingest.sources.detect import (
    FORMATS,
    Source,
    SourceFormatError,
    detect_file,
    detect_sources,
    survey,
)
from stakegraph.ingest.sources.mail import (
    MailOptions,
    convert_messages,
    read_eml,
    read_maildir,
    read_mbox,
)
from stakegraph.ingest.sources.people import AliasFileError, read_aliases
from stakegraph.ingest.sources.staging import SourceError, Staging, StagingSummary

__all__ = [
    "FORMATS",
    "AliasFileError",
    "SourceError",
    "SourceFormatError",
    "SourceImportReport",
    "SourceOptions",
    "convert_sources",
    "detect_sources",
    "ingest_path",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceOptions:
    """How to read sources (the ``stakegraph ingest`` options).

    Attributes
    ----------
    format
        Force one format (``mbox``, ``maildir``, ``eml``, ``ics``, ``salesforce``,
        ``import``) instead of detecting it from the content.
    home_domains
        Our own domains (added to ``STAKEGRAPH_HOME_DOMAINS``).
    aliases, mapping
        The alias file (forced / forbidden merges) and the CRM column mapping file.
    subjects, hash_subjects
        Keep subjects (off: metadata only), and keep them only as a hash.
    since, until
        The imported range of calendar occurrences (``until`` is never past now).
    """

    format: str | None = None
    home_domains: tuple[str, ...] = ()
    aliases: Path | None = None
    mapping: Path | None = None
    subjects: bool = False
    hash_subjects: bool = False
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class SourceImportReport:
    """A conversion (absent for an import directory) and the import that loaded it."""

    conversion: StagingSummary | None
    imported: ImportReport
    sources: tuple[Source, ...] = field(default=())

    @property
    def errors(self) -> list[SourceError]:
        return self.conversion.errors if self.conversion is not None else []

    @property
    def exit_code(self) -> int:
        """0 when everything loaded; 3 when source items or rows were left out."""
        if self.errors or self.imported.rows_rejected:
            return EXIT_PARTIAL
        return EXIT_COMPLETE

    def describe(self) -> str:
        parts = [] if self.conversion is None else [self.conversion.describe()]
        parts.append(self.imported.describe())
        return "\n".join(parts)


def convert_sources(
    sources: list[Source],
    *,
    staging_root: Path,
    options: SourceOptions | None = None,
    store_directory: Directory | None = None,
    reuse: Callable[[Path], bool] | None = None,
    skipped: Sequence[tuple[str, str]] = (),
) -> StagingSummary:
    """Convert mail, calendar and CRM sources into one staging import directory.

    Parameters
    ----------
    sources
        What to read (:func:`detect_sources`); ``import`` sources are not accepted here.
    staging_root
        Where staging directories go (``STAKEGRAPH_HOME/imports/staging``).
    options
        See :class:`SourceOptions`.
    store_directory
        People and organizations already in the store (addresses keep their person).
    reuse
        Whether an earlier staging directory of the same sources may be used instead
        (see :meth:`Staging.finish`).
    skipped
        Files under the path that are not read, ``(file, reason)``: listed in errors.csv.

    Returns
    -------
    StagingSummary
        The staging directory and what went into it, with every source error.

    Raises
    ------
    AliasFileError, MappingFileError
        When the alias or mapping file cannot be used.
    """
    options = options or SourceOptions()
    home_domains = (*get_settings().home_domains, *options.home_domains)
    aliases = read_aliases(options.aliases) if options.aliases else None
    mapping = read_mapping(options.mapping)
    staging = Staging(
        staging_root,
        store_directory=store_directory,
        home_domains=home_domains,
        aliases=aliases,
        subjects=options.subjects,
    )
    mail = MailOptions(subjects=options.subjects, hash_subjects=options.hash_subjects)
    calendar = CalendarOptions(since=options.since, until=options.until, subjects=options.subjects)
    try:
        for file, reason in skipped:
            staging.skip(file, reason)
        if not home_domains:
            staging.warn(
                "no home domain (--home-domain or STAKEGRAPH_HOME_DOMAINS): every company "
                "domain, ours included, is taken as a customer account"
            )
        # CRM first: its accounts and contacts tell which organization an address is.
        for source in sorted(sources, key=lambda s: s.format != "salesforce"):
            staging.digest(f"\0{source.format}\0{source.path.name}\0".encode())
            if source.format == "import":
                raise SourceFormatError(
                    f"{source.path} is an import directory; it cannot be mixed with other sources",
                    path=source.path,
                )
            if source.format == "mbox":
                convert_messages(read_mbox(source.path), staging, mail)
            elif source.format == "maildir":
                convert_messages(read_maildir(source.path), staging, mail)
            elif source.format == "eml":
                files = (
                    # Recognised by content, whatever their names.
                    sorted(
                        p for p in source.path.rglob("*") if p.is_file() and detect_file(p) == "eml"
                    )
                    if source.path.is_dir()
                    else [source.path]
                )
                convert_messages(read_eml(files, source.path), staging, mail)
            elif source.format == "ics":
                convert_calendar(source.path, staging, calendar)
            elif source.format == "salesforce":
                convert_crm(source.path, staging, mapping)
        return staging.finish(reuse=reuse)
    except BaseException:
        staging.abandon()
        raise


def ingest_path(
    store: GraphStore,
    path: Path,
    *,
    options: SourceOptions | None = None,
    batch_size: int = 5000,
    writers: int = 1,
    progress: ProgressCallback | None = None,
) -> SourceImportReport:
    """Ingest an import directory, mailbox, calendar or CRM export (detected by content).

    Sources other than an import directory are converted into a staging import directory
    under ``STAKEGRAPH_HOME/imports/staging/`` first, then imported from there.

    Raises
    ------
    IngestError
        When the path is in no known format, the alias or mapping file is unusable, or the
        import fails as a whole.
    """
    options = options or SourceOptions()
    sources, skipped = survey(path, format=options.format)
    if [s.format for s in sources] == ["import"]:
        report = import_directory(
            store, path, batch_size=batch_size, writers=writers, progress=progress
        )
        return SourceImportReport(None, report, tuple(sources))
    before = get_store_directory(store)
    summary = convert_sources(
        sources,
        staging_root=staging_root(store),
        options=options,
        store_directory=Directory.build(before.organizations, before.people),
        reuse=lambda directory: _imported(store, directory),
        skipped=[(str(s.path.relative_to(path)), s.reason) for s in skipped],
    )
    log.info("extracted into %s", summary.directory)
    report = import_directory(
        store, summary.directory, batch_size=batch_size, writers=writers, progress=progress
    )
    return SourceImportReport(summary, report, tuple(sources))


def _imported(store: GraphStore, directory: Path) -> bool:
    try:
        run_id, _ = fingerprint_files(list(find_import_files(directory).values()))
    except IngestError:
        return False
    return bool(store.query("sources/find_import_run", id=run_id))


def staging_root(store: GraphStore | None = None) -> Path:
    """``STAKEGRAPH_HOME/imports/staging`` (the embedded store's home when it has one)."""
    lease = getattr(store, "_lease", None)
    home = getattr(lease, "home", None)
    return (
        private_home(Path(home if home is not None else get_settings().home))
        / "imports"
        / "staging"
    )
