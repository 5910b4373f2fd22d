"""Where wrapped subject keys live: a small protocol, an in-memory store and SQLite.

A row holds only the subject's data-encryption key *wrapped* under a master key of the
keyring, the id of that master key, and the subject reference. Deleting the row is the
crypto-shred; the SQLite store turns on ``secure_delete`` so the freed page is zeroed
rather than left in the file.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from jikimi.shred.errors import ShredError


@dataclass(frozen=True, slots=True)
class WrappedSubjectKey:
    """One subject's key as stored: wrapped bytes only, never the key itself."""

    key_id: str
    subject: str
    master_id: str
    wrapped: bytes
    created: str

    def __repr__(self) -> str:
        return (
            f"WrappedSubjectKey(key_id={self.key_id!r}, master_id={self.master_id!r}, "
            "subject=<hidden>, wrapped=<hidden>)"
        )


@runtime_checkable
class SubjectKeyStore(Protocol):
    """What :class:`~jikimi.shred.shredder.Shredder` needs from a key table."""

    def by_subject(self, subject: str) -> Sequence[WrappedSubjectKey]: ...

    def by_key_id(self, key_id: str) -> WrappedSubjectKey | None: ...

    def add(self, keys: Iterable[WrappedSubjectKey]) -> None: ...

    def replace(self, key: WrappedSubjectKey) -> None:
        """Overwrite the row of ``key.key_id`` (re-wrapping under a new master key)."""
        ...

    def delete_subject(self, subject: str) -> Sequence[str]:
        """Delete every key of ``subject``; returns the deleted key ids."""
        ...

    def __iter__(self) -> Iterator[WrappedSubjectKey]: ...

    def __len__(self) -> int: ...


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class MemorySubjectKeyStore:
    """A store for tests and one-off jobs; forgets everything when the process ends."""

    __slots__ = ("_by_id", "_by_subject")

    def __init__(self) -> None:
        self._by_id: dict[str, WrappedSubjectKey] = {}
        self._by_subject: dict[str, list[str]] = {}

    def by_subject(self, subject: str) -> Sequence[WrappedSubjectKey]:
        return tuple(self._by_id[k] for k in self._by_subject.get(subject, ()))

    def by_key_id(self, key_id: str) -> WrappedSubjectKey | None:
        return self._by_id.get(key_id)

    def add(self, keys: Iterable[WrappedSubjectKey]) -> None:
        for key in keys:
            if key.key_id in self._by_id:
                raise ShredError(f"subject key id {key.key_id} already exists")
            self._by_id[key.key_id] = key
            self._by_subject.setdefault(key.subject, []).append(key.key_id)

    def replace(self, key: WrappedSubjectKey) -> None:
        if key.key_id not in self._by_id:
            raise ShredError(f"subject key id {key.key_id} does not exist")
        self._by_id[key.key_id] = key

    def delete_subject(self, subject: str) -> Sequence[str]:
        ids = self._by_subject.pop(subject, [])
        for key_id in ids:
            del self._by_id[key_id]
        return tuple(ids)

    def __iter__(self) -> Iterator[WrappedSubjectKey]:
        return iter(tuple(self._by_id.values()))

    def __len__(self) -> int:
        return len(self._by_id)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS subject_keys (
    key_id    TEXT PRIMARY KEY,
    subject   TEXT NOT NULL,
    master_id TEXT NOT NULL,
    wrapped   BLOB NOT NULL,
    created   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subject_keys_subject ON subject_keys (subject);
"""


class SqliteSubjectKeyStore:
    """Wrapped subject keys in one SQLite file (mode 0600, ``secure_delete`` on)."""

    __slots__ = ("_db", "path")

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        try:
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ShredError(f"subject key store {self.path} cannot be opened: {exc}") from None
        if fresh:
            os.chmod(self.path, 0o600)

    def _row(self, row: tuple[str, str, str, bytes, str] | None) -> WrappedSubjectKey | None:
        return None if row is None else WrappedSubjectKey(*row)

    def by_subject(self, subject: str) -> Sequence[WrappedSubjectKey]:
        rows = self._db.execute(
            "SELECT key_id, subject, master_id, wrapped, created FROM subject_keys "
            "WHERE subject = ? ORDER BY created, key_id",
            (subject,),
        ).fetchall()
        return tuple(WrappedSubjectKey(*r) for r in rows)

    def by_key_id(self, key_id: str) -> WrappedSubjectKey | None:
        row = self._db.execute(
            "SELECT key_id, subject, master_id, wrapped, created FROM subject_keys "
            "WHERE key_id = ?",
            (key_id,),
        ).fetchone()
        return self._row(row)

    def add(self, keys: Iterable[WrappedSubjectKey]) -> None:
        try:
            with self._db:
                self._db.executemany(
                    "INSERT INTO subject_keys VALUES (?, ?, ?, ?, ?)",
                    ((k.key_id, k.subject, k.master_id, k.wrapped, k.created) for k in keys),
                )
        except sqlite3.IntegrityError:
            raise ShredError("a subject key id already exists") from None

    def replace(self, key: WrappedSubjectKey) -> None:
        with self._db:
            cur = self._db.execute(
                "UPDATE subject_keys SET master_id = ?, wrapped = ? WHERE key_id = ?",
                (key.master_id, key.wrapped, key.key_id),
            )
        if cur.rowcount != 1:
            raise ShredError(f"subject key id {key.key_id} does not exist")

    def delete_subject(self, subject: str) -> Sequence[str]:
        with self._db:
            ids = [
                r[0]
                for r in self._db.execute(
                    "SELECT key_id FROM subject_keys WHERE subject = ?", (subject,)
                )
            ]
            self._db.execute("DELETE FROM subject_keys WHERE subject = ?", (subject,))
        return tuple(ids)

    def __iter__(self) -> Iterator[WrappedSubjectKey]:
        rows = self._db.execute(
            "SELECT key_id, subject, master_id, wrapped, created FROM subject_keys"
        ).fetchall()
        return iter([WrappedSubjectKey(*r) for r in rows])

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM subject_keys").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __repr__(self) -> str:
        return f"SqliteSubjectKeyStore(path={str(self.path)!r})"
