"""Opening the ledger database and migrating it.

SQLite is the zero-setup default; PostgreSQL is for production. Migrations ship inside the
package and run programmatically, so ``jikimi serve`` on a fresh file just works. Writers that
must serialize (the hash chain) open their transaction with :func:`write_tx`, which is
``BEGIN IMMEDIATE`` on SQLite and a row lock on PostgreSQL (taken by the caller).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event

_IMMEDIATE = "jikimi_immediate"
_NO_BEGIN = "jikimi_no_begin"
# Execution options for a single-statement read: on SQLite no BEGIN/ROLLBACK round trip.
READ_ONLY = {_NO_BEGIN: True}
DEFAULT_URL = "sqlite:///jikimi-ledger.db"
_MIGRATIONS = str(Path(__file__).with_name("migrations"))
VERSION_TABLE = "jikimi_ledger_version"


def normalize_url(url: str) -> str:
    """Accept plain paths and ``postgresql://`` URLs; pick the psycopg 3 driver."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def open_engine(url: str = DEFAULT_URL, **kwargs: Any) -> Engine:
    """Create an engine tuned for the ledger (WAL, busy timeout and full sync on SQLite)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            raise ValueError("the ledger needs a SQLite file, not an in-memory database")
        engine = create_engine(url, connect_args={"timeout": 60}, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(_NO_BEGIN, False):
            return  # autocommit read: each statement sees its own consistent snapshot
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_IMMEDIATE) else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes SQLite's write lock up front, so read-then-write is safe.

    Other writers wait up to the busy timeout (60 s) instead of failing at once.
    """
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(**{_IMMEDIATE: True})
        with conn.begin():
            yield conn


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", _MIGRATIONS)
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema back to ``revision`` (default: empty)."""
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision in the database, or None when it was never migrated."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()


def now_us() -> int:
    """Microseconds since the epoch, UTC: the ledger's one representation of an instant."""
    return time.time_ns() // 1000
