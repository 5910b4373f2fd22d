"""The operator contract: a Polars expression in, a Polars expression out.

Every operator works on a whole column at once (a table column, or the values of all
findings of one kind in a text), because per-value Python calls cannot reach millions of
values per second. Reversibility is part of the type: only :class:`ReversibleOperator`
has ``reveal_expr``, so code that reveals cannot be handed a mask by mistake.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import polars as pl

VALUE = "__jikimi_value"


@dataclass(frozen=True, slots=True)
class FieldContext:
    """What an operator protects: the entity (if known) and the table column (if any).

    ``domain`` separates keyed outputs: the same phone number tokenised as ``PHONE`` in a
    text and in a column declared ``entity: PHONE`` gives the same token, so joins work.
    """

    entity: str | None = None
    column: str | None = None
    subject_column: str | None = None

    @property
    def domain(self) -> str:
        if self.entity:
            return self.entity
        return f"column:{self.column or ''}"

    @property
    def label(self) -> str:
        return self.entity or self.column or "value"


class Operator(ABC):
    """Base of all operators; subclasses set ``name`` and implement ``protect_expr``."""

    name: ClassVar[str]
    reversible: ClassVar[bool]
    keyed: ClassVar[bool] = False

    @abstractmethod
    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        """An expression that protects the string column ``col`` (nulls stay null)."""

    def needs_columns(self, ctx: FieldContext) -> tuple[str, ...]:
        """Other columns the expression reads (e.g. the subject for date shifting)."""
        return ()

    def protect(
        self,
        values: Sequence[str | None] | pl.Series,
        ctx: FieldContext | None = None,
    ) -> list[str | None]:
        """Protect a list of values (text findings, tests) through the same expression."""
        return _run(values, lambda c: self.protect_expr(c, ctx or FieldContext()))


class IrreversibleOperator(Operator):
    """An operator whose output cannot be turned back into the input, even with a key."""

    reversible: ClassVar[Literal[False]] = False


class ReversibleOperator(Operator):
    """An operator a key holder can undo; every undo must be recorded as a reversal event."""

    reversible: ClassVar[Literal[True]] = True
    keyed: ClassVar[bool] = True

    @abstractmethod
    def reveal_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        """An expression that returns the original values (raises ``DecryptionError``)."""

    @abstractmethod
    def key_ids_in(self, values: pl.Series) -> set[str]:
        """The key ids that protected ``values`` (for the reversal event)."""

    def reveal(
        self,
        values: Sequence[str | None] | pl.Series,
        ctx: FieldContext | None = None,
    ) -> list[str | None]:
        return _run(values, lambda c: self.reveal_expr(c, ctx or FieldContext()))


def _run(
    values: Sequence[str | None] | pl.Series, build: Callable[[pl.Expr], pl.Expr]
) -> list[str | None]:
    s = values if isinstance(values, pl.Series) else pl.Series(VALUE, list(values), pl.String)
    df = pl.DataFrame({VALUE: s.cast(pl.String)})
    return df.select(build(pl.col(VALUE))).to_series().to_list()


def map_unique(col: pl.Expr, fn: Callable[[str], str]) -> pl.Expr:
    """Apply a Python function once per distinct value of each batch, then join back.

    Keyed operators (HMAC, FPE, AES) have no Polars kernel; real columns repeat values,
    so computing each distinct value once is often most of the speed-up.
    """

    def batch(s: pl.Series) -> pl.Series:
        if mostly_distinct(s):  # a direct loop is cheaper than hashing every value
            return pl.Series(s.name, [None if v is None else fn(v) for v in s.to_list()], pl.String)
        uniq = s.drop_nulls().unique()
        mapping = pl.Series([fn(v) for v in uniq.to_list()], dtype=pl.String)
        return s.replace_strict(uniq, mapping, default=None, return_dtype=pl.String)

    return col.map_batches(batch, return_dtype=pl.String, is_elementwise=True)


def mostly_distinct(s: pl.Series, sample: int = 4096) -> bool:
    """Whether a batch looks mostly distinct, judged on a sample (cheaper than ``unique``)."""
    head = s.head(sample)
    return head.n_unique() * 2 > head.len()
