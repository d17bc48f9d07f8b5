"""Erasing a person everywhere: the graph, the participant lists, and the files we kept.

``forget_person(store, email)`` removes the person an address names (with all their
addresses), their participations, ties, roles and signals; every interaction left with
fewer than two people is deleted, and the others lose the person from their
``person_ids`` / ``person_roles`` read copies; their engagements go (those they ran lose
their ``our_person_id``), and usage rows measured for them. What an analysis derived and
that names them goes too: signals whose evidence or summary names their id, an address or
their name, accounts' ``tie_targets`` and ``owner_id``. Import files stakegraph keeps under
``STAKEGRAPH_HOME/imports/`` (staging directories, merges, rejects) lose every row that
mentions them. Scores derived from them (snapshots, risk) are recomputed by running the
analysis again, which cannot bring them back (it reads interactions, which no longer list
them): the CLI does so when an analysis was stored (docs/sources.md).
tests/ingest/test_forget_analyzed.py scans every property of every label and relationship
type after ``analyze`` then ``forget``, and again after a new analysis.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from stakegraph.graph.store import GraphStore


@dataclass(frozen=True)
class ForgetReport:
    """What :func:`forget_person` erased."""

    address: str
    person_ids: tuple[str, ...]
    addresses: tuple[str, ...]
    interactions_deleted: int
    interactions_updated: int
    accounts: tuple[str, ...]  # accounts whose analysis depended on the person
    files_scrubbed: tuple[Path, ...]

    @property
    def found(self) -> bool:
        return bool(self.person_ids)

    def describe(self) -> str:
        if not self.found:
            return f"nobody in the store has the address {self.address}"
        lines = [
            f"forgot {', '.join(self.person_ids)} (addresses: {', '.join(self.addresses)}):",
            f"  {self.interactions_deleted} interactions deleted (fewer than two people left), "
            f"{self.interactions_updated} others no longer list them",
            f"  {len(self.accounts)} accounts affected",
        ]
        if self.files_scrubbed:
            lines.append(f"  rows removed from {len(self.files_scrubbed)} files under imports/")
        return "\n".join(lines)


def forget_person(store: GraphStore, email: str, *, files_root: Path | None = None) -> ForgetReport:
    """Erase the person ``email`` names from the store (and from the files under ``files_root``).

    Parameters
    ----------
    store
        The graph store.
    email
        Any address of the person (case-insensitive); every address of theirs goes too.
    files_root
        ``STAKEGRAPH_HOME/imports``: CSV rows mentioning the person are removed there.
    """
    address = email.strip().lower()
    found = store.query("forget/find_people", ids=[address])
    person_ids = sorted({row["id"] for row in found})
    addresses = sorted({address, *(e.lower() for row in found for e in row["emails"] or ())})
    names = sorted({row["name"] for row in found if row.get("name")})
    if not person_ids:
        scrubbed = scrub_files(files_root, [address]) if files_root else []
        return ForgetReport(address, (), (address,), 0, 0, (), tuple(scrubbed))
    gone = set(person_ids)
    deleted: list[str] = []
    updated: list[list[object]] = []
    accounts: set[str] = set()
    for row in store.query("forget/read_participations", person_ids=person_ids):
        if row["account_id"]:
            accounts.add(row["account_id"])
        ids = list(row["person_ids"] or ())
        roles = list(row["person_roles"] or ())
        keep = [k for k, person in enumerate(ids) if person not in gone]
        if len(keep) < 2:
            deleted.append(row["id"])
        else:
            updated.append([row["id"], [ids[k] for k in keep], [roles[k] for k in keep], len(keep)])
    # Signals that name them go before the people (CONCERNS must still be there to find them).
    store.write("forget/delete_signals_concerning", person_ids=person_ids)
    store.write("forget/delete_signals_mentioning", ids=[*person_ids, *addresses, *names])
    store.write("forget/scrub_tie_targets", person_ids=person_ids)
    for start in range(0, len(deleted), 5000):
        store.write("forget/delete_interactions", ids=deleted[start : start + 5000])
    for start in range(0, len(updated), 5000):
        store.write("forget/set_interaction_people", rows=updated[start : start + 5000])
    store.write("forget/delete_usage_of_people", person_ids=person_ids)
    store.write("forget/clear_owners", person_ids=person_ids)
    store.write("forget/delete_engagements", person_ids=person_ids)
    store.write("forget/clear_engagement_hosts", person_ids=person_ids)
    store.write("forget/delete_people", person_ids=person_ids)
    scrubbed = scrub_files(files_root, [*person_ids, *addresses]) if files_root else []
    return ForgetReport(
        address=address,
        person_ids=tuple(person_ids),
        addresses=tuple(addresses),
        interactions_deleted=len(deleted),
        interactions_updated=len(updated),
        accounts=tuple(sorted(accounts)),
        files_scrubbed=tuple(scrubbed),
    )


def scrub_files(root: Path, needles: list[str]) -> list[Path]:
    """Remove every CSV row under ``root`` whose text mentions one of ``needles``.

    Matching is case-insensitive on whole cell values and on ``;``-separated list items, so
    ``ann@acme.com`` does not remove ``joann@acme.com``'s rows.
    """
    if not root.is_dir():
        return []
    wanted = {n.lower() for n in needles}
    changed = []
    for directory, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".csv"):
                continue
            path = Path(directory) / name
            if _scrub(path, wanted):
                changed.append(path)
    return changed


def _scrub(path: Path, wanted: set[str]) -> bool:
    def mentions(row: list[str]) -> bool:
        for cell in row:
            text = cell.lower()
            if text in wanted or any(part.strip() in wanted for part in text.split(";")):
                return True
            if any(f'"{n}"' in text for n in wanted):  # JSON in a rejects file's raw column
                return True
        return False

    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    kept = [row for k, row in enumerate(rows) if k == 0 or not mentions(row)]
    if len(kept) == len(rows):
        return False
    temporary = path.with_name(path.name + ".forget")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(kept)
    temporary.replace(path)
    return True
