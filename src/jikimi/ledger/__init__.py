"""The privacy ledger: access log, consent, breach incidents, transfers - the system of record.

A library first; :mod:`jikimi.server` and ``jikimi serve`` / ``jikimi audit`` are thin layers
over :class:`Ledger`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from jikimi.ledger.accesslog import (
    AccessEvent,
    AccessLog,
    Action,
    LoggedEntry,
    Problem,
    VerifyReport,
)
from jikimi.ledger.alerts import AlertStore, StoredAlert
from jikimi.ledger.apikeys import KeyInfo, KeyStore, NewKey, Role
from jikimi.ledger.consent import (
    ConsentAnswer,
    ConsentRecord,
    ConsentStore,
    Decision,
    PromptPolicy,
)
from jikimi.ledger.db import DEFAULT_URL, current_revision, downgrade, open_engine, upgrade
from jikimi.ledger.errors import (
    ConsentError,
    IncidentConflict,
    IncidentError,
    KeyConfigError,
    LedgerError,
    NotFound,
    PromptTooSoon,
)
from jikimi.ledger.incidents import IncidentRecord, IncidentStore
from jikimi.ledger.obligations import Cause, IncidentFacts, Law, Obligation, obligations
from jikimi.ledger.retention import RetentionRule
from jikimi.ledger.signing import Ed25519Signer, HmacSigner, Signer, load_signer
from jikimi.ledger.transfers import Location, TransferRecord, TransferRegister


@dataclass(frozen=True, slots=True)
class Ledger:
    """All stores of one ledger database, sharing one engine."""

    engine: Engine
    access_log: AccessLog
    consent: ConsentStore
    incidents: IncidentStore
    transfers: TransferRegister
    keys: KeyStore
    alerts: AlertStore

    @classmethod
    def open(
        cls,
        url: str = DEFAULT_URL,
        signer: Signer | None = None,
        migrate: bool = True,
        checkpoint_every: int = 1000,
        prompt_policy: PromptPolicy | None = None,
    ) -> Ledger:
        """Open (and by default migrate) the ledger at ``url`` (a SQLite path or a DB URL)."""
        engine = open_engine(url)
        if migrate:
            upgrade(engine)
        return cls(
            engine=engine,
            access_log=AccessLog(engine, signer, checkpoint_every),
            consent=ConsentStore(engine, prompt_policy),
            incidents=IncidentStore(engine),
            transfers=TransferRegister(engine),
            keys=KeyStore(engine),
            alerts=AlertStore(engine),
        )

    def close(self) -> None:
        self.engine.dispose()


__all__ = [
    "DEFAULT_URL",
    "AccessEvent",
    "AccessLog",
    "Action",
    "AlertStore",
    "Cause",
    "ConsentAnswer",
    "ConsentError",
    "ConsentRecord",
    "ConsentStore",
    "Decision",
    "Ed25519Signer",
    "HmacSigner",
    "IncidentConflict",
    "IncidentError",
    "IncidentFacts",
    "IncidentRecord",
    "IncidentStore",
    "KeyConfigError",
    "KeyInfo",
    "KeyStore",
    "Law",
    "Ledger",
    "LedgerError",
    "Location",
    "LoggedEntry",
    "NewKey",
    "NotFound",
    "Obligation",
    "Problem",
    "PromptPolicy",
    "PromptTooSoon",
    "RetentionRule",
    "Role",
    "Signer",
    "StoredAlert",
    "TransferRecord",
    "TransferRegister",
    "VerifyReport",
    "current_revision",
    "downgrade",
    "load_signer",
    "obligations",
    "open_engine",
    "upgrade",
]
