"""Errors raised by the ledger; all are JikimiErrors so the CLI and server map them once.

    JikimiError
    └── LedgerError              anything the ledger refuses to do
        ├── NotFound             an incident, key or record id that does not exist
        ├── ConsentError         a consent decision that breaks a rule (e.g. no separate consent)
        │   └── PromptTooSoon    asking the same subject again inside the cool-down
        ├── IncidentError        incident facts that make no sense (naive time, unknown zone)
        │   └── IncidentConflict a step or closing not allowed in the incident's state
        └── KeyConfigError       a checkpoint key that cannot be loaded

Messages name ids, categories and rules, never personal data values or key material.
"""

from jikimi.errors import JikimiError


class LedgerError(JikimiError):
    """The ledger refused an operation."""


class NotFound(LedgerError):
    """The record asked for does not exist."""


class ConsentError(LedgerError):
    """A consent decision breaks a rule of the consent model."""


class PromptTooSoon(ConsentError):
    """The subject was asked, or said no, too recently to be asked again."""


class IncidentError(LedgerError):
    """Breach-incident facts or requests that cannot be accepted."""


class IncidentConflict(IncidentError):
    """The incident's current state does not allow this (closed, step done, steps open)."""


class KeyConfigError(LedgerError):
    """The checkpoint signing key is missing or malformed."""
