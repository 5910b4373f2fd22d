"""Encrypted, chunked, authenticated backups whose location is declared, checked against
residency rules before writing, and whose destruction is certified."""

from jikimi.backup.archive import ArchiveCopy, ArchiveKeyUser, Archives, RewrapResult, VerifyResult
from jikimi.backup.errors import (
    ArchiveCorrupt,
    ArchiveDestroyed,
    ArchiveNotFound,
    BackupError,
    ResidencyRefused,
)
from jikimi.backup.residency import ResidencyPolicy, ResidencyRule
from jikimi.backup.s3target import S3Target
from jikimi.backup.targets import LocalTarget, MemoryTarget, Target, country_of

__all__ = [
    "ArchiveCopy",
    "ArchiveCorrupt",
    "ArchiveDestroyed",
    "ArchiveKeyUser",
    "ArchiveNotFound",
    "Archives",
    "BackupError",
    "LocalTarget",
    "MemoryTarget",
    "ResidencyPolicy",
    "ResidencyRefused",
    "ResidencyRule",
    "RewrapResult",
    "S3Target",
    "Target",
    "VerifyResult",
    "country_of",
]
