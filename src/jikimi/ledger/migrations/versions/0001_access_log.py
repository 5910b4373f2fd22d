"""Access log: hash chain, chain head, signed checkpoints.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    head = op.create_table(
        "ledger_chain_head",
        sa.Column("chain", sa.String(32), primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("base_seq", sa.BigInteger, nullable=False),
        sa.Column("base_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(
        head,
        [
            {
                "chain": "access",
                "last_seq": 0,
                "last_hash": GENESIS,
                "base_seq": 0,
                "base_hash": GENESIS,
            }
        ],
    )
    op.create_table(
        "ledger_access_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("ts_us", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("resource", sa.String(256), nullable=False),
        sa.Column("purpose", sa.String(128), nullable=False),
        sa.Column("subject_count", sa.Integer, nullable=False),
        sa.Column("subject_refs", sa.Text, nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("location", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_ledger_access_log_ts_us", "ledger_access_log", ["ts_us"])
    op.create_table(
        "ledger_checkpoint",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("ts_us", sa.BigInteger, nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_checkpoint")
    op.drop_index("ix_ledger_access_log_ts_us", table_name="ledger_access_log")
    op.drop_table("ledger_access_log")
    op.drop_table("ledger_chain_head")
