"""``stakegraph keys``: create, list and revoke API keys (the key ring is
:class:`stakegraph.api.keys.KeyRing`; keys are stored hashed in STAKEGRAPH_HOME/keys.json)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from stakegraph.api.keys import KeyRing, Role
from stakegraph.config import get_settings
from stakegraph.display import without_hidden
from stakegraph.errors import StakegraphError
from stakegraph.graph.store import GraphStore

app = typer.Typer(help="Manage API keys (stored hashed in STAKEGRAPH_HOME/keys.json).")


def _owner_is_unknown(owner: str) -> bool:
    """True when the store is reachable and has no person ``owner``. A store that cannot be
    opened (a server down) does not stop key creation; stderr says the owner was not
    checked."""
    try:
        store = GraphStore.open(get_settings())
    except StakegraphError as exc:
        typer.echo(f"could not check that person {owner!r} exists: {exc}", err=True)
        return False
    try:
        return not store.query("api/person_exists", person_id=owner)
    finally:
        store.close()


def _ring() -> KeyRing:
    from stakegraph.api.settings import get_api_settings

    return KeyRing(get_api_settings().keys_file)


@app.command("create")
def create_key(
    role: Annotated[Role, typer.Option(help="What the key may do.")],
    owner: Annotated[
        str | None,
        typer.Option(help="Person id of the account manager (required for account_manager)."),
    ] = None,
    label: Annotated[str | None, typer.Option(help="A note to recognise the key by.")] = None,
    expires_in_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=3650,
            help="Refuse the key this many days from now, as if revoked (default: never).",
        ),
    ] = None,
) -> None:
    """Create a key; it is printed once, on the last line, and never stored in clear.

    An ``--owner`` the store does not know is refused (a key for nobody sees nothing)."""
    if owner is not None and _owner_is_unknown(owner):
        raise typer.BadParameter(
            f"no person with id {owner!r} in the graph store (the owner is a person id, "
            "as in people.csv and organizations.csv's owner_id)",
            param_hint="--owner",
        )
    try:
        expires_at = (
            None if expires_in_days is None else datetime.now(UTC) + timedelta(days=expires_in_days)
        )
        key = _ring().create(role, owner_id=owner, label=label, expires_at=expires_at)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--owner") from exc
    typer.echo(
        f"created a key with role {role.value}; store it now, it is not shown again:", err=True
    )
    typer.echo(key)


@app.command("list")
def list_keys() -> None:
    """List keys (ids, roles, owners, when created and when they expire, labels; never
    secrets). An expired key says so; `keys revoke` removes it."""
    records = _ring().records()
    if not records:
        typer.echo("no API keys", err=True)
    now = datetime.now(UTC)
    for r in records:
        expiry = "never" if r.expires_at is None else r.expires_at
        if r.expired(now):
            expiry = f"expired {r.expires_at}"
        line = (
            f"{r.key_id}\t{r.role.value}\t{r.owner_id or '-'}\t{r.created_at}\t{expiry}\t"
            f"{r.label or ''}"
        )
        typer.echo(without_hidden(line))


@app.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="The key id shown by `keys list`.")],
) -> None:
    """Revoke a key; a running server stops accepting it at once."""
    if not _ring().revoke(key_id):
        typer.echo(f"no key with id {key_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}", err=True)
