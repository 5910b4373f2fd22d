"""Consent: decision history, current state, prompts, profiling objections.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_consent_event",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("subject_id", sa.String(128), nullable=False),
        sa.Column("purpose", sa.String(128), nullable=False),
        sa.Column("category", sa.String(128), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("wording_version", sa.String(64), nullable=False),
        sa.Column("separate", sa.Boolean, nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
        sa.Column("recorded_us", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_consent_event_subject", "ledger_consent_event", ["subject_id", "at_us"])
    op.create_table(
        "ledger_consent_state",
        sa.Column("subject_id", sa.String(128), primary_key=True),
        sa.Column("purpose", sa.String(128), primary_key=True),
        sa.Column("category", sa.String(128), primary_key=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("wording_version", sa.String(64), nullable=False),
        sa.Column("separate", sa.Boolean, nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
        sa.Column("event_id", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "ledger_consent_prompt",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("subject_id", sa.String(128), nullable=False),
        sa.Column("purpose", sa.String(128), nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_consent_prompt_subject", "ledger_consent_prompt", ["subject_id", "purpose", "at_us"]
    )
    op.create_table(
        "ledger_profiling_event",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("subject_id", sa.String(128), nullable=False),
        sa.Column("refused", sa.Boolean, nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_ledger_profiling_event_subject_id", "ledger_profiling_event", ["subject_id"]
    )


def downgrade() -> None:
    op.drop_table("ledger_profiling_event")
    op.drop_table("ledger_consent_prompt")
    op.drop_table("ledger_consent_state")
    op.drop_table("ledger_consent_event")
