"""Keep: leave the value as it is, stated on purpose (e.g. a public business identifier)."""

from __future__ import annotations

from typing import Literal

import polars as pl

from jikimi.transform.base import FieldContext, IrreversibleOperator
from jikimi.transform.config import OperatorConfig


class KeepConfig(OperatorConfig):
    operator: Literal["keep"] = "keep"


class Keep(IrreversibleOperator):
    name = "keep"

    def __init__(self, config: KeepConfig | None = None) -> None:
        self.config = config or KeepConfig()

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        return col
