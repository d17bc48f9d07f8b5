"""Who is who in real exports: addresses and display names into people and organizations.

Pure: a :class:`PeopleResolver` is fed every ``(address, display name)`` a source mentions
and, at the end, :meth:`PeopleResolver.resolve` groups the addresses into people. Every
merge is recorded (:class:`MergeDecision`) with its rule and confidence, so a person can
check why two addresses became one person, and an alias file (:func:`read_aliases`) can
force or forbid a merge.

Rules, strongest first (documented for users in ``docs/sources.md``):

1. the alias file: ``email,person_key`` puts the address in that person; addresses with the
   same key are one person. ``email,!other_email`` forbids the two ever being one;
2. addresses that the store already lists for one person stay that person;
3. ``first+tag@d`` is ``first@d`` when that address is seen too (sub-addressing);
4. at one company domain, the same full name is the same person: a display name
   (``"Smith, John"`` and ``"John Smith"`` are one name) or an address shaped
   ``first.last`` / ``first_last`` / ``first-last``;
5. at one company domain, an address shaped from initials (``j.smith``, ``jsmith``,
   ``johns``, ``smith.j``) is the one full-name person it fits; when several fit, nothing is
   merged (recorded as ambiguous).

Nothing is merged across domains (two John Smiths at two companies are two people) and
names never merge addresses at personal-mail domains (``gmail.com``, ...), whose local parts
say nothing about an employer; only the alias file can.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from stakegraph.ingest.read import IngestError
from stakegraph.ingest.records import entity_id_from, is_email_address

#: Mail providers whose domain says nothing about an employer (documented in docs/sources.md).
PERSONAL_DOMAINS: Final = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "ymail.com",
        "rocketmail.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
        "tutanota.com",
        "tuta.io",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "web.de",
        "mail.com",
        "zoho.com",
        "yandex.com",
        "yandex.ru",
        "mail.ru",
        "fastmail.com",
        "hey.com",
        "qq.com",
        "163.com",
        "126.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "btinternet.com",
        "comcast.net",
        "verizon.net",
        "att.net",
    }
)

# Second-level labels under which registrations happen one level deeper (acme.co.uk).
_SECOND_LEVEL: Final = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"})
_HONORIFICS: Final = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "jr", "sr", "ii", "iii", "iv", "phd", "md"}
)
_SEPARATORS = re.compile(r"[._-]")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>")


class AliasFileError(IngestError):
    """The alias file cannot be read, or one of its lines is not ``email,key``."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(f"{path.name}: {message}")
        self.path = path


# --- domains ------------------------------------------------------------------------------


def organization_domain(domain: str) -> str:
    """The registrable domain a (sub)domain belongs to: ``eu.acme.com`` → ``acme.com``.

    Examples
    --------
    >>> organization_domain("mail.eu.Acme.com")
    'acme.com'
    >>> organization_domain("sales.acme.co.uk")
    'acme.co.uk'
    """
    labels = domain.lower().strip(".").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def is_personal_domain(domain: str) -> bool:
    """True for personal-mail providers (and their subdomains)."""
    domain = domain.lower()
    return domain in PERSONAL_DOMAINS or organization_domain(domain) in PERSONAL_DOMAINS


def organization_name(domain: str) -> str:
    """A readable company name from its domain: ``acme-corp.co.uk`` → ``Acme Corp``.

    Examples
    --------
    >>> organization_name("acme-corp.co.uk")
    'Acme Corp'
    """
    base = organization_domain(domain).split(".")[0]
    return " ".join(part.capitalize() for part in re.split(r"[-_]", base) if part) or domain


# --- names --------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case ASCII letters only: ``"Zoë O'Neil"`` → ``"zoeoneil"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if "a" <= c <= "z")


def parse_display_name(name: str | None) -> tuple[str, str] | None:
    """``(first, last)`` of a display name, folded; ``None`` when it is not a full name.

    ``"Smith, John"`` and ``"John Q. Smith"`` both give ``("john", "smith")``; a first name
    of one letter (``"J. Smith"``) is kept as an initial.

    Examples
    --------
    >>> parse_display_name('"Smith, John (Acme)"')
    ('john', 'smith')
    >>> parse_display_name("Dr. Zoë van der Berg") is not None
    True
    >>> parse_display_name("support@acme.com") is None
    True
    """
    if not name or "@" in name:
        return None
    text = _BRACKETED.sub(" ", name).replace('"', " ").replace("'", "")
    if "," in text:
        last_part, _, first_part = text.partition(",")
        first_tokens = _name_tokens(first_part)
        last_tokens = _name_tokens(last_part)
        if not first_tokens or not last_tokens:
            return None
        return first_tokens[0], "".join(last_tokens)
    tokens = _name_tokens(text)
    if len(tokens) < 2:
        return None
    return tokens[0], tokens[-1]


def _name_tokens(text: str) -> list[str]:
    tokens = [fold(t) for t in text.split()]
    return [t for t in tokens if t and t not in _HONORIFICS]


def parse_local_part(local: str) -> tuple[str, str] | None:
    """``(first, last)`` from an address shaped ``first.last`` (or ``_``/``-``); else ``None``.

    Either part may be an initial (``j.smith`` → ``("j", "smith")``).
    """
    parts = [fold(p) for p in _SEPARATORS.split(base_local_part(local))]
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def base_local_part(local: str) -> str:
    """The local part without a ``+tag`` (sub-addressing), lower-cased."""
    return local.lower().partition("+")[0]


def _variants(first: str, last: str) -> dict[str, tuple[str, float]]:
    """Local parts that plausibly spell this name, with the rule and its confidence."""
    f, lt = first[0], last[0]
    return {
        f"{first}{last}": ("first and last name run together", 0.8),
        f"{f}{last}": ("initial and last name", 0.7),
        f"{f}.{last}": ("initial and last name", 0.75),
        f"{f}_{last}": ("initial and last name", 0.75),
        f"{f}-{last}": ("initial and last name", 0.75),
        f"{first}{lt}": ("first name and initial", 0.6),
        f"{first}.{lt}": ("first name and initial", 0.65),
        f"{last}.{first}": ("last name first", 0.8),
        f"{last}{f}": ("last name and initial", 0.6),
        f"{last}.{f}": ("last name and initial", 0.65),
    }


# --- aliases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasRules:
    """What an alias file says: forced person keys and forbidden pairs of addresses."""

    forced: Mapping[str, str] = field(default_factory=dict)
    forbidden: frozenset[frozenset[str]] = frozenset()


def read_aliases(path: Path) -> AliasRules:
    """Read ``email,person_key`` (force) and ``email,!other_email`` (forbid) lines.

    A header line ``email,...`` and blank lines or ``#`` comments are skipped.

    Raises
    ------
    AliasFileError
        When the file cannot be read or a line is not one of the two forms.
    """
    forced: dict[str, str] = {}
    forbidden: set[frozenset[str]] = set()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, fields in enumerate(csv.reader(handle), start=1):
                cells = [f.strip() for f in fields]
                if not cells or not any(cells) or cells[0].startswith("#"):
                    continue
                if number == 1 and cells[0].lower() == "email":
                    continue
                if len(cells) != 2 or not is_email_address(cells[0]) or not cells[1]:
                    raise AliasFileError(
                        f"line {number}: expected email,person_key or email,!other_email",
                        path=path,
                    )
                address, target = cells[0].lower(), cells[1]
                if target.startswith("!"):
                    other = target[1:].strip().lower()
                    if not is_email_address(other):
                        raise AliasFileError(
                            f'line {number}: "{target[1:]}" is not an email address', path=path
                        )
                    forbidden.add(frozenset({address, other}))
                else:
                    forced[address] = target
    except (OSError, UnicodeDecodeError) as exc:
        raise AliasFileError(f"cannot be read: {exc}", path=path) from exc
    return AliasRules(forced, frozenset(forbidden))


# --- resolution ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MergeDecision:
    """One audit row: ``address`` was (or was not) made the same person as ``matched``."""

    person_id: str
    address: str
    matched: str
    rule: str
    confidence: float
    decision: str  # merged, refused (forbidden / two existing people), ambiguous


@dataclass(frozen=True, slots=True)
class ResolvedPerson:
    """One person: their id, name, addresses and how sure the grouping is."""

    id: str
    name: str | None
    emails: tuple[str, ...]
    confidence: float
    existing: bool  # already in the store under this id


@dataclass(frozen=True)
class Resolution:
    """The outcome of :meth:`PeopleResolver.resolve`."""

    people: tuple[ResolvedPerson, ...]
    person_of: Mapping[str, str]  # address -> person id
    decisions: tuple[MergeDecision, ...]


class PeopleResolver:
    """Collects addresses and display names, then groups them into people.

    Parameters
    ----------
    aliases
        Forced and forbidden merges from an alias file.
    known
        Address → person id of people already in the store: those addresses keep their
        person, and a new address matching them joins that person.
    """

    def __init__(
        self, *, aliases: AliasRules | None = None, known: Mapping[str, str] | None = None
    ) -> None:
        self._aliases = aliases or AliasRules()
        self._known = {a.lower(): p for a, p in (known or {}).items()}
        self._names: dict[str, Counter[str]] = defaultdict(Counter)
        self._seen: Counter[str] = Counter()
        self._preferred_names: dict[str, str] = {}

    def observe(self, address: str, display_name: str | None = None) -> None:
        """Note one mention of ``address`` (lower-cased), with the name shown next to it."""
        address = address.lower()
        self._seen[address] += 1
        if display_name:
            name = " ".join(display_name.replace('"', " ").split())
            if name and "@" not in name:
                self._names[address][name] += 1

    def name(self, address: str, name: str) -> None:
        """Set the authoritative name of an address (a CRM contact), over display names."""
        self._seen[address.lower()] += 1
        self._preferred_names[address.lower()] = name

    def addresses(self) -> Iterable[str]:
        return self._seen.keys()

    def resolve(self) -> Resolution:
        """Group every observed address into people (see the module docstring for rules)."""
        for address in self._aliases.forced:
            self._seen[address] += 0
        groups = _Groups(self._seen.keys(), self._aliases.forbidden)
        anchors = self._anchor_of_existing(groups)
        self._merge_forced(groups, anchors)
        self._merge_plus_addresses(groups)
        by_domain: dict[str, list[str]] = defaultdict(list)
        for address in sorted(self._seen):
            domain = address.rpartition("@")[2]
            if not is_personal_domain(domain):
                by_domain[organization_domain(domain)].append(address)
        for addresses in by_domain.values():
            self._merge_by_name(groups, addresses)
        return self._result(groups)

    # --- the rules --------------------------------------------------------------------------

    def _anchor_of_existing(self, groups: _Groups) -> dict[str, str]:
        by_person: dict[str, list[str]] = defaultdict(list)
        for address in sorted(self._seen):
            person = self._known.get(address)
            if person is not None:
                by_person[person].append(address)
                groups.fixed_id(address, person)
        for addresses in by_person.values():
            for other in addresses[1:]:
                groups.union(addresses[0], other, "already one person in the store", 1.0)
        return {person: addresses[0] for person, addresses in by_person.items()}

    def _merge_forced(self, groups: _Groups, anchors: dict[str, str]) -> None:
        for address, key in sorted(self._aliases.forced.items()):
            anchor = anchors.setdefault(key, address)
            groups.fixed_id(address, key)
            if anchor != address:
                groups.union(anchor, address, "alias file", 1.0)

    def _merge_plus_addresses(self, groups: _Groups) -> None:
        for address in sorted(self._seen):
            local, _, domain = address.rpartition("@")
            if "+" in local:
                base = f"{base_local_part(local)}@{domain}"
                if base in self._seen:
                    groups.union(base, address, "sub-address (+tag)", 0.95)

    def _merge_by_name(self, groups: _Groups, addresses: list[str]) -> None:
        full: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        initials: list[tuple[str, tuple[str, str] | None]] = []
        for address in addresses:
            local = address.rpartition("@")[0]
            name = self._full_name(address)
            if name is not None and len(name[0]) > 1:
                full[name].append((address, "display name"))
                continue
            from_address = parse_local_part(local)
            if from_address is not None and min(map(len, from_address)) > 1:
                full[from_address].append((address, "address"))
            else:
                initials.append((address, name))
        for (first, last), members in full.items():
            anchor, anchor_source = members[0]
            for address, source in members[1:]:
                if anchor_source == source == "display name":
                    rule, confidence = f"same display name ({first} {last})", 0.9
                elif anchor_source == source:
                    rule, confidence = f"same name in the address ({first} {last})", 0.85
                else:
                    rule, confidence = f"display name matches the address ({first} {last})", 0.85
                groups.union(anchor, address, rule, confidence)
        variants: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
        for (first, last), members in full.items():
            for local, (rule, confidence) in _variants(first, last).items():
                variants[local].append((members[0][0], rule, confidence))
        for address, name in initials:
            local = _SEPARATORS.sub(".", base_local_part(address.rpartition("@")[0]))
            candidates = variants.get(local, []) + variants.get(local.replace(".", ""), [])
            if name is not None:  # "J. Smith": an initial and a last name to check against
                candidates += [
                    (members[0][0], "display name initial and last name", 0.75)
                    for (first, last), members in full.items()
                    if last == name[1] and first.startswith(name[0])
                ]
            targets = {c[0] for c in candidates}
            if len(targets) == 1:
                target, rule, confidence = max(candidates, key=lambda c: c[2])
                groups.union(target, address, rule, confidence)
            elif len(targets) > 1:
                groups.ambiguous(address, sorted(targets))

    def _full_name(self, address: str) -> tuple[str, str] | None:
        preferred = self._preferred_names.get(address)
        if preferred is not None:
            return parse_display_name(preferred)
        names = self._names.get(address)
        if not names:
            return None
        # The most frequent spelling that parses as a full name.
        for text, _ in names.most_common():
            parsed = parse_display_name(text)
            if parsed is not None:
                return parsed
        return None

    # --- the result -------------------------------------------------------------------------

    def _display(self, addresses: list[str]) -> str | None:
        for address in addresses:
            if address in self._preferred_names:
                return self._preferred_names[address]
        counts: Counter[str] = Counter()
        for address in addresses:
            counts.update(self._names.get(address, Counter()))
        if not counts:
            return None
        # Prefer "First Last" over "Last, First" when both were seen, for reading.
        best = max(counts.items(), key=lambda kv: (kv[1], "," not in kv[0], kv[0]))[0]
        if "," in best:
            last, _, first = best.partition(",")
            if first.strip() and last.strip():
                return f"{first.strip()} {last.strip()}"
        return best

    def _result(self, groups: _Groups) -> Resolution:
        members: dict[str, list[str]] = defaultdict(list)
        for address in sorted(self._seen):
            members[groups.find(address)].append(address)
        people = []
        person_of: dict[str, str] = {}
        for root, addresses in members.items():
            if not any(self._seen[a] for a in addresses):
                continue  # only named in the alias file, never met
            fixed = groups.fixed.get(root)
            person_id = fixed if fixed is not None else self._canonical(addresses)
            existing = any(self._known.get(a) == person_id for a in addresses)
            people.append(
                ResolvedPerson(
                    id=person_id,
                    name=self._display(addresses),
                    emails=tuple(addresses),
                    confidence=groups.confidence(root),
                    existing=existing,
                )
            )
            for address in addresses:
                person_of[address] = person_id
        decisions = tuple(
            MergeDecision(
                person_id=person_of.get(address, address),
                address=address,
                matched=matched,
                rule=rule,
                confidence=confidence,
                decision=decision,
            )
            for address, matched, rule, confidence, decision in groups.log
            if address in person_of
        )
        people.sort(key=lambda p: p.id)
        return Resolution(tuple(people), person_of, decisions)

    def _canonical(self, addresses: list[str]) -> str:
        # The id of a new person is one of their addresses, so that a later import meeting
        # it alone finds the same person: prefer first.last@, then the most used (made an
        # id when the address holds a character an id cannot, records.entity_id_from).
        def rank(address: str) -> tuple[int, int, str]:
            parsed = parse_local_part(address.rpartition("@")[0])
            shaped = parsed is not None and min(map(len, parsed)) > 1 and "+" not in address
            return (0 if shaped else 1, -self._seen[address], address)

        return entity_id_from(min(addresses, key=rank))


class _Groups:
    """Union-find over addresses that refuses unions the alias file forbids."""

    def __init__(self, addresses: Iterable[str], forbidden: frozenset[frozenset[str]]) -> None:
        self._parent: dict[str, str] = {a: a for a in addresses}
        self._members: dict[str, set[str]] = {a: {a} for a in self._parent}
        self._confidence: dict[str, float] = {a: 1.0 for a in self._parent}
        self._forbidden: dict[str, set[str]] = defaultdict(set)
        for pair in forbidden:
            a, b = sorted(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
            self._forbidden[a].add(b)
            self._forbidden[b].add(a)
        self.fixed: dict[str, str] = {}
        self.log: list[tuple[str, str, str, float, str]] = []

    def _ensure(self, address: str) -> None:
        if address not in self._parent:
            self._parent[address] = address
            self._members[address] = {address}
            self._confidence[address] = 1.0

    def find(self, address: str) -> str:
        self._ensure(address)
        root = address
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[address] != root:  # path compression
            self._parent[address], address = root, self._parent[address]
        return root

    def fixed_id(self, address: str, person_id: str) -> None:
        root = self.find(address)
        self.fixed.setdefault(root, person_id)

    def confidence(self, root: str) -> float:
        return self._confidence[root]

    def union(self, a: str, b: str, rule: str, confidence: float) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        small, large = sorted((ra, rb), key=lambda r: len(self._members[r]))
        blocked = next(
            (
                (m, o)
                for m in sorted(self._members[small])
                for o in sorted(self._forbidden.get(m, ()))
                if o in self._members[large]
            ),
            None,
        )
        if blocked is not None:
            self.log.append((b, a, f"{rule}; forbidden by the alias file", confidence, "refused"))
            return
        fa, fb = self.fixed.get(ra), self.fixed.get(rb)
        if fa is not None and fb is not None and fa != fb:
            self.log.append(
                (b, a, f"{rule}; would join two people ({fa}, {fb})", confidence, "refused")
            )
            return
        self._parent[small] = large
        self._members[large] |= self._members.pop(small)
        self._confidence[large] = min(
            self._confidence[large], self._confidence.pop(small), confidence
        )
        fixed = fa if fa is not None else fb
        self.fixed.pop(small, None)
        if fixed is not None:
            self.fixed[large] = fixed
        self.log.append((b, a, rule, confidence, "merged"))

    def ambiguous(self, address: str, targets: list[str]) -> None:
        self.log.append(
            (address, ";".join(targets), "initials fit several people", 0.0, "ambiguous")
        )
