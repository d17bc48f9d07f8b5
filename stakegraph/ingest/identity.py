"""Identity resolution: which person an address is, which account an interaction is about.

Pure: a :class:`Directory` is built from what the store already holds plus the
organizations and people of the import, and answers questions about it. Nothing here
talks to the store.

Rules (documented for users in ``docs/import-format.md``):

* an address listed in a person's ``emails`` is that person (case-insensitive);
* an unknown address becomes a new person whose id is the lower-cased address, member of
  the organization owning the address's domain (``eu.acme.com`` is owned by the owner of
  ``acme.com`` unless some organization claims ``eu.acme.com`` itself), or of no
  organization when none owns it;
* an interaction without ``account_id`` is about the single customer account among its
  participants' organizations; with several, the one with most participants; a tie goes
  to the lexicographically first account id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from stakegraph.ingest.records import NewPerson, is_email_address


@dataclass(frozen=True, slots=True)
class KnownOrganization:
    id: str
    kind: str  # home or account
    domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KnownPerson:
    id: str
    organization_id: str | None
    emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolved:
    """A participant resolved: an existing person, or a new one met by address."""

    person_id: str
    new_person: NewPerson | None = None


class UnknownParticipant(ValueError):
    """A participant token that is neither a known person id nor an email address."""


@dataclass
class Directory:
    """People, their addresses and organizations, with their domains.

    Built once per import; :meth:`add_people` registers people created along the way so
    later batches see them as known.
    """

    organizations: dict[str, KnownOrganization] = field(default_factory=dict)
    people: dict[str, KnownPerson] = field(default_factory=dict)
    by_email: dict[str, str] = field(default_factory=dict)
    by_domain: dict[str, str] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    #: Ids of organizations and people whose own row of this import was rejected, with
    #: where ("people.csv line 7"): a reject naming one of them says so.
    rejected: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        organizations: Iterable[KnownOrganization],
        people: Iterable[KnownPerson],
        *,
        rejected: dict[str, str] | None = None,
    ) -> Directory:
        """A directory of these organizations and people (and the ids whose own row was
        rejected, :attr:`rejected`: the import's record, shared, not copied).

        The first claim wins when two organizations claim a domain or two people claim an
        address; each such conflict is described in :attr:`conflicts`.
        """
        directory = cls(rejected={} if rejected is None else rejected)
        for org in organizations:
            directory.organizations[org.id] = org
            for domain in org.domains:
                owner = directory.by_domain.setdefault(domain.lower(), org.id)
                if owner != org.id:
                    directory.conflicts.append(
                        f'domain "{domain}" is claimed by organizations "{owner}" and '
                        f'"{org.id}"; "{owner}" keeps it'
                    )
        directory.add_people(people)
        return directory

    def add_people(self, people: Iterable[KnownPerson]) -> None:
        for person in people:
            self.people[person.id] = person
            for email in person.emails:
                owner = self.by_email.setdefault(email.lower(), person.id)
                if owner != person.id:
                    self.conflicts.append(
                        f'address "{email}" is listed for people "{owner}" and "{person.id}"; '
                        f'it resolves to "{owner}"'
                    )

    # --- questions ---------------------------------------------------------------------------

    def domain_owner(self, domain: str) -> str | None:
        """The organization owning ``domain`` or its closest parent domain."""
        labels = domain.lower().split(".")
        for start in range(len(labels) - 1):
            owner = self.by_domain.get(".".join(labels[start:]))
            if owner is not None:
                return owner
        return None

    def organization_of_address(self, address: str) -> str | None:
        return self.domain_owner(address.rpartition("@")[2])

    def resolve(self, token: str) -> Resolved:
        """The person behind a ``from``/``to``/``cc`` token (a person id or an address).

        Raises
        ------
        UnknownParticipant
            When ``token`` is neither a known person id nor an email address.
        """
        if token in self.people:
            return Resolved(token)
        if not is_email_address(token):
            raise UnknownParticipant(token)
        address = token.lower()
        known = self.by_email.get(address)
        if known is not None:
            return Resolved(known)
        if address in self.people:  # met before as an address, created with that id
            return Resolved(address)
        return Resolved(address, NewPerson(address, address, self.organization_of_address(address)))

    def organization_of(self, person_id: str, new_person: NewPerson | None = None) -> str | None:
        if new_person is not None:
            return new_person.organization_id
        person = self.people.get(person_id)
        return person.organization_id if person else None

    def is_account(self, organization_id: str) -> bool:
        org = self.organizations.get(organization_id)
        return org is not None and org.kind == "account"


def resolve_account(
    participant_organizations: Iterable[str | None], directory: Directory
) -> tuple[str | None, bool]:
    """The customer account an interaction is about, from its participants' organizations.

    Parameters
    ----------
    participant_organizations
        The organization of each distinct participant (``None`` when unknown).
    directory
        Tells which organizations are customer accounts.

    Returns
    -------
    tuple
        ``(account_id, ambiguous)``: the account with most participants (ties: the
        lexicographically first id) or ``None`` when no participant belongs to a customer
        account; ``ambiguous`` is true when several accounts were involved.

    Examples
    --------
    >>> d = Directory.build([KnownOrganization("b", "account"), KnownOrganization("a", "account"),
    ...                      KnownOrganization("us", "home")], [])
    >>> resolve_account(["us", "b", "a"], d)
    ('a', True)
    >>> resolve_account(["us", "b", "b", "a"], d)
    ('b', True)
    """
    counts = Counter(
        org for org in participant_organizations if org is not None and directory.is_account(org)
    )
    if not counts:
        return None, False
    best = min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
    return best, len(counts) > 1
