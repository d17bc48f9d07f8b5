"""Object-level authorization: which accounts, and so which people, a caller may address.

Every account- and person-scoped route decides here, and nowhere else, what its caller
may see (the role matrix in tests/api/test_authz.py enumerates the app's routes to hold
every one to it):

- ``AuthorizedAccount`` — an account id from the path, let through only when the caller
  may see that account (the account list filters on the same owner).
- ``AuthorizedPlay`` — a play id from the path, resolved to the play only when it belongs
  to an account the caller may see (:func:`play_in_scope`).
- ``ScopeDep`` and :func:`person_accounts` — the accounts a person is involved in, cut to
  the caller's scope before anything about the person is read or shown.

Roles: an account manager sees the accounts whose ``owner_id`` is the person their key
belongs to; every other role sees every account (docs/api.md, "Threat model").

For an account manager, an id of another owner's account (or a person outside their
accounts) and an id that does not exist get the same answer — the same status, the same
body — after the same store work, so that not even the response time tells them apart:
the caller's own account set is read first, with a query that does not take the
requested id, and the id is then looked up in that set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path
from starlette.concurrency import run_in_threadpool

from stakegraph import playbook
from stakegraph.analytics.plays import Play
from stakegraph.api.deps import AccountIdPath, PrincipalDep, ReadModelDep, StoreDep
from stakegraph.api.errors import NotFoundError
from stakegraph.api.keys import Principal
from stakegraph.errors import UnknownIdError
from stakegraph.graph.store import GraphStore
from stakegraph.vocabulary import BULK_THRESHOLD


@dataclass(frozen=True)
class Scope:
    """The accounts a caller may see: ``None`` for every account, else these ids."""

    accounts: frozenset[str] | None

    def allows(self, account_id: str) -> bool:
        return self.accounts is None or account_id in self.accounts


EVERY_ACCOUNT = Scope(None)


def scope_of_caller(store: GraphStore, principal: Principal) -> Scope:
    """The caller's scope, read from the store (an account manager's owned accounts)."""
    if principal.sees_all_accounts:
        return EVERY_ACCOUNT
    rows = store.query("api/owned_accounts", owner_id=principal.owner_id)
    return Scope(frozenset(r["id"] for r in rows))


async def get_scope(principal: PrincipalDep, store: StoreDep) -> Scope:
    if principal.sees_all_accounts:
        return EVERY_ACCOUNT
    return await run_in_threadpool(scope_of_caller, store, principal)


async def authorized_account(
    account_id: AccountIdPath, principal: PrincipalDep, model: ReadModelDep, store: StoreDep
) -> str:
    """The path's account id when the caller may see that account; 404 otherwise.

    Whether the account exists is left to the route (its 404 is the same one): a caller who
    sees every account has nothing to be hidden from. For an account manager, the read
    model answers at once for their own accounts; any other id — another owner's, or one
    that does not exist — goes through the same read of their owned accounts.
    """
    if principal.sees_all_accounts:
        return account_id
    entry = model.accounts.get(account_id) if model is not None else None
    if entry is not None and entry.owner_id == principal.owner_id:
        return account_id
    scope = await run_in_threadpool(scope_of_caller, store, principal)
    if not scope.allows(account_id):
        raise NotFoundError("account", account_id)
    return account_id


ScopeDep = Annotated[Scope, Depends(get_scope)]
AuthorizedAccount = Annotated[str, Depends(authorized_account)]


@dataclass(frozen=True)
class PersonInScope:
    """A person the caller may see, and the accounts of the caller's scope they are part of."""

    id: str
    name: str | None
    accounts: list[str]


def person_accounts(
    store: GraphStore, scope: Scope, person_id: str, *, account_id: str | None = None
) -> PersonInScope:
    """The accounts in ``scope`` (only ``account_id`` when given) that the person took part
    in interactions about (broadcasts aside, as on maps) or held a role at.

    A person involved in none of them is 404 "not found", exactly as one who does not
    exist: an account manager cannot learn that a person of another account exists, nor
    (with ``account_id``) whether a person is part of an account that is not theirs.
    """
    if scope.accounts is None:
        rows = store.query(
            "api/person_accounts", person_id=person_id, bulk_threshold=BULK_THRESHOLD
        )
        if not rows:
            raise _person_not_found(person_id, account_id)
        involved = sorted(set(rows[0]["via_interactions"]) | set(rows[0]["via_roles"]))
        name = rows[0]["name"]
    else:
        # Started from the caller's accounts, so the store does the same work whatever
        # the person id names (see person_accounts_among.cypher).
        candidates = sorted(scope.accounts)
        if account_id is not None:
            candidates = [account_id] if account_id in scope.accounts else []
        rows = store.query(
            "api/person_accounts_among",
            person_id=person_id,
            account_ids=candidates,
            bulk_threshold=BULK_THRESHOLD,
        )
        involved = sorted({r["account_id"] for r in rows})
        if not involved:
            raise _person_not_found(person_id, account_id)
        profile = store.query("api/people_profiles", person_ids=[person_id])
        name = profile[0]["name"] if profile else None
    if account_id is not None:
        if account_id not in involved:
            raise _person_not_found(person_id, account_id)
        involved = [account_id]
    return PersonInScope(person_id, name, involved)


def _person_not_found(person_id: str, account_id: str | None) -> NotFoundError:
    if account_id is None:
        return NotFoundError("person", person_id)
    return NotFoundError("person", person_id, where=f"account {account_id!r}")


PlayIdPath = Annotated[str, Path(min_length=1, max_length=200, description="play id")]


def play_in_scope(store: GraphStore, principal: Principal, play_id: str) -> Play:
    """The play when it belongs to an account the caller may see; 404 otherwise.

    For an account manager, their owned accounts are read first (a query without the play
    id), and the play is then looked up among them: a play of another owner's account and a
    play that does not exist run the same queries and get the same 404.
    """
    accounts = None
    if not principal.sees_all_accounts:
        scope = scope_of_caller(store, principal)
        accounts = sorted(scope.accounts or ())
    try:
        return playbook.get_play(store, play_id, accounts)
    except UnknownIdError:
        raise NotFoundError("play", play_id) from None


async def authorized_play(play_id: PlayIdPath, principal: PrincipalDep, store: StoreDep) -> Play:
    return await run_in_threadpool(play_in_scope, store, principal, play_id)


AuthorizedPlay = Annotated[Play, Depends(authorized_play)]
