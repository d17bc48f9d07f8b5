"""The key that copies of one message share (staging.copy_key): worked cases."""

from __future__ import annotations

from datetime import UTC, datetime

from stakegraph.ingest.sources.staging import Extracted, copy_key

AT = datetime(2001, 5, 14, 16, 39, 0, tzinfo=UTC)


def mail(message_id: str, **changes: object) -> Extracted:
    fields: dict[str, object] = {
        "id": message_id,
        "kind": "email",
        "at": AT,
        "sender": "ann@corp.example",
        "to": ("bob@acme.example", "cy@acme.example"),
        "content_key": "sha256:subject",
    }
    fields.update(changes)
    return Extracted(**fields)  # type: ignore[arg-type]


def test_copies_share_a_key_whatever_their_ids_and_the_order_of_recipients() -> None:
    key = copy_key(mail("1.sent@archive"))
    assert key.startswith("sha256:") and len(key) == len("sha256:") + 32
    assert copy_key(mail("2.inbox@archive", to=("cy@acme.example", "bob@acme.example"))) == key
    # Within the same second is the same message; the next second, or another subject,
    # sender or recipient, is another.
    assert copy_key(mail("3@x", at=AT.replace(microsecond=500_000))) == key
    for other in (
        mail("4@x", at=AT.replace(second=1)),
        mail("5@x", content_key="sha256:other"),
        mail("6@x", sender="dee@corp.example"),
        mail("7@x", cc=("ed@acme.example",)),
    ):
        assert copy_key(other) != key


def test_what_is_not_mail_has_no_key() -> None:
    # Calendar events and CRM records keep their ids from copy to copy; two cases a contact
    # opened in the same second are two cases.
    for kind in ("meeting", "call", "ticket", "note"):
        assert copy_key(mail("sf-500A", kind=kind)) == ""
