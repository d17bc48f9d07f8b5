"""Reporting lines of the generated org charts: who each role reports to.

The people of an organization already carry levels and functions (:mod:`.people`); this
module only reads them, and draws no random numbers, so adding the lines changed nothing
else a seed generates. Each role reports to someone of the same organization who holds a
more senior role during it (a chief officer reports to the CEO, a chief-executive role of
the same organization), chosen in this order:

1. held when the report's role starts (else at some time during it: the people we know at
   an account joined it at scattered dates);
2. same function, then same function family, then an executive (the CEO's office), then
   anyone senior;
3. the nearest level up (an engineer's manager before the VP Engineering);
4. whose role lasts over the whole of the report's role, when someone's does;
5. a stable hash of the two ids, as a tie-break that does not depend on list order.

The most senior person of an organization (nobody above them) reports to nobody.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from stakegraph.generate.people import Person, RoleSpell
from stakegraph.vocabulary import LEVEL_RANK

# Functions that work together (a hr specialist reports into operations before the CEO).
_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"engineering", "product", "it"}),
    frozenset({"finance", "procurement", "legal"}),
    frozenset({"sales", "marketing"}),
    frozenset({"operations", "support", "hr"}),
)

# (person id, index of the spell in person.spells) -> manager's person id
Lines = dict[tuple[str, int], str]


def reporting_lines(people: Iterable[Person]) -> Lines:
    """The manager of every role that has one, keyed by (person id, spell index).

    >>> from stakegraph.generate.people import RoleSpell
    >>> def person(pid, level, function):
    ...     return Person(pid, pid, {}, [RoleSpell("o", "", level, function, 0)], 1, 1, 1)
    >>> lines = reporting_lines([person("ceo", "c_level", "executive"),
    ...     person("vpe", "vp", "engineering"), person("em", "manager", "engineering"),
    ...     person("dev", "ic", "engineering"), person("acct", "ic", "finance")])
    >>> sorted((pid, boss) for (pid, _), boss in lines.items())
    [('acct', 'ceo'), ('dev', 'em'), ('em', 'vpe'), ('vpe', 'ceo')]
    """
    by_org: dict[str, list[tuple[Person, RoleSpell]]] = {}
    for person in people:
        for spell in person.spells:
            by_org.setdefault(spell.organization_id, []).append((person, spell))
    lines: Lines = {}
    for person, spell in ((p, s) for held in by_org.values() for p, s in held):
        manager = _manager_of(person, spell, by_org[spell.organization_id])
        if manager is not None:
            lines[(person.id, person.spells.index(spell))] = manager
    return lines


def _manager_of(
    person: Person, spell: RoleSpell, colleagues: list[tuple[Person, RoleSpell]]
) -> str | None:
    rank = LEVEL_RANK.get(spell.level, 0)
    options = []
    for other, theirs in colleagues:
        other_rank = LEVEL_RANK.get(theirs.level, 0)
        if other is person or not _overlap(theirs, spell):
            continue
        if other_rank <= rank and not _chief_executive_over(theirs, spell):
            continue
        covers = theirs.end is None or (spell.end is not None and theirs.end >= spell.end)
        options.append(
            (
                not _holds_at(theirs, spell.start),
                _function_distance(spell.function, theirs.function),
                other_rank - rank,
                not covers,
                zlib.crc32(f"{person.id}>{other.id}".encode()),
                other.id,
            )
        )
    return min(options)[-1] if options else None


def _overlap(a: RoleSpell, b: RoleSpell) -> bool:
    return (a.end is None or a.end > b.start) and (b.end is None or b.end > a.start)


def _chief_executive_over(manager: RoleSpell, report: RoleSpell) -> bool:
    return (
        manager.level == report.level == "c_level"
        and manager.function == "executive"
        and report.function != "executive"
    )


def _holds_at(spell: RoleSpell, day: int) -> bool:
    return spell.start <= day and (spell.end is None or day < spell.end)


def _function_distance(report: str, manager: str) -> int:
    if report == manager:
        return 0
    if any(report in family and manager in family for family in _FAMILIES):
        return 1
    return 2 if manager == "executive" else 3
