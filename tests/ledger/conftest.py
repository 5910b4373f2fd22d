"""Ledger fixtures: a migrated database on SQLite and, unless JIKIMI_SQLITE_ONLY=1, PostgreSQL.

Migrations run once per session: SQLite tests get a copy of a migrated template file; the
PostgreSQL tests share one database created (and dropped) for this run and emptied per test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from jikimi.ledger.db import open_engine, upgrade
from jikimi.ledger.testing import reset_ledger, temporary_postgres

SQLITE_ONLY = os.environ.get("JIKIMI_SQLITE_ONLY") == "1"
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(SQLITE_ONLY, reason="JIKIMI_SQLITE_ONLY=1"),
        ],
    ),
]


def _fast_dir(tmp_path: Path) -> Path:
    """A per-test directory on tmpfs when there is one: SQLite's fsyncs cost nothing there."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        return tmp_path
    return Path(tempfile.mkdtemp(prefix="jikimi-test-", dir=shm))


@pytest.fixture
def fast_dir(tmp_path: Path) -> Iterator[Path]:
    path = _fast_dir(tmp_path)
    yield path
    if path != tmp_path:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    engine = open_engine(str(path))
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, fast_dir: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        target = fast_dir / "ledger.db"
        shutil.copy(sqlite_template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    engine = open_engine(url)
    upgrade(engine)  # a no-op unless a test left the schema downgraded
    reset_ledger(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = open_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(fast_dir: Path, sqlite_template: Path) -> Iterator[Engine]:
    shutil.copy(sqlite_template, fast_dir / "ledger.db")
    eng = open_engine(str(fast_dir / "ledger.db"))
    yield eng
    eng.dispose()
