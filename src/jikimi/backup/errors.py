"""Errors of encrypted backups; messages name archives, targets and rules, never contents."""

from __future__ import annotations

from jikimi.errors import JikimiError, UsageError


class BackupError(JikimiError):
    """A backup could not be written, read or destroyed."""


class ResidencyRefused(BackupError):
    """A residency rule forbids writing this archive to this target's country."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class ArchiveNotFound(UsageError):
    """No complete copy of the archive exists on the given targets."""


class ArchiveCorrupt(BackupError):
    """A manifest or chunk failed authentication (tampered, reordered, swapped, truncated)."""


class ArchiveDestroyed(BackupError):
    """The archive key is gone: every copy, wherever it is, is unreadable."""
