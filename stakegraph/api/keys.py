"""API keys: who is calling, and with which role (the ``stakegraph keys`` commands are in
:mod:`stakegraph.cli.keys`).

Keys are configuration, not graph data: they live in ``STAKEGRAPH_HOME/keys.json`` (mode
0600), hashed. A key is ``sgk_<key id>_<secret>`` with 256 random bits of secret, so a
plain SHA-256 of it is enough (no slow hash needed for high-entropy secrets); the id lets
us find the record without scanning, and :func:`hmac.compare_digest` compares hashes in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from stakegraph.config import private_home
from stakegraph.errors import StakegraphError

KEY_PREFIX = "sgk"


class Role(StrEnum):
    """What a key may do (see docs/api.md for the full matrix)."""

    ACCOUNT_MANAGER = "account_manager"  # only the accounts they own
    LEADER = "leader"  # every account, outreach plans
    ANALYST = "analyst"  # every read, read-only Cypher
    ADMIN = "admin"  # everything


@dataclass(frozen=True)
class Principal:
    """The caller behind a valid key."""

    key_id: str
    role: Role
    owner_id: str | None = None  # the person an account manager's key belongs to

    def may(self, *roles: Role) -> bool:
        """True when this caller has one of ``roles`` (admin always may)."""
        return self.role is Role.ADMIN or self.role in roles

    @property
    def sees_all_accounts(self) -> bool:
        return self.role is not Role.ACCOUNT_MANAGER


@dataclass(frozen=True)
class KeyRecord:
    """One stored key, without its secret."""

    key_id: str
    role: Role
    owner_id: str | None
    created_at: str
    label: str | None
    sha256: str
    # ISO 8601 (UTC): from then on the key is refused as if revoked; None: never.
    expires_at: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= datetime.fromisoformat(self.expires_at)


class KeyFileError(StakegraphError):
    """keys.json is unreadable or malformed (the server answers 503 until it is fixed)."""


class KeyRing:
    """The keys of one ``keys.json``; re-read when the file changes (revocation is live)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._records: dict[str, KeyRecord] = {}

    # --- reading --------------------------------------------------------------------------

    def records(self) -> list[KeyRecord]:
        """Every key, oldest first."""
        with self._lock:
            self._refresh()
            return sorted(self._records.values(), key=lambda r: (r.created_at, r.key_id))

    def authenticate(self, presented: str) -> Principal | None:
        """The principal of ``presented``, or None when it is not a valid key."""
        parts = presented.strip().split("_")
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            return None
        with self._lock:
            self._refresh()
            record = self._records.get(parts[1])
        if record is None:
            return None
        if not hmac.compare_digest(_digest(presented.strip()), record.sha256):
            return None
        if record.expired(datetime.now(UTC)):
            return None
        return Principal(key_id=record.key_id, role=record.role, owner_id=record.owner_id)

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._records = None, {}
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return
        self._records = {r.key_id: r for r in _read(self.path)}
        self._stamp = stamp

    # --- writing --------------------------------------------------------------------------

    def create(
        self,
        role: Role,
        *,
        owner_id: str | None = None,
        label: str | None = None,
        expires_at: datetime | None = None,
    ) -> str:
        """Add a key and return it in clear: the only time it is ever shown. From
        ``expires_at`` on (timezone-aware), it is refused as if revoked."""
        if role is Role.ACCOUNT_MANAGER and not owner_id:
            raise ValueError("an account_manager key needs --owner (the person id who owns)")
        if expires_at is not None and expires_at <= datetime.now(UTC):
            raise ValueError("a key's expiry must be in the future")
        key_id = secrets.token_hex(6)
        key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32).replace('_', '-')}"
        record = KeyRecord(
            key_id=key_id,
            role=role,
            owner_id=owner_id,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            label=label,
            sha256=_digest(key),
            expires_at=(
                None
                if expires_at is None
                else expires_at.astimezone(UTC).isoformat(timespec="seconds")
            ),
        )
        with self._lock:
            records = {r.key_id: r for r in _read(self.path)} if self.path.exists() else {}
            records[key_id] = record
            _write(self.path, records.values())
            self._stamp = None
        return key

    def revoke(self, key_id: str) -> bool:
        """Remove a key; False when there was none with that id."""
        with self._lock:
            records = {r.key_id: r for r in _read(self.path)} if self.path.exists() else {}
            if records.pop(key_id, None) is None:
                return False
            _write(self.path, records.values())
            self._stamp = None
        return True


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _read(path: Path) -> list[KeyRecord]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [KeyRecord(**{**item, "role": Role(item["role"])}) for item in raw.get("keys", [])]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise KeyFileError(f"cannot read API keys from {path}: {exc}") from exc


def _write(path: Path, records: Any) -> None:
    """Write atomically, created 0600 from the start (never world-readable, even briefly)."""
    private_home(path.parent)
    payload = {"version": 1, "keys": [asdict(r) for r in records]}
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
