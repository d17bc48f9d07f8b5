"""``suggestions``: an account's re-mapping suggestions, each with its warm path hop by hop."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from stakegraph.cli.common import console, failure, open_store, out
from stakegraph.dates import parse_date
from stakegraph.errors import StakegraphError


def suggestions(
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    as_of: Annotated[
        str | None,
        typer.Option(help="Roles and ties as of this day (YYYY-MM-DD; default: last analysis)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the API's answer (an object with data).")
    ] = False,
) -> None:
    """Who on our side should reach which of their senior people, and through whom: every
    hop of the warm path with its kind (reports_to, tie, co_attended, knows,
    former_colleague), strength and evidence."""
    try:
        day = parse_date(as_of) if as_of else None
    except ValueError as exc:
        raise typer.BadParameter(f"{as_of!r} is not a date (YYYY-MM-DD)") from exc
    from stakegraph.analytics.suggest import describe_hop
    from stakegraph.analytics.warm_paths import Hop
    from stakegraph.api.service.suggestions import remapping_suggestions
    from stakegraph.api.settings import ApiSettings

    with open_store() as store:
        try:
            answer = remapping_suggestions(store, ApiSettings(), account_id, day)
        except StakegraphError as exc:
            console.print(failure("error", exc))
            raise typer.Exit(1) from exc
    if as_json:
        out.print_json(answer.model_dump_json(by_alias=True))
        return
    warm = sum(1 for d in answer.data if d.hops)
    table = Table(
        "stakeholder",
        "reach",
        "suggested",
        "score",
        "warm path: each hop (kind, strength: evidence)",
        title=f"{account_id} as of {answer.as_of}: {answer.count} suggestion(s), {warm} warm",
    )
    for d in answer.data:
        names = {p.id: p.name or p.id for h in d.hops for p in (h.from_, h.to)}
        hops = "\n".join(
            f"{h.kind} {h.strength:.3g}: "
            + describe_hop(Hop(h.from_.id, h.to.id, h.kind, h.strength, h.evidence), names)
            for h in d.hops
        )
        table.add_row(
            f"{d.stakeholder.name or d.stakeholder.id}\n{d.stakeholder.title or ''}",
            d.reach.replace("_", " "),
            (d.suggested.name or d.suggested.id) if d.suggested else "nobody with capacity",
            f"{d.score.total:.2f}" if d.score else "",
            hops or "cold introduction",
        )
    out.print(table)
