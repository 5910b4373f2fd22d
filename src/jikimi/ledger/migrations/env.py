"""Alembic environment for the ledger; run through jikimi.ledger.db.upgrade, not by hand."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from jikimi.ledger.models import Base

VERSION_TABLE = "jikimi_ledger_version"

config = context.config
connection = config.attributes.get("connection")
if connection is not None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:  # pragma: no cover - only when alembic is driven from its own CLI
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(
            connection=conn,
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
