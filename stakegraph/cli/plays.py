"""``stakegraph plays``: list, open, assign and close plays, and their KPIs
(:mod:`stakegraph.playbook`; docs/metrics.md, "Plays")."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Column, Table

from stakegraph import playbook
from stakegraph.analytics.plays import Play
from stakegraph.cli.common import console, failure, open_store, out, parse_day
from stakegraph.errors import PlayLimitError, PlayRequestError, PlayStateError, UnknownIdError
from stakegraph.vocabulary import PLAYS

app = typer.Typer(help="Plays: opened on an account, assigned, closed with an outcome.")
T = TypeVar("T")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@contextmanager
def _explained() -> Iterator[None]:
    """Domain refusals as one clear line and exit 2 (unknown ids, bad or conflicting asks)."""
    try:
        yield
    except (UnknownIdError, PlayRequestError, PlayStateError, PlayLimitError) as exc:
        console.print(failure("error", exc))
        raise typer.Exit(2) from exc


def _with_play(play_id: str, action: Callable[[Any, Play], T]) -> T:
    with open_store() as store, _explained():
        return action(store, playbook.get_play(store, play_id, None))


def _show(play: Play, changed: bool, as_json: bool, verb: str) -> None:
    if as_json:
        out.print_json(json.dumps({**asdict(play), "changed": changed}))
        return
    what = f"{play.id} ({play.kind}) on {play.account_id}"
    out.print(f"{verb} {what}" if changed else f"unchanged: {what}")


@app.command("list")
def list_plays(
    account: Annotated[str | None, typer.Option(help="Only this account's plays.")] = None,
    status: Annotated[str | None, typer.Option(help="open or closed.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Plays per page.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Plays skipped (newest first).")] = 0,
    as_json: AsJson = False,
) -> None:
    """A page of the plays, newest first, with their effect 4, 8 and 12 windows after the
    opening (the next page: --offset plus --limit)."""
    if status not in (None, "open", "closed"):
        raise typer.BadParameter("--status is open or closed")
    scope = [account] if account else None
    with open_store() as store:
        plays = playbook.list_plays(store, scope, status=status, offset=offset, limit=limit)
        total = playbook.count_plays(store, scope, status=status)
        effects = playbook.effects_of(store, plays)
    if as_json:
        rows = [{**asdict(p), "effect": asdict(effects[p.id])} for p in plays]
        page = {"count": total, "limit": limit, "offset": offset}
        out.print_json(json.dumps({"plays": rows, **page}))
        return
    shown = f"{offset + 1}-{offset + len(plays)}" if plays else "none"
    more = f"; next: --offset {offset + limit}" if offset + len(plays) < total else ""
    console.print(f"plays {shown} of {total}{more}")
    # Ids whole (they are what assign and close take); the rest wraps.
    table = Table(
        Column("id", no_wrap=True, min_width=21),
        "account",
        "play",
        "status",
        Column("opened", no_wrap=True),
        "assignee",
        "outcome",
        Column("risk 4w", justify="right", no_wrap=True),
        box=None,
        pad_edge=False,
    )
    for p in plays:
        first = effects[p.id].after[0] if effects[p.id].after else None
        change = first.risk_change if first else None
        table.add_row(
            p.id,
            p.account_name or p.account_id,
            p.kind,
            p.status,
            _day(p.opened_at),
            p.assignee_name or p.assignee_id or "-",
            p.outcome or "-",
            "-" if change is None else f"{change:+.3f}",
        )
    out.print(table)


@app.command("open")
def open_play(
    account: Annotated[str, typer.Argument(help="Account id.")],
    kind: Annotated[
        str | None, typer.Option(help=f"One of {', '.join(PLAYS)} (default: the signal's).")
    ] = None,
    signal: Annotated[str | None, typer.Option(help="The signal the play answers.")] = None,
    assignee: Annotated[str | None, typer.Option(help="A person of our side.")] = None,
    note: Annotated[str | None, typer.Option(help="Why, in a sentence.")] = None,
    request_id: Annotated[
        str | None,
        typer.Option(help="Re-running with the same id opens nothing new (default: per day)."),
    ] = None,
    by: Annotated[str | None, typer.Option(help="Who opens it (a person id).")] = None,
    on: Annotated[str | None, typer.Option(help="YYYY-MM-DD of a play run earlier.")] = None,
    as_json: AsJson = False,
) -> None:
    """Open a play on an account (from a signal: its prescribed play unless --kind)."""
    at = parse_day(on) if on else None
    with open_store() as store, _explained():
        play, created = playbook.open_play(
            store,
            account,
            kind=kind,
            signal_id=signal,
            assignee_id=assignee,
            note=note,
            request_id=request_id,
            by=by,
            at=at,
        )
    _show(play, created, as_json, "opened")


@app.command("assign")
def assign_play(
    play_id: Annotated[str, typer.Argument(help="Play id.")],
    person: Annotated[str, typer.Argument(help="A person of our side.")],
    by: Annotated[str | None, typer.Option(help="Who assigns it.")] = None,
    as_json: AsJson = False,
) -> None:
    """Assign a play to a person of our side."""
    play, changed = _with_play(
        play_id, lambda store, play: playbook.assign_play(store, play, person, by=by)
    )
    _show(play, changed, as_json, f"assigned to {person}:")


@app.command("close")
def close_play(
    play_id: Annotated[str, typer.Argument(help="Play id.")],
    outcome: Annotated[
        str,
        typer.Argument(
            help="milestone_stress_test: committed | evaded | abandoned; "
            "other plays: succeeded | no_effect | abandoned."
        ),
    ],
    note: Annotated[str | None, typer.Option(help="What happened.")] = None,
    by: Annotated[str | None, typer.Option(help="Who closes it.")] = None,
    on: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: now).")] = None,
    as_json: AsJson = False,
) -> None:
    """Close a play with its outcome (a stress-test's names the next step)."""
    at = parse_day(on) if on else None
    play, changed = _with_play(
        play_id,
        lambda store, play: playbook.close_play(store, play, outcome, note=note, by=by, at=at),
    )
    _show(
        play,
        changed,
        as_json,
        f"closed as {outcome}" + (f" -> {play.next_step}" if play.next_step else "") + ":",
    )


@app.command("kpis")
def kpis(
    since: Annotated[str | None, typer.Option(help="Plays opened on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Plays opened before YYYY-MM-DD.")] = None,
    as_json: AsJson = False,
) -> None:
    """Plays opened, outcomes, and their accounts' risk 4, 8 and 12 windows later."""
    with open_store() as store:
        figures = playbook.kpis(
            store,
            None,
            since=parse_day(since) if since else None,
            until=parse_day(until) if until else None,
        )
    if as_json:
        out.print_json(json.dumps(asdict(figures)))
        return
    out.print(f"plays opened: {figures.opened} ({figures.open} open, {figures.closed} closed)")
    for kind, outcomes in figures.outcomes.items():
        out.print(f"  {kind}: " + ", ".join(f"{o} {n}" for o, n in sorted(outcomes.items())))
    table = Table("windows later", "measured", "mean risk change", "risk fell", "tier improved")
    for h in figures.effect:
        table.add_row(
            str(h.windows),
            str(h.measured),
            _fmt(h.mean_risk_change, "+.3f"),
            _fmt(h.risk_fell_share, ".0%"),
            _fmt(h.tier_improved_share, ".0%"),
        )
    out.print(table)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _day(epoch: int) -> str:
    import time

    return time.strftime("%Y-%m-%d", time.gmtime(epoch))
