"""Errors of crypto-shredding; none carries key material, plaintext or ciphertext bytes."""

from __future__ import annotations

from jikimi.errors import JikimiError, UsageError


class ShredError(JikimiError):
    """A subject key or a destruction certificate could not be used as asked."""


class DecryptionFailed(ShredError):
    """A ciphertext could not be opened: tampered, wrong context, or not a jikimi envelope.

    One opaque error for every authentication failure, so callers cannot be used as an
    oracle that tells which byte was wrong.
    """


class KeyDestroyed(DecryptionFailed):
    """The subject key named by a ciphertext is gone (erased, or from another store)."""


class UnknownSubject(UsageError):
    """No key exists for the subject; nothing to erase."""


class CertificateInvalid(ShredError):
    """A destruction certificate's hash or signature does not match its body."""


class SampleMismatch(UsageError):
    """A proof sample is not a ciphertext of the subject being erased."""
