"""Crypto-shredding: one key per data subject, wrapped under the keyring's master key, so
that erasing the subject destroys one row and leaves every copy of the data unreadable."""

from jikimi.shred.certificate import DestructionCertificate, public_key
from jikimi.shred.certificate import load as load_certificate
from jikimi.shred.certificate import verify as verify_certificate
from jikimi.shred.envelope import key_id_of
from jikimi.shred.errors import (
    CertificateInvalid,
    DecryptionFailed,
    KeyDestroyed,
    SampleMismatch,
    ShredError,
    UnknownSubject,
)
from jikimi.shred.shredder import Shredder, subject_digest
from jikimi.shred.sqlstore import SqlSubjectKeyStore
from jikimi.shred.store import (
    MemorySubjectKeyStore,
    SqliteSubjectKeyStore,
    SubjectKeyStore,
    WrappedSubjectKey,
)

__all__ = [
    "CertificateInvalid",
    "DecryptionFailed",
    "DestructionCertificate",
    "KeyDestroyed",
    "MemorySubjectKeyStore",
    "SampleMismatch",
    "ShredError",
    "Shredder",
    "SqlSubjectKeyStore",
    "SqliteSubjectKeyStore",
    "SubjectKeyStore",
    "UnknownSubject",
    "WrappedSubjectKey",
    "key_id_of",
    "load_certificate",
    "public_key",
    "subject_digest",
    "verify_certificate",
]
