"""Wrapped subject keys in any SQL database SQLAlchemy reaches (PostgreSQL in production).

The table ``jikimi_subject_keys`` is created on first use. It sits beside the ledger so
that erasure requests, consent and keys can share one database and one backup policy;
note that database backups then hold wrapped keys too (see docs/security.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from jikimi.shred.errors import ShredError
from jikimi.shred.store import WrappedSubjectKey

_META = MetaData()
SUBJECT_KEYS = Table(
    "jikimi_subject_keys",
    _META,
    Column("key_id", String(16), primary_key=True),
    Column("subject", String(512), nullable=False, index=True),
    Column("master_id", String(16), nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
    Column("created", String(40), nullable=False),
)
_COLS = (
    SUBJECT_KEYS.c.key_id,
    SUBJECT_KEYS.c.subject,
    SUBJECT_KEYS.c.master_id,
    SUBJECT_KEYS.c.wrapped,
    SUBJECT_KEYS.c.created,
)


def _row(r: Sequence[Any]) -> WrappedSubjectKey:
    return WrappedSubjectKey(str(r[0]), str(r[1]), str(r[2]), bytes(r[3]), str(r[4]))


class SqlSubjectKeyStore:
    """A :class:`~jikimi.shred.store.SubjectKeyStore` over a SQLAlchemy engine."""

    __slots__ = ("_engine",)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        _META.create_all(engine, tables=[SUBJECT_KEYS])

    def by_subject(self, subject: str) -> Sequence[WrappedSubjectKey]:
        q = (
            select(*_COLS)
            .where(SUBJECT_KEYS.c.subject == subject)
            .order_by(SUBJECT_KEYS.c.created, SUBJECT_KEYS.c.key_id)
        )
        with self._engine.connect() as conn:
            return tuple(_row(r) for r in conn.execute(q))

    def by_key_id(self, key_id: str) -> WrappedSubjectKey | None:
        q = select(*_COLS).where(SUBJECT_KEYS.c.key_id == key_id)
        with self._engine.connect() as conn:
            r = conn.execute(q).first()
        return None if r is None else _row(r)

    def add(self, keys: Iterable[WrappedSubjectKey]) -> None:
        rows = [
            {
                "key_id": k.key_id,
                "subject": k.subject,
                "master_id": k.master_id,
                "wrapped": k.wrapped,
                "created": k.created,
            }
            for k in keys
        ]
        if not rows:
            return
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(SUBJECT_KEYS), rows)
        except IntegrityError:
            raise ShredError("a subject key id already exists") from None

    def replace(self, key: WrappedSubjectKey) -> None:
        q = (
            update(SUBJECT_KEYS)
            .where(SUBJECT_KEYS.c.key_id == key.key_id)
            .values(master_id=key.master_id, wrapped=key.wrapped)
        )
        with self._engine.begin() as conn:
            if conn.execute(q).rowcount != 1:
                raise ShredError(f"subject key id {key.key_id} does not exist")

    def delete_subject(self, subject: str) -> Sequence[str]:
        with self._engine.begin() as conn:
            ids = [
                str(r[0])
                for r in conn.execute(
                    select(SUBJECT_KEYS.c.key_id).where(SUBJECT_KEYS.c.subject == subject)
                )
            ]
            conn.execute(delete(SUBJECT_KEYS).where(SUBJECT_KEYS.c.subject == subject))
        return tuple(ids)

    def __iter__(self) -> Iterator[WrappedSubjectKey]:
        with self._engine.connect() as conn:
            return iter([_row(r) for r in conn.execute(select(*_COLS))])

    def __len__(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(SUBJECT_KEYS)).scalar_one())

    def __repr__(self) -> str:
        return f"SqlSubjectKeyStore(dialect={self._engine.dialect.name!r})"
