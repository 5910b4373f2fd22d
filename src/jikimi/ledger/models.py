"""SQLAlchemy tables of the ledger.

Instants are stored as integer microseconds since the Unix epoch (UTC) so that SQLite and
PostgreSQL hold the same bits, the hash chain has one canonical form, and no column ever
carries a local time. Lists are stored as canonical JSON text.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every ledger table."""


ACCESS_CHAIN = "access"


class ChainHead(Base):
    """The tip of a hash chain; writers lock this row so appends serialize."""

    __tablename__ = "ledger_chain_head"
    chain: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    base_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # entries <= base were purged
    base_hash: Mapped[str] = mapped_column(String(64))


class AccessEntry(Base):
    """One access event: who did what to whose data, when, why, to which fields."""

    __tablename__ = "ledger_access_log"
    # INTEGER on SQLite makes seq the rowid: verification streams the table in rowid order.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    ts_us: Mapped[int] = mapped_column(BigInteger, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))
    resource: Mapped[str] = mapped_column(String(256))
    purpose: Mapped[str] = mapped_column(String(128))
    subject_count: Mapped[int] = mapped_column(Integer)
    subject_refs: Mapped[str] = mapped_column(Text)
    fields: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Checkpoint(Base):
    """A signed statement 'the chain had this hash at this sequence number'."""

    __tablename__ = "ledger_checkpoint"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    ts_us: Mapped[int] = mapped_column(BigInteger)
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(Text)


class ConsentEvent(Base):
    """Every consent decision ever recorded; the full history, never updated."""

    __tablename__ = "ledger_consent_event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(128))
    decision: Mapped[str] = mapped_column(String(16))
    wording_version: Mapped[str] = mapped_column(String(64))
    separate: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(64))
    at_us: Mapped[int] = mapped_column(BigInteger)
    recorded_us: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_consent_event_subject", "subject_id", "at_us"),)


class ConsentState(Base):
    """The latest decision per subject x purpose x category: one primary-key read per check."""

    __tablename__ = "ledger_consent_state"
    subject_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(128), primary_key=True)
    category: Mapped[str] = mapped_column(String(128), primary_key=True)
    decision: Mapped[str] = mapped_column(String(16))
    wording_version: Mapped[str] = mapped_column(String(64))
    separate: Mapped[bool] = mapped_column(Boolean)
    at_us: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[int] = mapped_column(BigInteger)


class ConsentPrompt(Base):
    """Each time a subject was asked for consent; feeds the do-not-ask-too-often guard."""

    __tablename__ = "ledger_consent_prompt"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(128))
    at_us: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_consent_prompt_subject", "subject_id", "purpose", "at_us"),)


class ProfilingEvent(Base):
    """Objections to profiling (and their withdrawal), kept apart from purpose consent."""

    __tablename__ = "ledger_profiling_event"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(128), index=True)
    refused: Mapped[bool] = mapped_column(Boolean)
    at_us: Mapped[int] = mapped_column(BigInteger)


class Incident(Base):
    """A personal-data breach and the facts that decide who must be told."""

    __tablename__ = "ledger_incident"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    title: Mapped[str] = mapped_column(String(256))
    aware_us: Mapped[int] = mapped_column(BigInteger)
    occurred_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    found_how: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(String(32))
    subject_count: Mapped[int] = mapped_column(BigInteger)
    categories: Mapped[str] = mapped_column(Text)
    countries: Mapped[str] = mapped_column(Text)
    mitigated: Mapped[bool] = mapped_column(Boolean)
    high_risk: Mapped[bool] = mapped_column(Boolean)
    controller: Mapped[str] = mapped_column(String(256))
    contact: Mapped[str] = mapped_column(String(256))
    measures: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(Text)
    authority_tz: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    opened_by: Mapped[str] = mapped_column(String(128))
    created_us: Mapped[int] = mapped_column(BigInteger)
    closed_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class IncidentStep(Base):
    """One obligation of an incident (notify X by T) and whether it was done."""

    __tablename__ = "ledger_incident_step"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("ledger_incident.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    law: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(32))
    required: Mapped[bool] = mapped_column(Boolean)
    due_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    timing: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(Text)
    done_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    done_by: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text)


class StorageLocation(Base):
    """Where a dataset with personal data is stored."""

    __tablename__ = "ledger_location"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(256), index=True)
    system: Mapped[str] = mapped_column(String(256))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str] = mapped_column(String(64))
    categories: Mapped[str] = mapped_column(Text)
    subject_count: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(32))
    recorded_us: Mapped[int] = mapped_column(BigInteger)


class Transfer(Base):
    """A transfer of personal data to a recipient, with the PIPA 28-8 / PIPL 39 items."""

    __tablename__ = "ledger_transfer"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(256), index=True)
    recipient: Mapped[str] = mapped_column(String(256))
    recipient_contact: Mapped[str] = mapped_column(String(256))
    country: Mapped[str] = mapped_column(String(2), index=True)
    items: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(256))
    legal_basis: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(128))
    retention: Mapped[str] = mapped_column(String(128))
    transferred_us: Mapped[int] = mapped_column(BigInteger)
    subjects_told_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    subject_count: Mapped[int] = mapped_column(BigInteger)
    sensitive: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(32))
    recorded_us: Mapped[int] = mapped_column(BigInteger)


class ApiKey(Base):
    """A service API key: only a hash of its secret is stored."""

    __tablename__ = "ledger_api_key"
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_us: Mapped[int] = mapped_column(BigInteger)
    revoked_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class WatchAlert(Base):
    """An alert raised by the access detectors (``jikimi watch``), kept for the review.

    ``evidence`` is canonical JSON of numbers and names only; alerts never hold subject data.
    """

    __tablename__ = "ledger_watch_alert"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at_us: Mapped[int] = mapped_column(BigInteger, index=True)
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(256), index=True)
    message: Mapped[str] = mapped_column(String(512))
    records: Mapped[int] = mapped_column(BigInteger)
    subjects: Mapped[int] = mapped_column(BigInteger)
    evidence: Mapped[str] = mapped_column(Text)
    recorded_us: Mapped[int] = mapped_column(BigInteger)
