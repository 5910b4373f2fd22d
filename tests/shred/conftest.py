"""Subject key stores to run the shredding tests against; PostgreSQL unless SQLite-only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from jikimi.shred import MemorySubjectKeyStore, SqliteSubjectKeyStore, SqlSubjectKeyStore
from jikimi.shred.store import SubjectKeyStore

SQLITE_ONLY = os.environ.get("JIKIMI_SQLITE_ONLY") == "1"
STORES = [
    "memory",
    "sqlite",
    "sqlalchemy-sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(SQLITE_ONLY, reason="JIKIMI_SQLITE_ONLY=1"),
        ],
    ),
]


@pytest.fixture(params=STORES)
def subject_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SubjectKeyStore]:
    kind = request.param
    if kind == "memory":
        yield MemorySubjectKeyStore()
    elif kind == "sqlite":
        yield SqliteSubjectKeyStore(tmp_path / "subjects.db")
    elif kind == "sqlalchemy-sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'subjects-sa.db'}")
        yield SqlSubjectKeyStore(engine)
        engine.dispose()
    else:
        from jikimi.ledger.testing import temporary_postgres

        with temporary_postgres(migrate=False) as url:
            engine = create_engine(url)
            yield SqlSubjectKeyStore(engine)
            engine.dispose()
