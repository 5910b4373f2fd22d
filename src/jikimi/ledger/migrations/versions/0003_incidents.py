"""Breach incidents and their notification steps.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_incident",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("aware_us", sa.BigInteger, nullable=False),
        sa.Column("occurred_us", sa.BigInteger, nullable=True),
        sa.Column("found_how", sa.Text, nullable=False),
        sa.Column("cause", sa.String(32), nullable=False),
        sa.Column("subject_count", sa.BigInteger, nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("countries", sa.Text, nullable=False),
        sa.Column("mitigated", sa.Boolean, nullable=False),
        sa.Column("high_risk", sa.Boolean, nullable=False),
        sa.Column("controller", sa.String(256), nullable=False),
        sa.Column("contact", sa.String(256), nullable=False),
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("advice", sa.Text, nullable=False),
        sa.Column("authority_tz", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.String(128), nullable=False),
        sa.Column("created_us", sa.BigInteger, nullable=False),
        sa.Column("closed_us", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "ledger_incident_step",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("incident_id", _ID, sa.ForeignKey("ledger_incident.id"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("law", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(32), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False),
        sa.Column("due_us", sa.BigInteger, nullable=True),
        sa.Column("timing", sa.String(32), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("done_us", sa.BigInteger, nullable=True),
        sa.Column("done_by", sa.String(128), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_ledger_incident_step_incident_id", "ledger_incident_step", ["incident_id"])


def downgrade() -> None:
    op.drop_table("ledger_incident_step")
    op.drop_table("ledger_incident")
