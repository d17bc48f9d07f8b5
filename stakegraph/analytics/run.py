"""The one analytics module that talks to the store: pull, compute, write back.

Everything else in :mod:`stakegraph.analytics` is pure. This module reads the frames an
analysis needs (bulk reads return epoch seconds; participants come as lists on each
interaction rather than one row per relationship, and interactions in one row per account,
a list per field, rather than one row or one list each, since the driver's cost is per
record, per list and per value), hands them to the pure functions, and replaces each
account's derived data batch by batch of accounts, so a re-run never duplicates.

The store runs in a process of its own, so :func:`analyze` keeps it busy while this
process computes: the reads run at once on connections of their own (the store executes
one while this process decodes another), the beyond-conversation frames are read while
the metrics are computed, and the snapshots and ties of each batch are written by a
background writer (:class:`BackgroundWriter`) while the signals and risk are computed.
Each batch's signals and risk follow in a second transaction, so an interrupted run leaves
every account as before, with its new snapshots and ties, or fully updated; a failed write
fails the run.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from stakegraph.analytics import kpis
from stakegraph.analytics.data_end import DataEnd, data_end
from stakegraph.analytics.frames import (
    ACCOUNT_COLUMNS,
    COVERAGE_COLUMNS,
    INTERACTION_COLUMNS,
    PEOPLE_COLUMNS,
    RENEWAL_COLUMNS,
    ROLE_COLUMNS,
    PortfolioFrames,
)
from stakegraph.analytics.signals.beyond_tables import (
    ENGAGEMENT_FRAME_COLUMNS,
    TICKET_FRAME_COLUMNS,
    USAGE_FRAME_COLUMNS,
    BeyondFrames,
)
from stakegraph.dates import DAY, WEEK, day_text
from stakegraph.graph.store import GraphStore

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
# Rows to write, by account id.
Rows = dict[str, list[dict[str, Any]]]
# Named statements that run in one transaction.
Statements = list[tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class AnalysisReport:
    accounts: int
    windows: int
    snapshots: int
    signals: int
    ties: int
    seconds: dict[str, float] = field(default_factory=dict)
    # The analysis date, and what the default date left out as misdated (data_end.py).
    as_of: int | None = None
    end: DataEnd | None = None

    def describe(self) -> str:
        timing = ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items())
        day = f" as of {day_text(self.as_of)}" if self.as_of is not None else ""
        return (
            f"analyzed {self.accounts} accounts over {self.windows} windows{day}: "
            f"{self.snapshots} snapshots, {self.signals} signals, {self.ties} ties ({timing})"
        )


def typed_interactions(raw: pd.DataFrame) -> pd.DataFrame:
    """The interactions frame's columns, with their types, from the rows as read."""
    interactions = raw[list(INTERACTION_COLUMNS)].copy()
    interactions["at"] = interactions["at"].astype("int64")
    interactions["reply_latency_s"] = pd.to_numeric(
        interactions["reply_latency_s"], errors="coerce"
    ).astype("float64")
    interactions["participants"] = (
        pd.to_numeric(interactions["participants"], errors="coerce").fillna(0).astype("int64")
    )
    interactions["bulk"] = raw["bulk"].astype("boolean").fillna(False).astype(bool)
    return interactions


def read_frames(
    store: GraphStore, *, since: int, until: int, serial: bool = False
) -> PortfolioFrames:
    """Everything an analysis of interactions in ``[since, until)`` needs, from the store.

    The six reads run at once (see :func:`_concurrently`), or one after another if ``serial``.
    """
    (raw, participations), people, roles, accounts, renewals, coverage = _concurrently(
        lambda: _read_interactions(store, since=since, until=until),
        lambda: _frame(store, "analytics/read_people", PEOPLE_COLUMNS),
        # buying_role is optional in the import: the signals read it when present.
        lambda: _frame(store, "analytics/read_roles", (*ROLE_COLUMNS, "buying_role")),
        lambda: _frame(store, "analytics/read_accounts", ACCOUNT_COLUMNS),
        lambda: _frame(store, "analytics/read_renewals", RENEWAL_COLUMNS),
        lambda: _frame(store, "analytics/read_coverage", COVERAGE_COLUMNS),
        serial=serial,
    )
    interactions = typed_interactions(raw)
    people["is_home"] = people["is_home"].astype(bool)
    roles["start"] = pd.to_numeric(roles["start"]).astype("int64")
    roles["end"] = pd.to_numeric(roles["end"], errors="coerce").astype("float64")
    for column in ("arr", "renewal_date"):
        accounts[column] = pd.to_numeric(accounts[column], errors="coerce").astype("float64")
    renewals["at"] = pd.to_numeric(renewals["at"]).astype("int64")
    coverage["end"] = pd.to_numeric(coverage["end"], errors="coerce").astype("float64")
    coverage["account_id"] = (
        coverage["account_id"].astype(object).where(coverage["account_id"].notna(), None)
    )
    return PortfolioFrames(
        interactions=interactions,
        participations=participations,
        people=people,
        roles=roles,
        accounts=accounts,
        renewals=renewals,
        coverage=coverage,
    )


def read_beyond_frames(store: GraphStore, *, until: int, serial: bool = False) -> BeyondFrames:
    """Usage, ticket categories and engagements before ``until``, from the store (empty
    frames where none were imported); the three reads run at once unless ``serial``."""
    usage, tickets, engagements = _concurrently(
        lambda: _beyond_frame(
            store, "analytics/read_usage", USAGE_FRAME_COLUMNS, until, optional=("tier",)
        ),
        lambda: _beyond_frame(store, "analytics/read_tickets", TICKET_FRAME_COLUMNS, until),
        lambda: _beyond_frame(
            store,
            "analytics/read_engagements",
            ENGAGEMENT_FRAME_COLUMNS,
            until,
            optional=("person_id",),
        ),
        serial=serial,
    )
    usage["value"] = pd.to_numeric(usage["value"], errors="coerce").astype("float64")
    return BeyondFrames(usage=usage, tickets=tickets, engagements=engagements)


def _concurrently(*reads: Callable[[], Any], serial: bool = False) -> list[Any]:
    """Run reads at once, each on a connection of its own, and return their results in order.

    The store executes a query in its own process while this one waits on the socket, so
    one read's execution overlaps another's decoding (the decoding itself still takes
    turns: it holds the interpreter). The first failure is raised.
    """
    if serial:
        return [read() for read in reads]
    with ThreadPoolExecutor(max_workers=len(reads), thread_name_prefix="analyze-read") as pool:
        futures = [pool.submit(read) for read in reads]
        return [future.result() for future in futures]


def _beyond_frame(
    store: GraphStore,
    name: str,
    columns: tuple[str, ...],
    until: int,
    *,
    optional: tuple[str, ...] = (),
) -> pd.DataFrame:
    frame = pd.DataFrame(_read_by_account(store, name, columns[1:], optional=optional, until=until))
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "at" else object) for c in columns})
    frame = frame[list(columns)].copy()
    frame["at"] = pd.to_numeric(frame["at"]).astype("int64")
    return frame


def _read_by_account(
    store: GraphStore,
    name: str,
    fields: tuple[str, ...],
    *,
    optional: tuple[str, ...] = (),
    **params: Any,
) -> dict[str, Any]:
    """Run a query returning one row per account, field by field; return whole columns.

    Each row holds the account's id, then a list per field of ``fields``, in order, the
    k-th entry of each the account's k-th item; a field in ``optional`` holds only the
    values present (``collect()`` skips nulls) and is followed by a list of whether each
    item has one. Returns ``account_id`` and each field, one entry per item of every
    account, an optional field None where an item lacks it (an object array; the others
    are lists). Raises ``ValueError`` when a row's lists disagree in length (a null in a
    field not declared optional).
    """
    # Where each field's list is in a row, and where the list of which items have it.
    layout: list[tuple[str, int, int | None]] = []
    width = 1  # the account's id
    for column in fields:
        layout.append((column, width, width + 1 if column in optional else None))
        width += 2 if column in optional else 1
    columns: dict[str, list[Any]] = {"account_id": [], **{f: [] for f in fields}}
    present: dict[str, list[bool]] = {f: [] for f in optional}
    for row in store.query_values(name, **params):
        if len(row) != width:
            raise ValueError(f"{name}: a row of {len(row)} values, not {width}")
        # The account's items: the first field's list, or whether each has it if optional.
        items = len(row[layout[0][2] or layout[0][1]])
        for column, where, has_where in layout:
            values = row[where]
            if has_where is None:
                complete = len(values) == items
            else:
                has = row[has_where]
                complete = len(has) == items and sum(has) == len(values)
                present[column].extend(has)
            if not complete:
                raise ValueError(f"{name}: {column} of account {row[0]!r} has missing values")
            columns[column].extend(values)
        columns["account_id"].extend([row[0]] * items)
    whole: dict[str, Any] = dict(columns)
    for column, has in present.items():
        values = np.empty(len(columns[column]), dtype=object)
        values[:] = columns[column]
        filled = np.full(len(has), None, dtype=object)
        filled[np.array(has, dtype=bool)] = values
        whole[column] = filled
    return whole


# The fields analytics/read_interactions returns for each account, in order (a list each).
INTERACTION_FIELDS = (
    "interaction_id",
    "kind",
    "at",
    "thread_id",
    "reply_latency_s",
    "participants",
    "person_ids",
    "person_roles",
    "bulk",
)
# The fields an interaction may lack (the read returns whether each one has it).
OPTIONAL_INTERACTION_FIELDS = ("thread_id", "reply_latency_s")


def _read_interactions(
    store: GraphStore, *, since: int, until: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per interaction (``account_id`` and :data:`INTERACTION_FIELDS` but the
    participants' lists), and one per participation (``interaction_id, person_id, role``)."""
    columns = _read_by_account(
        store,
        "analytics/read_interactions",
        INTERACTION_FIELDS,
        optional=OPTIONAL_INTERACTION_FIELDS,
        since=since,
        until=until,
    )
    person_ids, roles = columns.pop("person_ids"), columns.pop("person_roles")
    if not person_ids:
        participations = pd.DataFrame(columns=["interaction_id", "person_id", "role"])
    else:
        lengths = np.fromiter(map(len, person_ids), dtype=np.int64, count=len(person_ids))
        participations = pd.DataFrame(
            {
                "interaction_id": np.repeat(
                    np.array(columns["interaction_id"], dtype=object), lengths
                ),
                "person_id": list(chain.from_iterable(person_ids)),
                "role": list(chain.from_iterable(roles)),
            }
        )
    return pd.DataFrame(columns), participations


def _frame(store: GraphStore, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    frame = store.query_df(name)
    if frame.empty:
        return pd.DataFrame(columns=list(columns))
    return frame[list(columns)].copy()


# --- writing results back ------------------------------------------------------------------


def write_results(
    store: GraphStore,
    *,
    account_ids: Iterable[str],
    snapshots: pd.DataFrame,
    signals: list[dict[str, Any]],
    ties: pd.DataFrame,
    risk: list[dict[str, Any]],
    batch_accounts: int = 100,
    progress: Progress | None = None,
) -> None:
    """Replace the derived data of ``account_ids``: one transaction per batch of accounts."""
    accounts = sorted(set(account_ids))
    activity = ActivityRows.of(snapshots, ties)
    signal_rows = _group_rows(signals)
    risk_rows = _group_rows(risk)
    for done, batch in _batches(accounts, batch_accounts):
        store.write_many(_replace_statements(batch, activity, signal_rows, risk_rows))
        if progress:
            progress("writing results", done, len(accounts))


@dataclass(frozen=True)
class ActivityRows:
    """What the interactions alone decide, by account: snapshots and ties, as written."""

    snapshots: Rows
    ties: Rows
    window_ends: list[int]

    @classmethod
    def of(cls, snapshots: pd.DataFrame, ties: pd.DataFrame) -> ActivityRows:
        return cls(
            snapshots=_group_rows(snapshot_records(snapshots)),
            ties=_group_rows(_records(ties)),
            window_ends=sorted({int(end) for end in snapshots.get("window_end", [])}),
        )


def _replace_statements(
    batch: list[str], activity: ActivityRows, signals: Rows, risk: Rows
) -> Statements:
    """What replaces the derived data of one batch of accounts, in order, in one transaction."""
    return [*activity_statements(batch, activity), *assessment_statements(batch, signals, risk)]


def activity_statements(batch: list[str], activity: ActivityRows) -> Statements:
    """What replaces the snapshots and ties of one batch of accounts, in order."""
    snapshot_rows = _pick(activity.snapshots, batch)
    return [
        # Snapshots keep their ids from run to run, and are replaced in place: only those
        # not written again are deleted (see delete_snapshots.cypher).
        ("analytics/delete_snapshots", {"account_ids": batch, "window_ends": activity.window_ends}),
        ("analytics/delete_unstamped_ties", {"account_ids": batch}),
        ("analytics/delete_ties", {"account_ids": batch}),
        # create_snapshots reads only the keys: the metrics would cross the wire twice.
        (
            "analytics/create_snapshots",
            {"rows": [{"id": r["id"], "account_id": r["account_id"]} for r in snapshot_rows]},
        ),
        ("analytics/update_snapshots", {"rows": snapshot_rows}),
        ("analytics/create_ties", {"rows": _pick(activity.ties, batch)}),
        ("analytics/set_tie_targets", {"rows": _tie_targets(activity.ties, batch)}),
    ]


def assessment_statements(batch: list[str], signals: Rows, risk: Rows) -> Statements:
    """What replaces the signals and risk of one batch of accounts, in order; after its
    :func:`activity_statements` (the risk is also kept on the snapshot it scored)."""
    signal_rows = _pick(signals, batch)
    return [
        # Signals keep their ids, and are replaced in place as snapshots are.
        ("analytics/delete_signals", {"account_ids": batch, "ids": [r["id"] for r in signal_rows]}),
        ("analytics/create_signals", {"rows": signal_rows}),
        ("analytics/set_account_risk", {"rows": _pick(risk, batch)}),
    ]


class BackgroundWriter:
    """Runs write transactions one after another, in the order given, in a thread of its own.

    The store executes them in its own process, so this process computes meanwhile. After
    a transaction fails none of the later ones runs (a batch's signals and risk never land
    on snapshots that did not); the failure is raised by :meth:`check`, by :meth:`wait`,
    and on leaving the ``with`` block, which always waits for the thread.
    """

    def __init__(self, store: GraphStore, *, inline: bool = False) -> None:
        self._store = store
        # inline: each transaction runs in submit(), and the caller waits for it.
        self._inline = inline
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analyze-writer")
        self._pending: list[tuple[Future[None], int]] = []
        self._failed = threading.Event()

    def submit(self, statements: Sequence[tuple[str, dict[str, Any]]], *, accounts: int) -> None:
        """Queue one transaction, which replaces data of ``accounts`` accounts."""
        self.check()
        if self._inline:
            self._store.write_many(statements)
            return
        self._pending.append((self._pool.submit(self._write, statements), accounts))

    def _write(self, statements: Sequence[tuple[str, dict[str, Any]]]) -> None:
        if self._failed.is_set():
            return
        try:
            self._store.write_many(statements)
        except BaseException:
            self._failed.set()
            raise

    def check(self) -> None:
        """Raise the failure of a transaction that has already run, if one failed."""
        for future, _ in self._pending:
            if future.done() and future.exception() is not None:
                future.result()

    def wait(self, progress: Progress | None = None, *, total: int = 0) -> None:
        """Wait for every queued transaction; raise the first failure."""
        done = 0
        for future, accounts in self._pending:
            future.result()
            done += accounts
            if progress:
                progress("writing results", min(done, total), total)
        self._pending.clear()

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is not None:
            self._failed.set()  # the run failed: write nothing more
        self._pool.shutdown(wait=True)
        if error is None:
            self.wait()


def _tie_targets(tie_rows: Rows, batch: list[str]) -> list[dict[str, Any]]:
    """Every account of the batch, with or without ties, and the people its ties point to."""
    return [
        {
            "account_id": account_id,
            "person_ids": sorted({row["person_b"] for row in tie_rows.get(account_id, [])}),
        }
        for account_id in batch
    ]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def snapshot_records(snapshots: pd.DataFrame) -> list[dict[str, Any]]:
    """Snapshot rows as the store wants them: keys, window, and a map of every metric.

    Built column by column (a per-cell Python check took ~6 s on 104,000 snapshots):
    booleans and integers become Python ints, floats stay floats, and a missing or
    non-finite value is null, which removes the property rather than storing it (and
    removes what an earlier run stored: snapshots are updated in place).
    """
    if snapshots.empty:
        return []
    keys = {"account_id", "window_start", "window_end"}
    names = [
        c
        for c in snapshots.columns
        if c not in keys and pd.api.types.is_numeric_dtype(snapshots[c])
    ]
    columns = [_finite_values(snapshots[c]) for c in names]
    account_ids = snapshots["account_id"].astype(str).tolist()
    starts = snapshots["window_start"].astype("int64").tolist()
    ends = snapshots["window_end"].astype("int64").tolist()
    return [
        {
            "id": f"{account_id}@{end}",
            "account_id": account_id,
            "window_start": start,
            "window_end": end,
            "metrics": dict(zip(names, values, strict=True)),
        }
        for account_id, start, end, values in zip(
            account_ids, starts, ends, zip(*columns, strict=True), strict=True
        )
    ]


def _finite_values(column: pd.Series) -> list[float | int | None]:
    """A numeric column as Python numbers; NaN, infinities and missing values as None."""
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_integer_dtype(column):
        if column.isna().any():  # nullable integers
            return [None if pd.isna(v) else int(v) for v in column]
        return list(column.astype("int64").tolist())
    values = column.astype("float64").to_numpy()
    finite = np.isfinite(values)
    listed: list[float | int | None] = list(values.tolist())
    if not finite.all():
        for i in np.flatnonzero(~finite).tolist():
            listed[i] = None
    return listed


def _group_rows(rows: Iterable[dict[str, Any]]) -> Rows:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(str(row["account_id"]), []).append(_plain(row))
    return grouped


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """numpy scalars to Python ones; dict/list evidence to JSON text."""
    plain: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, np.generic):
            value = value.item()
        if key in ("evidence", "risk_factors") and not isinstance(value, str):
            value = json.dumps(value, default=_json_default, sort_keys=True)
        plain[key] = value
    return plain


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _pick(grouped: Rows, batch: list[str]) -> list[dict[str, Any]]:
    return [row for account_id in batch for row in grouped.get(account_id, [])]


def _batches(items: list[str], size: int) -> Iterator[tuple[int, list[str]]]:
    for start in range(0, len(items), size):
        batch = items[start : start + size]
        yield start + len(batch), batch


class Stopwatch:
    """Named wall-clock laps, for the report and the benchmark."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now


def analyze(
    store: GraphStore,
    *,
    as_of: int | None = None,
    window: int = 90 * DAY,
    step: int = WEEK,
    windows: int = 52,
    batch_accounts: int = 100,
    serial: bool = False,
    progress: Progress | None = None,
) -> AnalysisReport:
    """Score every account over ``windows`` trailing windows ending at ``as_of``; write back.

    ``as_of`` defaults to the end of the stored interactions, a few misdated ones left out
    (:func:`default_end`), and then the analysis also reads from their start. History
    before the first window is read too: signals judge change against each account's and
    each person's own past.

    The store works while this process computes (see the module's docstring); ``serial``
    runs one read at a time and makes every write wait for the store, as ``analyze`` did
    before (the benchmark's baseline). Both write the same data.
    """
    from stakegraph.analytics.risk import score_risk
    from stakegraph.analytics.signals import detect_signals
    from stakegraph.analytics.snapshot import snapshot_series
    from stakegraph.analytics.ties import tie_table
    from stakegraph.analytics.windows import prepare_activity
    from stakegraph.graph.gds import gds_network_measures

    watch = Stopwatch()
    end = None
    if as_of is None:
        end = default_end(store)
        if end is None:
            return AnalysisReport(accounts=0, windows=0, snapshots=0, signals=0, ties=0)
        as_of = end.as_of
    since = end.since if end is not None else 0
    frames = read_frames(store, since=since, until=as_of, serial=serial)
    account_ids = sorted(set(frames.accounts["account_id"].astype(str)))
    batches = list(_batches(account_ids, batch_accounts))
    watch.lap("read")
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="analyze-read") as reader,
        BackgroundWriter(store, inline=serial) as writer,
    ):
        # Usage, tickets and engagements are first needed by the signals.
        beyond_read = None if serial else reader.submit(read_beyond_frames, store, until=as_of)
        activity = prepare_activity(frames)
        snapshots = snapshot_series(
            activity,
            as_of=as_of,
            window=window,
            step=step,
            windows=windows,
            large_networks=gds_network_measures(store),
        )
        watch.lap("metrics")
        ties = tie_table(activity, as_of=as_of, window=window)
        tie_rows = ties[list(TIE_COLUMNS)]
        watch.lap("ties")
        activity_rows = ActivityRows.of(snapshots, tie_rows)
        for _, batch in batches:
            writer.submit(activity_statements(batch, activity_rows), accounts=0)
        watch.lap("write")
        beyond = (
            beyond_read.result()
            if beyond_read is not None
            else read_beyond_frames(store, until=as_of, serial=True)
        )
        watch.lap("read")
        signals = [
            s.as_record()
            for s in detect_signals(activity, as_of=as_of, roles=frames.roles, beyond=beyond)
        ]
        watch.lap("signals")
        writer.check()
        risk = score_risk(activity, signals, as_of=as_of, beyond=beyond)
        watch.lap("risk")
        signal_rows, risk_rows = _group_rows(signals), _group_rows(risk)
        for _, batch in batches:
            writer.submit(assessment_statements(batch, signal_rows, risk_rows), accounts=len(batch))
        writer.wait(progress, total=len(account_ids))
        watch.lap("write")
    return AnalysisReport(
        accounts=len(account_ids),
        windows=windows,
        snapshots=len(snapshots),
        signals=len(signals),
        ties=len(tie_rows),
        seconds=watch.laps,
        as_of=as_of,
        end=end,
    )


def default_end(store: GraphStore, *, now: int | None = None) -> DataEnd | None:
    """Where the stored interactions start and end (the default analysis span), robust to
    a few misdated ones (:mod:`~stakegraph.analytics.data_end`); a warning names those
    left out. None when there is no interaction."""
    days = store.query_df("analytics/interaction_days")
    if days.empty:
        return None
    end = data_end(
        np.floor(pd.to_numeric(days["day"])).to_numpy(np.int64),
        days["interactions"].to_numpy(np.int64),
        now=int(time.time()) if now is None else now,
    )
    if end is not None and (end.stray or end.early):
        log.warning("%s", end.describe())
    return end


# The columns of a TIE relationship, as tie_table computes them.
TIE_COLUMNS = (
    "person_a",
    "person_b",
    "account_id",
    "strength",
    "last_at",
    "interactions",
    "reciprocity",
    "channels",
)


def evaluate_against_truth(store: GraphStore, truth: dict[str, Any]) -> dict[str, Any]:
    """Score the stored signals, and an out-of-sample risk backtest, against planted truth.

    Signals are those the last ``analyze`` wrote. The risk score of each account is
    recomputed as of 60 days before its last renewal by a model fitted only on earlier
    renewals (:func:`~stakegraph.analytics.backtest.backtest_risk`): the score ``analyze``
    stores is as of today, after the renewals it would be judged on.
    """
    from stakegraph.analytics.backtest import backtest_risk
    from stakegraph.analytics.evaluate import evaluate

    signals = store.query("analytics/read_signals")
    end = default_end(store)
    until = end.as_of if end is not None else 0
    frames = read_frames(store, since=end.since if end is not None else 0, until=until)
    risk = backtest_risk(frames, signals, beyond=read_beyond_frames(store, until=until))
    return evaluate(signals, risk, truth)


def read_kpi_frames(
    store: GraphStore, *, account_ids: Iterable[str] | None = None
) -> kpis.KpiFrames:
    """What the KPI sheet reads from the store, for these accounts (None: every account).

    The re-mapping suggestions are not stored (the API computes them): the frame of
    suggestions is left empty for the caller to fill.
    """
    wanted = None if account_ids is None else sorted(set(account_ids))

    def frame(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
        result = store.query_df(f"kpis/{name}", account_ids=wanted)
        return pd.DataFrame(columns=list(columns)) if result.empty else result[list(columns)]

    accounts = frame("read_accounts", kpis.ACCOUNT_COLUMNS)
    accounts["risk_score"] = pd.to_numeric(accounts["risk_score"], errors="coerce")
    renewals = frame("read_renewals", kpis.RENEWAL_COLUMNS)
    engagements = frame("read_engagements", kpis.ENGAGEMENT_COLUMNS)
    snapshots = frame("read_snapshots", kpis.SNAPSHOT_COLUMNS)
    for table, column in ((renewals, "at"), (engagements, "at"), (snapshots, "window_end")):
        table[column] = pd.to_numeric(table[column]).astype("int64")
    for column in ("arr_before", "arr_after"):
        renewals[column] = pd.to_numeric(renewals[column], errors="coerce").astype("float64")
    snapshots["depth_score"] = pd.to_numeric(snapshots["depth_score"], errors="coerce")
    return kpis.KpiFrames(
        accounts=accounts, renewals=renewals, engagements=engagements, snapshots=snapshots
    )
