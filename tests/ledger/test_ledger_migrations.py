"""Migrations run programmatically up and down on both back ends."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from jikimi.ledger.db import current_revision, downgrade, normalize_url, upgrade
from jikimi.ledger.models import Base

TABLES = set(Base.metadata.tables)


def _tables(engine: Engine) -> set[str]:
    return {t for t in inspect(engine).get_table_names() if t.startswith("ledger_")}


def test_up_down_up(engine: Engine) -> None:
    assert current_revision(engine) == "0005"
    assert _tables(engine) == TABLES
    downgrade(engine, "0002")
    assert current_revision(engine) == "0002"
    assert "ledger_incident" not in _tables(engine)
    assert "ledger_consent_state" in _tables(engine)
    downgrade(engine)
    assert current_revision(engine) is None
    assert _tables(engine) == set()
    upgrade(engine)
    assert _tables(engine) == TABLES
    assert current_revision(engine) == "0005"


def test_schema_matches_models(engine: Engine) -> None:
    insp = inspect(engine)
    for name, table in Base.metadata.tables.items():
        stored = {c["name"] for c in insp.get_columns(name)}
        assert stored == set(table.columns.keys()), name


def test_normalize_url() -> None:
    assert normalize_url("ledger.db") == "sqlite:///ledger.db"
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
