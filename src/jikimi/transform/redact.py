"""Redact: drop the value entirely (optionally leaving a fixed marker)."""

from __future__ import annotations

from typing import Literal

import polars as pl

from jikimi.transform.base import FieldContext, IrreversibleOperator
from jikimi.transform.config import OperatorConfig


class RedactConfig(OperatorConfig):
    operator: Literal["redact"] = "redact"
    text: str = ""


class Redact(IrreversibleOperator):
    name = "redact"

    def __init__(self, config: RedactConfig | None = None) -> None:
        self.config = config or RedactConfig()

    def protect_expr(self, col: pl.Expr, ctx: FieldContext) -> pl.Expr:
        return pl.when(col.is_null()).then(None).otherwise(pl.lit(self.config.text))
