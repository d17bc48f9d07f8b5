"""Mailboxes through the whole pipeline, against the real embedded store."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from source_files import HOME, maildir, mbox, message

from stakegraph.graph.store import GraphStore
from stakegraph.ingest import EXIT_COMPLETE, EXIT_PARTIAL
from stakegraph.ingest.sources import SourceOptions, ingest_path
from stakegraph.ingest.sources.mail import is_bulk

pytestmark = pytest.mark.store
OPTIONS = SourceOptions(home_domains=(HOME,))


def rows(store: GraphStore, cypher: str, **params: Any) -> set[tuple[Any, ...]]:
    records, _, _ = store.driver.execute_query(cypher, params, database_=store.database)
    return {tuple(tuple(v) if isinstance(v, list) else v for v in r.values()) for r in records}


def count(store: GraphStore) -> tuple[int, int]:
    records, _, _ = store.driver.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r",
        database_=store.database,
    )
    return records[0]["n"], records[0]["r"]


THREAD = (
    message(
        sender=f"Ann Home <ann@{HOME}>",
        to=['"Smith, John" <john.smith@acme.example>'],
        cc=["bob@acme.example"],
        message_id="m1@home",
        subject="Renewal",
    ),
    message(
        sender="John Smith <J.Smith@acme.example>",
        to=[f"ann@{HOME}"],
        date="Tue, 01 Oct 2024 12:30:00 +0000",
        message_id="m2@acme",
        subject="Re: Renewal",
        headers=["In-Reply-To: <m1@home>", "References: <m1@home>"],
    ),
    message(
        sender=f"ann@{HOME}",
        to=["john.smith@acme.example"],
        date="Wed, 02 Oct 2024 09:00:00 +0200",
        message_id="m3@home",
        headers=["In-Reply-To: <m2@acme>", "References: <m1@home> <m2@acme>"],
    ),
    message(
        sender="Acme News <news@acme.example>",
        to=["list@acme.example"],
        message_id="news1@acme",
        headers=["List-Id: <news.acme.example>", "List-Unsubscribe: <mailto:u@acme.example>"],
    ),
    message(sender=f"ann@{HOME}", to=[f"cid@{HOME}"], message_id="internal@home"),
)


def test_a_mailbox_lands_with_threads_latency_identity_and_bulk(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    box = tmp_path / "inbox.mbox"
    box.write_bytes(mbox(*THREAD))
    report = ingest_path(store, box, options=OPTIONS)
    assert report.exit_code == EXIT_COMPLETE, report.describe()
    assert report.conversion is not None and report.conversion.skipped_internal == 1
    assert rows(
        store,
        "MATCH (i:Interaction) RETURN i.id, i.account_id, i.thread_id, i.in_reply_to, "
        "i.reply_latency_s, i.bulk, i.subject",
    ) == {
        ("m1@home", "acme.example", "m1@home", None, None, False, None),
        ("m2@acme", "acme.example", "m1@home", "m1@home", 9000, False, None),
        ("m3@home", "acme.example", "m1@home", "m2@acme", 66600, False, None),
        ("news1@acme", "acme.example", "news1@acme", None, None, True, None),
    }
    # "Smith, John" <john.smith@>, "John Smith" <J.Smith@>: one person, with both addresses.
    assert rows(
        store, "MATCH (p:Person)-[:MEMBER_OF]->(o) RETURN p.id, p.name, p.emails, o.id"
    ) == {
        ("ann@home.example", "Ann Home", ("ann@home.example",), "home.example"),
        (
            "john.smith@acme.example",
            "John Smith",
            ("j.smith@acme.example", "john.smith@acme.example"),
            "acme.example",
        ),
        ("bob@acme.example", None, ("bob@acme.example",), "acme.example"),
        ("news@acme.example", "Acme News", ("news@acme.example",), "acme.example"),
        ("list@acme.example", None, ("list@acme.example",), "acme.example"),
    }
    assert rows(store, "MATCH (o:Organization) RETURN o.id, o.name, o.kind") == {
        ("home.example", "Home", "home"),
        ("acme.example", "Acme", "account"),
    }
    text = (report.conversion.directory / "merges.csv").read_text().splitlines()
    merges = list(csv.DictReader(text))
    assert [(m["person_id"], m["decision"], m["confidence"]) for m in merges] == [
        ("john.smith@acme.example", "merged", "0.90")
    ]
    assert {merges[0]["address"], merges[0]["matched"]} == {
        "john.smith@acme.example",
        "j.smith@acme.example",
    }
    assert "same display name" in merges[0]["rule"]


def test_bad_messages_are_named_and_the_rest_loads(clean_store: GraphStore, tmp_path: Path) -> None:
    store = clean_store
    crowd = [f"person{n}@acme.example" for n in range(1000)]
    box = tmp_path / "inbox.mbox"
    box.write_bytes(
        mbox(
            message(sender=f"ann@{HOME}", to=["bob@acme.example"], message_id="ok@home"),
            message(
                sender=f"ann@{HOME}", to=["bob@acme.example"], message_id="x@y", date="31 Feb 2024"
            ),
            message(sender="not an address <<>", to=["bob@acme.example"], message_id="bad@from"),
            message(
                sender=f"ann@{HOME}", to=["bob@acme.example"], message_id=None, subject="Other"
            ),
            message(sender=f"ann@{HOME}", to=crowd, message_id="crowd@home"),
            message(
                sender=f"ann@{HOME}",
                to=["bob@acme.example"],
                message_id="clock@home",
                date="Fri, 01 Jan 2044 10:00:00 +0000",
            ),
            b"From: =?utf-8?q?Zo=C3=AB?= <zoe@acme.example>\nTo: ann@home.example\n"
            + b"Subject: caf\xe9 \xff\nDate: "
            + DATE_B
            + b"\nMessage-ID: <latin@acme>\n\nbody\n",
        )
        + b"From x Tue Oct  1 10:00:00 2024\nFrom: ann@home.example\nTo: bob@acme.ex",
    )
    report = ingest_path(store, box, options=SourceOptions(home_domains=(HOME,), subjects=True))
    assert report.exit_code == EXIT_PARTIAL
    errors = [str(e) for e in report.errors]
    assert errors == [
        'inbox.mbox message 2 (Message-ID <x@y>): Date header "31 Feb 2024" is not a date',
        'inbox.mbox message 3 (Message-ID <bad@from>): From header "not an address <<>" is '
        "not an email address",
        'inbox.mbox message 6 (Message-ID <clock@home>): Date header "Fri, 01 Jan 2044 '
        "10:00:00 +0000\" is after today: it cannot have been sent yet (the sender's clock "
        "was wrong)",
        "inbox.mbox message 8: the message is truncated (the file ends inside its headers)",
    ]
    assert any("message 4: no Message-ID" in w for w in report.conversion.warnings)  # type: ignore[union-attr]
    found = rows(store, "MATCH (i:Interaction) RETURN i.id, i.bulk, i.participants, i.subject")
    ids = {r[0] for r in found}
    assert {"ok@home", "crowd@home", "latin@acme"} <= ids and len(ids) == 4
    assert ("crowd@home", True, 1001, "Hello") in found
    assert ("latin@acme", False, 2, "café ÿ") in found
    assert rows(store, "MATCH (p:Person {id: 'zoe@acme.example'}) RETURN p.name") == {("Zoë",)}
    assert (report.conversion.directory / "errors.csv").is_file()  # type: ignore[union-attr]


DATE_B = b"Tue, 01 Oct 2024 10:00:00 +0000"


def test_one_message_in_two_mailboxes_is_stored_once_and_reingest_changes_nothing(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "inbox.mbox").write_bytes(mbox(*THREAD[:2]))
    maildir(folder / "Maildir", THREAD[1], THREAD[2])
    report = ingest_path(store, folder, options=OPTIONS)
    assert report.exit_code == EXIT_COMPLETE, report.describe()
    assert [s.format for s in report.sources] == ["mbox", "maildir"] or [
        s.format for s in report.sources
    ] == ["maildir", "mbox"]
    assert report.conversion is not None and report.conversion.duplicates == 1
    assert rows(store, "MATCH (i:Interaction) RETURN count(i)") == {(3,)}
    before = count(store)
    again = ingest_path(store, folder, options=OPTIONS)
    assert count(store) == before
    assert again.imported.interactions_created == 0
    # A second mailbox holding a message already stored: still once.
    other = tmp_path / "sent.mbox"
    other.write_bytes(mbox(THREAD[2]))
    third = ingest_path(store, other, options=OPTIONS)
    assert third.imported.interactions_already_present == 1
    assert rows(store, "MATCH (n) WHERE NOT n:ImportRun RETURN count(n)") == {(before[0] - 1,)}


def test_copies_of_one_message_under_ids_of_their_own_are_stored_once(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    # An archive that gave each folder's copy an id of its own (the sent copy, the
    # received one, "all documents"): same sender, second, recipients and subject.
    copies = [
        message(sender=f"ann@{HOME}", to=["bob@acme.example", "cy@acme.example"], message_id=m)
        for m in ("1.folder-a@archive", "2.folder-b@archive")
    ]
    reordered = message(
        sender=f"ann@{HOME}", to=["cy@acme.example", "bob@acme.example"], message_id="3.c@x"
    )
    other_time = message(
        sender=f"ann@{HOME}",
        to=["bob@acme.example", "cy@acme.example"],
        message_id="4.d@x",
        date="Tue, 01 Oct 2024 10:00:01 +0000",
    )
    box = tmp_path / "archive.mbox"
    box.write_bytes(mbox(*copies, reordered, other_time))
    report = ingest_path(clean_store, box, options=OPTIONS)
    assert report.exit_code == EXIT_COMPLETE, report.describe()
    assert report.imported.interaction_copies == 2
    assert rows(clean_store, "MATCH (i:Interaction) RETURN i.id") == {
        ("1.folder-a@archive",),
        ("4.d@x",),  # a second later: another message
    }


def test_copies_in_mailboxes_imported_one_at_a_time_are_stored_once(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    # Ann's sent folder, then Bob's inbox, imported one after the other, from an archive
    # that numbered each file's copy: the message both hold is stored once, replies to
    # either copy find it, and importing Ann's folder again changes nothing.
    def sent(message_id: str) -> bytes:
        return message(sender=f"ann@{HOME}", to=["bob@acme.example"], message_id=message_id)

    reply = message(
        sender="bob@acme.example",
        to=[f"ann@{HOME}"],
        message_id="3.bob-inbox@archive",
        subject="Re: Hello",
        date="Tue, 01 Oct 2024 11:00:00 +0000",
        headers=["In-Reply-To: <2.bob-inbox@archive>"],
    )
    ann = tmp_path / "ann.mbox"
    ann.write_bytes(mbox(sent("1.ann-sent@archive")))
    bob = tmp_path / "bob.mbox"
    bob.write_bytes(mbox(sent("2.bob-inbox@archive"), reply))

    first = ingest_path(clean_store, ann, options=OPTIONS)
    second = ingest_path(clean_store, bob, options=OPTIONS)
    assert first.exit_code == second.exit_code == EXIT_COMPLETE, second.describe()
    assert (second.imported.interaction_copies, second.imported.interactions_created) == (1, 1)
    assert "1 copies of an interaction stored under another id" in second.imported.describe()
    assert rows(clean_store, "MATCH (i:Interaction) RETURN i.id, i.reply_latency_s") == {
        ("1.ann-sent@archive", None),
        ("3.bob-inbox@archive", 3600),  # its parent is the copy not stored
    }
    before = count(clean_store)
    again = ingest_path(clean_store, ann, options=OPTIONS)
    assert again.imported.interaction_copies == 0  # the copy kept is not a copy of itself
    assert again.imported.interactions_already_present == 1
    assert count(clean_store)[1] == before[1]


def test_subjects_are_off_by_default_and_can_be_hashed(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    store = clean_store
    box = tmp_path / "a.eml"
    box.write_bytes(THREAD[1])
    ingest_path(
        store,
        box,
        options=SourceOptions(home_domains=(HOME,), subjects=True, hash_subjects=True),
    )
    (subject,) = rows(store, "MATCH (i:Interaction) RETURN i.subject")
    assert str(subject[0]).startswith("sha256:") and "Renewal" not in str(subject[0])


def mail_to_acme(message_id: str, **extra: Any) -> bytes:
    # A subject of its own: messages alike but for their id would be copies of one.
    extra.setdefault("subject", f"About {message_id}")
    return message(sender=f"ann@{HOME}", to=["bob@acme.example"], message_id=message_id, **extra)


def test_every_file_of_a_mail_tree_is_read_or_listed_as_skipped(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    """Nested Maildirs, loose messages beside cur/ and new/ and in plain folders (no .eml
    name), a broken message, and files that are not mail: none vanishes without a word."""
    tree = tmp_path / "export"
    inbox = maildir(tree / "Maildir", mail_to_acme("cur@home"))
    maildir(inbox / ".Sent", mail_to_acme("sent@home"))  # Maildir++ folder, nested
    (inbox / "new" / "1700000099.M9.host").write_bytes(mail_to_acme("new@home"))
    (inbox / "tmp" / "1700000100.M1.host").write_bytes(mail_to_acme("pending@home"))
    (inbox / "stray-message").write_bytes(mail_to_acme("beside@home"))  # beside cur/new
    (inbox / "dovecot-uidlist").write_text("3 V1700000000 N4\n")
    (inbox / "maildirfolder").write_bytes(b"")
    saved = tree / "saved" / "2024"
    saved.mkdir(parents=True)
    (saved / "42").write_bytes(mail_to_acme("loose@home"))  # a plain folder, no .eml name
    (saved / "broken.msg").write_bytes(mail_to_acme("broken@home", date="31 Feb 2024"))
    (saved / "notes.txt").write_text("call Bob on Monday\n")
    (saved / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")

    report = ingest_path(clean_store, tree, options=OPTIONS)

    stored = {r[0] for r in rows(clean_store, "MATCH (i:Interaction) RETURN i.id")}
    assert stored == {"cur@home", "sent@home", "new@home", "beside@home", "loose@home"}
    assert [str(e) for e in report.errors] == [
        'broken.msg (Message-ID <broken@home>): Date header "31 Feb 2024" is not a date'
    ]
    conversion = report.conversion
    assert conversion is not None
    skipped = {(e.file, e.reason) for e in conversion.skipped}
    assert skipped == {
        ("Maildir/tmp/1700000100.M1.host", "in a Maildir's tmp/: a delivery in progress, not "
         "a message yet"),
        ("Maildir/dovecot-uidlist", "not a mail message, mbox, .ics calendar or CRM CSV export "
         "(judged by content)"),
        ("Maildir/maildirfolder", "empty file"),
        ("saved/2024/notes.txt", "not a mail message, mbox, .ics calendar or CRM CSV export "
         "(judged by content)"),
        ("saved/2024/.DS_Store", "hidden file"),
    }  # fmt: skip
    # Every file under the path is accounted for: read (a message) or listed.
    files = {p for p in tree.rglob("*") if p.is_file()}
    assert len(files) == 5 + 1 + len(skipped)  # 5 stored, 1 broken, the skipped
    with (conversion.directory / "errors.csv").open(encoding="utf-8") as handle:
        listed = {
            (r["file"], r["reason"]) for r in csv.DictReader(handle) if r["item"] == "file skipped"
        }
    assert listed == skipped
    assert "5 files not read" in report.describe()


def test_an_address_holding_characters_an_id_cannot_still_loads(
    clean_store: GraphStore, tmp_path: Path
) -> None:
    """RFC 5322 lets a mailbox's local part hold ``/``; a person's id is one of their
    addresses, and such an id cannot be a page address. The person and their mail load
    under an id that can (and the same one on a second import)."""
    box = tmp_path / "box.mbox"
    box.write_bytes(
        mbox(
            message(sender=f"ann@{HOME}", to=["ops/eu%team@acme.example"], message_id="r1@h"),
            message(sender="ops/eu%team@acme.example", to=[f"ann@{HOME}"], message_id="r2@a"),
        )
    )
    report = ingest_path(clean_store, box, options=OPTIONS)
    assert report.exit_code == EXIT_COMPLETE, report.describe()
    people_query = (
        "MATCH (p:Person) WHERE 'ops/eu%team@acme.example' IN p.emails "
        "MATCH (p)-[:PARTICIPATED]->(i:Interaction) RETURN DISTINCT p.id"
    )
    ((person_id,),) = rows(clean_store, people_query)
    assert "/" not in person_id
    assert len(rows(clean_store, "MATCH (i:Interaction) RETURN i.id")) == 2
    before = count(clean_store)
    ingest_path(clean_store, box, options=OPTIONS)
    assert count(clean_store) == before
    later = tmp_path / "later.mbox"  # a new export meeting the address alone
    later.write_bytes(
        mbox(message(sender="ops/eu%team@acme.example", to=[f"ann@{HOME}"], message_id="r3@a"))
    )
    ingest_path(clean_store, later, options=OPTIONS)
    assert rows(clean_store, people_query) == {(person_id,)}


@pytest.mark.parametrize(
    ("subject", "headers", "automatic"),
    [
        # Exchange before 2010 marked its out-of-office replies by the subject alone.
        ("Out of Office AutoReply: Q3 plan", {}, True),
        ("Automatic reply: Renewal", {}, True),
        ("AW: Abwesenheitsnotiz: Angebot", {}, False),  # a reply to one is a person's
        ("Abwesenheitsnotiz: Angebot", {}, True),
        ("Undeliverable: Pricing", {}, True),
        ("Re: Out of scope items", {}, False),
        ("Office move next week", {}, False),
        ("Q3 plan", {"x-autoreply": ["yes"]}, True),
        ("Q3 plan", {"precedence": ["auto_reply"]}, True),
        ("Q3 plan", {}, False),
    ],
)
def test_automatic_replies_are_flagged_so_a_departed_persons_reply_is_not_them(
    subject: str, headers: dict[str, list[str]], automatic: bool
) -> None:
    # "X has left the company" answers every message sent to them: unflagged, the
    # departed person would keep appearing, and their departure would never show.
    assert is_bulk(headers, "ann@acme.example", 1, subject) is automatic
