"""Service fixtures: a ledger on SQLite (tmpfs when available), the app, one key per role."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jikimi.ledger import HmacSigner, Ledger
from jikimi.ledger.apikeys import Role
from jikimi.ledger.db import open_engine, upgrade
from jikimi.server import create_app

SIGNER = HmacSigner(b"s" * 32)


@pytest.fixture(scope="session")
def server_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("server-template") / "ledger.db"
    engine = open_engine(str(path))
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def ledger(tmp_path: Path, server_template: Path) -> Iterator[Ledger]:
    shm = Path("/dev/shm")
    where = Path(tempfile.mkdtemp(prefix="jikimi-srv-", dir=shm)) if shm.is_dir() else tmp_path
    shutil.copy(server_template, where / "ledger.db")
    led = Ledger.open(str(where / "ledger.db"), signer=SIGNER, migrate=False)
    yield led
    led.close()
    if where != tmp_path:
        shutil.rmtree(where, ignore_errors=True)


@pytest.fixture
def tokens(ledger: Ledger) -> dict[Role, str]:
    return {role: ledger.keys.create(role, f"test {role}").token for role in Role}


@pytest.fixture
def client(ledger: Ledger) -> Iterator[TestClient]:
    with TestClient(create_app(ledger, max_body=64 * 1024)) as c:
        yield c
