"""Throw-away ledger databases for tests and benchmarks (SQLite files, PostgreSQL databases)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text

from jikimi.ledger.db import open_engine, upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "JIKIMI_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def temporary_postgres(admin_url: str = POSTGRES_ADMIN_URL, migrate: bool = True) -> Iterator[str]:
    """Create a uniquely named database, yield its URL, and drop it afterwards."""
    name = f"jikimi_test_{uuid.uuid4().hex[:12]}"
    admin: Engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.rsplit("/", 1)[0] + "/" + name
        if migrate:
            engine = open_engine(url)
            upgrade(engine)
            engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_available(admin_url: str = POSTGRES_ADMIN_URL) -> bool:
    """True when the test PostgreSQL server answers."""
    try:
        engine = create_engine(admin_url, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:
        return False
    return True


def reset_ledger(engine: Engine) -> None:
    """Empty every ledger table and reset the chain head, keeping the schema (fast test reuse)."""
    from jikimi.ledger.canonical import GENESIS
    from jikimi.ledger.models import ACCESS_CHAIN, Base

    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
        conn.execute(
            text(
                "INSERT INTO ledger_chain_head (chain, last_seq, last_hash, base_seq, base_hash) "
                "VALUES (:c, 0, :g, 0, :g)"
            ),
            {"c": ACCESS_CHAIN, "g": GENESIS},
        )
