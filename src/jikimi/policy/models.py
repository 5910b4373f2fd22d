"""A validated policy: which operator protects which entity and which column.

Built by :mod:`jikimi.policy.loader` from YAML (or from a dict); frozen once built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from jikimi.transform.base import FieldContext
from jikimi.transform.config import OperatorConfig
from jikimi.types import EntityId

# Column names that hold passwords: those may only be hashed (or dropped), never encrypted.
PASSWORD_COLUMN = re.compile(r"(?i)(password|passwd|passcode|pwd|비밀번호|패스워드|密码|口令)")
PASSWORD_OPERATORS = frozenset({"password_hash", "redact"})


@dataclass(frozen=True, slots=True)
class ColumnRule:
    """How one table column is protected.

    ``scan`` columns hold free text: each cell is scanned and its findings are protected
    by the entity rules. Otherwise ``config`` is the operator (given inline or taken from
    the rule of the column's ``entity``).
    """

    column: str
    config: OperatorConfig | None
    entity: EntityId | None = None
    scan: bool = False

    @property
    def context(self) -> FieldContext:
        return FieldContext(entity=self.entity.value if self.entity else None, column=self.column)


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    entities: Mapping[EntityId, OperatorConfig]
    columns: Mapping[str, ColumnRule] = field(default_factory=dict)
    default: OperatorConfig | None = None
    profile: str | None = None
    min_score: float = 0.5
    languages: tuple[str, ...] | None = None
    source: str = "<policy>"
    vault: str | None = None  # token vault file: makes token rules revealable with the key

    def rule_for_entity(self, entity: str | EntityId) -> OperatorConfig | None:
        """The entity's rule, else the default rule, else None (leave it as it is)."""
        try:
            eid = EntityId(entity)
        except ValueError:
            return self.default
        return self.entities.get(eid, self.default)

    def rule_for_column(self, column: str) -> ColumnRule | None:
        return self.columns.get(column)
