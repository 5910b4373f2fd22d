"""Alerts raised by the access detectors.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_watch_alert",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("at_us", sa.BigInteger, nullable=False, index=True),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("account", sa.String(256), nullable=False, index=True),
        sa.Column("message", sa.String(512), nullable=False),
        sa.Column("records", sa.BigInteger, nullable=False),
        sa.Column("subjects", sa.BigInteger, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("recorded_us", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_watch_alert")
