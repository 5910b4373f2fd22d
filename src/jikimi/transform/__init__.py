"""Operators that protect values in place: one module per operator, one table of names.

Irreversible: redact, replace, mask, generalize, hash, password_hash, date_shift (keyed).
Reversible with the key: fpe, encrypt. Token (keyed) is one-way, and becomes reversible
with the key only when a :class:`TokenVault` records its values. Reversals are reported
as :class:`ReversalEvent` objects to a :class:`ReversalSink`.
"""

from jikimi.transform.base import FieldContext, IrreversibleOperator, Operator, ReversibleOperator
from jikimi.transform.errors import DecryptionError, FpeDomainError, OperatorConfigError
from jikimi.transform.events import ListSink, ReversalEvent, ReversalSink
from jikimi.transform.registry import OPERATORS, OperatorSpec, build_operator, register
from jikimi.transform.token import TokenRevealError
from jikimi.transform.vault import SqliteTokenVault, TokenVault, VaultError

__all__ = [
    "OPERATORS",
    "DecryptionError",
    "FieldContext",
    "FpeDomainError",
    "IrreversibleOperator",
    "ListSink",
    "Operator",
    "OperatorConfigError",
    "OperatorSpec",
    "ReversalEvent",
    "ReversalSink",
    "ReversibleOperator",
    "SqliteTokenVault",
    "TokenRevealError",
    "TokenVault",
    "VaultError",
    "build_operator",
    "register",
]
