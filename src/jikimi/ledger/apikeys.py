"""API keys for the ledger service: only a SHA-256 of each secret is stored.

A key reads ``jk_<key id>_<secret>``; the id finds the row, the secret (32 random bytes) is
hashed and compared in constant time. Because secrets are long and random, a plain hash is
enough (no password stretching needed), and a leaked table does not yield usable keys.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import Engine, Table, insert, select, update

from jikimi.ledger.db import now_us, write_tx
from jikimi.ledger.errors import LedgerError, NotFound
from jikimi.ledger.models import ApiKey

_KEY = cast(Table, ApiKey.__table__)
PREFIX = "jk"


class Role(StrEnum):
    ADMIN = "admin"
    PRIVACY_OFFICER = "privacy_officer"
    AUDITOR = "auditor"
    APPLICATION = "application"


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What a key may do; never holds the secret."""

    key_id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewKey:
    """A freshly made key: ``token`` is shown once and never stored."""

    info: KeyInfo
    token: str

    def __repr__(self) -> str:
        return f"NewKey(info={self.info!r}, token=<hidden>)"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _dt(us: int | None) -> datetime | None:
    return None if us is None else datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def _split(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


class KeyStore:
    """Create, look up and revoke service keys."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, role: Role | str, name: str) -> NewKey:
        role = Role(role)
        if not name or len(name) > 128:
            raise LedgerError("a key needs a name of 1-128 characters")
        key_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        created = now_us()
        with write_tx(self._engine) as conn:
            conn.execute(
                insert(_KEY).values(
                    key_id=key_id,
                    name=name,
                    role=role.value,
                    secret_hash=_digest(secret),
                    created_us=created,
                    revoked_us=None,
                )
            )
        info = KeyInfo(key_id, name, role, cast(datetime, _dt(created)))
        return NewKey(info, f"{PREFIX}_{key_id}_{secret}")

    def authenticate(self, token: str) -> KeyInfo | None:
        """The key's info if the token is valid and not revoked, else None."""
        parts = _split(token)
        if parts is None:
            return None
        key_id, secret = parts
        with self._engine.connect() as conn:
            row = conn.execute(select(_KEY).where(_KEY.c.key_id == key_id)).first()
        if row is None:
            hmac.compare_digest(_digest(secret), "0" * 64)  # same work either way
            return None
        if not hmac.compare_digest(_digest(secret), row.secret_hash) or row.revoked_us:
            return None
        return _info(row)

    def list(self) -> list[KeyInfo]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(_KEY).order_by(_KEY.c.created_us)).all()
        return [_info(r) for r in rows]

    def revoke(self, key_id: str) -> None:
        with write_tx(self._engine) as conn:
            done = conn.execute(
                update(_KEY)
                .where(_KEY.c.key_id == key_id, _KEY.c.revoked_us.is_(None))
                .values(revoked_us=now_us())
            ).rowcount
        if not done:
            raise NotFound(f"no active key '{key_id}'")

    def count_active(self) -> int:
        with self._engine.connect() as conn:
            return len(conn.execute(select(_KEY.c.key_id).where(_KEY.c.revoked_us.is_(None))).all())


def _info(row: object) -> KeyInfo:
    r = cast(ApiKey, row)
    return KeyInfo(
        r.key_id, r.name, Role(r.role), cast(datetime, _dt(r.created_us)), _dt(r.revoked_us)
    )
