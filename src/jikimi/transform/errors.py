"""Errors raised by operators; messages name fields and operators, never values or keys."""

from __future__ import annotations

from jikimi.errors import JikimiError, UsageError


class DecryptionError(JikimiError):
    """One opaque error for every failed reversal: wrong key, unknown key id, tampering.

    The reason is deliberately not given (distinguishing them helps an attacker)."""

    MESSAGE = "value could not be revealed: wrong key, tampered data, or not made by jikimi"

    def __init__(self, *_: object) -> None:
        super().__init__(self.MESSAGE)


def _first_part(message: object) -> str:
    # Polars re-raises errors from column functions with the expression appended.
    return str(message).split("\n\nThis error occurred", 1)[0]


class FpeDomainError(UsageError):
    """A value has too few (or too many) characters for format-preserving encryption."""

    def __init__(self, message: object = "", *_: object) -> None:
        super().__init__(_first_part(message))


class OperatorConfigError(UsageError):
    """An operator was configured with parameters that cannot work together."""
