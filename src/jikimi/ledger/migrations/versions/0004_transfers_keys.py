"""Storage locations, cross-border transfers, and service API keys.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_location",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("dataset", sa.String(256), nullable=False, index=True),
        sa.Column("system", sa.String(256), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, index=True),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("subject_count", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("recorded_us", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "ledger_transfer",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("dataset", sa.String(256), nullable=False, index=True),
        sa.Column("recipient", sa.String(256), nullable=False),
        sa.Column("recipient_contact", sa.String(256), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, index=True),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("purpose", sa.String(256), nullable=False),
        sa.Column("legal_basis", sa.String(64), nullable=False),
        sa.Column("method", sa.String(128), nullable=False),
        sa.Column("retention", sa.String(128), nullable=False),
        sa.Column("transferred_us", sa.BigInteger, nullable=False),
        sa.Column("subjects_told_us", sa.BigInteger, nullable=True),
        sa.Column("subject_count", sa.BigInteger, nullable=False),
        sa.Column("sensitive", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("recorded_us", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "ledger_api_key",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_us", sa.BigInteger, nullable=False),
        sa.Column("revoked_us", sa.BigInteger, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("ledger_api_key")
    op.drop_table("ledger_transfer")
    op.drop_table("ledger_location")
