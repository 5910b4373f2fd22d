"""Errors of the anonymity package, placed in jikimi's one error tree.

    JikimiError
    ├── UsageError
    │   ├── HierarchyError        a hierarchy is malformed or does not cover a value
    │   └── ConfigurationError    a quasi-identifier is missing, k exceeds the table, ...
    └── NoSolutionError           no generalization scheme satisfies the privacy models

Messages name columns, files, rows and counts; never the values themselves.
"""

from __future__ import annotations

from jikimi.errors import JikimiError, UsageError


class HierarchyError(UsageError):
    """A generalization hierarchy is malformed or does not cover the data."""


class ConfigurationError(UsageError):
    """The requested anonymization cannot be set up on this table."""


class NoSolutionError(JikimiError):
    """Even the most general scheme violates the privacy models within the suppression limit."""
